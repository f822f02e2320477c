"""Chapter 2, the sigmoid's problems: the claims of its experiments
(:mod:`actnet.experiments.sigmoid`) and of its built page."""

import math
import re

import numpy as np
import pytest
from book_pages import page

from actnet.experiments.sigmoid import (
    convergence_race,
    predicted_saturated_fraction,
    saturation,
    saturation_thresholds,
    vanishing_gradients,
    zigzag,
)

# --------------------------------------------------------- vanishing gradients


def test_sigmoid_gradient_shrinks_layer_after_layer_and_relu_with_he_does_not():
    r = vanishing_gradients(depth=10)
    sigmoid = r.norm("sigmoid", "xavier_normal")
    # each sigmoid layer multiplies the gradient by at most 1/4 times the weights
    assert np.all(np.diff(sigmoid[:-1]) > 0)
    assert r.first_to_last("sigmoid", "xavier_normal") < 1e-4
    assert r.first_to_last("relu", "he") > 0.1
    assert r.first_to_last("tanh", "xavier_normal") > r.first_to_last("sigmoid", "xavier_normal")


# ------------------------------------------------------------ convergence race


def test_relu_reaches_the_target_loss_in_fewer_epochs_than_sigmoid():
    r = convergence_race(seeds=(0, 1, 2))
    med = dict(zip(r.activations, r.median_epochs()))
    assert med["relu"] < med["tanh"] < med["sigmoid"]
    assert r.ranks() == {"relu": 1, "tanh": 2, "sigmoid": 3}
    assert np.all(r.seconds > 0)


# ------------------------------------------------------------------ saturation


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


def test_sigmoid_saturation_thresholds_are_plus_minus_log_99():
    low, high = saturation_thresholds("sigmoid", eps=0.01)
    assert low == pytest.approx(-math.log(99.0), abs=1e-12)
    assert high == pytest.approx(math.log(99.0), abs=1e-12)


def test_tanh_saturates_closer_to_zero_than_sigmoid():
    low, high = saturation_thresholds("tanh", eps=0.01)
    assert high == pytest.approx(math.atanh(0.99), abs=1e-12) and low == pytest.approx(-high)
    assert high < saturation_thresholds("sigmoid")[1]


def test_normal_law_predicts_the_measured_first_layer_saturation():
    scales = (0.5, 1.0, 2.0, 4.0, 8.0)
    for activation in ("sigmoid", "tanh"):
        measured = saturation(init_scales=scales, activation=activation)
        predicted = predicted_saturated_fraction(scales, activation=activation)
        np.testing.assert_allclose(measured.saturated_fraction[:, 0], predicted, atol=0.02)
    # worked by hand: 2 Phi(-ln 99 / 8) = erfc(ln 99 / (8 sqrt 2))
    assert predicted_saturated_fraction([8.0])[0] == pytest.approx(
        math.erfc(math.log(99.0) / (8.0 * math.sqrt(2.0))), rel=1e-9
    )


def test_saturation_law_rejects_unbounded_activations_and_bad_scales():
    with pytest.raises(ValueError, match="must be bounded on both sides"):
        saturation_thresholds("relu")
    with pytest.raises(ValueError, match="eps must be between 0 and half"):
        saturation_thresholds("sigmoid", eps=0.6)
    with pytest.raises(ValueError, match="init_scales must be a sequence of numbers > 0"):
        predicted_saturated_fraction([1.0, 0.0])


# --------------------------------------------------------------------- zig-zag


def test_sigmoid_fed_weight_gradients_share_one_sign_in_every_step():
    r = zigzag("positive", steps=500)
    signs = np.sign(r.gradients)
    assert np.all(signs[:, 0] == signs[:, 1])
    assert r.same_sign_fraction == 1.0
    # hence every step moves in the first or third quadrant
    steps = np.diff(r.path, axis=0)
    assert np.all(steps[:, 0] * steps[:, 1] >= 0)


def test_zero_centred_inputs_move_freely_and_arrive_sooner():
    pos = zigzag("positive", lr=0.5, steps=1000, seed=3)
    zero = zigzag("zero-centred", lr=0.5, steps=1000, seed=3)
    assert 0.3 < zero.same_sign_fraction < 0.7
    steps = np.diff(zero.path, axis=0)
    steps = steps[np.all(steps != 0, axis=1)]  # once at the optimum, the weights stop
    assert np.mean(steps[:, 0] * steps[:, 1] < 0) > 0.3  # second/fourth quadrant moves happen
    assert zero.steps_to_optimum is not None and pos.steps_to_optimum is not None
    assert zero.steps_to_optimum * 3 < pos.steps_to_optimum


def test_zigzag_bad_input():
    with pytest.raises(ValueError, match='inputs must be "positive" or "zero-centred"'):
        zigzag("negative")
    with pytest.raises(ValueError, match="lr must be > 0"):
        zigzag(lr=0.0)


# -------------------------------------------------------------- the built page


def test_sigmoid_page_glues_its_numbers(html):
    built = page(html, "sigmoid").replace("\n", " ")
    assert '<span class="pasted-text">0.25</span>' in built  # sigma'(0)
    # the normal law's prediction of saturation at scale 8
    assert 'predicted <span class="pasted-text">56.6%</span>' in built
    # every step with positive inputs moves both weights the same way
    assert 'positive inputs <span class="pasted-text">100%</span>' in built
    # the cost is counted in array passes (the same everywhere), and the time ratios of
    # the book's one measurement follow (their values change from run to run)
    assert 'make <span class="pasted-text">15</span> passes' in built  # the sigmoid's
    assert re.search(
        r'took <span class="pasted-text">[\d.]+</span> and\s*<span class="pasted-text">[\d.]+</span>'
        r"\s*times as long as ReLU",
        built,
    )
    for key in ("LeCun", "Glorot", "Karpathy"):
        assert key in built
