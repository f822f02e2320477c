"""Spread over seeds (:mod:`actnet.experiments.seeds`): means, 95% intervals, excluded
runs, and the "within noise" verdict the chapters' comparisons rest on."""

import math

import numpy as np
import pytest
from scipy import stats

from actnet.experiments.seeds import over_seeds, spread, within_noise


def test_the_interval_is_student_s_t_interval_of_the_mean():
    values = [0.1, 0.4, 0.35, 0.2, 0.3]
    s = spread(values, range(5))
    lo, hi = stats.t.interval(0.95, 4, loc=np.mean(values), scale=stats.sem(values))
    assert s.interval == pytest.approx((lo, hi), rel=1e-12)
    assert s.std == pytest.approx(np.std(values, ddof=1))


def test_diverged_runs_are_excluded_and_counted():
    s = over_seeds(lambda seed: None if seed == 2 else float(seed), seeds=range(5))
    assert (s.n, s.excluded, s.mean) == (4, 1, 2.0)  # seeds 0, 1, 3, 4
    assert "1 diverged" in str(s)
    assert math.isnan(spread([math.nan], (0,)).mean)


def test_within_noise_is_overlap_of_the_intervals():
    a = spread([1.0, 1.2, 0.9, 1.1, 1.0], range(5))
    assert within_noise(a, spread([1.1, 1.0, 1.2, 1.3, 0.9], range(5)))
    assert not within_noise(a, spread([3.0, 3.1, 2.9, 3.0, 3.2], range(5)))


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="one number per seed"):
        spread([1.0, 2.0], seeds=(0,))
    with pytest.raises(TypeError, match="measure must be a function"):
        over_seeds(3)


def test_a_note_in_brackets_may_wrap_in_a_table_cell_but_the_value_may_not():
    from actnet.experiments.seeds import html_cell

    assert html_cell("0.67 ± 0.11 (1 of 10 diverged; 4 of 10 did not train)") == (
        "0.67 ± 0.11<span class='actnet-note'> (1 of 10 diverged; 4 of 10 did not train)</span>"
    )
    assert html_cell("a<b (c&d)") == "a&lt;b<span class='actnet-note'> (c&amp;d)</span>"
    assert html_cell("0.98 (0.93–0.99)") == "0.98<span class='actnet-note'> (0.93–0.99)</span>"
    assert html_cell("diverged") == "diverged"
