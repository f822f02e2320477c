"""MLP.fit reports divergence as a result, and training refuses nonsense with a clear error."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actnet
from actnet.data import regression, xor
from actnet.nn import (
    DIVERGENCE_REASONS,
    LOSS_EXPLODED,
    LOSS_GROWTH_LIMIT,
    MLP,
    NONFINITE_LOSS,
    NONFINITE_PARAMETERS,
    PARAMETER_GROWTH_LIMIT,
    PARAMETERS_EXPLODED,
    Dense,
    DivergedError,
    Maxout,
    PReLU,
    _DivergenceWatch,
)

X, Y = xor(100, seed=0)
HIDDEN = [*actnet.available(), "maxout"]  # "prelu" names both the fixed and the trainable one
# every output with every loss it can feed: (output, loss, outputs)
PAIRS = [
    ("sigmoid", "bce", 1),
    ("sigmoid", "mse", 1),
    ("identity", "mse", 1),
    ("identity", "bce_with_logits", 1),
    ("identity", "softmax_cross_entropy", 2),
    ("softmax", "softmax_cross_entropy", 2),
    ("softmax", "mse", 2),
]


def targets(loss, outputs):
    return Y if outputs == 1 or loss == "softmax_cross_entropy" else np.eye(outputs)[Y]


def assert_stopped_there(history):
    assert history.diverged and history.reason in DIVERGENCE_REASONS
    assert len(history.loss) == len(history.epoch) == history.diverged_at + 1
    assert history.diverged_at_epoch == history.diverged_at


@pytest.mark.parametrize("output, loss, outputs", PAIRS)
@pytest.mark.parametrize("activation", HIDDEN)
def test_a_learning_rate_of_1e300_is_reported_as_divergence_for_every_activation_output_and_loss(
    activation, output, loss, outputs
):
    net = MLP([2, 16, outputs], activation=activation, output=output, seed=0)
    history = net.fit(X, targets(loss, outputs), loss=loss, lr=1e300, epochs=20)
    assert_stopped_there(history)
    assert history.diverged_at <= 2


@pytest.mark.parametrize("output", [a for a in actnet.available() if a != "identity"])
def test_every_activation_as_the_output_diverges_visibly_at_a_learning_rate_of_1e300(output):
    net = MLP([2, 16, 1], activation="tanh", output=output, seed=0)
    assert_stopped_there(net.fit(X, Y, loss="mse", lr=1e300, epochs=20))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_every_optimizer_and_mini_batches_report_divergence_too(optimizer, batch_size):
    net = MLP([2, 16, 1], activation="relu", output="sigmoid", seed=0)
    history = net.fit(X, Y, loss="bce", optimizer=optimizer, lr=1e300, batch_size=batch_size)
    assert_stopped_there(history)


def test_a_saturated_sigmoid_keeps_the_mse_bounded_while_its_weights_explode():
    """The case a loss-only criterion misses: the output saturates, the loss stays below 1,
    the weights reach 1e298."""
    net = MLP([2, 16, 1], activation="tanh", output="sigmoid", seed=0)
    history = net.fit(X, Y, loss="mse", lr=1e300, epochs=20)
    assert history.reason == PARAMETERS_EXPLODED and history.diverged_at == 1
    assert history.loss[-1] < 1.0
    assert history.param_norm[-1] > PARAMETER_GROWTH_LIMIT * max(history.param_norm[0], 1.0)
    assert history.param_norm[-1] > 1e290


def test_with_bce_the_same_network_reports_its_exploding_loss():
    net = MLP([2, 16, 1], activation="tanh", output="sigmoid", seed=0)
    history = net.fit(X, Y, loss="bce", lr=1e300, epochs=20)
    assert history.reason == LOSS_EXPLODED and history.diverged_at == 1
    assert history.loss[-1] > 1e298


def test_a_loss_that_outgrows_its_start_a_hundredfold_stops_the_run_there():
    x, t = regression("sin", n=50, seed=0)
    history = MLP([1, 32, 32, 1], activation="relu", seed=0).fit(x, t, loss="mse", lr=3.0)
    assert history.reason == LOSS_EXPLODED
    assert np.isfinite(history.loss[-1])
    assert history.loss[-1] > LOSS_GROWTH_LIMIT * history.loss[0]
    assert np.all(history.loss[:-1] <= LOSS_GROWTH_LIMIT * history.loss[0])


def test_non_finite_parameters_are_divergence_even_when_the_loss_is_finite():
    net = MLP([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    net.params[-1][...] = np.inf  # every output is sigmoid(inf) = 1: a finite loss
    history = net.fit(X, Y, loss="mse", epochs=5)
    assert history.reason == NONFINITE_PARAMETERS and history.diverged_at == 0
    assert np.isfinite(history.loss[0]) and np.isnan(history.accuracy[0])


def test_a_non_finite_loss_is_divergence_at_the_epoch_it_appears():
    net = MLP([2, 4, 1], seed=0)
    net.params[0][0, 0] = np.nan
    history = net.fit(X, Y, loss="mse", epochs=5)
    assert history.reason == NONFINITE_LOSS and history.diverged_at == 0
    assert np.isnan(history.loss[0])


def test_the_rule_at_its_thresholds():
    """Divergence is a loss strictly above LOSS_GROWTH_LIMIT times the start, or a norm
    strictly above PARAMETER_GROWTH_LIMIT times max(start, 1) while the loss makes no new
    best; a growing norm with a falling loss is training."""
    watch = _DivergenceWatch()
    assert watch.reason(0.5, 0.2) is None  # the start: the norm counts as 1
    assert watch.reason(0.5 * LOSS_GROWTH_LIMIT, 1.0) is None
    assert watch.reason(np.nextafter(0.5 * LOSS_GROWTH_LIMIT, np.inf), 1.0) == LOSS_EXPLODED
    watch = _DivergenceWatch()
    assert watch.reason(0.5, 3.0) is None
    assert watch.reason(0.4, 10 * PARAMETER_GROWTH_LIMIT * 3.0) is None  # a new best loss
    assert watch.reason(0.4, PARAMETER_GROWTH_LIMIT * 3.0) is None  # at the limit
    assert watch.reason(0.4, 1.01 * PARAMETER_GROWTH_LIMIT * 3.0) == PARAMETERS_EXPLODED
    assert _DivergenceWatch().reason(np.inf, 1.0) == NONFINITE_LOSS
    assert _DivergenceWatch().reason(1.0, np.nan) == NONFINITE_PARAMETERS


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_runs_that_train_are_never_called_diverged(seed):
    """No false alarm: xor learnt with Adam, and the course's dying-ReLU setting (SGD at a
    learning rate of 1, where units die but the loss falls), from any seed."""
    net = MLP([2, 8, 1], activation="tanh", output="sigmoid", seed=seed)
    history = net.fit(X, Y, loss="bce", optimizer="adam", lr=0.05, epochs=60, seed=seed)
    assert not history.diverged and history.loss[-1] < history.loss[0]
    net = MLP([2, 32, 32, 1], activation="relu", output="sigmoid", seed=seed)
    history = net.fit(X, Y, loss="bce", lr=1.0, epochs=5, batch_size=16, seed=seed)
    assert not history.diverged, (history.reason, history.loss)


# ------------------------------------------------------------ a diverged network
@pytest.fixture
def diverged():
    net = MLP([2, 16, 1], activation="tanh", output="sigmoid", seed=0)
    history = net.fit(X, Y, loss="mse", lr=1e300)
    return net, history


@pytest.mark.parametrize(
    "use",
    [
        lambda net: net.predict(X),
        lambda net: net.forward(X),
        lambda net: net.predict_labels(X),
        lambda net: net.fit(X, Y, loss="mse", lr=0.1),
    ],
    ids=["predict", "forward", "predict_labels", "fit"],
)
def test_a_diverged_network_says_so_instead_of_answering(diverged, use):
    net, _ = diverged
    with pytest.raises(DivergedError, match="diverged in its last fit \\(at epoch 1: parameters"):
        use(net)


def test_a_diverged_network_can_still_be_looked_into(diverged):
    net, _ = diverged
    outputs = net.layer_outputs(X)
    assert [o.name for o in outputs] == ["tanh", "sigmoid"]
    value, grads = net.loss_and_grads(X, Y, loss="mse")
    assert np.isfinite(value) and len(grads) == len(net.params)


def test_a_run_that_trains_leaves_a_network_that_predicts():
    net = MLP([2, 8, 1], activation="tanh", output="sigmoid", seed=0)
    assert not net.fit(X, Y, loss="bce", optimizer="adam", lr=0.05, epochs=100).diverged
    assert net.predict(X).shape == (100, 1)


# ------------------------------------------------------------ nonsense refused
@given(label=st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: not 0 <= v <= 1))
@pytest.mark.parametrize("output, loss", [("sigmoid", "bce"), ("identity", "bce_with_logits")])
def test_binary_cross_entropy_refuses_labels_outside_0_and_1(output, loss, label):
    y = Y.astype(float)
    y[3] = label
    net = MLP([2, 4, 1], output=output, seed=0)
    with pytest.raises(ValueError, match=rf"y must lie in \[0, 1\] for the loss '{loss}'"):
        net.fit(X, y, loss=loss, epochs=1)
    with pytest.raises(ValueError, match="y must lie in"):
        net.loss_and_grads(X, y, loss=loss)


@given(soft=st.floats(0.0, 1.0))
def test_binary_cross_entropy_takes_probabilities_as_labels(soft):
    y = np.full(len(X), soft)
    value, _ = MLP([2, 4, 1], output="sigmoid", seed=0).loss_and_grads(X, y, loss="bce")
    assert np.isfinite(value) and value >= 0


@pytest.mark.parametrize("label", [-1, 3, 1.5, 2.0000001])
def test_softmax_cross_entropy_refuses_labels_that_are_not_classes(label):
    y = np.resize(np.arange(3.0), len(X))
    y[5] = label
    with pytest.raises(ValueError, match=r"y: class labels must be integers in \[0, 3\)"):
        MLP([2, 4, 3], output="softmax", seed=0).fit(X, y, loss="softmax_cross_entropy")


@pytest.mark.parametrize(
    "row", [[1.0, 1.0, 0.0], [0.5, 0.2, 0.2], [-0.5, 1.5, 0.0], [2.0, -1.0, 0.0]]
)
def test_softmax_cross_entropy_refuses_rows_that_are_not_class_probabilities(row):
    y = np.eye(3)[np.resize(np.arange(3), len(X))]
    y[7] = row
    net = MLP([2, 4, 3], output="softmax", seed=0)
    with pytest.raises(ValueError, match="row 7 is"):
        net.fit(X, y, loss="softmax_cross_entropy")
    y[7] = [0.2, 0.3, 0.5]  # soft labels are probabilities too
    assert np.isfinite(net.loss_and_grads(X, y, loss="softmax_cross_entropy")[0])


@pytest.mark.parametrize(
    "layers, loss, match",
    [
        (lambda: MLP([2, 4, 1], output="identity"), "bce", "loss 'bce' needs probabilities"),
        (lambda: MLP([2, 4, 1], output="tanh"), "bce", "ends in tanh, whose outputs are not"),
        (lambda: MLP([2, 4, 1], output="relu"), "bce", "loss 'bce' needs probabilities"),
        (lambda: MLP.from_layers([Dense(2, 4), PReLU(4), Maxout(4, 1)]), "bce", "Maxout"),
        (lambda: MLP([2, 4, 1], output="sigmoid"), "bce_with_logits", "takes logits"),
        (lambda: MLP([2, 4, 2], output="softmax"), "bce_with_logits", "takes logits"),
        (lambda: MLP([2, 4, 2], output="sigmoid"), "softmax_cross_entropy", "takes logits"),
    ],
)
def test_a_loss_that_the_output_cannot_feed_is_refused(layers, loss, match):
    net = layers()
    y = Y if net.n_outputs == 1 or loss == "softmax_cross_entropy" else np.eye(2)[Y]
    with pytest.raises(ValueError, match=match):
        net.fit(X, y, loss=loss)
    with pytest.raises(ValueError, match=match):
        net.loss_and_grads(X, y, loss=loss)


def test_no_examples_is_an_error_for_training_not_for_predicting():
    net = MLP([2, 4, 1], seed=0)
    with pytest.raises(ValueError, match="X has no rows"):
        net.fit(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match="X has no rows"):
        net.loss_and_grads(np.zeros((0, 2)), np.zeros(0))
    assert net.predict(np.zeros((0, 2))).shape == (0, 1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"activation": "nonsense"}, ValueError, "activation: unknown activation 'nonsense'"),
        ({"activation": ["relu", "nonsense"]}, ValueError, "activation: unknown activation"),
        ({"activation": 5}, TypeError, "activation: activation must be a name"),
        ({"output": "nonsense"}, ValueError, "output: unknown activation 'nonsense'"),
    ],
)
@pytest.mark.parametrize("sizes", [[2, 1], [2, 3, 1]])
def test_an_unknown_activation_is_refused_when_the_network_is_built(sizes, kwargs, error, match):
    if isinstance(kwargs.get("activation"), list):
        sizes = [2, 3, 3, 1]
    with pytest.raises(error, match=match):
        MLP(sizes, **kwargs)


@pytest.mark.parametrize(
    "seed, error, match",
    [
        (-1, ValueError, "seed must be an integer >= 0, got -1"),
        (1.5, TypeError, "seed must be an integer >= 0 or a numpy.random.Generator, got 1.5"),
        ("abc", TypeError, "seed must be an integer >= 0 or a numpy.random.Generator, got 'abc'"),
        (True, TypeError, "seed must be an integer >= 0 or a numpy.random.Generator, got True"),
    ],
)
def test_a_bad_seed_is_refused_by_the_network_and_by_fit(seed, error, match):
    with pytest.raises(error, match=match):
        MLP([2, 4, 1], seed=seed)
    with pytest.raises(error, match=match):
        MLP([2, 4, 1], seed=0).fit(X, Y, seed=seed, batch_size=10)
