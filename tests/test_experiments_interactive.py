"""Experiments driven by an explorer's buttons: the same numbers however they are reached."""

import numpy as np
import pytest

import actnet
from actnet import experiments
from actnet.experiments import relu as interactive


def test_activation_curves_are_the_registry_s_values_and_derivatives():
    x = np.linspace(-3.0, 3.0, 61)
    curves = experiments.activation_curves(("sigmoid", "elu", "silu"), alpha=0.5, beta=2.0, x=x)
    sigmoid, elu, silu = (actnet.get(n) for n in ("sigmoid", "elu", "silu"))
    np.testing.assert_array_equal(curves.values[0], sigmoid(x))
    np.testing.assert_array_equal(curves.derivatives[1], elu.with_params(alpha=0.5).grad(x))
    np.testing.assert_array_equal(curves.values[2], silu.with_params(beta=2.0)(x))
    assert curves.values.shape == curves.derivatives.shape == (3, 61)


def test_activation_curves_of_nothing_are_empty():
    curves = experiments.activation_curves(())
    assert curves.values.shape == (0, 401) and curves.activations == ()


def test_activation_curves_name_a_bad_parameter():
    with pytest.raises(ValueError, match="beta"):
        experiments.activation_curves(("softplus",), beta=0.0)


def test_kicking_relu_biases_kills_units_that_never_come_back():
    result = experiments.kick_the_bias("relu", learning_rate=0.5, kicks=3)
    assert result.kick_steps == (41, 82, 123)
    assert result.loss.size == result.inactive_fraction.size == 41 * 4
    jumps = [
        result.inactive_fraction[s] - result.inactive_fraction[s - 1] for s in result.kick_steps
    ]
    assert min(jumps) > 0  # every kick kills more units...
    assert np.all(np.diff(result.inactive_fraction) >= 0)  # ...and none ever recovers
    assert not result.gradient_reaches_inactive


def test_a_kick_at_learning_rate_1_kills_the_whole_relu_layer():
    result = experiments.kick_the_bias("relu", learning_rate=1.0, kicks=1)
    assert result.inactive_units == 32
    # a layer of zeros: the output is sigmoid(constant), and cross-entropy stays near log 2
    assert result.loss[-1] == pytest.approx(np.log(2.0), abs=1e-3)
    assert np.ptp(result.loss[-20:]) < 1e-6


def test_leaky_relu_units_pushed_negative_still_learn():
    result = experiments.kick_the_bias("leaky_relu", learning_rate=1.0, kicks=3)
    assert result.inactive_units == 32 and result.gradient_reaches_inactive
    assert result.loss[-1] < result.loss[result.kick_steps[0]]  # the loss falls after the kick


def test_kicks_give_the_same_numbers_pressed_one_by_one_or_asked_at_once():
    stepwise = [experiments.kick_the_bias("relu", 0.25, kicks=k) for k in range(4)]
    interactive._KICK_CACHE.clear()
    direct = experiments.kick_the_bias("relu", 0.25, kicks=3)
    np.testing.assert_array_equal(stepwise[-1].loss, direct.loss)
    np.testing.assert_array_equal(stepwise[-1].inactive_fraction, direct.inactive_fraction)
    # each run is the start of the next
    np.testing.assert_array_equal(stepwise[1].loss, direct.loss[: stepwise[1].loss.size])


def test_kick_the_bias_names_bad_arguments():
    with pytest.raises(ValueError, match="learning_rate"):
        experiments.kick_the_bias(learning_rate=0.0)
    with pytest.raises(ValueError, match="kicks"):
        experiments.kick_the_bias(kicks=-1)


def test_playground_continues_its_session_and_matches_a_fresh_run():
    first = experiments.playground("xor", "tanh", width=8, depth=1, epochs=20)
    longer = experiments.playground("xor", "tanh", width=8, depth=1, epochs=35)  # continues
    np.testing.assert_array_equal(longer.loss[:21], first.loss)
    fresh = experiments.PlaygroundSession("xor", "tanh", 8, 1).train(15).train(20).run()
    np.testing.assert_array_equal(fresh.loss, longer.loss)
    np.testing.assert_array_equal(fresh.probability, longer.probability)
    again = experiments.playground("xor", "tanh", width=8, depth=1, epochs=20)  # fewer: restart
    np.testing.assert_array_equal(again.loss, first.loss)
    assert again.epochs == 20 and longer.epochs == 35


def test_playground_at_zero_epochs_is_the_untrained_network():
    run = experiments.playground("moons", "relu", width=4, depth=1, epochs=0)
    assert run.loss.size == 1 and run.epochs == 0 and "0 epochs" in run.title
    with pytest.raises(ValueError, match="epochs"):
        experiments.playground("moons", "relu", width=4, depth=1, epochs=-5)


def test_playground_rings_put_the_red_class_inside_as_in_the_first_chapter():
    session = experiments.PlaygroundSession("rings", "relu", width=4, depth=1)
    radius = np.hypot(session.X[:, 0], session.X[:, 1])
    assert radius[session.y == 1].mean() == pytest.approx(0.5, abs=0.02)
    assert radius[session.y == 0].mean() == pytest.approx(1.0, abs=0.02)
