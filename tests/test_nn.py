"""Facts about the layers and the network: gradients, worked examples, training, bad input."""

import io
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from actnet import activations
from actnet.data import regression, rings, spirals, xor
from actnet.gradcheck import gradient_check
from actnet.nn import (
    DIVERGENCE_REASONS,
    LOSS_GROWTH_LIMIT,
    MLP,
    ActivationLayer,
    Dense,
    Maxout,
    PReLU,
    Softmax,
    _ProgressLine,
    dead_fraction,
    saturated_fraction,
)

KINK_MARGIN = 1e-4


@pytest.fixture(scope="module")
def user_activations():
    """Two user-defined activations: a smooth one and one with a kink at 0."""
    smooth = activations.register(
        "test_squareplus",
        lambda x, b: (x + np.sqrt(x * x + b)) / 2,
        lambda x, b: (1 + x / np.sqrt(x * x + b)) / 2,
        params={"b": 4.0},
    )
    kinked = activations.register(
        "test_two_slopes",
        lambda x: np.where(x > 0, 2.0 * x, 0.5 * x),
        lambda x: np.where(x > 0, 2.0, 0.5),
        kinks=(0.0,),
    )
    yield [smooth, kinked]
    activations.unregister("test_squareplus")
    activations.unregister("test_two_slopes")


def distance_to_kinks(net, X):
    """The smallest distance of any pre-activation to a kink of its layer."""
    distances = [np.inf]
    for out, layer in zip(
        net.layer_outputs(X), [la for la in net.layers if la.is_nonlinearity], strict=True
    ):
        if isinstance(layer, Maxout):
            top_two = np.sort(out.preactivation, axis=-1)[..., -2:]
            distances.append(float(np.min(top_two[..., 1] - top_two[..., 0])))
            continue
        layer_kinks = (
            layer.act.kinks
            if isinstance(layer, ActivationLayer)
            else ((0.0,) if isinstance(layer, PReLU) else ())
        )
        for kink in layer_kinks:
            distances.append(float(np.min(np.abs(out.preactivation - kink))))
    return min(distances)


def checked(net, X, y, loss, tolerance=1e-6):
    """Run the gradient check after making sure no pre-activation is near a kink."""
    assert distance_to_kinks(net, X) > KINK_MARGIN
    result = gradient_check(net, X, y, loss=loss)
    assert result.max_relative_error < tolerance, result.relative_errors
    return result


def small_problem(n_in=3, n_out=1, n=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))


# ------------------------------------------------------------- gradient checks
@pytest.mark.parametrize("name", activations.available())
def test_gradient_check_passes_for_every_registered_activation(name):
    X, y = small_problem()
    net = MLP([3, 5, 4, 1], activation=activations.get(name), init="xavier_normal", seed=1)
    checked(net, X, y, "mse")


def test_gradient_check_passes_for_user_defined_activations(user_activations):
    X, y = small_problem()
    for act in user_activations:
        net = MLP([3, 5, 4, 1], activation=act.name, output=act.name, seed=2)
        checked(net, X, y, "mse")


@pytest.mark.parametrize("shared", [True, False])
def test_gradient_check_passes_for_prelu_layers_including_their_slopes(shared):
    X, y = small_problem()
    net = MLP([3, 5, 4, 1], activation="prelu", prelu_shared=shared, prelu_alpha=0.1, seed=3)
    result = checked(net, X, y, "mse")
    slope_grads = [
        g for g, p in zip(result.analytic, net.params, strict=True) if p is net.layers[1].alpha
    ]
    assert slope_grads[0].shape == ((1,) if shared else (5,))
    assert np.all(slope_grads[0] != 0)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_gradient_check_passes_for_maxout_layers(k):
    X, y = small_problem()
    net = MLP([3, 4, 3, 1], activation="maxout", maxout_k=k, seed=4)
    checked(net, X, y, "mse")


