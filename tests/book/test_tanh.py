"""Chapter 3, tanh: the claims of its experiments (:mod:`actnet.experiments.tanh`)
and of its built page."""

import numpy as np
import pytest
from book_pages import glued, page
from matplotlib.figure import Figure

from actnet import experiments, plots
from actnet.experiments.tanh import (
    LECUN_TANH_SCALE,
    lecun_tanh,
    saturated_gradients,
    scaled_tanh,
    tanh_forms,
)

# ------------------------------------------------------------------- the forms


def test_tanh_equals_its_definition_and_the_rescaled_sigmoid():
    forms = tanh_forms()
    assert forms.max_gap("exponential") < 1e-15
    assert forms.max_gap("via_sigmoid") < 1e-15


def test_swapped_signs_give_minus_tanh_and_a_forgotten_factor_gives_tanh_of_half_x():
    forms = tanh_forms()
    np.testing.assert_allclose(forms.wrong_signs, -forms.tanh, atol=1e-15)
    np.testing.assert_allclose(forms.wrong_factor, np.tanh(forms.x / 2), atol=1e-15)
    # so neither is tanh: the sign slip is off by nearly 2 at the ends of [-5, 5]
    assert forms.max_gap("wrong_signs") == pytest.approx(2 * np.tanh(5.0))
    assert forms.max_gap("wrong_factor") > 0.2


def test_tanh_forms_rejects_inputs_whose_exponentials_overflow():
    with pytest.raises(ValueError, match=r"x must be a non-empty array of values in \[-300, 300\]"):
        tanh_forms(np.array([1000.0]))


def test_max_gap_names_the_forms_it_knows():
    with pytest.raises(ValueError, match="form must be 'exponential'"):
        tanh_forms().max_gap("tanh")


# ---------------------------------------------------------------- LeCun's tanh


def test_lecun_tanh_maps_one_to_one_and_minus_one_to_minus_one():
    r = lecun_tanh()
    assert r.value_at_one == pytest.approx(1.0, abs=1e-5)
    assert r.value_at_minus_one == pytest.approx(-1.0, abs=1e-5)
    # the paper's 1.7159 is 1 / tanh(2/3) rounded to four decimals
    assert round(1 / np.tanh(2 / 3), 4) == LECUN_TANH_SCALE


def test_lecun_tanh_gain_at_zero_is_a_times_b_checked_by_central_differences():
    r = lecun_tanh()
    h = 1e-6
    numeric = (scaled_tanh(h) - scaled_tanh(-h)) / (2 * h)
    assert r.slope_at_zero == pytest.approx(float(numeric), rel=1e-8)
    assert r.slope_at_zero == pytest.approx(1.7159 * 2 / 3)


def test_lecun_tanh_curvature_peaks_next_to_one():
    r = lecun_tanh()
    x = np.linspace(0.01, 3.0, 30_000)
    h = 1e-4
    f = scaled_tanh
    second = (f(x + h) - 2 * f(x) + f(x - h)) / h**2
    assert x[np.argmax(np.abs(second))] == pytest.approx(r.peak_curvature_at, abs=1e-3)
    assert 0.95 < r.peak_curvature_at < 1.0


def test_lecun_tanh_output_variance_agrees_with_a_seeded_sample_and_beats_plain_tanh():
    r = lecun_tanh()
    z = np.random.default_rng(0).standard_normal(1_000_000)
    assert r.output_variance == pytest.approx(np.var(scaled_tanh(z)), abs=3e-3)
    assert r.tanh_output_variance == pytest.approx(np.var(np.tanh(z)), abs=3e-3)
    assert abs(r.output_variance - 1) < abs(r.tanh_output_variance - 1)


def test_scaled_tanh_rejects_a_non_positive_scale():
    with pytest.raises(ValueError, match="a must be a finite number > 0, got 0.0"):
        scaled_tanh(1.0, a=0.0)


# ---------------------------------------------------- gradients and saturation


def test_tanh_gradients_vanish_once_the_biases_push_the_units_into_saturation():
    r = saturated_gradients(biases=(0.0, 1.0, 2.0))
    kept = [r.first_to_last(b) for b in (0.0, 1.0, 2.0)]
    assert kept[0] > 0.1 and kept[1] < 1e-2 and kept[2] < 1e-5
    assert np.all(np.diff(r.mean_derivative) < 0)
    assert np.all(np.diff(r.saturated_fraction) > 0)


def test_saturated_gradients_with_zero_bias_is_the_vanishing_gradients_experiment():
    r = saturated_gradients(biases=(0.0,))
    plain = experiments.vanishing_gradients(runs=(("tanh", "xavier_normal"),))
    np.testing.assert_array_equal(r.gradients.norms[0], plain.norms[0])


def test_saturated_gradients_needs_a_bias():
    with pytest.raises(ValueError, match="biases must be a non-empty sequence"):
        saturated_gradients(biases=())


# --------------------------------------------------------------------- figures


def test_tanh_figures_draw_what_the_experiments_return():
    forms_fig = plots.tanh_forms(tanh_forms())
    assert isinstance(forms_fig, Figure) and len(forms_fig.axes[0].lines) == 7
    lecun_fig = plots.lecun_tanh(lecun_tanh())
    marked = lecun_fig.axes[0].lines[-1]
    np.testing.assert_allclose(marked.get_ydata(), [-1.0, 1.0], atol=1e-5)


# -------------------------------------------------------------- the built page


def test_tanh_prose_shows_lecun_f_of_one_and_the_wrong_sign_value(html):
    built = page(html, "tanh")
    values = glued("tanh")
    assert f"{float(values['lecun_f_one']):.5f}" == "1.00000"
    assert '<span class="pasted-text">1.00000</span>' in built
    assert '<span class="pasted-text">-0.7616</span>' in built
    assert '<span class="pasted-text">0.7616</span>' in built
