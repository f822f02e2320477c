"""The chapter on today's activations: gated linear units at equal parameter counts, the
width rule, and the mobile activations' cost and error, asserted on the experiments' data."""

import dataclasses
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import actnet
from actnet import experiments, plots
from actnet.experiments.modern import elementwise_operations


def _labelled(fig, n_axes):
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == n_axes
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    return axes


# ------------------------------------------------------------------ widths
def test_the_width_table_keeps_t5_base_at_its_parameter_count_with_two_thirds_the_width():
    r = experiments.glu_widths()
    assert r.gated_width[0] == 2048 and r.plain_width[0] == 3072
    assert r.width_ratio[0] == pytest.approx(2 / 3)
    assert r.plain_parameters[0] == r.gated_parameters[0] == 2 * 768 * 3072
    # the course's blocks: equal within half a gated unit (2 n_in + n_out + 2 parameters)
    per_unit = 2 * r.n_in + r.n_out + 2 * r.bias
    assert np.all(np.abs(r.gated_parameters - r.plain_parameters) <= per_unit / 2)


def test_the_width_figure_draws_both_counts_of_every_case():
    r = experiments.glu_widths()
    ax = _labelled(plots.glu_widths(r), 1)[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [*r.plain_parameters, *r.gated_parameters]


# ---------------------------------------------------------- GLU comparison
@pytest.fixture(scope="module")
def comparison():
    return experiments.glu_comparison()


def test_the_comparison_rests_on_five_seeds_per_network_and_data_set(comparison):
    assert len(comparison.seeds) == 5
    assert comparison.variants == experiments.GLU_COMPARISON
    assert comparison.datasets == ("rings", "moons", "three_rings")


def test_every_network_of_the_comparison_has_the_plain_ones_parameters_within_rounding(
    comparison,
):
    plain = comparison.n_parameters[comparison.variants.index("relu")]
    n_out = np.array([1, 1, 3])
    per_unit = 2 * 2 + n_out + 2
    assert np.all(np.abs(comparison.n_parameters - plain) <= per_unit / 2)
    assert comparison.hidden_width[comparison.variants.index("swiglu")].tolist() == [9, 9, 11]


def test_no_run_of_the_comparison_diverged_and_every_one_learned_the_rings(comparison):
    assert not comparison.diverged.any()
    for dataset in ("rings", "three_rings"):
        d = comparison.datasets.index(dataset)
        assert np.all(comparison.final_accuracy[:, d] >= 0.97)


@pytest.mark.parametrize("gated", ["reglu", "geglu", "swiglu"])
@pytest.mark.parametrize("dataset", ["rings", "three_rings"])
def test_gates_that_do_not_saturate_end_lower_than_relu_beyond_the_seed_noise(
    comparison, gated, dataset
):
    assert not comparison.within_noise(gated, "relu", dataset)
    i, d = comparison.index(gated, dataset)
    j, _ = comparison.index("relu", dataset)
    assert comparison.mean_loss()[i, d] < 0.5 * comparison.mean_loss()[j, d]


def test_the_table_shows_mean_and_spread_for_every_network(comparison):
    table = comparison.table()
    assert table.column("network") == list(experiments.GLU_COMPARISON)
    cell = table.column("final loss, rings")[0]
    mean, spread = (float(v) for v in cell.split(" ± "))
    i, d = comparison.index("relu", "rings")
    assert mean == pytest.approx(comparison.mean_loss()[i, d], rel=5e-3)
    assert spread == pytest.approx(np.std(comparison.final_loss[i, d], ddof=1), rel=5e-3)


def test_a_diverged_run_is_reported_as_diverged_never_as_a_loss(comparison):
    diverged = comparison.diverged.copy()
    diverged[0, 0, 0] = True  # one run of ReLU on the rings
    diverged[1, 0, :] = True  # every run of GELU on the rings
    final = np.where(diverged, np.nan, comparison.final_loss)
    marked = dataclasses.replace(comparison, diverged=diverged, final_loss=final)
    column = marked.table().column("final loss, rings")
    assert column[0].endswith("(1 of 5 diverged)")
    assert column[1] == "diverged"
    assert np.isnan(marked.mean_loss()[1, 0])
    assert not marked.within_noise("gelu", "relu", "rings")


def test_a_learning_rate_of_1e300_diverges_every_run_and_says_so():
    r = experiments.glu_comparison(["relu", "swiglu"], ["moons", "three_rings"], epochs=5, lr=1e300)
    assert r.diverged.all()
    assert np.isnan(r.final_loss).all()
    assert set(r.table().column("final loss, moons")) == {"diverged"}


def test_the_comparison_figure_draws_one_median_curve_per_network_and_data_set(comparison):
    axes = _labelled(plots.glu_comparison(comparison), 3)
    i, d = comparison.index("swiglu", "three_rings")
    line = [ln for ln in axes[d].get_lines() if ln.get_label() == "swiglu"][0]
    np.testing.assert_allclose(line.get_ydata(), np.median(comparison.loss_curves[i, d], axis=0))


def test_the_comparison_refuses_unknown_names():
    with pytest.raises(ValueError, match="unknown data set 'spiral'"):
        experiments.glu_comparison(datasets=["spiral"])
    with pytest.raises(ValueError, match="unknown activation 'swoosh'"):
        experiments.glu_comparison(variants=["swoosh"])


# ------------------------------------------------------- counting operations
def test_operations_are_counted_per_element_and_per_function():
    count = elementwise_operations(lambda v: np.where(v > 0, v, 0.0) + 1.0, np.ones(50))
    assert count.by_function == {"add": 1.0, "greater": 1.0, "where": 1.0}
    assert count.per_element == 3.0 and count.transcendental == 0.0


def test_in_place_operations_reductions_and_partial_ones_count_what_they_touch():
    def f(v):
        out = np.exp(v)
        out += 1.0
        np.log(out[:10], out=out[:10])
        return np.minimum.reduce(out)

    count = elementwise_operations(f, np.ones(100))
    assert count.by_function == {"add": 1.0, "exp": 1.0, "log": 0.1, "minimum.reduce": 1.0}
    assert count.transcendental == pytest.approx(1.1)


def test_relu_needs_no_transcendental_function_and_the_sigmoid_does():
    x = np.random.default_rng(0).normal(0.0, 3.0, 1000)
    relu, sig = actnet.get("relu"), actnet.get("sigmoid")
    assert elementwise_operations(relu.value, x).transcendental == 0.0
    assert elementwise_operations(sig.value, x).transcendental >= 1.0


def test_counting_refuses_integer_input():
    with pytest.raises(ValueError, match="non-empty float array"):
        elementwise_operations(np.exp, np.arange(3))


# --------------------------------------------------------- mobile activations
# MobileNetV3's functions written out here, so that the experiment is checked
# whether or not the registry has them (tests/test_activations_mobile.py checks those).
def _hard_sigmoid(x):
    return np.clip(x + 3.0, 0.0, 6.0) / 6.0


def _hard_sigmoid_grad(x):
    return np.where((x > -3.0) & (x < 3.0), 1.0 / 6.0, 0.0)


def _hard_swish(x):
    return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0


def _hard_swish_grad(x):
    return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, 1.0, (2.0 * x + 3.0) / 6.0))