@pytest.mark.parametrize(
    ("output", "loss", "n_out"),
    [
        ("identity", "mse", 2),
        ("sigmoid", "mse", 1),
        ("sigmoid", "bce", 1),
        ("identity", "bce_with_logits", 1),
        ("softmax", "softmax_cross_entropy", 3),
        ("identity", "softmax_cross_entropy", 3),
        ("softmax", "mse", 3),
    ],
)
def test_gradient_check_passes_for_every_loss_and_output(output, loss, n_out):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(12, 2))
    y = rng.integers(0, n_out, 12) if "entropy" in loss else rng.integers(0, 2, (12, n_out))
    if loss == "mse":
        y = rng.uniform(size=(12, n_out))
    net = MLP([2, 6, n_out], activation="tanh", output=output, seed=5)
    checked(net, X, y, loss)


@pytest.mark.parametrize(
    ("output", "loss", "on_logits", "n_out"),
    [("sigmoid", "bce", "bce_with_logits", 1), ("softmax", "softmax_cross_entropy", None, 3)],
)
def test_a_sigmoid_or_softmax_output_gets_exactly_the_gradients_of_its_logits(
    output, loss, on_logits, n_out
):
    """The network takes (output - y) / n from the probabilities it already has; the loss
    on the bare logits computes them again: the same bits. (Softmax targets are one-hot
    rows: other rows are refused as labels.)"""
    rng = np.random.default_rng(8)
    X, labels = rng.normal(size=(40, 2)), rng.integers(0, 2, (40, n_out))
    y = labels.astype(float) if n_out == 1 else np.eye(n_out)[labels[:, 0]]
    with_output = MLP([2, 5, n_out], activation="tanh", output=output, seed=8)
    bare = MLP([2, 5, n_out], activation="tanh", seed=8)
    value, grads = with_output.loss_and_grads(X, y, loss=loss)
    value_logits, grads_logits = bare.loss_and_grads(X, y, loss=on_logits or loss)
    assert value == value_logits
    for g, g_logits in zip(grads, grads_logits, strict=True):
        assert g.tobytes() == g_logits.tobytes()


@pytest.mark.parametrize(("n_in", "n_out"), [(1, 16), (16, 1), (16, 16), (2, 3)])
def test_dense_products_have_the_bits_of_the_matrix_product_operator(n_in, n_out):
    # np.dot replaced @ (faster for a column times a row); the course's numbers
    # were computed with @, signs of zeros included
    rng = np.random.default_rng(9)
    layer = Dense(n_in, n_out, rng=9)
    x = rng.normal(size=(50, n_in)) * (rng.random((50, n_in)) < 0.7)
    grad_y = rng.normal(size=(50, n_out)) * (rng.random((50, n_out)) < 0.7)
    grad_y[::3] *= -1.0
    assert layer.forward(x).tobytes() == (x @ layer.W + layer.b).tobytes()
    assert layer.backward(grad_y).tobytes() == (grad_y @ layer.W.T).tobytes()
    assert layer.grads[0].tobytes() == (x.T @ grad_y).tobytes()


def test_gradient_check_passes_for_layers_combined_by_hand():
    X, y = small_problem(n_in=2, n=8, seed=6)
    rng = np.random.default_rng(6)
    layers = [
        Dense(2, 6, init="lecun", rng=rng),
        PReLU(6, shared=False),
        Maxout(6, 4, k=3, rng=rng),
        ActivationLayer("elu", alpha=0.5),
        Dense(4, 3, rng=rng),
        Softmax(),
        Dense(3, 1, rng=rng),
    ]
    net = MLP.from_layers(layers)
    checked(net, X, y, "mse")


def test_gradient_check_flags_a_wrong_gradient():
    wrong = activations.register("test_wrong_grad", np.tanh, lambda x: 1.1 - np.tanh(x) ** 2)
    try:
        X, y = small_problem()
        net = MLP([3, 4, 1], activation="test_wrong_grad", seed=0)
        assert gradient_check(net, X, y).max_relative_error > 1e-3
    finally:
        activations.unregister(wrong.name)


