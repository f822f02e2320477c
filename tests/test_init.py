"""Initialisers have the distributions their papers define, for a given seed."""

import math

import numpy as np
import pytest
from scipy import stats

from actnet import init
from actnet.nn import MLP


def test_he_weights_are_normal_with_variance_two_over_fan_in():
    fan_in = 50
    w = init.he(fan_in, 4000, rng=0).ravel()  # 200 000 draws
    std = math.sqrt(2.0 / fan_in)
    assert abs(w.mean()) < 4 * std / math.sqrt(w.size)
    assert w.var() == pytest.approx(2.0 / fan_in, rel=0.015)
    assert stats.kurtosis(w, fisher=False) == pytest.approx(3.0, abs=0.05)
    assert stats.kstest(w, stats.norm(scale=std).cdf).pvalue > 0.01


def test_rai_draws_the_beta_coordinate_and_the_normal_ones_as_lu_et_al_2019():
    # Per unit, V = (w_1..w_n, b): n + 1 coordinates, one chosen uniformly is
    # Beta(2, 1), the others N(0, sigma^2) with sigma = 0.6007 / sqrt(n).
    fan_in, fan_out = 4, 50_000
    W, b = init.rai(fan_in, fan_out, rng=1)
    V = np.vstack([W, b[None, :]])  # (n + 1, units)
    sigma = 0.6007 / math.sqrt(fan_in)
    p_beta = 1 / (fan_in + 1)
    # every coordinate (weights and bias alike) has the same mixture law
    for coordinate in V:
        assert coordinate.mean() == pytest.approx(p_beta * 2 / 3, abs=0.006)
        second_moment = (1 - p_beta) * sigma**2 + p_beta * 0.5
        assert np.mean(coordinate**2) == pytest.approx(second_moment, rel=0.02)
        assert np.mean(coordinate < 0) == pytest.approx((1 - p_beta) / 2, abs=0.007)

    def mixture_cdf(t):
        beta_cdf = np.clip(t, 0, 1) ** 2
        return (1 - p_beta) * stats.norm(scale=sigma).cdf(t) + p_beta * beta_cdf

    assert stats.kstest(b, mixture_cdf).pvalue > 0.01
    assert stats.kstest(W[0], mixture_cdf).pvalue > 0.01


def test_rai_gives_every_unit_a_coordinate_in_the_support_of_beta():
    # the Beta(2, 1) draw is in (0, 1]; a unit whose coordinates are all negative is impossible
    W, b = init.rai(3, 20_000, rng=2)
    V = np.vstack([W, b[None, :]])
    assert np.all(np.any((V > 0) & (V <= 1), axis=0))
    # a symmetric law would leave 1/16 of the units with no positive coordinate at all;
    # here all three weights are negative only if the Beta draw went to the bias: (1/4)(1/8)
    assert np.mean(np.all(V[:3] < 0, axis=0)) == pytest.approx(1 / 32, abs=0.005)


def test_rai_is_what_a_network_with_init_rai_gets_including_biases():
    net = MLP([3, 5, 1], init="rai", bias_init=7.0, seed=np.random.default_rng(9))
    W, b = init.rai(3, 5, rng=np.random.default_rng(9))
    assert np.array_equal(net.params[0], W) and np.array_equal(net.params[1], b)


@pytest.mark.parametrize(
    ("name", "variance"),
    [
        ("xavier_normal", 2 / (40 + 60)),
        ("xavier_uniform", 2 / (40 + 60)),
        ("he_uniform", 2 / 40),
        ("lecun", 1 / 40),
    ],
)
def test_scaled_initialisers_have_their_papers_variance(name, variance):
    W, b = init.initialize(name, 40, 60, rng=0)
    draws = np.concatenate([W.ravel(), init.initialize(name, 40, 60, rng=1)[0].ravel()])
    assert draws.var() == pytest.approx(variance, rel=0.03)
    assert np.all(b == 0.0)


def test_uniform_initialisers_stay_inside_their_bounds():
    assert np.abs(init.xavier_uniform(40, 60, rng=0)).max() <= math.sqrt(6 / 100)
    assert np.abs(init.he_uniform(40, 60, rng=0)).max() <= math.sqrt(6 / 40)
    assert np.abs(init.uniform(40, 60, rng=0, scale=0.3)).max() <= 0.3


