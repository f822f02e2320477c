"""Chapter 1 and 2 claims, asserted on the experiments' data."""

import numpy as np
import pytest

from actnet.experiments import cost, linear_collapse, relu_approximation, relu_step, zigzag


def test_stacked_linear_layers_equal_one_matrix():
    result = linear_collapse(sizes=(3, 16, 16, 16, 2), seed=1)
    assert result.product.shape == (2, 3)
    manual = result.weights[3] @ result.weights[2] @ result.weights[1] @ result.weights[0]
    np.testing.assert_allclose(result.product, manual, rtol=1e-12)
    assert result.max_difference < 1e-12
    assert np.abs(result.stacked_outputs).max() > 0.1  # the comparison is not between zeros


def test_linear_collapse_rejects_too_few_layers():
    with pytest.raises(ValueError, match="sizes must list at least 3 positive layer sizes"):
        linear_collapse(sizes=(2, 1))


def test_two_relus_make_a_step_that_sharpens_and_lines_cannot():
    r = relu_step(sharpness=(1.0, 4.0, 16.0))
    ramp = r.steps[0]
    # by hand: 0 for x <= 0, x on [0, 1], 1 for x >= 1
    np.testing.assert_allclose(ramp, np.clip(r.x, 0.0, 1.0), atol=1e-15)
    assert np.all(np.diff(r.mean_gap_to_unit_step) < 0)
    # the step follows a sigmoid of the same midpoint and slope to within 0.12 ...
    assert r.max_gap_to_sigmoid == pytest.approx(1 / (1 + np.exp(2.0)), abs=1e-3)
    # ... while the best straight line misses it by more than a third
    assert r.best_line_gap > 0.3


def test_relu_step_rejects_non_positive_sharpness():
    with pytest.raises(ValueError, match="sharpness must be a sequence of positive numbers"):
        relu_step(sharpness=(1.0, 0.0))


def test_more_relu_units_give_a_smaller_approximation_error():
    r = relu_approximation("sin", widths=(2, 4, 8, 16, 32, 64))
    assert np.all(np.diff(r.max_errors) < 0)
    # piecewise-linear interpolation error falls like 1/width^2: 64 units are
    # at least 100 times better than 4
    assert r.max_errors[-1] < r.max_errors[1] / 100


def test_abs_is_exactly_two_relus():
    r = relu_approximation("abs", widths=(2,))
    assert r.max_errors[0] < 1e-12


def test_relu_approximation_names_valid_targets():
    with pytest.raises(ValueError, match=r"target must be one of \['abs', 'bump', 'sin'\]"):
        relu_approximation("cos")


def test_sigmoid_fed_weight_gradients_share_one_sign_in_every_step():
    r = zigzag("positive", steps=500)
    signs = np.sign(r.gradients)
    assert np.all(signs[:, 0] == signs[:, 1])
    assert r.same_sign_fraction == 1.0
    # hence every step moves in the first or third quadrant
    steps = np.diff(r.path, axis=0)
    assert np.all(steps[:, 0] * steps[:, 1] >= 0)


def test_zero_centred_inputs_move_freely_and_arrive_sooner():
    pos = zigzag("positive", lr=0.5, steps=1000, seed=3)
    zero = zigzag("zero-centred", lr=0.5, steps=1000, seed=3)
    assert 0.3 < zero.same_sign_fraction < 0.7
    steps = np.diff(zero.path, axis=0)
    steps = steps[np.all(steps != 0, axis=1)]  # once at the optimum, the weights stop
    assert np.mean(steps[:, 0] * steps[:, 1] < 0) > 0.3  # second/fourth quadrant moves happen
    assert zero.steps_to_optimum is not None and pos.steps_to_optimum is not None
    assert zero.steps_to_optimum * 3 < pos.steps_to_optimum


def test_zigzag_bad_input():
    with pytest.raises(ValueError, match='inputs must be "positive" or "zero-centred"'):
        zigzag("negative")
    with pytest.raises(ValueError, match="lr must be > 0"):
        zigzag(lr=0.0)


def test_cost_is_measured_relative_to_relu_in_one_run():
    c = cost(["sigmoid", "relu", "tanh"], n_elements=20_000, repeats=3)
    assert c.names == ["relu", "sigmoid", "tanh"]
    assert c.value_ratio[0] == 1.0 and c.grad_ratio[0] == 1.0
    assert np.all(c.value_ns > 0) and np.all(c.grad_ns > 0)
    assert c.ratio("relu") == 1.0