@given(
    x=hnp.arrays(np.float64, (3, 4), elements=st.floats(-1e6, 1e6)),
    alpha=st.floats(-2.0, 2.0),
)
def test_a_prelu_layer_computes_the_prelu_activation_and_its_derivative(x, alpha):
    layer = PReLU(4, alpha=alpha)
    act = activations.get("prelu", alpha=alpha)
    assert np.array_equal(layer.forward(x), act(x))
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), act.grad(x), rtol=1e-15)
    assert layer.grads[0] == pytest.approx(np.minimum(x, 0.0).sum())


# ------------------------------------------------------------------ maxout
def test_maxout_with_a_zero_piece_and_an_identity_piece_is_exactly_relu():
    x = np.array([[-2.0, -1e-300, 0.0, 1e-300, 3.5], [1.0, -0.0, 7.0, -7.0, 0.25]])
    layer = Maxout(5, 5, k=2)
    layer.W[0], layer.W[1], layer.b[...] = 0.0, np.eye(5), 0.0
    relu = activations.get("relu")
    assert np.array_equal(layer.forward(x), relu(x))
    g = np.arange(1.0, 11.0).reshape(2, 5)
    assert np.array_equal(layer.backward(g), g * relu.grad(x))


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3])
def test_maxout_with_pieces_alpha_x_and_x_is_exactly_leaky_relu(alpha):
    x = np.linspace(-3, 3, 13).reshape(1, -1)
    layer = Maxout(13, 13, k=2)
    layer.W[0], layer.W[1], layer.b[...] = alpha * np.eye(13), np.eye(13), 0.0
    leaky = activations.get("leaky_relu", alpha=alpha)
    assert np.array_equal(layer.forward(x), leaky(x))
    g = np.ones_like(x)
    assert np.array_equal(layer.backward(g), leaky.grad(x))


def test_maxout_with_fewer_than_two_pieces_is_an_error():
    with pytest.raises(ValueError, match="k"):
        Maxout(2, 2, k=1)
    with pytest.raises(ValueError, match="k"):
        MLP([2, 3, 1], activation="maxout", maxout_k=1)


# ------------------------------------------------------- a step worked by hand
def test_one_sgd_step_on_a_2_2_1_network_matches_the_hand_computation():
    net = MLP([2, 2, 1], activation="relu", output="identity")
    W1, b1, W2, b2 = net.params
    W1[...] = [[0.5, -1.0], [0.25, 0.5]]
    b1[...] = [0.0, 0.5]
    W2[...] = [[1.0], [-2.0]]
    b2[...] = [0.5]
    X, y = np.array([[1.0, 2.0]]), np.array([[2.0]])
    # z1 = x W1 + b1 = [1*0.5 + 2*0.25, 1*(-1) + 2*0.5 + 0.5] = [1.0, 0.5];  h = relu(z1) = [1.0, 0.5]
    # yhat = h W2 + b2 = 1.0 - 1.0 + 0.5 = 0.5;  L = (0.5 - 2)^2 = 2.25;  dL/dyhat = 2 (0.5 - 2) = -3
    # dW2 = h^T (-3) = [[-3], [-1.5]];  db2 = -3
    # dh = -3 W2^T = [-3, 6];  both z1 > 0 so dz1 = [-3, 6]
    # dW1 = x^T dz1 = [[-3, 6], [-6, 12]];  db1 = [-3, 6]
    # with lr = 0.1:  W1 <- [[0.8, -1.6], [0.85, -0.7]],  b1 <- [0.3, -0.1],
    #                 W2 <- [[1.3], [-1.85]],             b2 <- [0.8]
    # new forward: z1 = [0.8 + 1.7 + 0.3, -1.6 - 1.4 - 0.1] = [2.8, -3.1];  h = [2.8, 0]
    #              yhat = 2.8 * 1.3 + 0.8 = 4.44;  L = (4.44 - 2)^2 = 5.9536
    value, grads = net.loss_and_grads(X, y, loss="mse")
    assert value == pytest.approx(2.25)
    for g, expected in zip(
        grads, [[[-3, 6], [-6, 12]], [-3, 6], [[-3], [-1.5]], [-3]], strict=True
    ):
        np.testing.assert_allclose(g, expected, rtol=1e-14)
    history = net.fit(X, y, loss="mse", optimizer="sgd", lr=0.1, epochs=1)
    np.testing.assert_allclose(W1, [[0.8, -1.6], [0.85, -0.7]], rtol=1e-14)
    np.testing.assert_allclose(b1, [0.3, -0.1], rtol=1e-14)
    np.testing.assert_allclose(W2, [[1.3], [-1.85]], rtol=1e-14)
    np.testing.assert_allclose(b2, [0.8], rtol=1e-14)
    np.testing.assert_allclose(history.loss, [2.25, 5.9536], rtol=1e-12)


