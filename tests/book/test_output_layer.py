"""The chapter on the output layer: every fact it shows, asserted on the experiments' data."""

import math
import sys
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from actnet import experiments, plots
from actnet.losses import softmax


def _labelled(fig, n_axes):
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert len(axes) == n_axes
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    return axes


# ----------------------------------------------------------------- gradient
@pytest.mark.parametrize("seed", range(5))
def test_the_derived_gradient_p_minus_y_matches_central_differences(seed):
    r = experiments.softmax_gradient(n=6, n_classes=4, scale=3.0, seed=seed)
    np.testing.assert_array_equal(r.analytic, (r.probabilities - r.targets) / 6)
    # central differences of a smooth function with eps = 1e-6: truncation ~ eps^2, rounding ~ 1e-10
    assert r.max_abs_error < 1e-9
    assert r.relative_error < 1e-8


def test_the_gradient_figure_draws_every_entry_against_its_central_difference():
    r = experiments.softmax_gradient()
    ax = _labelled(plots.softmax_gradient(r), 1)[0]
    points = ax.collections[0].get_offsets()
    np.testing.assert_array_equal(points[:, 0], r.analytic.ravel())
    np.testing.assert_array_equal(points[:, 1], r.numerical.ravel())


# ---------------------------------------------------------- two classes
@pytest.mark.parametrize(("z_max", "n"), [(40.0, 8001), (700.0, 14001), (1e-3, 1001)])
def test_the_two_class_softmax_is_the_sigmoid_bit_for_bit(z_max, n):
    """The target changed on purpose. It was "equal to the last bit or two, most floats
    identical but not all", when the sigmoid was computed as ``exp(-logaddexp(0, -z))``.
    The sigmoid is now its plain stable formula, ``1 / (1 + e^-|z|)`` for z >= 0 and
    ``e^-|z| / (1 + e^-|z|)`` below, which is exactly what the softmax of ``(z, 0)``
    computes once it subtracts the larger logit: the same exponential of the same
    non-positive number, the same sum, the same division. So every float is identical,
    from the middle out to where the probabilities come within e^-700 of 0 and 1."""
    r = experiments.two_class_softmax(z_max=z_max, n=n)
    assert r.max_abs_difference == 0.0
    assert r.max_relative_difference == 0.0
    assert r.equal_fraction == 1.0
    assert np.array_equal(r.softmax_first, r.sigmoid)
    assert r.softmax_first[r.z == 0.0].tolist() == r.sigmoid[r.z == 0.0].tolist() == [0.5]


def test_the_two_class_figure_draws_both_curves_and_their_difference():
    r = experiments.two_class_softmax(n=101)
    left, right = _labelled(plots.two_class_softmax(r), 2)
    np.testing.assert_array_equal(right.get_lines()[-1].get_ydata(), r.softmax_first - r.sigmoid)


# ---------------------------------------------------------------- overflow
@pytest.fixture(scope="module")
def overflow():
    return experiments.softmax_overflow()


def test_the_overflow_limits_are_those_of_float64(overflow):
    assert overflow.exp_overflow == pytest.approx(math.log(sys.float_info.max), rel=1e-15)
    assert overflow.exp_overflow == pytest.approx(709.7827, abs=1e-4)
    assert overflow.exp_underflow == pytest.approx(-745.1332, abs=1e-4)
    assert np.exp(overflow.exp_underflow + 1e-9) > 0.0


def test_the_naive_softmax_breaks_beyond_the_limits_and_only_there(overflow):
    scales = overflow.scales
    large, negative = overflow.naive_finite[:, 0], overflow.naive_finite[:, 1]
    # the largest logit, scale, overflows first; inf / inf is NaN
    np.testing.assert_array_equal(large, scales <= overflow.exp_overflow)
    # 0 / 0 needs all three to underflow, the largest, -scale, last
    np.testing.assert_array_equal(negative, -scales >= overflow.exp_underflow)
    finite = overflow.naive_finite
    assert np.all(overflow.naive_error[finite & (scales[:, None] <= 700)] < 1e-15)


def test_just_above_the_underflow_limit_the_naive_softmax_is_finite_but_wrong(overflow):
    i = list(overflow.scales).index(740.0)
    assert overflow.naive_finite[i, 1]
    assert overflow.naive_error[i, 1] > 1e-3
    assert overflow.floating_point_errors[i][1] == ["underflow"]


def test_the_naive_softmax_signals_are_recorded_as_data_not_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = experiments.softmax_overflow(scales=(1000.0,))
    assert r.floating_point_errors == [
        [["overflow", "invalid value"], ["underflow", "invalid value"]]
    ]
    assert np.all(np.isnan(r.naive_loss))


