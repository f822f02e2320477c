"""Figures of the button-driven experiments draw exactly the data they are given."""

import numpy as np

from actnet import experiments, plots


def _labelled(fig, n_axes):
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == n_axes
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    return axes


def test_activation_curves_puts_values_left_and_derivatives_right_in_one_colour_each():
    x = np.linspace(-2.0, 2.0, 9)
    curves = experiments.activation_curves(("tanh", "relu"), x=x)
    left, right = _labelled(plots.activation_curves(curves), 2)
    tanh_value, relu_value = [
        line for line in left.get_lines() if line.get_label() in ("tanh", "relu")
    ]
    np.testing.assert_array_equal(tanh_value.get_ydata(), np.tanh(x))
    np.testing.assert_array_equal(relu_value.get_ydata(), np.maximum(x, 0.0))
    # ReLU's derivative is drawn in two pieces, leaving out the kink at 0
    relu_pieces = [line for line in right.get_lines() if line.get_color() == relu_value.get_color()]
    assert [list(line.get_ydata()) for line in relu_pieces] == [[0.0] * 4, [1.0] * 4]
    assert tanh_value.get_color() != relu_value.get_color()


def test_activation_curves_of_nothing_says_to_pick_one():
    left, _ = _labelled(plots.activation_curves(experiments.activation_curves(())), 2)
    assert [t.get_text() for t in left.texts] == ["pick an activation"]


def test_kick_the_bias_marks_each_kick_and_draws_the_inactive_fraction_and_loss():
    result = experiments.kick_the_bias("relu", learning_rate=0.5, kicks=2)
    left, right = _labelled(plots.kick_the_bias(result), 2)
    np.testing.assert_array_equal(left.get_lines()[0].get_ydata(), result.inactive_fraction)
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), result.loss)
    kicks = [line.get_xdata()[0] for line in left.get_lines()[1:]]
    assert kicks == list(result.kick_steps)
    assert "learning rate 0.5" in left.get_title()