# ----------------------------------------------------------------- training
def test_one_hidden_relu_layer_fits_the_rings_to_97_percent_in_under_two_seconds():
    X, y = rings(400, noise=0.05, seed=0)
    start = time.perf_counter()
    net = MLP([2, 16, 1], activation="relu", output="sigmoid", seed=0)
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=300)
    elapsed = time.perf_counter() - start
    assert history.accuracy[-1] >= 0.97
    assert np.mean(net.predict_labels(X) == y) >= 0.97
    assert elapsed < 2.0


@pytest.mark.parametrize("sizes", [[2, 1], [2, 16, 1], [2, 16, 16, 16, 1]])
def test_a_linear_model_stays_near_chance_on_the_rings(sizes):
    # The best half-plane classifies at most about 61% of two balanced rings
    # of radii 0.5 and 1 correctly; gradient descent stays near 50%.
    X, y = rings(400, noise=0.05, seed=0)
    net = MLP(sizes, activation="identity", output="sigmoid", seed=0)
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=300)
    assert history.accuracy[-1] < 0.6


def unbalanced_problem():
    X = np.random.default_rng(0).normal(size=(200, 2))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0.5).astype(int)


def test_with_zero_initialisation_hidden_units_stay_identical():
    X, y = unbalanced_problem()
    net = MLP([2, 5, 1], activation="sigmoid", output="sigmoid", init="zeros", seed=0)
    net.fit(X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=200)
    W1, b1, W2, _ = net.params
    assert np.abs(W1).max() > 1e-3 and np.abs(W2).max() > 1e-2  # they did train
    np.testing.assert_allclose(W1, np.repeat(W1[:, :1], 5, axis=1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(b1, b1[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(W2, W2[0, 0], rtol=1e-12, atol=1e-15)


def test_random_initialisation_breaks_the_symmetry():
    X, y = unbalanced_problem()
    net = MLP([2, 5, 1], activation="sigmoid", output="sigmoid", init="xavier_normal", seed=0)
    net.fit(X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=200)
    W1 = net.params[0]
    column_gaps = [np.abs(W1[:, i] - W1[:, j]).max() for i in range(5) for j in range(i)]
    assert min(column_gaps) > 0.05


def test_softmax_network_learns_three_spirals_with_integer_labels():
    X, y = spirals(300, n_classes=3, noise=0.02, seed=0)
    net = MLP([2, 32, 32, 3], activation="relu", output="softmax", seed=0)
    history = net.fit(X, y, loss="softmax_cross_entropy", optimizer="adam", lr=0.02, epochs=400)
    assert history.accuracy[-1] > 0.9
    assert np.array_equal(net.predict_labels(X) == y, net.forward(X).argmax(axis=1) == y)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_fits_abs_x_with_minibatches(optimizer):
    x, t = regression("abs", n=128, seed=0)
    net = MLP([1, 16, 1], activation="relu", seed=0)
    lr = {"sgd": 0.05, "momentum": 0.02, "adam": 0.01}[optimizer]
    history = net.fit(x, t, loss="mse", optimizer=optimizer, lr=lr, epochs=60, batch_size=16)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert np.all(np.isnan(history.accuracy))


def test_history_loss_is_the_loss_on_the_whole_training_set():
    X, y = xor(100, seed=1)
    for batch_size in (None, 10):
        net = MLP([2, 6, 1], activation="tanh", output="sigmoid", seed=1)
        history = net.fit(
            X, y, loss="bce", optimizer="adam", lr=0.01, epochs=5, batch_size=batch_size
        )
        assert history.epoch.tolist() == [0, 1, 2, 3, 4, 5]
        assert history.loss[-1] == pytest.approx(net.loss_and_grads(X, y, "bce")[0], rel=1e-12)


def test_training_is_deterministic_for_a_seed():
    X, y = xor(100, seed=1)
    runs = []
    for _ in range(2):
        net = MLP([2, 6, 1], activation="relu", output="sigmoid", seed=3)
        runs.append(
            net.fit(
                X, y, loss="bce", optimizer="adam", lr=0.01, epochs=5, batch_size=16, seed=4
            ).loss
        )
    assert np.array_equal(runs[0], runs[1])


def test_float32_networks_stay_float32():
    X, y = xor(64, seed=0)
    net = MLP([2, 8, 1], activation="gelu", output="sigmoid", seed=0, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in net.params)
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=50)
    assert net.forward(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.loss_and_grads(X, y, "bce")[1])
    assert all(p.dtype == np.float32 for p in net.params)
    assert history.loss[-1] < history.loss[0]


def test_user_defined_activation_trains_like_a_built_in(user_activations):
    X, y = rings(200, seed=0)
    net = MLP([2, 16, 1], activation="test_two_slopes", output="sigmoid", seed=0)
    # two slopes is still a non-linearity: better than any half-plane (about 61%)
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=300)
    assert history.accuracy[-1] > 0.8


def test_per_layer_activations_and_layer_names():
    net = MLP([2, 4, 4, 4, 1], activation=["relu", "prelu", "maxout"], output="sigmoid")
    assert [layer.name for layer in net.layers] == [
        "Dense(2->4)",
        "relu",
        "Dense(4->4)",
        "PReLU(shared)",
        "Maxout(4->4, k=2)",
        "Dense(4->1)",
        "sigmoid",
    ]
    with pytest.raises(ValueError, match="3 hidden layers"):
        MLP([2, 4, 4, 4, 1], activation=["relu", "tanh"])


def test_params_are_live_arrays():
    net = MLP([2, 3, 1], activation="identity", seed=0)
    for p in net.params:
        p[...] = 1.0
    assert net.forward(np.array([[1.0, 2.0]]))[0, 0] == (1 + 2 + 1) * 3 + 1


def test_a_full_batch_step_of_a_2_16_16_1_network_on_500_points_is_fast():
    X, y = rings(500, seed=0)
    net = MLP([2, 16, 16, 1], activation="relu", output="sigmoid", seed=0)
    net.fit(X, y, loss="bce", optimizer="sgd", lr=0.01, epochs=10)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        net.fit(X, y, loss="bce", optimizer="sgd", lr=0.01, epochs=200)
        best = min(best, (time.perf_counter() - start) / 200)
    assert best < 2e-3  # about 0.5 ms on a 2-core machine; a generous bound against noise


# ---------------------------------------------------------- instrumentation
def test_record_gives_one_row_per_epoch_and_one_column_per_layer():
    X, y = rings(200, seed=0)
    net = MLP([2, 8, 8, 1], activation=["relu", "tanh"], output="sigmoid", seed=0)
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.01, epochs=7, record=True)
    assert history.param_layer_names == ["Dense(2->8)", "Dense(8->8)", "Dense(8->1)"]
    assert history.nonlinear_layer_names == ["relu", "tanh", "sigmoid"]
    assert history.grad_norm.shape == (8, 3)
    for table in (
        history.dead_fraction,
        history.saturated_fraction,
        history.preact_mean,
        history.preact_std,
    ):
        assert table.shape == (8, 3)
    assert np.all(np.isnan(history.saturated_fraction[:, 0]))  # relu is unbounded
    assert np.all(np.isfinite(history.saturated_fraction[:, 1:]))
    assert np.all(history.grad_norm > 0)


def test_recorded_statistics_match_the_layer_outputs_at_initialisation():
    X, y = rings(200, seed=0)
    net = MLP([2, 8, 8, 1], activation=["relu", "tanh"], output="sigmoid", seed=0)
    outputs = net.layer_outputs(X)
    grads = net.loss_and_grads(X, y, "bce")[1]
    history = net.fit(
        X, y, loss="bce", optimizer="adam", lr=0.01, epochs=1, record=True, batch_size=50
    )
    row = 0
    for j, out in enumerate(outputs):
        assert history.preact_mean[row, j] == pytest.approx(out.preactivation.mean())
        assert history.preact_std[row, j] == pytest.approx(out.preactivation.std())
        assert history.dead_fraction[row, j] == dead_fraction(out.output)
    assert history.saturated_fraction[row, 1] == saturated_fraction(outputs[1].output, (-1, 1))
    expected = [np.sqrt(np.sum(grads[0] ** 2) + np.sum(grads[1] ** 2))]
    assert history.grad_norm[row, 0] == pytest.approx(expected[0])


def test_a_large_negative_bias_kills_every_relu_unit():
    X, y = rings(200, seed=0)
    net = MLP([2, 8, 1], activation="relu", output="sigmoid", bias_init=-10.0, seed=0)
    history = net.fit(X, y, loss="bce", optimizer="sgd", lr=0.1, epochs=20, record=True)
    assert np.all(history.dead_fraction[:, 0] == 1.0)
    assert np.all(history.grad_norm[:, 0] == 0.0)  # a dead layer gets no gradient
    assert np.all(history.accuracy == 0.5)


def test_large_initial_weights_saturate_tanh_units():
    X, y = rings(200, seed=0)
    net = MLP([2, 32, 1], activation="tanh", output="sigmoid", init="normal", init_scale=50.0)
    history = net.fit(X, y, loss="bce", optimizer="sgd", lr=0.1, epochs=1, record=True)
    assert history.saturated_fraction[0, 0] > 0.9
    small = MLP([2, 32, 1], activation="tanh", output="sigmoid", init="normal", init_scale=0.1)
    assert small.fit(X, y, loss="bce", epochs=1, record=True).saturated_fraction[0, 0] == 0.0


def test_prelu_slopes_are_recorded_and_learned():
    X, y = rings(200, seed=0)
    net = MLP([2, 8, 1], activation="prelu", output="sigmoid", prelu_shared=False, seed=0)
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=30, record=True)
    (slopes,) = history.prelu_slopes
    assert slopes.shape == (31, 8)
    assert np.all(slopes[0] == 0.25)
    assert np.all(slopes[-1] == net.layers[1].alpha)
    assert np.any(slopes[-1] != 0.25)


