"""The course's explorers: controls set from code change the data as the lecture says,
and each kernel-free face is small, labelled and offline."""

import json
import re

import numpy as np
import pytest

from actnet import experiments, plots, widgets


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


def test_activation_explorer_shows_the_chosen_activations_side_by_side():
    ex = widgets.activation_explorer()
    assert [a.name for a in ex.data.activations] == ["sigmoid", "tanh", "relu"]
    ex.set(names=("leaky_relu", "relu", "elu"), alpha=0.25)  # shown in registry order
    assert [a.name for a in ex.data.activations] == ["relu", "leaky_relu", "elu"]
    x = ex.data.x
    i = int(np.argmin(np.abs(x + 2.0)))  # x = -2
    assert x[i] == -2.0
    assert ex.data.values[1, i] == -0.5 and ex.data.derivatives[1, i] == 0.25
    assert ex.data.values[2, i] == pytest.approx(0.25 * np.expm1(-2.0), rel=1e-15)
    assert ex.data.values[0, i] == 0.0  # ReLU has no α: the slider leaves it alone
    assert "f'(0) = 0.25" in ex.readout_text()
    ex.set(alpha="own")
    assert ex.data.derivatives[1, i] == 0.01 and ex.data.activations[2].params["alpha"] == 1.0
    ex.set(names=("softplus",), beta=5.0)
    assert ex.data.activations[0].params == {"beta": 5.0}
    payload = _check_fallback(ex, 11)  # 6 comparisons x 3 α x 2 β, drawn once each when equal
    assert len(payload["index"]) == 6 * 3 * 2
    assert payload["labels"][0][0] == "sigmoid, tanh"
    assert "Activations <input" in ex.fallback_html()


def test_activation_explorer_refuses_an_unknown_activation():
    with pytest.raises(ValueError, match="swoosh"):
        widgets.activation_explorer(names=("relu", "swoosh"))
    with pytest.raises(ValueError, match="is not a selection of"):
        widgets.activation_explorer().set(names=("relu", "swoosh"))


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


def test_dying_relu_explorer_each_kick_kills_relu_units_for_good():
    ex = widgets.dying_relu_explorer()
    assert ex.values == {"activation": "relu", "learning_rate": 0.5, "kicks": 0}
    assert ex.data.inactive_units == 0
    dead = []
    for kicks in (1, 2, 3):  # three presses of "kick the bias"
        dead.append(ex.set(kicks=kicks).data.inactive_units)
        assert f"{dead[-1]} of 32 units are dead" in ex.readout_text()
    assert 0 < dead[0] < dead[1] < dead[2]
    assert not ex.data.gradient_reaches_inactive
    # a dead unit never comes back: the dead fraction never falls between kicks
    assert np.all(np.diff(ex.data.inactive_fraction) >= 0)
    ex.set(learning_rate=1.0)  # a new learning rate starts again from the trained layer
    assert ex.values["kicks"] == 0 and ex.data.inactive_units == 0
    ex.set(learning_rate=1.0, kicks=1)  # the same gradient kicks twice as hard
    assert ex.data.inactive_units == 32 and ex.data.loss[-1] == pytest.approx(np.log(2), abs=1e-3)
    ex.set(activation="leaky_relu", kicks=3)
    assert ex.data.gradient_reaches_inactive and "still get a gradient" in ex.readout_text()
    assert ex.data.loss[-1] < 0.65  # and it keeps learning through the leak
    payload = _check_fallback(ex, 2 * 3 * 4)
    assert payload["labels"][2] == ["0", "1", "2", "3"]
    assert payload["readouts"][0] == (
        "After 0 kicks: none of the 32 units is negative on every example; "
        f"loss {experiments.kick_the_bias('relu', 0.1, kicks=0).loss[-1]:.3f}."
    )


