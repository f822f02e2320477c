"""The course's explorers: controls set from code change the data as the lecture says,
and each kernel-free face is small, labelled and offline."""

import json
import re

import pytest

from actnet import experiments, widgets


def _payload(page):
    return json.loads(re.search(r"class='actnet-frames'>(.*?)</script>", page).group(1))


def _check_fallback(explorer, n_frames):
    page = explorer.fallback_html()
    assert len(page.encode()) < 1_000_000
    assert "http://" not in page and "https://" not in page
    payload = _payload(page)
    assert len(payload["frames"]) == n_frames
    for control in explorer.controls:
        assert f"aria-label='{control.label}'" in page
    return payload


def test_activation_explorer_applies_the_chosen_parameter():
    ex = widgets.activation_explorer(names=("relu", "leaky_relu"))
    assert ex.data.name == "relu"
    ex.set(name="leaky_relu", parameter=0.25)
    assert float(ex.data(-2.0)) == -0.5 and float(ex.data.grad(-2.0)) == 0.25
    ex.set(name="relu")  # no parameter: the slider leaves it alone
    assert float(ex.data(-2.0)) == 0.0
    _check_fallback(ex, 2 * 3)


def test_saturation_explorer_saturates_more_neurons_at_larger_scales():
    ex = widgets.saturation_explorer(init_scales=(0.5, 8.0))
    small = ex.set(init_scale=0.5).data.saturated_fraction[0, 0]
    large = ex.set(init_scale=8.0).data.saturated_fraction[0, 0]
    assert small < 0.01 < 0.5 < large
    _check_fallback(ex, 2)


def test_vanishing_gradients_explorer_loses_more_sigmoid_gradient_when_deeper():
    ex = widgets.vanishing_gradients_explorer(depths=(2, 10))
    shallow = ex.set(depth=2).data.first_to_last("sigmoid", "xavier_normal")
    deep = ex.set(depth=10).data.first_to_last("sigmoid", "xavier_normal")
    assert ex.data.norms.shape == (3, 11)
    assert deep < 0.01 * shallow
    _check_fallback(ex, 2)


def test_zigzag_explorer_positive_inputs_always_move_both_weights_the_same_way():
    ex = widgets.zigzag_explorer(learning_rates=(0.1, 0.5))
    assert ex.data.inputs == "positive" and ex.data.same_sign_fraction == 1.0
    ex.set(inputs="zero-centred", lr=0.1)
    assert ex.data.same_sign_fraction < 0.7
    _check_fallback(ex, 2 * 2)


def test_dying_relu_explorer_kicked_relu_dies_where_leaky_relu_recovers():
    ex = widgets.dying_relu_explorer(kicks=(-0.5, -1.5), steps=250)
    assert ex.data.activation == "relu" and ex.data.kick == -1.5  # the default: the largest kick
    assert not ex.data.recovered and ex.data.gradient_norm.max() == 0.0
    ex.set(activation="leaky_relu")
    assert ex.data.recovered
    ex.set(activation="relu", kick=-0.5)  # a small kick leaves it active on some inputs
    assert ex.data.recovered
    _check_fallback(ex, 2 * 2)


def test_playground_explorer_training_longer_lowers_the_loss_from_the_same_start():
    ex = widgets.playground_explorer(
        dataset_names=("moons",), activations=("relu",), widths=(8,), depths=(2,), epochs=(1, 50)
    )
    short = ex.set(epochs=1).data
    long = ex.set(epochs=50).data
    assert short.loss[0] == long.loss[0]  # same seed, same initial network
    assert long.loss[-1] < 0.5 * short.loss[-1] and long.accuracy > 0.9
    assert len(short.X) == 200
    _check_fallback(ex, 2)


def test_maxout_explorer_weights_give_relu_and_leaky_relu():
    ex = widgets.maxout_explorer()
    assert ex.data.gap_to_relu == 0.0  # a = c = 0: max(0, x)
    assert "exactly ReLU" in ex.alt_text()
    leaky = ex.set(slope=0.1).data
    assert leaky.gap_to_relu > 0.0 and leaky.gap_to_leaky_relu == 0.0
    shifted = ex.set(intercept=0.5).data
    assert shifted.gap_to_leaky_relu == 0.5  # the intercept lifts the left piece by c
    _check_fallback(ex, 18)


def _card(name, output_min):
    return experiments.ReportCard(
        name, output_min, 1.0, 0.0, "both", 1.0, 1.0, True, True, 1.0, 0.1, 0.0, 0.0, 1, 50.0
    )


def test_report_card_explorer_shows_the_card_of_the_chosen_activation():
    cards = [_card("sigmoid", 0.0), _card("tanh", -1.0)]
    ex = widgets.report_card_explorer(names=("sigmoid", "tanh"), cards=cards)
    assert ex.data.name == "sigmoid"
    assert ex.set(name="tanh").data.output_min == -1.0
    _check_fallback(ex, 2)


def test_report_card_explorer_refuses_a_missing_card():
    with pytest.raises(ValueError, match="tanh"):
        widgets.report_card_explorer(names=("sigmoid", "tanh"), cards=[_card("sigmoid", 0.0)])
