"""Chapters 1-6: the lecture's claims about training, asserted on the experiments' data."""

import numpy as np
import pytest

from actnet.experiments import (
    bias_kick,
    born_dead,
    convergence_race,
    dying_relu,
    maxout_fit,
    prelu_slopes,
    saturation,
    separability,
    vanishing_gradients,
)


def test_no_line_separates_the_rings_and_one_hidden_layer_does():
    r = separability()
    assert r.linear_accuracy < 0.65  # near chance: half the points are of each colour
    assert r.network_accuracy >= 0.97
    assert r.linear_probability.shape == r.network_probability.shape == (61, 61)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_larger_initial_weights_saturate_more_units_from_the_first_example(activation):
    r = saturation(activation=activation)
    first_layer = r.saturated_fraction[:, 0]
    assert first_layer[0] < 0.01
    assert np.all(np.diff(first_layer) >= 0)
    assert first_layer[-1] > 0.4
    # the spread of the weighted sums grows in proportion to the weight scale
    ratio = r.preact_std[:, 0] / r.init_scales
    np.testing.assert_allclose(ratio, ratio[0], rtol=0.05)


def test_sigmoid_gradient_shrinks_layer_after_layer_and_relu_with_he_does_not():
    r = vanishing_gradients(depth=10)
    sigmoid = r.norm("sigmoid", "xavier_normal")
    # each sigmoid layer multiplies the gradient by at most 1/4 times the weights
    assert np.all(np.diff(sigmoid[:-1]) > 0)
    assert r.first_to_last("sigmoid", "xavier_normal") < 1e-4
    assert r.first_to_last("relu", "he") > 0.1
    assert r.first_to_last("tanh", "xavier_normal") > r.first_to_last("sigmoid", "xavier_normal")


def test_dead_fraction_rises_with_the_learning_rate():
    r = dying_relu(learning_rates=(0.01, 3.0), seeds=(0, 1, 2))
    low, high = r.dead_fraction.mean(axis=1)
    assert low < 0.1 and high > 0.5


def test_dead_fraction_counts_the_hidden_units_only():
    # two hidden layers of 8: every fraction is a whole number of the 16 hidden units
    r = dying_relu(learning_rates=(3.0,), seeds=(0, 1), width=8, epochs=5)
    assert np.allclose(r.dead_fraction * 16, np.round(r.dead_fraction * 16))
    assert r.dead_fraction.max() > 0


def test_a_killed_relu_unit_gets_exactly_zero_gradient_forever():
    r = bias_kick("relu", kick=-3.0, steps=500)
    assert np.all(r.gradient_norm == 0.0)
    assert np.all(r.bias == -3.0)
    assert np.all(r.active_fraction == 0.0)
    assert not r.recovered


def test_the_same_kick_on_a_leaky_relu_unit_recovers():
    r = bias_kick("leaky_relu", kick=-3.0)
    assert np.all(r.gradient_norm > 0)
    assert r.active_fraction[0] == 0.0 and r.recovered


def test_born_dead_probability_grows_with_depth_and_falls_with_width():
    r = born_dead(depths=(2, 10, 30), widths=(2, 10), trials=100)
    narrow, wide = r.probability
    assert np.all(np.diff(narrow) > 0)
    assert narrow[-1] > 0.9  # Lu et al. (2019): tends to 1 as depth grows
    assert np.all(wide <= narrow) and wide[0] == 0.0


def test_randomized_asymmetric_initialisation_is_less_often_born_dead():
    he = born_dead(depths=(10, 30), widths=(2,), init="he", trials=100)
    rai = born_dead(depths=(10, 30), widths=(2,), init="rai", trials=100)
    assert np.all(rai.probability < he.probability)


def test_relu_reaches_the_target_loss_in_fewer_epochs_than_sigmoid():
    r = convergence_race(seeds=(0, 1, 2))
    med = dict(zip(r.activations, r.median_epochs()))
    assert med["relu"] < med["tanh"] < med["sigmoid"]
    assert r.ranks() == {"relu": 1, "tanh": 2, "sigmoid": 3}
    assert np.all(r.seconds > 0)


def test_prelu_slopes_are_learned_per_unit():
    r = prelu_slopes(epochs=100)
    slopes = r.slopes[0]
    assert slopes.shape == (101, 16)
    assert np.all(slopes[0] == 0.25)
    assert np.abs(slopes[-1] - 0.25).max() > 0.1
    assert np.unique(slopes[-1].round(6)).size == 16


def test_one_maxout_unit_fits_a_convex_piecewise_linear_function_at_k_times_the_price():
    r = maxout_fit(k=3)
    assert r.max_error < 1e-3
    assert r.maxout_parameters == 3 * r.relu_parameters


def test_positive_bias_initialisation_lowers_the_dead_fraction_at_a_high_learning_rate():
    seeds = (0, 1, 2, 3)
    zero = dying_relu(learning_rates=(3.0,), bias_init=0.0, seeds=seeds)
    positive = dying_relu(learning_rates=(3.0,), bias_init=0.1, seeds=seeds)
    assert positive.dead_fraction.mean() < zero.dead_fraction.mean() - 0.05
    # the plainer remedy: a lower learning rate keeps almost every unit alive
    lower = dying_relu(learning_rates=(0.3,), bias_init=0.0, seeds=seeds)
    assert lower.dead_fraction.mean() < 0.1