@pytest.mark.parametrize("batch_size", [None, 10])
def test_a_diverging_run_stops_and_says_when(batch_size):
    x, t = regression("sin", n=50, seed=0)
    net = MLP([1, 32, 32, 1], activation="relu", seed=0)
    history = net.fit(
        x, t, loss="mse", optimizer="sgd", lr=50.0, epochs=1000, batch_size=batch_size, record=True
    )
    assert history.diverged and history.reason in DIVERGENCE_REASONS
    epoch = history.diverged_at
    assert 0 < epoch < 1000 and history.diverged_at_epoch == epoch
    assert len(history.loss) == epoch + 1
    # it stops at the first sign (here the loss outgrows its start a hundredfold, or
    # turns non-finite): every earlier row is finite
    assert np.all(np.isfinite(history.loss[:-1]))
    assert np.all(history.loss[:-1] <= LOSS_GROWTH_LIMIT * history.loss[0])


def test_an_optimizer_object_keeps_its_state_across_fits():
    from actnet.optim import Adam

    X, y = xor(40, seed=0)
    net, opt = MLP([2, 4, 1], seed=0), Adam(lr=0.01)
    net.fit(X, y, loss="mse", optimizer=opt, epochs=3)
    net.fit(X, y, loss="mse", optimizer=opt, epochs=2)
    assert opt.t == 5
    with pytest.raises(ValueError, match="lr"):
        net.fit(X, y, optimizer=opt, lr=0.1)


