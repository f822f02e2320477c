"""Every figure function returns a labelled figure that draws exactly the result it is given."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from actnet import experiments, plots


def _check_labelled(fig, n_axes):
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == n_axes
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    return axes


def _line_with_label(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


@pytest.fixture(scope="module")
def pair_of_kicks():
    return experiments.bias_kick("relu", steps=50), experiments.bias_kick("leaky_relu", steps=50)


def test_activation_draws_the_value_and_the_derivative():
    ax = _check_labelled(plots.activation("tanh", x=np.linspace(-2, 2, 5)), 1)[0]
    value = _line_with_label(ax, "value $f(x)$")
    np.testing.assert_allclose(value.get_ydata(), np.tanh(np.linspace(-2, 2, 5)))


def test_linear_collapse_scatters_stacked_against_collapsed_outputs():
    result = experiments.linear_collapse(n_points=50)
    ax = _check_labelled(plots.linear_collapse(result), 1)[0]
    points = next(c for c in ax.collections if isinstance(c, PathCollection)).get_offsets()
    np.testing.assert_array_equal(points[:, 0], result.collapsed_outputs.ravel())
    np.testing.assert_array_equal(points[:, 1], result.stacked_outputs.ravel())


def test_relu_step_draws_one_line_per_sharpness_and_the_sigmoid():
    result = experiments.relu_step(sharpness=(1.0, 5.0), n=101)
    ax = _check_labelled(plots.relu_step(result), 1)[0]
    np.testing.assert_array_equal(
        _line_with_label(ax, "ReLU step, $k = 5$").get_ydata(), result.steps[1]
    )
    np.testing.assert_array_equal(
        _line_with_label(ax, "sigmoid$(4x - 2)$").get_ydata(), result.sigmoid
    )


def test_relu_approximation_draws_each_fit_and_the_errors():
    result = experiments.relu_approximation(widths=(2, 8), n=51)
    left, right = _check_labelled(plots.relu_approximation(result), 2)
    np.testing.assert_array_equal(_line_with_label(left, "8 ReLUs").get_ydata(), result.fits[1])
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), result.max_errors)
    assert right.get_xscale() == "log" and right.get_yscale() == "log"


def test_zigzag_draws_both_weight_paths_of_a_pair():
    pair = experiments.zigzag("positive", steps=30), experiments.zigzag("zero-centred", steps=30)
    ax = _check_labelled(plots.zigzag(pair), 1)[0]
    paths = [line.get_xydata() for line in ax.get_lines()[:2]]
    np.testing.assert_array_equal(paths[0], pair[0].path)
    np.testing.assert_array_equal(paths[1], pair[1].path)


def test_cost_draws_a_bar_per_activation_for_value_and_derivative():
    result = experiments.cost(["relu", "sigmoid", "tanh"], n_elements=1000, repeats=2)
    ax = _check_labelled(plots.cost(result), 1)[0]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.concatenate([result.value_ratio, result.grad_ratio]))


def test_separability_shows_both_models_and_their_accuracy():
    result = experiments.separability(epochs=20)
    left, right = _check_labelled(plots.separability(result), 2)
    assert f"{result.linear_accuracy:.0%}" in left.get_title()
    assert f"{result.network_accuracy:.0%}" in right.get_title()
    shown = np.concatenate(
        [c.get_offsets() for c in left.collections if isinstance(c, PathCollection)]
    )
    assert len(shown) == len(result.X)


def test_saturation_draws_a_histogram_per_scale_and_the_fractions():
    result = experiments.saturation(init_scales=(0.5, 4.0), n=50)
    left, right = _check_labelled(plots.saturation(result), 2)
    assert len(left.patches) == 2  # one step histogram per scale
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), result.saturated_fraction[:, 0])


def test_vanishing_gradients_draws_each_run_on_a_log_scale():
    result = experiments.vanishing_gradients(depth=4, n=32)
    ax = _check_labelled(plots.vanishing_gradients(result), 1)[0]
    assert ax.get_yscale() == "log"
    for line, norms in zip(ax.get_lines(), result.norms):
        np.testing.assert_array_equal(line.get_ydata(), norms)


def test_dying_relu_draws_the_mean_dead_fraction_against_a_log_learning_rate():
    result = experiments.dying_relu(learning_rates=(0.01, 1.0), seeds=(0, 1), epochs=2, width=8)
    ax = _check_labelled(plots.dying_relu(result), 1)[0]
    assert ax.get_xscale() == "log"
    mean = _line_with_label(ax, "relu (mean)")
    np.testing.assert_array_equal(mean.get_ydata(), result.dead_fraction.mean(axis=1))


def test_bias_kick_draws_bias_gradient_and_activity_of_both_runs(pair_of_kicks):
    axes = _check_labelled(plots.bias_kick(pair_of_kicks), 3)
    for ax, field in zip(axes, ("bias", "gradient_norm", "active_fraction")):
        for line, run in zip(ax.get_lines(), pair_of_kicks):
            np.testing.assert_array_equal(line.get_ydata(), getattr(run, field))


def test_born_dead_draws_one_panel_per_initialisation():
    runs = [
        experiments.born_dead(depths=(2, 5), widths=(2, 3), trials=5, init=init)
        for init in ("he", "rai")
    ]
    axes = _check_labelled(plots.born_dead(runs), 2)
    for ax, run in zip(axes, runs):
        np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), run.probability[1])
        assert run.init in ax.get_title()


def test_convergence_race_draws_median_curves_and_epochs_to_target():
    result = experiments.convergence_race(seeds=(0, 1), max_epochs=10)
    left, right = _check_labelled(plots.convergence_race(result), 2)
    relu = _line_with_label(left, "relu")
    np.testing.assert_array_equal(relu.get_ydata(), np.median(result.loss_curves[2], axis=0))
    np.testing.assert_array_equal([b.get_height() for b in right.patches], result.median_epochs())


def test_prelu_slopes_draws_every_slope_and_the_loss():
    result = experiments.prelu_slopes(epochs=3)
    left, right = _check_labelled(plots.prelu_slopes(result), 2)
    n_slopes = sum(s.shape[1] for s in result.slopes)
    assert len(left.get_lines()) == n_slopes + 1  # and the initial slope
    np.testing.assert_array_equal(left.get_lines()[0].get_ydata(), result.slopes[0][:, 0])
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), result.loss)


def test_maxout_fit_draws_target_and_fit():
    result = experiments.maxout_fit(epochs=5)
    ax = _check_labelled(plots.maxout_fit(result), 1)[0]
    np.testing.assert_array_equal(_line_with_label(ax, "target").get_ydata(), result.target)
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), result.fit)


def test_report_card_table_has_a_row_per_property_and_a_column_per_card():
    card = experiments.ReportCard(
        "relu", 0.0, np.inf, 0.4, "left", 1.0, 0.0, True, False, 1.0, 0.2, 0.6, 0.9, 1, 80.0
    )
    fig = plots.report_card([card, card])
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    table = fig.axes[0].tables[0]
    cells = table.get_celld()
    assert cells[(0, 0)].get_text().get_text() == "relu"
    assert cells[(8, 1)].get_text().get_text() == "no"  # row 8: smooth
    assert max(r for r, _ in cells) == 14  # 14 properties below the header


def test_a_figure_function_draws_into_the_figure_it_is_given():
    fig = Figure()
    assert plots.maxout_fit(experiments.maxout_fit(epochs=2), fig=fig) is fig


def test_saturation_at_one_scale_draws_a_bar_per_layer():
    result = experiments.saturation(init_scales=(4.0,), n=50)
    right = _check_labelled(plots.saturation(result), 2)[1]
    heights = [bar.get_height() for bar in right.patches]
    np.testing.assert_array_equal(heights, result.saturated_fraction[0])


def test_maxout_unit_draws_both_pieces_and_their_maximum():
    result = experiments.maxout_unit(0.1, 0.0)
    fig = plots.maxout_unit(result)
    lines = fig.axes[0].get_lines()[2:]  # after the two reference lines
    np.testing.assert_array_equal(lines[0].get_ydata(), result.pieces[0])
    np.testing.assert_array_equal(lines[1].get_ydata(), result.pieces[1])
    np.testing.assert_array_equal(lines[2].get_ydata(), result.output)
    assert fig.axes[0].get_xlabel() == "input $x$"


@pytest.mark.parametrize(
    "value, label",
    [
        (1e-5, "10⁻⁵"),
        (1.0, "10⁰"),
        (10.0, "10¹"),
        (1e12, "10¹²"),
        (2e-5, "2×10⁻⁵"),
        (300.0, "3×10²"),
    ],
)
def test_a_log_axis_labels_powers_of_ten_in_plain_text(value, label):
    assert plots._PowersOfTen(labelOnlyBase=False)._num_to_string(value, 1e-6, 1e13) == label


def test_the_signal_spread_panels_label_their_log_axes_without_math_text():
    result = experiments.signal_spread(12, "normal", "tanh", seeds=(0, 1), init_scale=0.01)
    fig = plots.signal_spread(result)
    fig.canvas.draw()  # the labels are made by a drawing
    for ax in _check_labelled(fig, 3):
        assert ax.get_yscale() == "log"
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert labels and all(text.startswith(("10", "1×", "2×", "5×")) for text in labels)
        assert not any("$" in text for text in labels)
        # each label says the tick's value
        for tick, text in zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]):
            if text.startswith("10"):
                exponent = text[2:].translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
                assert tick == pytest.approx(10.0 ** int(exponent))
