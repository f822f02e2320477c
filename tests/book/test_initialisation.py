"""Initialisation: the symmetry of a constant start, the variance argument of Glorot and
He measured layer by layer over seeds, SELU's fixed point, LSUV, and their figures."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from actnet import data, plots
from actnet.experiments import (
    run_diverged,
    signal_spread,
    signal_spread_table,
    spread_cell,
    symmetry,
)
from actnet.nn import MLP, ActivationLayer, History

SEEDS = (0, 1, 2, 3, 4)


# -------------------------------------------------------------------- symmetry
@pytest.fixture(scope="module")
def constant_start():
    return symmetry(weight=0.5, epochs=15)


def test_a_constant_start_keeps_every_unit_of_a_layer_identical_to_the_bit(constant_start):
    r = constant_start
    assert len(r.seeds) == 5
    assert r.symmetry_kept
    assert np.all(r.unit_spread == 0.0)
    assert np.all(r.distinct_units == 1)
    # not because nothing moved: the first layer's weights travelled
    assert np.all(r.weight_change[:, 0] > 0.1)
    assert not r.diverged.any()


def test_a_random_start_keeps_every_unit_distinct_and_reaches_a_lower_loss(constant_start):
    r = constant_start
    assert np.all(r.random_distinct_units == r.width)
    assert np.all(r.random_loss[:, -1] < r.loss[:, -1])


def test_all_zero_weights_with_tanh_are_a_stationary_point():
    # tanh(0) = 0: every hidden output is 0, so no hidden weight gets a gradient
    r = symmetry(weight=0.0, activation="tanh", epochs=5)
    assert r.symmetry_kept
    assert np.all(r.weight_change == 0.0)
    np.testing.assert_allclose(r.loss, np.log(2), rtol=1e-2)


def test_all_zero_weights_with_sigmoid_move_but_stay_identical():
    r = symmetry(weight=0.0, activation="sigmoid", epochs=5)
    assert r.symmetry_kept and np.all(r.distinct_units == 1)
    assert np.all(r.weight_change[:, 1] > 0.0)


def test_symmetry_rejects_bad_arguments():
    with pytest.raises(ValueError, match="width must be >= 2"):
        symmetry(width=1)
    with pytest.raises(ValueError, match="seeds must hold"):
        symmetry(seeds=())


# --------------------------------------------------------------- signal spread
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("init", ["xavier_normal", "he"])
def test_signal_spread_computes_what_the_network_computes(activation, init):
    depth, width, n, seed = 6, 12, 20, 3
    r = signal_spread(depth, init, activation, seeds=(seed,), width=width, n=n)
    net = MLP([width] * (depth + 1), activation=activation, output=activation, init=init, seed=seed)
    stream = np.random.default_rng([seed, 1])
    X = stream.standard_normal((n, width))
    top = stream.standard_normal((n, width))
    net.forward(X)
    acts = [layer for layer in net.layers if isinstance(layer, ActivationLayer)]
    np.testing.assert_allclose(
        r.preactivation_variance[0], [a.preactivation.var() for a in acts], rtol=1e-12
    )
    np.testing.assert_allclose(r.output_mean[0], [a.output.mean() for a in acts], rtol=1e-12)
    grad, deltas, weight_grads = top, [], []
    for layer in reversed(net.layers):
        grad = layer.backward(grad)
        if isinstance(layer, ActivationLayer):
            deltas.insert(0, grad.var())
        else:
            weight_grads.insert(0, layer.grads[0].var())
    np.testing.assert_allclose(r.gradient_variance[0], deltas, rtol=1e-12)
    np.testing.assert_allclose(r.weight_gradient_variance[0], weight_grads, rtol=1e-12)


@pytest.fixture(scope="module")
def tanh_runs():
    return {
        "xavier": signal_spread(20, "xavier_normal", "tanh", SEEDS),
        "N(0, 1)": signal_spread(20, "normal", "tanh", SEEDS, init_scale=1.0),
        "N(0, 0.01^2)": signal_spread(20, "normal", "tanh", SEEDS, init_scale=0.01),
    }


def test_xavier_keeps_tanh_weight_gradients_within_a_factor_2_over_20_layers(tanh_runs):
    # Glorot and Bengio (2010), eq. 14: with n Var(W) = 1 every layer's weights get
    # gradients of the same variance
    assert np.all(tanh_runs["xavier"].weight_gradient_range() < 2.0)


def test_xavier_tanh_signal_declines_slowly_where_badly_scaled_weights_blow_up_or_collapse(
    tanh_runs,
):
    xavier = tanh_runs["xavier"]
    # tanh(z)^2 < z^2 shrinks Var(z) a little at every layer: by 20 layers it is a
    # few hundredths of the first layer's, not a power of ten per layer
    assert np.all((xavier.forward_ratio() > 0.01) & (xavier.forward_ratio() < 0.1))
    assert np.all((xavier.backward_ratio() > 0.01) & (xavier.backward_ratio() < 0.1))
    large = tanh_runs["N(0, 1)"]
    # N(0, 1) weights over 100 inputs: Var(z) about 100 at every layer, tanh saturated;
    # backwards, each layer multiplies the gradient's variance by 100 E[tanh'(z)^2] > 1
    assert np.all(large.preactivation_variance > 50)
    assert np.all(large.backward_ratio() > 1e10)
    small = tanh_runs["N(0, 0.01^2)"]
    # 100 inputs times 1e-4: the variance is divided by 100 at every layer
    assert np.all(small.forward_ratio() < 1e-30)
    assert np.all(small.backward_ratio() < 1e-30)


def test_he_keeps_the_second_moment_of_relu_preactivations_where_xavier_halves_it():
    he = signal_spread(20, "he", "relu", SEEDS)
    # the first layer: n_in * (2 / n_in) * E[x^2] = 2 for standard normal inputs
    np.testing.assert_allclose(he.preactivation_variance[:, 0], 2.0, rtol=0.1)
    # preserved in expectation; one network of width 100 wanders around it
    assert 0.5 < np.median(he.forward_ratio()) < 2.0
    assert np.all((he.forward_ratio() > 0.1) & (he.forward_ratio() < 10.0))
    assert np.all((he.backward_ratio() > 0.1) & (he.backward_ratio() < 10.0))
    xavier = signal_spread(20, "xavier_normal", "relu", SEEDS)
    # relu keeps half of the second moment: 2^-19 = 1.9e-6 after 19 more layers
    assert np.all(xavier.forward_ratio() < 1e-5)
    twice = signal_spread(20, "he", "relu", SEEDS, init_scale=2.0)
    # twice the standard deviation: 4 times the variance per layer, 4^19 = 2.7e11
    assert np.all(twice.forward_ratio() > 1e10)


def test_sigmoid_with_xavier_loses_the_gradient_by_twenty_orders_of_magnitude():
    r = signal_spread(20, "xavier_normal", "sigmoid", SEEDS)
    # sigmoid' <= 1/4: each layer divides the gradient's variance by 16 or more
    assert np.all(r.backward_ratio() < 1e-20)


def test_selu_with_lecun_weights_stays_at_mean_0_and_variance_1():
    r = signal_spread(20, "lecun", "selu", SEEDS)
    assert np.abs(r.output_mean).max() < 0.1
    assert np.all((r.output_variance > 0.8) & (r.output_variance < 1.2))


@pytest.mark.parametrize(("input_mean", "input_std"), [(0.0, 2.0), (0.0, 0.5), (1.0, 1.0)])
def test_selu_pulls_a_signal_back_to_its_fixed_point(input_mean, input_std):
    # Klambauer et al. (2017): (0, 1) is an attracting fixed point of the layer map
    r = signal_spread(20, "lecun", "selu", SEEDS, input_mean=input_mean, input_std=input_std)
    first = np.abs(r.output_variance[:, 0] - 1.0)
    last = np.abs(r.output_variance[:, -1] - 1.0)
    # 0.15: a network of width 100 started at (0, 1) itself wanders within about 0.1 of it
    assert np.all(first > 0.3) and np.all(last < 0.15)
    # the mean, averaged over the seeds, is closer to 0 at the top than at the bottom
    # (one network's mean wanders: its examples share the input's mean direction)
    assert abs(r.output_mean[:, -1].mean()) < abs(r.output_mean[:, 0].mean())


def test_narrow_relu_networks_become_constant_functions_at_initialisation():
    # Lu et al. (2019): born dead, more likely the narrower the network
    narrow = signal_spread(20, "he", "relu", SEEDS, width=2, n=50)
    wide = signal_spread(20, "he", "relu", SEEDS, width=20, n=50)
    assert np.all(narrow.constant_from_layer > 0)
    assert np.all(wide.constant_from_layer == 0)
    i = 0
    layer = narrow.constant_from_layer[i]
    assert narrow.output_variance[i, layer - 1] == 0.0


def test_lsuv_sets_every_layers_variance_to_1_and_leaves_the_gradient_free():
    r = signal_spread(20, "lsuv", "tanh", SEEDS)
    np.testing.assert_allclose(r.preactivation_variance, 1.0, atol=0.1)
    # tanh shrinks the signal, so LSUV's weights are larger than Xavier's: backwards,
    # the gradient grows
    assert np.all(r.backward_ratio() > 10.0)


def test_signal_spread_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown initializer 'glorious'"):
        signal_spread(init="glorious")
    with pytest.raises(ValueError, match="depth must be >= 1"):
        signal_spread(depth=0)
    with pytest.raises(ValueError, match="input_std must be a finite number > 0"):
        signal_spread(input_std=0.0)


def test_the_table_shows_median_and_range_over_seeds(tanh_runs):
    table = signal_spread_table(list(tanh_runs.values()))
    assert table.column("init") == ["xavier_normal", "normal ×1", "normal ×0.01"]
    ratios = tanh_runs["xavier"].weight_gradient_range()
    assert table.rows[0][-1] == spread_cell(ratios)
    assert f"[{ratios.min():.3g}, {ratios.max():.3g}]" in table.rows[0][-1]


# ------------------------------------------------------------------ divergence
def _history(loss, diverged=False):
    loss = np.asarray(loss, dtype=float)
    return History(
        epoch=np.arange(loss.size),
        loss=loss,
        accuracy=np.full(loss.size, np.nan),
        diverged=diverged,
    )


def test_a_run_is_diverged_by_fit_s_rule_or_when_its_loss_or_a_parameter_is_not_finite():
    """One rule, MLP.fit's: a loss that ends 10 times up but below LOSS_GROWTH_LIMIT times
    its start is not divergence (the target changed on purpose from a 10-fold rule of this
    module's own; no run of the chapters comes near either limit)."""
    net = MLP([2, 3, 1], seed=0)
    assert not run_diverged(_history([0.7, 0.1]), net)
    assert run_diverged(_history([0.7, np.nan]), net)
    assert not run_diverged(_history([0.7, 7.5]), net)
    assert run_diverged(_history([0.7, 7.5], diverged=True), net)
    moons = data.moons(n=64, seed=0)
    exploding = MLP([2, 8, 1], output="sigmoid", seed=0)
    assert run_diverged(exploding.fit(*moons, loss="bce", lr=1e3, epochs=50), exploding)
    net.params[0][0, 0] = np.inf
    assert run_diverged(_history([0.7, 0.1]), net)


def test_spread_cells_say_diverged_instead_of_a_number():
    assert spread_cell(np.array([1.0, np.inf]), np.array([True, True])) == "diverged"
    assert spread_cell(np.array([1.0, 2.0]), np.array([False, True])).endswith("(1 of 2 diverged)")


# --------------------------------------------------------------------- figures
def test_symmetry_figure_draws_the_distinct_units_and_both_losses(constant_start):
    fig = plots.symmetry(constant_start)
    assert isinstance(fig, Figure)
    left, right = fig.axes
    lines = {line.get_label(): line for line in left.get_lines()}
    np.testing.assert_array_equal(lines["every weight 0.5, layer 1"].get_ydata(), 1)
    assert right.get_yscale() == "log" and right.get_title()


def test_signal_spread_figure_draws_the_median_of_each_run(tanh_runs):
    runs = list(tanh_runs.values())
    fig = plots.signal_spread(runs)
    forward, backward, weights = fig.axes
    assert [ax.get_yscale() for ax in fig.axes] == ["log"] * 3
    medians = [line for line in forward.get_lines() if not line.get_label().startswith("_")]
    np.testing.assert_array_equal(
        medians[0].get_ydata(), np.median(runs[0].preactivation_variance, axis=0)
    )
    assert len(medians) == 3