def test_dying_relu_explorer_live_kick_button_and_start_again():
    import ipywidgets

    ex = widgets.dying_relu_explorer()
    ex.widget()
    buttons = {b.description: b for b in _descendants(ex.widget(), ipywidgets.Button)}
    assert set(buttons) == {"Kick the bias", "Start again"}
    image = ex._image.value
    buttons["Kick the bias"].click()
    buttons["Kick the bias"].click()
    assert ex.values["kicks"] == 2 and ex._inputs["kicks"].value == 2
    assert ex._image.value != image and "After 2 kicks" in ex._readout.value
    for _ in range(5):  # the counter stops at its last value
        buttons["Kick the bias"].click()
    assert ex.values["kicks"] == 3
    buttons["Start again"].click()
    assert ex.values["kicks"] == 0 and "After 0 kicks" in ex._readout.value


def test_bias_kick_explorer_kicked_relu_dies_where_leaky_relu_recovers():
    ex = widgets.bias_kick_explorer(kicks=(-0.5, -1.5), steps=250)
    assert ex.data.activation == "relu" and ex.data.kick == -1.5  # the default: the largest kick
    assert not ex.data.recovered and ex.data.gradient_norm.max() == 0.0
    ex.set(activation="leaky_relu")
    assert ex.data.recovered
    ex.set(activation="relu", kick=-0.5)  # a small kick leaves it active on some inputs
    assert ex.data.recovered
    _check_fallback(ex, 2 * 2)


def _descendants(widget, kind):
    children = getattr(widget, "children", ())
    found = [widget] if isinstance(widget, kind) else []
    return found + [d for c in children for d in _descendants(c, kind)]


def test_playground_explorer_steps_train_and_reset_the_same_run():
    """The kernel-free face holds 6 frames: 3 epoch counts for each of the two
    initialisations it precomputes (He and zeros; it was 3 before initialisation
    became a control)."""
    import ipywidgets

    ex = widgets.playground_explorer(
        dataset_names=("moons",), activations=("relu",), widths=(8,), depths=(2,), max_epochs=50
    )
    assert ex.values["epochs"] == 0 and ex.data.loss.size == 1
    ex.widget()
    buttons = {b.description: b for b in _descendants(ex.widget(), ipywidgets.Button)}
    assert set(buttons) == {"Step (+5 epochs)", "Reset"}
    (play,) = _descendants(ex.widget(), ipywidgets.Play)
    buttons["Step (+5 epochs)"].click()
    buttons["Step (+5 epochs)"].click()
    assert ex.values["epochs"] == 10 and ex.data.loss.size == 11
    assert play.value == 2  # the "train" timer carries on from where the steps left off
    assert ex._readout.value.startswith("Epoch 10: loss ")
    play.value = 10  # what "train" does, one tick at a time, up to the end
    trained = ex.data
    assert trained.epochs == 50 and trained.accuracy > 0.9
    assert trained.loss[-1] < 0.5 * trained.loss[0]
    # stepping gave exactly what training 50 epochs at once gives
    direct = experiments.PlaygroundSession("moons", "relu", 8, 2).train(50).run()
    np.testing.assert_array_equal(trained.loss, direct.loss)
    np.testing.assert_array_equal(trained.probability, direct.probability)
    buttons["Reset"].click()
    assert ex.values["epochs"] == 0 and play.value == 0
    assert ex.data.loss[0] == trained.loss[0]  # the same seed, the same start
    _check_fallback(ex, 6)


