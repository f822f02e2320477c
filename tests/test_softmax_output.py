"""The softmax output and its cross-entropy: the gradient p - y, the two-class case, stability."""

import math
import warnings

import numpy as np
import pytest

from actnet import data
from actnet.activations import sigmoid
from actnet.gradcheck import gradient_check, numerical_gradient, relative_error
from actnet.losses import SoftmaxCrossEntropy, softmax
from actnet.nn import MLP, Softmax


def test_softmax_cross_entropy_gradient_of_a_worked_example_is_p_minus_y():
    # e^z = (1, 2, 3): p = (1/6, 1/3, 1/2); the target is class 2
    z = np.log(np.array([[1.0, 2.0, 3.0]]))
    y = np.array([[0.0, 0.0, 1.0]])
    np.testing.assert_allclose(softmax(z), [[1 / 6, 1 / 3, 1 / 2]], rtol=1e-15)
    np.testing.assert_allclose(SoftmaxCrossEntropy().grad(z, y), [[1 / 6, 1 / 3, -1 / 2]])
    assert SoftmaxCrossEntropy().value(z, y) == pytest.approx(math.log(2.0), rel=1e-15)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_classes", [2, 3, 7])
def test_softmax_cross_entropy_gradient_matches_central_differences(seed, n_classes):
    rng = np.random.default_rng(seed)
    z = 3.0 * rng.standard_normal((6, n_classes))
    y = np.eye(n_classes)[rng.integers(0, n_classes, 6)]
    loss = SoftmaxCrossEntropy()
    numeric = numerical_gradient(lambda: loss.value(z, y), z)
    analytic = (softmax(z) - y) / z.shape[0]
    assert relative_error(analytic, numeric) < 1e-8
    np.testing.assert_array_equal(loss.grad(z, y), analytic)


def test_each_row_of_the_gradient_sums_to_zero_because_p_and_y_both_sum_to_one():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((50, 4))
    y = np.eye(4)[rng.integers(0, 4, 50)]
    np.testing.assert_allclose(SoftmaxCrossEntropy().grad(z, y).sum(axis=1), 0.0, atol=1e-17)


def test_the_softmax_layer_backward_is_its_jacobian_times_the_incoming_gradient():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5, 3))
    g = rng.standard_normal((5, 3))
    layer = Softmax()
    p = layer.forward(z)
    # dp_c/dz_k = p_c (delta_ck - p_k), applied row by row
    jacobians = np.einsum("nc,ck->nck", p, np.eye(3)) - np.einsum("nc,nk->nck", p, p)
    np.testing.assert_allclose(layer.backward(g), np.einsum("nc,nck->nk", g, jacobians))


@pytest.mark.parametrize("loss", ["softmax_cross_entropy", "mse"])
def test_a_softmax_network_passes_the_gradient_check_with_each_loss(loss):
    # with cross-entropy the network uses p - y on the logits, with MSE the softmax's Jacobian
    X, y = data.three_rings(9, seed=0)
    net = MLP([2, 5, 3], activation="tanh", output="softmax", seed=0)
    target = y if loss == "softmax_cross_entropy" else np.eye(3)[y]
    assert gradient_check(net, X, target, loss=loss).max_relative_error < 1e-7


def test_a_softmax_network_learns_the_three_rings_from_integer_labels():
    X, y = data.three_rings(300, seed=0)
    net = MLP([2, 16, 3], activation="relu", output="softmax", seed=0)
    history = net.fit(X, y, loss="softmax_cross_entropy", optimizer="adam", lr=0.02, epochs=300)
    assert not history.diverged
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert history.accuracy[-1] >= 0.97
    assert np.mean(net.predict_labels(X) == y) == history.accuracy[-1]
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0, rtol=1e-14)


def test_integer_labels_outside_the_classes_are_refused_with_their_range():
    net = MLP([2, 3, 3], output="softmax", seed=0)
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        net.fit(np.zeros((2, 2)), np.array([0, 3]), loss="softmax_cross_entropy", epochs=1)


@pytest.mark.parametrize("z", np.linspace(-30.0, 30.0, 13))
def test_softmax_of_z_and_zero_is_the_sigmoid_of_z(z):
    assert softmax(np.array([[z, 0.0]]))[0, 0] == pytest.approx(float(sigmoid(z)), rel=4e-16)


def test_a_two_class_softmax_depends_only_on_the_difference_of_its_logits():
    rng = np.random.default_rng(0)
    z = 5.0 * rng.standard_normal((100, 2))
    np.testing.assert_allclose(softmax(z)[:, 0], sigmoid(z[:, 0] - z[:, 1]), rtol=1e-14)


@pytest.mark.parametrize("size", [1e4, 1e300])
def test_softmax_and_its_cross_entropy_stay_finite_and_silent_at_huge_logits(size):
    z = np.array([[size, 0.0, -size], [-size, -size, -size], [size, size, 0.0]])
    y = np.eye(3)[[2, 0, 1]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(z)
        value = SoftmaxCrossEntropy().value(z, y)
        grad = SoftmaxCrossEntropy().grad(z, y)
        layer_output = Softmax().forward(z)
    assert np.all(np.isfinite(p)) and np.isfinite(value) and np.all(np.isfinite(grad))
    np.testing.assert_array_equal(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(p[2], [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(layer_output, p)
    # the first row is wrong by 2 size (its logit -size against size), the others by log 3, log 2
    assert value == pytest.approx((2 * size + math.log(3.0) + math.log(2.0)) / 3)


@pytest.mark.parametrize(
    ("y", "row", "sums_to"),
    [
        ([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]], 1, "2"),  # two classes marked
        ([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]], 0, "0"),  # none marked
        ([[0.2, 0.3, 0.4], [0.0, 0.0, 1.0]], 0, "0.9"),  # probabilities that miss 1
        ([[1.5, -0.5, 0.0], [0.0, 0.0, 1.0]], 0, "1"),  # sums to 1, but not probabilities
        ([[np.nan, 0.0, 1.0], [0.0, 0.0, 1.0]], 0, "nan"),
    ],
)
def test_the_categorical_loss_refuses_targets_whose_rows_are_not_distributions(y, row, sums_to):
    z = np.zeros((2, 3))
    y = np.array(y)
    loss = SoftmaxCrossEntropy()
    pattern = rf"y: each row must be a distribution over the 3 classes .* row {row} is .* sums to {sums_to}$"
    for call in (loss.value, loss.grad, loss.grad_from_probabilities):
        with pytest.raises(ValueError, match=pattern):
            call(z, y)


def test_the_categorical_loss_refuses_integer_labels_and_a_wrong_number_of_classes():
    loss = SoftmaxCrossEntropy()
    with pytest.raises(
        ValueError, match=r"y must have the logits' shape .* \(2, 3\).* got shape \(2,\)"
    ):
        loss.value(np.zeros((2, 3)), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"got shape \(2, 2\)"):
        loss.grad(np.zeros((2, 3)), np.eye(2))


def test_soft_targets_that_sum_to_one_are_accepted():
    y = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    z = np.log(np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]))
    # the gradient vanishes where the prediction is the target
    np.testing.assert_allclose(SoftmaxCrossEntropy().grad(z, y), 0.0, atol=1e-16)