def test_a_converging_run_does_not_report_divergence():
    X, y = xor(40, seed=0)
    history = MLP([2, 4, 1], seed=0).fit(X, y, loss="mse", epochs=3)
    assert not history.diverged and history.diverged_at is None and history.reason is None


def test_progress_is_silent_by_default_and_one_rewritten_line_on_request(capsys):
    X, y = xor(40, seed=0)
    MLP([2, 4, 1], seed=0).fit(X, y, loss="mse", epochs=3)
    assert capsys.readouterr().out == ""
    MLP([2, 4, 1], seed=0).fit(X, y, loss="mse", epochs=3, progress=True)
    out = capsys.readouterr().out
    assert out.startswith("\repoch") and out.endswith("\n") and out.count("\n") == 1
    assert "3/3" in out
    stream = io.StringIO()
    bar = _ProgressLine(10, True, stream)
    bar.close(10, 0.5)
    assert stream.getvalue() == "\repoch 10/10 [##############################] loss 0.5\n"


# ---------------------------------------------------------------- bad input
def test_x_with_the_wrong_width_names_both_shapes():
    net = MLP([2, 4, 1])
    with pytest.raises(ValueError, match=r"\(5, 3\).*\(n, 2\)"):
        net.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"\(5, 3\).*\(n, 2\)"):
        net.fit(np.zeros((5, 3)), np.zeros(5))