def test_playground_explorer_sets_an_activation_per_layer_and_the_initialisation():
    ex = widgets.playground_explorer(
        dataset_names=("xor",), activations=("relu", "tanh"), widths=(8,), depths=(1, 2, 3)
    )
    names = [c.name for c in ex.controls]
    assert names[:5] == ["dataset", "activation", "activation_2", "activation_3", "init"]
    ex.set(activation="relu", activation_2="tanh", depth=3, epochs=10)
    # layer 3 says "same": the first layer's activation
    net = experiments.PlaygroundSession("xor", ["relu", "tanh", "relu"], 8, 3).train(10)
    np.testing.assert_array_equal(ex.data.loss, net.run().loss)
    assert "relu/tanh/relu" in ex.data.title
    assert "(relu, tanh, relu, layer by layer)" in ex.alt_text()
    # a layer deeper than the network is ignored
    shallow = ex.set(depth=1, epochs=10).data
    alone = experiments.PlaygroundSession("xor", "relu", 8, 1).train(10).run()
    np.testing.assert_array_equal(shallow.loss, alone.loss)
    # zero initialisation: every unit of a layer stays the same, a ReLU network learns
    # nothing (no gradient reaches the hidden weights), its loss stays at log 2
    zero = ex.set(init="zeros", activation="relu", depth=2, epochs=20).data
    assert "zeros init" in zero.title
    assert zero.accuracy == 0.5 and zero.loss[-1] == pytest.approx(np.log(2), abs=1e-3)
    he = ex.set(init="he", epochs=20).data
    assert he.loss[-1] < zero.loss[-1] - 0.05
    # without a kernel: 2 activations x 2 initialisations x 3 epoch counts, 12 settings;
    # a zero-initialised network draws the same picture under relu and tanh (every
    # hidden unit outputs 0 and learns nothing), and the figure names neither (the
    # network is in the controls), so those 3 frames are stored once: 9 images
    payload = _check_fallback(ex, 9)
    assert payload["index"] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 3, 4, 5]
    assert payload["sizes"][names.index("init")] == 2  # He and zeros without a kernel
    assert payload["labels"][names.index("activation_2")] == ["same as layer 1"]


def test_playground_explorer_starts_a_changed_network_at_epoch_0_and_shows_it_first():
    """The picture is sent before the controls that follow a move (the epoch counter
    back at 0): the page shows it without waiting for them."""
    ex = widgets.playground_explorer(dataset_names=("moons", "xor"), widths=(4, 8))
    ex.widget()
    ex._update("epochs", 20)
    order = []
    ex._image.observe(lambda change: order.append("image"), names="value")
    ex._inputs["epochs"].observe(lambda change: order.append("epochs"), names="value")
    ex._update("dataset", "xor")
    assert ex.values["epochs"] == 0 and ex.data.epochs == 0 and ex.data.loss.size == 1
    assert order == ["image", "epochs"]
    ex._update("epochs", 5)
    ex._update("width", 4)
    assert ex.values["epochs"] == 0 and ex.data.epochs == 0


def test_playground_loss_panel_keeps_its_axes_from_step_to_step():
    """Epochs 0 to 100 and a loss from 0 to 1 whatever the step: a step draws the curve
    further into the same frame (a loss above 1 widens it in steps of a half)."""
    ex = widgets.playground_explorer(dataset_names=("moons",))
    limits = []
    for epochs in (0, 5, 50, 100):
        ex.set(epochs=epochs).png()
        loss_axes = ex._figure.axes[1]
        limits.append((loss_axes.get_xlim(), loss_axes.get_ylim()))
    assert limits == [((0.0, 100.0), (0.0, 1.0))] * 4
    high = ex.data.__class__(**{**ex.data.__dict__, "loss": np.array([1.2, np.inf, 0.3])})
    fig = plots.playground(high)
    assert fig.axes[1].get_ylim() == (0.0, 1.5)


def test_playground_explorer_refuses_an_unknown_initialisation():
    with pytest.raises(ValueError, match="inits must name initialisers among .*he"):
        widgets.playground_explorer(inits=("he", "glorot"))
    with pytest.raises(ValueError, match="activation: one per hidden layer"):
        experiments.PlaygroundSession("xor", ["relu", "tanh"], 8, 3)


def test_playground_explorer_keeps_its_one_activation_control_without_per_layer():
    ex = widgets.playground_explorer(per_layer=False, inits=("he",))
    assert [c.name for c in ex.controls] == [
        "dataset",
        "activation",
        "init",
        "width",
        "depth",
        "epochs",
    ]
    assert ex.controls[1].label == "Activation"


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


