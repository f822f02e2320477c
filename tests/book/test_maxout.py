"""Chapter 6, maxout contains ReLU and leaky ReLU, two units fit any continuous function,
k pieces cost k times: the claims of its experiments (:mod:`actnet.experiments.maxout`)
and of its built page."""

import numpy as np
import pytest
from book_pages import page, pasted

from actnet import plots
from actnet.experiments.maxout import (
    maxout_difference,
    maxout_fit,
    maxout_parameters,
    maxout_special_cases,
)

# --------------------------------------------------------------- special cases


def test_maxout_layer_is_exactly_relu_and_leaky_relu_of_a_dense_layer():
    r = maxout_special_cases(n_in=7, n_out=13, n_examples=300, alpha=0.25, seed=3)
    assert r.gap_to_relu == 0.0
    assert r.gap_to_leaky_relu == 0.0


def test_a_slope_that_is_not_a_power_of_two_leaves_only_rounding():
    r = maxout_special_cases(alpha=0.1)
    assert r.gap_to_relu == 0.0
    assert 0.0 <= r.gap_to_leaky_relu < 1e-14


def test_slope_above_one_is_not_leaky_relu():
    with pytest.raises(ValueError, match="alpha must be in \\[0, 1\\]"):
        maxout_special_cases(alpha=1.5)


# ------------------------------------------------------------- one unit fitted


def test_one_maxout_unit_fits_a_convex_piecewise_linear_function_at_k_times_the_price():
    r = maxout_fit(k=3)
    assert r.max_error < 1e-3
    assert r.maxout_parameters == 3 * r.relu_parameters


# ------------------------------------------------------------- parameter count


def test_maxout_has_k_times_the_parameters_of_a_dense_layer():
    p = maxout_parameters(784, 240, ks=(2, 3, 5))
    assert p.dense == 784 * 240 + 240
    assert p.maxout.tolist() == [2 * p.dense, 3 * p.dense, 5 * p.dense]
    assert p.ratio(5) == 5.0


def test_parameter_count_rejects_one_piece():
    with pytest.raises(ValueError, match="k \\(number of pieces\\) must be >= 2"):
        maxout_parameters(ks=(1,))


# ----------------------------------------------------- two units: any function


def test_two_maxout_units_represent_the_interpolant_exactly():
    r = maxout_difference(17)
    assert r.interpolation_gap < 1e-12
    np.testing.assert_allclose(r.output, r.convex_g - r.convex_h, atol=1e-12)


@pytest.mark.parametrize("unit", ["convex_g", "convex_h"])
def test_each_maxout_unit_is_convex(unit):
    r = maxout_difference(17)
    values = getattr(r, unit)
    second_differences = values[2:] - 2 * values[1:-1] + values[:-2]
    assert second_differences.min() > -1e-12


def test_more_pieces_fit_sine_better_as_h_squared():
    coarse, fine = maxout_difference(9), maxout_difference(17)
    assert fine.k > coarse.k
    # halving the knot spacing divides a linear interpolant's error by about 4
    assert 3.0 < coarse.max_error / fine.max_error < 5.0


def test_difference_fits_a_non_convex_target_no_single_unit_can():
    r = maxout_difference(5, target=lambda x: -np.abs(x), interval=(-1.0, 1.0))
    assert r.max_error < 1e-12
    assert np.all(r.convex_h[1:] - r.convex_h[:-1] >= -1e-12)  # h carries the concave kink


def test_maxout_difference_rejects_bad_interval():
    with pytest.raises(ValueError, match="interval must be"):
        maxout_difference(interval=(1.0, -1.0))


def test_maxout_difference_figure_draws_both_units_and_the_knots():
    r = maxout_difference(9)
    fig = plots.maxout_difference(r)
    left, right = fig.axes
    assert len(left.lines) == 2 and len(right.lines) == 3
    assert right.lines[2].get_xdata().tolist() == r.knots.tolist()
    assert "k = 4" in left.get_title()


# -------------------------------------------------------------- the built page


def test_maxout_is_exactly_relu_and_leaky_relu_and_costs_k_times(html):
    built = page(html, "maxout")
    assert (
        'ReLU is\n<span class="pasted-text">0.0</span>' in built
        or 'ReLU is <span class="pasted-text">0.0</span>' in built
    )
    values = pasted(built)
    assert "188400" in values and "942000" in values and "5" in values
    assert "Shuning Wang. General constructive representations" in built  # cited
    assert "Goodfellow" in built