def test_y_with_the_wrong_shape_names_both_shapes():
    net = MLP([2, 4, 1])
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(5, 1\)"):
        net.loss_and_grads(np.zeros((5, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"\(4,\).*\(5, 1\)"):
        net.fit(np.zeros((5, 2)), np.zeros(4))
    softmax_net = MLP([2, 4, 3], output="softmax")
    with pytest.raises(ValueError, match="labels"):
        softmax_net.fit(np.zeros((2, 2)), [0, 3], loss="softmax_cross_entropy")


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": -1.0}, "lr"),
        ({"epochs": 0}, "epochs"),
        ({"epochs": -3}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_non_positive_training_settings_are_errors(option, match):
    with pytest.raises(ValueError, match=match):
        MLP([2, 4, 1]).fit(np.zeros((5, 2)), np.zeros(5), **option)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_the_data_is_an_error(bad):
    X, y = np.zeros((5, 2)), np.zeros(5)
    X_bad, y_bad = X.copy(), y.copy()
    X_bad[2, 1], y_bad[3] = bad, bad
    net = MLP([2, 4, 1])
    with pytest.raises(ValueError, match="X contains 1 NaN or infinite"):
        net.fit(X_bad, y)
    with pytest.raises(ValueError, match="y contains 1 NaN or infinite"):
        net.fit(X, y_bad)


def test_non_numeric_arrays_are_a_type_error():
    net = MLP([2, 4, 1])
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        net.forward([["a", "b"]])
    with pytest.raises(TypeError, match="y must be an array of numbers"):
        net.fit(np.zeros((1, 2)), np.array([None], dtype=object))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"loss": "hinge"}, "unknown loss 'hinge'; valid names: mse, bce"),
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'; valid names: sgd, momentum, adam"),
    ],
)
def test_unknown_loss_or_optimizer_names_list_the_valid_ones(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP([2, 4, 1]).fit(np.zeros((5, 2)), np.zeros(5), **kwargs)


def test_unknown_initializer_and_activation_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown initializer 'glorious'; valid names: zeros"):
        MLP([2, 4, 1], init="glorious")
    with pytest.raises(ValueError, match="unknown activation 'rectifier'; available: identity"):
        MLP([2, 4, 1], activation="rectifier")


def test_bad_sizes_are_errors():
    with pytest.raises(ValueError, match="at least"):
        MLP([3])
    with pytest.raises(ValueError, match="size"):
        MLP([2, 0, 1])
    with pytest.raises(TypeError):
        MLP("2-4-1")
    with pytest.raises(ValueError, match="Dense"):
        MLP.from_layers([Dense(2, 3), ActivationLayer("relu"), Dense(4, 1)])