def test_the_stable_softmax_gives_the_exact_answer_at_every_shift(overflow):
    assert np.all(overflow.stable_error < 1e-15)
    # -log p_0 for logits (0, -1, -2): log(1 + e^-1 + e^-2)
    np.testing.assert_allclose(overflow.stable_loss, math.log1p(math.exp(-1) + math.exp(-2)))


def test_the_overflow_figure_marks_each_nan_row(overflow):
    left, right = _labelled(plots.softmax_overflow(overflow), 2)
    crosses = [line for line in left.get_lines() if line.get_label() == "naive: NaN"][0]
    assert crosses.get_xdata().size == int((~overflow.naive_finite[:, 0]).sum())


# -------------------------------------------------------------- temperature
def test_temperature_one_is_the_plain_softmax_and_the_order_never_changes():
    r = experiments.softmax_temperature(temperatures=[0.1, 1.0, 10.0])
    np.testing.assert_allclose(r.probabilities[1], softmax(r.logits[None])[0])
    assert np.all(np.diff(r.probabilities, axis=1) < 0)  # logits 2 > 1 > 0.1, at every T


def test_entropy_rises_with_the_temperature_towards_log_c():
    r = experiments.softmax_temperature()
    assert np.all(np.diff(r.entropy) > 0)
    assert r.entropy[0] < 1e-6 and r.max_entropy - r.entropy[-1] < 0.01
    assert r.max_entropy == pytest.approx(math.log(3))


def test_the_temperature_figure_draws_one_line_per_class():
    r = experiments.softmax_temperature()
    left, _ = _labelled(plots.softmax_temperature(r), 2)
    assert len(left.get_lines()) == 3


# ------------------------------------------------------- one label or several
@pytest.fixture(scope="module")
def labels():
    return experiments.multi_label_vs_multi_class()


def test_the_comparison_rests_on_five_seeds_none_diverged(labels):
    assert len(labels.seeds) == 5
    assert not labels.diverged.any()


def test_softmax_probabilities_sum_to_one_and_sigmoid_ones_need_not(labels):
    softmax_sums = labels.probability_sum[:, 0]
    np.testing.assert_allclose(softmax_sums, 1.0, rtol=1e-14)
    d = labels.datasets.index("overlapping_discs")
    assert np.all(labels.probability_sum[d, 1] > 1.4)


def test_on_overlapping_labels_the_sigmoid_sum_counts_the_labels(labels):
    sums = labels.sum_by_label_count[1]  # (seeds, 1-3 labels)
    assert np.all(np.diff(sums, axis=1) > 0.6)
    np.testing.assert_allclose(sums.mean(axis=0), [1, 2, 3], atol=0.2)


def test_a_softmax_cannot_match_more_than_the_single_label_points(labels):
    d = labels.datasets.index("overlapping_discs")
    softmax_exact, sigmoid_exact = labels.exact_match[d, 0], labels.exact_match[d, 1]
    assert np.all(softmax_exact <= labels.softmax_ceiling)
    assert np.all(labels.softmax_ceiling < 0.6)
    assert np.all(sigmoid_exact > 0.9)


def test_on_exclusive_classes_both_outputs_classify_the_rings(labels):
    d = labels.datasets.index("three_rings")
    assert np.all(labels.argmax_accuracy[d] >= 0.97)
    assert np.all(labels.exact_match[d] >= 0.97)


def test_the_label_figure_draws_the_exact_matches_and_both_probability_maps(labels):
    fig = plots.multi_label_vs_multi_class(labels)
    bars, *maps = _labelled(fig, 3)
    heights = sorted(round(p.get_height(), 12) for p in bars.patches)
    expected = sorted(round(v, 12) for v in np.nanmean(labels.exact_match, axis=2).ravel())
    assert heights == expected
    d = labels.datasets.index("overlapping_discs")
    drawn = maps[1].collections[0].get_array()
    np.testing.assert_allclose(
        np.ravel(drawn), labels.grid_probabilities[d, 1].sum(axis=-1).ravel()
    )


def test_experiments_refuse_empty_or_bad_arguments():
    with pytest.raises(ValueError, match="seeds must hold at least one seed"):
        experiments.multi_label_vs_multi_class(seeds=())
    with pytest.raises(ValueError, match="scales must hold at least one number"):
        experiments.softmax_overflow(scales=())
    with pytest.raises(ValueError, match="temperatures must be a finite number > 0"):
        experiments.softmax_temperature(temperatures=[0.0])
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        experiments.softmax_gradient(n_classes=1)
