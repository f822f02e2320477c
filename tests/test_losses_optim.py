"""Facts about the losses and the optimisers."""

import copy
import pickle

import numpy as np
import pytest

from actnet import losses, optim
from actnet.gradcheck import numerical_gradient, relative_error


def random_case(name, seed=0):
    rng = np.random.default_rng(seed)
    if name == "mse":
        return rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    if name == "bce":
        return rng.uniform(0.05, 0.95, (6, 1)), rng.integers(0, 2, (6, 1)).astype(float)
    if name == "bce_with_logits":
        return rng.normal(scale=3, size=(6, 1)), rng.integers(0, 2, (6, 1)).astype(float)
    return rng.normal(scale=3, size=(6, 4)), np.eye(4)[rng.integers(0, 4, 6)]


@pytest.mark.parametrize("name", losses.LOSSES)
def test_every_loss_gradient_matches_central_differences(name):
    loss = losses.get_loss(name)
    output, y = random_case(name)
    numeric = numerical_gradient(lambda: loss.value(output, y), output)
    assert relative_error(loss.grad(output, y), numeric) < 1e-8


def test_mse_by_hand():
    loss = losses.get_loss("mse")
    out, y = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 1.0]])
    assert loss.value(out, y) == (1 + 0 + 4 + 16) / 4
    np.testing.assert_array_equal(loss.grad(out, y), [[0.5, 0.0], [1.0, 2.0]])


def test_bce_from_logits_equals_bce_of_the_sigmoid():
    z = np.linspace(-8, 8, 17)[:, None]
    y = (np.arange(17) % 2).astype(float)[:, None]
    p = 1 / (1 + np.exp(-z))
    assert losses.get_loss("bce_with_logits").value(z, y) == pytest.approx(
        losses.get_loss("bce").value(p, y), rel=1e-12
    )


def test_bce_with_logits_is_finite_and_exact_for_huge_logits():
    loss = losses.get_loss("bce_with_logits")
    z, y = np.array([[1e4], [-1e4], [1e4]]), np.array([[1.0], [0.0], [0.0]])
    assert loss.value(z, y) == pytest.approx(1e4 / 3)
    np.testing.assert_allclose(loss.grad(z, y), [[0.0], [0.0], [1 / 3]])


def test_bce_of_probabilities_zero_and_one_stays_finite():
    loss = losses.get_loss("bce")
    p, y = np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])
    assert np.isfinite(loss.value(p, y)) and np.all(np.isfinite(loss.grad(p, y)))
    assert loss.value(np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]])) < 1e-11


def test_softmax_cross_entropy_with_two_classes_is_bce_of_the_logit_difference():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=4, size=(10, 2))
    labels = rng.integers(0, 2, 10)
    ce = losses.get_loss("softmax_cross_entropy").value(z, np.eye(2)[labels])
    bce = losses.get_loss("bce_with_logits").value(
        (z[:, 1] - z[:, 0])[:, None], labels[:, None].astype(float)
    )
    assert ce == pytest.approx(bce, rel=1e-12)


def test_softmax_cross_entropy_is_finite_for_huge_logits():
    loss = losses.get_loss("softmax_cross_entropy")
    z, y = np.array([[1e4, 0.0, -1e4]]), np.array([[0.0, 1.0, 0.0]])
    assert loss.value(z, y) == pytest.approx(1e4)
    np.testing.assert_allclose(loss.grad(z, y), [[1.0, -1.0, 0.0]])
    np.testing.assert_allclose(losses.softmax(z).sum(axis=1), 1.0)


def test_loss_names_and_aliases():
    assert isinstance(losses.get_loss("cross_entropy"), losses.SoftmaxCrossEntropy)
    assert isinstance(losses.get_loss("binary_cross_entropy"), losses.BinaryCrossEntropy)
    mse = losses.MeanSquaredError()
    assert losses.get_loss(mse) is mse
    with pytest.raises(ValueError, match="valid names: mse, bce, bce_with_logits"):
        losses.get_loss("l1")
    with pytest.raises(TypeError):
        losses.get_loss(3)


# ----------------------------------------------------------------- optimisers
def test_sgd_step_by_hand():
    p = [np.array([1.0, -1.0]), np.array([[2.0]])]
    optim.SGD(lr=0.1).step(p, [np.array([10.0, -10.0]), np.array([[5.0]])])
    np.testing.assert_allclose(p[0], [0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(p[1], [[1.5]])


def test_momentum_accumulates_velocity_by_hand():
    # v1 = g = 1, theta = -0.1;  v2 = 0.9 + 1 = 1.9, theta = -0.1 - 0.19 = -0.29
    p = [np.array([0.0])]
    opt = optim.Momentum(lr=0.1, momentum=0.9)
    opt.step(p, [np.array([1.0])])
    opt.step(p, [np.array([1.0])])
    np.testing.assert_allclose(p[0], [-0.29])


def test_adam_matches_kingma_and_ba_algorithm_1():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=3) for _ in range(5)]
    p = [np.zeros(3)]
    opt = optim.Adam(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8)
    theta, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        opt.step(p, [g])
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        theta = theta - 0.01 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
    np.testing.assert_allclose(p[0], theta, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_updates_each_parameter_alone_the_same_bits_with_any_companions(dtype):
    # one dtype: every moment in one flat array; mixed dtypes: one array per parameter
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=(4, 3)).astype(dtype) for _ in range(20)]
    alone, flat, mixed = ([np.full((4, 3), 0.5, dtype)] for _ in range(3))
    flat.append(np.zeros(7, dtype))
    mixed.append(np.zeros(7, np.float16))
    opts = [optim.Adam(lr=0.01) for _ in range(3)]
    for g in grads:
        opts[0].step(alone, [g])
        opts[1].step(flat, [g, np.ones(7, dtype)])
        opts[2].step(mixed, [g, np.ones(7, np.float16)])
    assert opts[1]._flat is not None and opts[2]._flat is None
    assert alone[0].dtype == dtype
    assert alone[0].tobytes() == flat[0].tobytes() == mixed[0].tobytes()


def test_a_copied_adam_continues_exactly_like_the_original():
    rng = np.random.default_rng(4)
    grads = [[rng.normal(size=(3, 2)), rng.normal(size=2)] for _ in range(6)]
    p = [np.ones((3, 2)), np.zeros(2)]
    opt = optim.Adam(lr=0.1)
    opt.step(p, grads[0])
    copies = [[a.copy() for a in p] for _ in range(2)]
    copied = [copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))]
    for g in grads[1:]:
        opt.step(p, g)
        for q, other in zip(copies, copied, strict=True):
            other.step(q, g)
    for q in copies:
        assert all(a.tobytes() == b.tobytes() for a, b in zip(p, q, strict=True))


@pytest.mark.parametrize("name", optim.OPTIMIZERS)
def test_every_optimizer_minimises_a_quadratic(name):
    p = [np.array([3.0, -2.0])]
    opt = optim.get_optimizer(name, lr=0.05)
    for _ in range(500):
        opt.step(p, [2 * p[0]])
    assert np.abs(p[0]).max() < 1e-2


def test_bad_optimizer_settings_are_errors():
    with pytest.raises(ValueError, match="lr"):
        optim.SGD(lr=0.0)
    with pytest.raises(ValueError, match="lr"):
        optim.get_optimizer("adam", lr=-1e-3)
    with pytest.raises(ValueError, match="momentum"):
        optim.Momentum(lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="valid names: sgd, momentum, adam"):
        optim.get_optimizer("adagrad", lr=0.1)
    with pytest.raises(TypeError):
        optim.get_optimizer("adam", lr=0.1, betas=(0.9, 0.99))