def test_signal_spread_explorer_shows_vanishing_preserved_and_exploding_signals():
    ex = widgets.signal_spread_explorer(depths=(10, 30), inits=("small", "he", "large"))
    ex.set(activation="relu", depth=30)
    # 100 inputs times Var(w) = 1e-4 divides Var(z) by 100 a layer: 29 layers, 1e-58
    assert np.all(ex.set(init="small").data.forward_ratio() < 1e-50)
    # He: preserved in the median; one network of width 100 wanders, within a factor 20
    # over 30 layers on every seed (where the others are 50 orders of magnitude away)
    ratios = ex.set(init="he").data.forward_ratio()
    assert 0.3 < np.median(ratios) < 3
    assert np.all((ratios > 0.05) & (ratios < 20))
    # N(0, 1): 100 / 2 = 50 times a layer, 50^29 = 1.9e49 by layer 30
    assert np.all(ex.set(init="large").data.forward_ratio() > 1e45)
    assert "at the last layer over the first: 1.4e+49" in ex.readout_text()
    assert ex.data.depth == 30 and ex.data.init == "normal" and ex.data.init_scale == 1.0
    # the kernel-free face: tanh and relu, three initialisations, at 30 layers
    _check_fallback(ex, 6)
    with pytest.raises(ValueError, match="unknown initialisation"):
        widgets.signal_spread_explorer(inits=("glorious",))


def test_normalisation_explorer_reports_diverged_runs_and_fewer_dead_units_with_batchnorm():
    """Every learning rate is a frame of the kernel-free face (it used to be 0.3 and 3 only:
    changed on purpose, so that the live face shows each rate without training again)."""
    ex = widgets.normalisation_explorer(learning_rates=(1.0, 3.0), activations=("relu",))
    r = ex.set(learning_rate=3.0).data
    assert r.norms == ("none", "batch") and r.learning_rates.tolist() == [3.0]
    # seed 2 of the plain network diverges at learning rate 3: said, never counted
    assert "(1 of 5 diverged)" in ex.readout_text()
    assert np.isnan(r.dead_fraction[0, 0, 2])
    none, batch = r.dead_fraction[:, 0]
    assert np.nanmax(batch) < np.nanmin(none)
    _check_fallback(ex, 2)


def test_activation_explorer_offers_a_parameter_only_when_an_activation_takes_it():
    ex = widgets.activation_explorer(names=["sigmoid", "silu", "relu6"], selected=("silu",))
    assert [c.name for c in ex.controls] == ["names", "beta"]  # no activation here has α
    ex = widgets.activation_explorer(names=["relu", "gelu"], selected=("relu",))
    assert [c.name for c in ex.controls] == ["names"]
    ex = widgets.activation_explorer(names=["elu", "softplus"], selected=("elu",))
    assert [c.name for c in ex.controls] == ["names", "alpha", "beta"]


def test_the_report_card_explorer_s_table_text_is_measured_and_at_least_10_pt():
    """A table's cells are texts of the figure too: the smallest text counts them."""
    from actnet.widgets.explorer import _texts

    ex = widgets.report_card_explorer()
    ex.png(fresh=True)
    cells = [t for t in _texts(ex._figure) if t.get_text() in ("output min", "monotonic")]
    assert len(cells) == 2
    assert min(t.get_fontsize() for t in _texts(ex._figure)) >= 10.0
    assert ex.smallest_text_pt >= 10.0


def test_only_the_slow_signal_explorer_computes_a_dragged_slider_where_it_is_let_go():
    """Its settings take 0.1-0.3 s each: a drag over three depths would compute all three
    in turn before the last (measured: 313 ms after letting go, against 116-141 ms when
    only the last is sent)."""
    import ipywidgets

    def sliders(explorer):
        return [
            box for box in explorer._inputs.values() if isinstance(box, ipywidgets.SelectionSlider)
        ]

    signal = widgets.signal_spread_explorer(depths=(5, 10), inits=("he",), activations=("tanh",))
    signal.widget()
    assert [s.continuous_update for s in sliders(signal)] == [False]
    maxout = widgets.maxout_explorer()
    maxout.widget()
    assert [s.continuous_update for s in sliders(maxout)] == [True, True]