def _relu6(x):
    return np.clip(x, 0.0, 6.0)


def _relu6_grad(x):
    return np.where((x > 0.0) & (x < 6.0), 1.0, 0.0)


LOCAL_PAIRS = (
    (
        actnet.Activation("hard_sigmoid", _hard_sigmoid, _hard_sigmoid_grad, kinks=(-3.0, 3.0)),
        "sigmoid",
    ),
    (actnet.Activation("hard_swish", _hard_swish, _hard_swish_grad, kinks=(-3.0, 3.0)), "silu"),
    (actnet.Activation("relu6", _relu6, _relu6_grad, kinks=(0.0, 6.0)), "relu"),
)


def _registered(*names):
    return all(name in actnet.available() for name in names)


@pytest.fixture(
    scope="module",
    params=[
        "written out in this test",
        pytest.param(
            "registered",
            marks=pytest.mark.skipif(
                not _registered("hard_sigmoid", "hard_swish", "relu6"),
                reason="hard_sigmoid, hard_swish and relu6 are not in the activation registry yet",
            ),
        ),
    ],
)
def mobile(request):
    pairs = LOCAL_PAIRS if request.param == "written out in this test" else experiments.MOBILE_PAIRS
    return experiments.mobile_activations(pairs, n_elements=20_000, repeats=3)


def test_the_hard_sigmoid_is_at_most_0_069_from_the_sigmoid_at_x_ln_2_plus_sqrt_3(mobile):
    # the gap x/6 + 1/2 - s(x) is extreme where s'(x) = 1/6: s(x) = (1 + 1/sqrt 3)/2,
    # x = ln(2 + sqrt 3), and the gap there is 1/(2 sqrt 3) - ln(2 + sqrt 3)/6
    x_star = math.log(2 + math.sqrt(3))
    assert mobile.max_value_error[0] == pytest.approx(1 / (2 * math.sqrt(3)) - x_star / 6, abs=1e-7)
    assert abs(mobile.value_error_at[0]) == pytest.approx(x_star, abs=1e-3)


def test_the_hard_swish_is_furthest_from_swish_at_plus_minus_three(mobile):
    # beyond |x| = 3 the gap is |x| s(-|x|), largest at 3: 3 s(-3) = 0.1423
    assert mobile.max_value_error[1] == pytest.approx(3 / (1 + math.exp(3)), rel=1e-12)
    assert abs(mobile.value_error_at[1]) == 3.0


def test_relu6_differs_from_relu_only_above_six_by_x_minus_six(mobile):
    assert mobile.max_value_error[2] == pytest.approx(mobile.grid[1] - 6.0)
    gap = mobile.smooth_values[2] - mobile.hard_values[2]
    np.testing.assert_allclose(gap, np.maximum(mobile.x - 6.0, 0.0), atol=1e-15)


def test_the_hard_activations_use_no_exponential_where_the_smooth_ones_do(mobile):
    np.testing.assert_array_equal(mobile.value_transcendental[:, 0], 0.0)
    np.testing.assert_array_equal(mobile.grad_transcendental[:, 0], 0.0)
    # the sigmoid and swish each need at least one exponential, value and derivative
    assert np.all(mobile.value_transcendental[:2, 1] >= 1.0)
    assert np.all(mobile.grad_transcendental[:2, 1] >= 1.0)


def test_the_mobile_table_and_figure_show_every_pair(mobile):
    assert mobile.table().column("pair") == [
        "hard_sigmoid vs sigmoid",
        "hard_swish vs silu",
        "relu6 vs relu",
    ]
    axes = _labelled(plots.mobile_activations(mobile), 4)
    bars = [p.get_height() for p in axes[3].patches]
    assert bars == [*mobile.value_operations[:, 0], *mobile.value_operations[:, 1]]


def test_unregistered_mobile_names_are_refused_with_the_available_ones():
    if _registered("hard_sigmoid"):
        pytest.skip("hard_sigmoid is registered")
    with pytest.raises(ValueError, match="unknown activation 'hard_sigmoid'; available"):
        experiments.mobile_activations()
