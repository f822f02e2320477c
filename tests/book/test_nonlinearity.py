"""Chapter 1, why a network needs a non-linear activation: the claims of its
experiments (:mod:`actnet.experiments.nonlinearity`) and of its built page."""

import re

import numpy as np
import pytest
from book_pages import page

from actnet import plots, widgets
from actnet.experiments.nonlinearity import (
    PlaygroundSession,
    linear_collapse,
    playground,
    regression_output,
    relu_approximation,
    relu_step,
    separability,
)

# ------------------------------------------------------------- linear collapse


def test_stacked_linear_layers_equal_one_matrix():
    result = linear_collapse(sizes=(3, 16, 16, 16, 2), seed=1)
    assert result.product.shape == (2, 3)
    manual = result.weights[3] @ result.weights[2] @ result.weights[1] @ result.weights[0]
    np.testing.assert_allclose(result.product, manual, rtol=1e-12)
    assert result.max_difference < 1e-12
    assert np.abs(result.stacked_outputs).max() > 0.1  # the comparison is not between zeros


def test_linear_collapse_rejects_too_few_layers():
    with pytest.raises(ValueError, match="sizes must list at least 3 positive layer sizes"):
        linear_collapse(sizes=(2, 1))


# ---------------------------------------------------------------- separability


def test_no_line_separates_the_rings_and_one_hidden_layer_does():
    r = separability()
    assert r.linear_accuracy < 0.65  # near chance: half the points are of each colour
    assert r.network_accuracy >= 0.97
    assert r.linear_probability.shape == r.network_probability.shape == (61, 61)


def test_separability_radii_put_the_red_class_inside():
    r = separability(radii=(1.0, 0.5), epochs=50)
    radius = np.hypot(r.X[:, 0], r.X[:, 1])
    assert radius[r.y == 1].mean() < 0.6 < 0.9 < radius[r.y == 0].mean()


# --------------------------------------------------------- two ReLUs, one step


def test_two_relus_make_a_step_that_sharpens_and_lines_cannot():
    r = relu_step(sharpness=(1.0, 4.0, 16.0))
    ramp = r.steps[0]
    # by hand: 0 for x <= 0, x on [0, 1], 1 for x >= 1
    np.testing.assert_allclose(ramp, np.clip(r.x, 0.0, 1.0), atol=1e-15)
    assert np.all(np.diff(r.mean_gap_to_unit_step) < 0)
    # the step follows a sigmoid of the same midpoint and slope to within 0.12 ...
    assert r.max_gap_to_sigmoid == pytest.approx(1 / (1 + np.exp(2.0)), abs=1e-3)
    # ... while the best straight line misses it by more than a third
    assert r.best_line_gap > 0.3


def test_relu_step_rejects_non_positive_sharpness():
    with pytest.raises(ValueError, match="sharpness must be a sequence of positive numbers"):
        relu_step(sharpness=(1.0, 0.0))


# --------------------------------------------------------------- approximation


def test_more_relu_units_give_a_smaller_approximation_error():
    r = relu_approximation("sin", widths=(2, 4, 8, 16, 32, 64))
    assert np.all(np.diff(r.max_errors) < 0)
    # piecewise-linear interpolation error falls like 1/width^2: 64 units are
    # at least 100 times better than 4
    assert r.max_errors[-1] < r.max_errors[1] / 100


def test_abs_is_exactly_two_relus():
    r = relu_approximation("abs", widths=(2,))
    assert r.max_errors[0] < 1e-12


def test_relu_approximation_names_valid_targets():
    with pytest.raises(ValueError, match=r"target must be one of \['abs', 'bump', 'sin'\]"):
        relu_approximation("cos")


# ----------------------------------------------------------- output activation


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


def test_regression_figure_draws_the_target_and_one_line_per_output():

    r = regression_output(outputs=("identity", "sigmoid"), epochs=5)
    fig = plots.regression_output(r)
    (ax,) = fig.axes
    assert len(ax.lines) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1].startswith("identity output (MSE ") and labels[2].startswith("sigmoid")


# ------------------------------------------------------------------ playground


def test_playground_continues_its_session_and_matches_a_fresh_run():
    first = playground("xor", "tanh", width=8, depth=1, epochs=20)
    longer = playground("xor", "tanh", width=8, depth=1, epochs=35)  # continues
    np.testing.assert_array_equal(longer.loss[:21], first.loss)
    fresh = PlaygroundSession("xor", "tanh", 8, 1).train(15).train(20).run()
    np.testing.assert_array_equal(fresh.loss, longer.loss)
    np.testing.assert_array_equal(fresh.probability, longer.probability)
    again = playground("xor", "tanh", width=8, depth=1, epochs=20)  # fewer: restart
    np.testing.assert_array_equal(again.loss, first.loss)
    assert again.epochs == 20 and longer.epochs == 35


def test_playground_at_zero_epochs_is_the_untrained_network():
    run = playground("moons", "relu", width=4, depth=1, epochs=0)
    assert run.loss.size == 1 and run.epochs == 0 and "0 epochs" in run.title
    with pytest.raises(ValueError, match="epochs"):
        playground("moons", "relu", width=4, depth=1, epochs=-5)


def test_playground_rings_put_the_red_class_inside_as_in_the_first_chapter():
    session = PlaygroundSession("rings", "relu", width=4, depth=1)
    radius = np.hypot(session.X[:, 0], session.X[:, 1])
    assert radius[session.y == 1].mean() == pytest.approx(0.5, abs=0.02)
    assert radius[session.y == 0].mean() == pytest.approx(1.0, abs=0.02)


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


# -------------------------------------------------------------- the built page


def test_nonlinearity_page_glues_its_numbers(html):
    built = page(html, "nonlinearity")
    # linear model on the rings: chance; the network: every point
    assert re.search(
        r'linear model classifies <span class="pasted-text">5\d%</span>', built.replace("\n", " ")
    )
    assert 'network classifies <span class="pasted-text">100%</span>' in built
    # the two-ReLU ramp misses the best line by more than a third
    assert 'misses the ramp by up to <span class="pasted-text">0.35</span>' in built
    for key in ("Cybenko", "Hornik", "Leshno"):
        assert key in built
