"""Facts about the synthetic data sets."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from actnet import data


@pytest.mark.parametrize("name", data.CLASSIFICATION_SETS)
def test_classification_sets_are_balanced_2d_and_deterministic(name):
    X, y = data.classification(name, n=101, seed=3)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0, 1}
    assert abs(int(np.sum(y == 0)) - int(np.sum(y == 1))) <= 1
    X2, y2 = data.classification(name, n=101, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, data.classification(name, n=101, seed=4)[0])
    assert np.all(np.isfinite(X))


def test_rings_lie_on_their_radii():
    X, y = data.rings(1000, noise=0.0, seed=0, radii=(0.5, 1.0))
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 0, 0.5, 1.0))


def test_xor_label_is_one_where_the_coordinates_have_different_signs():
    X, y = data.xor(400, noise=0.0, seed=0)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    assert len({tuple(row) for row in X}) == 4


def test_blobs_are_linearly_separable():
    X, y = data.blobs(400, noise=0.2, seed=0)
    assert np.array_equal(y, (X[:, 0] + X[:, 1] > 0).astype(int))


def test_moons_without_noise_lie_on_two_half_circles():
    X, y = data.moons(200, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)


def test_spirals_accept_more_classes():
    X, y = data.spirals(300, n_classes=3, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("abs", np.abs),
        ("sin", lambda x: np.sin(np.pi * x)),
        ("step", lambda x: (x > 0).astype(float)),
    ],
)
def test_regression_targets_without_noise(target, expected):
    x, y = data.regression(target, n=50, seed=0)
    assert x.shape == (50, 1) and y.shape == (50, 1)
    assert np.all(np.abs(x) <= 1.0) and np.all(np.diff(x[:, 0]) >= 0)
    np.testing.assert_allclose(y, expected(x))


def test_regression_noise_is_seeded():
    a = data.regression("sin", n=30, noise=0.1, seed=5)[1]
    assert np.array_equal(a, data.regression("sin", n=30, noise=0.1, seed=5)[1])
    assert 0.05 < np.std(a - np.sin(np.pi * data.regression("sin", n=30, seed=5)[0])) < 0.2


def test_bad_data_arguments_are_errors():
    with pytest.raises(ValueError, match="valid names: rings, xor, moons, spirals, blobs"):
        data.classification("circles")
    with pytest.raises(ValueError, match="valid names: abs, sin, step"):
        data.regression("cos")
    with pytest.raises(ValueError, match="n must be >= 2"):
        data.rings(1)
    with pytest.raises(ValueError, match="noise"):
        data.xor(10, noise=-0.1)


@pytest.mark.parametrize("maker", [data.rings, data.xor, data.moons, data.spirals, data.blobs])
@pytest.mark.parametrize(
    "seed, error, match",
    [
        (-1, ValueError, "seed must be an integer >= 0, got -1"),
        (1.5, TypeError, "seed must be an integer >= 0 or a numpy.random.Generator, got 1.5"),
        ("abc", TypeError, "seed must be an integer >= 0 or a numpy.random.Generator, got 'abc'"),
        (True, TypeError, "seed must be an integer >= 0 or a numpy.random.Generator, got True"),
    ],
)
def test_a_bad_seed_is_an_error_naming_seed(maker, seed, error, match):
    with pytest.raises(error, match=match):
        maker(10, seed=seed)


@given(seed=st.integers(max_value=-1) | st.floats(allow_nan=True) | st.text(max_size=3))
def test_no_seed_but_a_non_negative_integer_or_a_generator_is_accepted(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        data.regression("sin", n=5, seed=seed)


def test_a_generator_or_numpy_integer_seed_is_accepted():
    a = data.xor(10, seed=np.int64(3))[0]
    assert np.array_equal(a, data.xor(10, seed=3)[0])
    assert data.xor(10, seed=np.random.default_rng(3))[0].shape == (10, 2)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: data.rings(10, radii=(0.5,)), TypeError, "radii must be a pair of numbers"),
        (lambda: data.rings(10, radii="ab"), TypeError, "radii must be a pair of numbers"),
        (lambda: data.rings(10, radii=(0.5, -1.0)), ValueError, "radii must be >= 0"),
        (lambda: data.rings(10, radii=(0.5, np.nan)), ValueError, "radii must be finite"),
        (lambda: data.spirals(10, turns="two"), TypeError, "turns must be a number"),
        (lambda: data.blobs(10, separation=np.inf), ValueError, "separation must be finite"),
    ],
)
def test_bad_shapes_of_the_sets_are_errors_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
