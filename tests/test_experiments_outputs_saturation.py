"""Chapter 1 and 2 claims added with the chapters: output activations of a regression,
the normal-law prediction of saturation, and the options the chapters use."""

import math

import numpy as np
import pytest

from actnet import experiments, widgets
from actnet.experiments import (
    predicted_saturated_fraction,
    regression_output,
    saturation_thresholds,
)


# ------------------------------------------------------------- regression output
def test_only_an_identity_output_fits_a_target_outside_zero_one():
    r = regression_output(outputs=("identity", "sigmoid", "relu"))
    assert r.outputs == ["identity", "sigmoid", "relu"]
    assert r.mse[0] < 0.01
    # a bounded output can never beat the target clipped to its range ...
    assert np.all(r.mse[1:] >= r.floor_mse[1:] - 1e-12)
    # ... and that floor is large: the target runs from -2 to 2
    assert r.floor_mse[1] > 1.0 and r.floor_mse[2] > 0.9
    assert r.floor_mse[0] == 0.0
    assert r.fits[1].min() > 0.0 and r.fits[1].max() < 1.0
    assert r.fits[2].min() >= 0.0


def test_regression_floor_is_the_clipped_target_worked_by_hand():
    r = regression_output(outputs=("relu",), epochs=1, n=3)
    # x = -1, 0, 1: y = 2 sin(pi x) is about (0, 0, 0), so the floor is about 0
    assert r.floor_mse[0] == pytest.approx(0.0, abs=1e-30)
    r = regression_output(outputs=("sigmoid",), epochs=1, n=5)
    # x = -1, -0.5, 0, 0.5, 1: y = 0, -2, 0, 2, 0; clipped to [0, 1]: 0, 0, 0, 1, 0
    assert r.floor_mse[0] == pytest.approx((4.0 + 1.0) / 5.0)
    assert r.output_range == [(0.0, 1.0)]


def test_regression_output_rejects_bad_arguments():
    with pytest.raises(ValueError, match="width must be >= 1"):
        regression_output(width=0)
    with pytest.raises(ValueError, match="outputs must name at least one"):
        regression_output(outputs=())
    with pytest.raises(ValueError, match="swoosh"):
        regression_output(outputs=("swoosh",))


# ---------------------------------------------------------------- saturation law
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
        measured = experiments.saturation(init_scales=scales, activation=activation)
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


# ------------------------------------------------------- options of the chapters
def test_separability_radii_put_the_red_class_inside():
    r = experiments.separability(radii=(1.0, 0.5), epochs=50)
    radius = np.hypot(r.X[:, 0], r.X[:, 1])
    assert radius[r.y == 1].mean() < 0.6 < 0.9 < radius[r.y == 0].mean()


def test_playground_shows_the_chosen_activations_without_a_kernel():
    ex = widgets.playground_explorer(
        dataset_names=("rings",),
        activations=("identity", "relu"),
        static_activations=("identity", "relu"),
        max_epochs=10,
        epochs_per_step=10,
    )
    activation = next(c for c in ex.controls if c.name == "activation")
    assert activation.frames == ["identity", "relu"]
    with pytest.raises(ValueError, match="static value 'swoosh' is not one of its values"):
        widgets.playground_explorer(activations=("relu",), static_activations=("swoosh",))


def test_regression_figure_draws_the_target_and_one_line_per_output():
    from actnet import plots

    r = regression_output(outputs=("identity", "sigmoid"), epochs=5)
    fig = plots.regression_output(r)
    (ax,) = fig.axes
    assert len(ax.lines) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1].startswith("identity output (MSE ") and labels[2].startswith("sigmoid")
