"""The claims of the tanh and ReLU chapters, checked on actnet's data."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from actnet import experiments, plots
from actnet.experiments import relu as relu_extras
from actnet.experiments import tanh as tanh_extras

# ---------------------------------------------------------------------- tanh


def test_tanh_equals_its_definition_and_the_rescaled_sigmoid():
    forms = tanh_extras.tanh_forms()
    assert forms.max_gap("exponential") < 1e-15
    assert forms.max_gap("via_sigmoid") < 1e-15


def test_swapped_signs_give_minus_tanh_and_a_forgotten_factor_gives_tanh_of_half_x():
    forms = tanh_extras.tanh_forms()
    np.testing.assert_allclose(forms.wrong_signs, -forms.tanh, atol=1e-15)
    np.testing.assert_allclose(forms.wrong_factor, np.tanh(forms.x / 2), atol=1e-15)
    # so neither is tanh: the sign slip is off by nearly 2 at the ends of [-5, 5]
    assert forms.max_gap("wrong_signs") == pytest.approx(2 * np.tanh(5.0))
    assert forms.max_gap("wrong_factor") > 0.2


def test_tanh_forms_rejects_inputs_whose_exponentials_overflow():
    with pytest.raises(ValueError, match=r"x must be a non-empty array of values in \[-300, 300\]"):
        tanh_extras.tanh_forms(np.array([1000.0]))


def test_max_gap_names_the_forms_it_knows():
    with pytest.raises(ValueError, match="form must be 'exponential'"):
        tanh_extras.tanh_forms().max_gap("tanh")


def test_lecun_tanh_maps_one_to_one_and_minus_one_to_minus_one():
    r = tanh_extras.lecun_tanh()
    assert r.value_at_one == pytest.approx(1.0, abs=1e-5)
    assert r.value_at_minus_one == pytest.approx(-1.0, abs=1e-5)
    # the paper's 1.7159 is 1 / tanh(2/3) rounded to four decimals
    assert round(1 / np.tanh(2 / 3), 4) == tanh_extras.LECUN_TANH_SCALE


def test_lecun_tanh_gain_at_zero_is_a_times_b_checked_by_central_differences():
    r = tanh_extras.lecun_tanh()
    h = 1e-6
    numeric = (tanh_extras.scaled_tanh(h) - tanh_extras.scaled_tanh(-h)) / (2 * h)
    assert r.slope_at_zero == pytest.approx(float(numeric), rel=1e-8)
    assert r.slope_at_zero == pytest.approx(1.7159 * 2 / 3)


def test_lecun_tanh_curvature_peaks_next_to_one():
    r = tanh_extras.lecun_tanh()
    x = np.linspace(0.01, 3.0, 30_000)
    h = 1e-4
    f = tanh_extras.scaled_tanh
    second = (f(x + h) - 2 * f(x) + f(x - h)) / h**2
    assert x[np.argmax(np.abs(second))] == pytest.approx(r.peak_curvature_at, abs=1e-3)
    assert 0.95 < r.peak_curvature_at < 1.0


def test_lecun_tanh_output_variance_agrees_with_a_seeded_sample_and_beats_plain_tanh():
    r = tanh_extras.lecun_tanh()
    z = np.random.default_rng(0).standard_normal(1_000_000)
    assert r.output_variance == pytest.approx(np.var(tanh_extras.scaled_tanh(z)), abs=3e-3)
    assert r.tanh_output_variance == pytest.approx(np.var(np.tanh(z)), abs=3e-3)
    assert abs(r.output_variance - 1) < abs(r.tanh_output_variance - 1)


def test_scaled_tanh_rejects_a_non_positive_scale():
    with pytest.raises(ValueError, match="a must be a finite number > 0, got 0.0"):
        tanh_extras.scaled_tanh(1.0, a=0.0)


def test_tanh_gradients_vanish_once_the_biases_push_the_units_into_saturation():
    r = tanh_extras.saturated_gradients(biases=(0.0, 1.0, 2.0))
    kept = [r.first_to_last(b) for b in (0.0, 1.0, 2.0)]
    assert kept[0] > 0.1 and kept[1] < 1e-2 and kept[2] < 1e-5
    assert np.all(np.diff(r.mean_derivative) < 0)
    assert np.all(np.diff(r.saturated_fraction) > 0)


def test_saturated_gradients_with_zero_bias_is_the_vanishing_gradients_experiment():
    r = tanh_extras.saturated_gradients(biases=(0.0,))
    plain = experiments.vanishing_gradients(runs=(("tanh", "xavier_normal"),))
    np.testing.assert_array_equal(r.gradients.norms[0], plain.norms[0])


def test_saturated_gradients_needs_a_bias():
    with pytest.raises(ValueError, match="biases must be a non-empty sequence"):
        tanh_extras.saturated_gradients(biases=())


# ---------------------------------------------------------------------- ReLU


def test_relu_with_slope_at_zero_changes_only_the_derivative_at_zero():
    act = relu_extras.relu_with_slope_at_zero(0.5)
    x = np.array([-2.0, -1e-300, 0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(act(x), np.maximum(x, 0))
    np.testing.assert_array_equal(act.grad(x), [0.0, 0.0, 0.5, 1.0, 1.0])


def test_relu_with_slope_at_zero_rejects_a_slope_outside_the_subgradient():
    with pytest.raises(ValueError, match=r"slope must be a number in \[0, 1\]"):
        relu_extras.relu_with_slope_at_zero(2.0)


def test_the_value_of_relu_prime_at_zero_never_changes_training():
    r = relu_extras.kink_convention(draws=100_000, epochs=5)
    assert r.exact_zeros_float64 == 0 and r.exact_zeros_float32 == 0
    assert r.exact_zero_preactivations == 0
    assert r.hidden_preactivations == 5 * 400 * 64
    assert r.largest_loss_difference == 0.0


def test_dead_units_counted_after_training_agree_with_the_recorded_history():
    for lr in (1.0, 3.0):
        r = relu_extras.zero_activations(lr=lr)
        assert r.dead_units == round(float(r.dead_fraction[-1].sum()) * 32)
        never = sum(int(np.sum(z == 0)) for z in r.zero_fraction_per_unit)
        assert r.dead_units + r.sometimes_zero_units + never == r.hidden_units == 64


def test_more_units_die_at_a_higher_learning_rate():
    calm, wild = relu_extras.zero_activations(lr=1.0), relu_extras.zero_activations(lr=3.0)
    assert wild.dead_units > 5 * calm.dead_units > 0


def test_dead_units_of_the_first_layer_never_come_back():
    # its inputs are the fixed data, so a unit negative on all of them gets no gradient, ever
    for lr in (1.0, 3.0):
        first_layer = relu_extras.zero_activations(lr=lr).dead_fraction[:, 0]
        assert np.all(np.diff(first_layer) >= 0)


def test_zero_activations_trains_the_network_of_the_dying_experiment():
    r = relu_extras.zero_activations(lr=3.0)
    dying = experiments.dying_relu(learning_rates=(3.0,), seeds=(0,))
    assert r.final_loss == pytest.approx(float(dying.final_loss[0, 0]))


def test_relu_weights_twice_he_make_the_gradients_explode():
    r = relu_extras.gradients_by_init_scale(init_scales=(1.0, 2.0))
    he, doubled = r.norm("relu", "he×1"), r.norm("relu", "he×2")
    # each of the ten hidden layers doubles the signal and the gradient: 2^20 at the input side
    assert 1e5 < doubled[0] / he[0] < 1e7


def test_gradients_by_init_scale_rejects_a_non_positive_scale():
    with pytest.raises(ValueError, match="init_scales must be a finite number > 0, got 0.0"):
        relu_extras.gradients_by_init_scale(init_scales=(0.0,))


# --------------------------------------------------------------------- plots


def test_tanh_figures_draw_what_the_experiments_return():
    forms_fig = plots.tanh_forms(tanh_extras.tanh_forms())
    assert isinstance(forms_fig, Figure) and len(forms_fig.axes[0].lines) == 7
    lecun_fig = plots.lecun_tanh(tanh_extras.lecun_tanh())
    marked = lecun_fig.axes[0].lines[-1]
    np.testing.assert_allclose(marked.get_ydata(), [-1.0, 1.0], atol=1e-5)


def test_zero_activations_figure_marks_exactly_the_dead_units():
    r = relu_extras.zero_activations(lr=3.0)
    fig = plots.zero_activations([r])
    bars = fig.axes[1].patches
    vermillion = [b for b in bars if b.get_facecolor()[:3] == (0xD5 / 255, 0x5E / 255, 0.0)]
    assert len(bars) == r.hidden_units and len(vermillion) == r.dead_units


def test_dying_relu_figure_takes_one_label_per_result():
    runs = [experiments.dying_relu(learning_rates=(0.1,), seeds=(0,), epochs=1)] * 2
    fig = plots.dying_relu(runs, labels=["bias 0", "bias 0.1"])
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["bias 0 (mean)", "bias 0.1 (mean)"]
    with pytest.raises(ValueError, match="labels must name each of the 2 results, got 1"):
        plots.dying_relu(runs, labels=["only one"])