def test_normal_and_uniform_take_their_scale():
    assert init.normal(100, 200, rng=0, scale=0.5).std() == pytest.approx(0.5, rel=0.02)
    assert init.uniform(100, 200, rng=0, scale=0.5).std() == pytest.approx(
        0.5 / math.sqrt(3), rel=0.02
    )
    assert init.he(100, 200, rng=0, scale=3.0).std() == pytest.approx(
        3 * math.sqrt(2 / 100), rel=0.02
    )


def test_zeros_and_a_constant_positive_bias():
    W, b = init.initialize("zeros", 3, 4, bias_init=0.1)
    assert np.all(W == 0.0) and np.all(b == 0.1)


@pytest.mark.parametrize("name", init.INITIALIZERS)
def test_every_initialiser_is_deterministic_for_a_seed_and_has_the_right_shapes(name):
    W1, b1 = init.initialize(name, 7, 5, rng=3)
    W2, b2 = init.initialize(name, 7, 5, rng=3)
    assert W1.shape == (7, 5) and b1.shape == (5,)
    assert np.array_equal(W1, W2) and np.array_equal(b1, b2)
    W32, _ = init.initialize(name, 7, 5, rng=3, dtype=np.float32)
    assert W32.dtype == np.float32
    if name != "zeros":
        assert not np.array_equal(W1, init.initialize(name, 7, 5, rng=4)[0])


def test_aliases_give_the_same_weights():
    for alias, name in [("glorot_uniform", "xavier_uniform"), ("kaiming", "he")]:
        assert np.array_equal(init.initialize(alias, 3, 3, 0)[0], init.initialize(name, 3, 3, 0)[0])


def test_bad_initialiser_arguments_are_errors():
    with pytest.raises(ValueError, match="unknown initializer 'sparse'; valid names: zeros, "):
        init.initialize("sparse", 2, 2)
    with pytest.raises(ValueError, match="scale"):
        init.initialize("normal", 2, 2, scale=-1.0)
    with pytest.raises(ValueError, match="fan_in"):
        init.initialize("he", 0, 2)
    with pytest.raises(TypeError):
        init.initialize(3, 2, 2)


@pytest.mark.parametrize(("fan_in", "fan_out"), [(30, 30), (50, 20), (20, 50)])
@pytest.mark.parametrize("seed", range(5))
def test_orthogonal_weights_have_orthonormal_columns_or_rows(fan_in, fan_out, seed):
    W = init.orthogonal(fan_in, fan_out, rng=seed, scale=1.0)
    gram = W.T @ W if fan_in >= fan_out else W @ W.T
    np.testing.assert_allclose(gram, np.eye(min(fan_in, fan_out)), atol=1e-12)
    np.testing.assert_allclose(init.orthogonal(fan_in, fan_out, rng=seed, scale=2.0), 2 * W)


def test_orthogonal_square_matrices_are_uniform_over_the_orthogonal_group():
    # Haar measure: a fixed entry of a random n x n orthogonal matrix has mean 0 and
    # variance 1/n, and the determinant is +1 or -1 with equal probability
    draws = [init.orthogonal(4, 4, rng=seed) for seed in range(4000)]
    corner = np.array([W[0, 0] for W in draws])
    assert abs(corner.mean()) < 0.02 and corner.var() == pytest.approx(0.25, rel=0.05)
    signs = np.sign([np.linalg.det(W) for W in draws])
    assert abs(np.mean(signs)) < 0.05


@pytest.mark.parametrize("activation", ["tanh", "relu", "selu"])
@pytest.mark.parametrize("seed", range(5))
def test_lsuv_gives_every_dense_layer_unit_output_variance_on_its_batch(activation, seed):
    X = np.random.default_rng(seed).standard_normal((300, 40))
    net = MLP([40] * 8 + [1], activation=activation, init="orthogonal", seed=seed)
    init.lsuv(net, X, tolerance=0.01)
    variances = [o.preactivation.var() for o in net.layer_outputs(X)]
    assert len(variances) == 7
    np.testing.assert_allclose(variances, 1.0, atol=0.01)
    dense = [layer for layer in net.layers if hasattr(layer, "W")]
    assert np.var(net.forward(X)) == pytest.approx(1.0, abs=0.01)
    assert all(np.all(layer.b == 0.0) for layer in dense)  # only the weights are rescaled


def test_lsuv_refuses_a_layer_whose_output_is_constant():
    net = MLP([3, 4, 4, 1], activation="relu", init="zeros")
    with pytest.raises(ValueError, match=r"layer 0 \(Dense\(3->4\)\) has output variance 0.0"):
        init.lsuv(net, np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"X must have shape \(n, 3\)"):
        init.lsuv(net, np.ones((5, 2)))
