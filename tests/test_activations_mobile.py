"""MobileNetV3's piecewise-linear activations (Howard et al., 2019): hard sigmoid, hard swish
and ReLU6, with PyTorch's values at the kinks.

    hard_sigmoid(x) = ReLU6(x + 3) / 6     hard_sigmoid'(x) = 1/6 on (-3, 3), else 0
    hard_swish(x)   = x hard_sigmoid(x)    hard_swish'(x)   = 0 for x <= -3, (2x + 3)/6 on
                                                              (-3, 3), 1 for x >= 3
    relu6(x)        = min(max(x, 0), 6)    relu6'(x)        = 1 on (0, 6), else 0

The derivatives at the kinks are those PyTorch 2.13 computes (torch.nn.functional.hardsigmoid,
hardswish, relu6 with autograd, float32 and float64).
"""

import math
import warnings

import numpy as np
import pytest

import actnet

MOBILE = ("hard_sigmoid", "hard_swish", "relu6")

pytestmark = pytest.mark.skipif(
    not all(name in actnet.available() for name in MOBILE),
    reason="hard_sigmoid, hard_swish and relu6 are not in the activation registry yet",
)

KINKS = {"hard_sigmoid": (-3.0, 3.0), "hard_swish": (-3.0, 3.0), "relu6": (0.0, 6.0)}


def _reference(name, x):
    relu6 = np.minimum(np.maximum(x, 0.0), 6.0)
    if name == "relu6":
        return relu6
    hard_sigmoid = np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0
    return hard_sigmoid if name == "hard_sigmoid" else x * hard_sigmoid


@pytest.mark.parametrize(
    ("name", "x", "value"),
    [
        ("hard_sigmoid", -4.0, 0.0),
        ("hard_sigmoid", -3.0, 0.0),
        ("hard_sigmoid", 0.0, 0.5),
        ("hard_sigmoid", 1.5, 0.75),
        ("hard_sigmoid", 3.0, 1.0),
        ("hard_sigmoid", 10.0, 1.0),
        ("hard_swish", -3.0, 0.0),
        ("hard_swish", -1.5, -0.375),
        ("hard_swish", 0.0, 0.0),
        ("hard_swish", 1.5, 1.125),
        ("hard_swish", 3.0, 3.0),
        ("hard_swish", 7.0, 7.0),
        ("relu6", -1.0, 0.0),
        ("relu6", 2.5, 2.5),
        ("relu6", 6.0, 6.0),
        ("relu6", 100.0, 6.0),
    ],
)
def test_values_worked_by_hand(name, x, value):
    assert float(actnet.get(name)(x)) == value


@pytest.mark.parametrize("name", MOBILE)
def test_value_matches_its_definition_on_a_grid(name):
    x = np.linspace(-10.0, 10.0, 2001)
    np.testing.assert_allclose(actnet.get(name)(x), _reference(name, x), rtol=1e-15, atol=0)


def test_hard_sigmoid_is_relu6_shifted_by_three_over_six_and_hard_swish_is_x_times_it():
    x = np.linspace(-8.0, 8.0, 801)
    hard_sigmoid = actnet.get("hard_sigmoid")(x)
    np.testing.assert_allclose(hard_sigmoid, actnet.get("relu6")(x + 3.0) / 6.0, rtol=1e-15)
    np.testing.assert_allclose(actnet.get("hard_swish")(x), x * hard_sigmoid, rtol=1e-15)


@pytest.mark.parametrize(
    ("name", "x", "slope"),
    [
        ("hard_sigmoid", -3.0, 0.0),
        ("hard_sigmoid", 3.0, 0.0),
        ("hard_swish", -3.0, 0.0),
        ("hard_swish", 3.0, 1.0),
        ("relu6", 0.0, 0.0),
        ("relu6", 6.0, 0.0),
    ],
)
def test_derivative_at_each_kink_takes_pytorchs_value(name, x, slope):
    assert float(actnet.get(name).grad(x)) == slope


@pytest.mark.parametrize("name", MOBILE)
def test_kinks_are_declared(name):
    assert tuple(actnet.get(name).kinks) == KINKS[name]


@pytest.mark.parametrize("name", MOBILE)
def test_derivative_matches_central_differences_away_from_the_kinks(name):
    act = actnet.get(name)
    x = np.linspace(-9.0, 9.0, 1801)
    away = np.all(np.abs(x[:, None] - np.array(KINKS[name])[None, :]) > 1e-3, axis=1)
    x = x[away]
    eps = 1e-6
    numeric = (act(x + eps) - act(x - eps)) / (2 * eps)
    np.testing.assert_allclose(act.grad(x), numeric, atol=1e-8)


def test_hard_swish_slope_runs_from_minus_a_half_to_three_halves_inside_the_kinks():
    grad = actnet.get("hard_swish").grad
    assert float(grad(-3.0 + 1e-9)) == pytest.approx(-0.5)
    assert float(grad(3.0 - 1e-9)) == pytest.approx(1.5)
    assert float(grad(-1.5)) == 0.0  # the minimum of hard swish, -3/8, is at x = -3/2


@pytest.mark.parametrize("name", MOBILE)
def test_infinite_huge_and_nan_inputs_give_the_limits_without_a_warning(name):
    act = actnet.get(name)
    x = np.array([-np.inf, -1e308, 1e308, np.inf, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = act(x), act.grad(x)
    top = {"hard_sigmoid": 1.0, "hard_swish": np.inf, "relu6": 6.0}[name]
    assert value[0] == 0.0 and value[3] == top and math.isnan(value[4])
    assert np.isfinite(value[1]) and value[2] == (1e308 if name == "hard_swish" else top)
    far_slope = 1.0 if name == "hard_swish" else 0.0
    np.testing.assert_array_equal(grad[:4], [0.0, 0.0, far_slope, far_slope])
    assert math.isnan(grad[4])


@pytest.mark.parametrize("name", MOBILE)
def test_float32_in_float32_out(name):
    x = np.linspace(-5, 8, 27, dtype=np.float32)
    act = actnet.get(name)
    assert act(x).dtype == np.float32 and act.grad(x).dtype == np.float32


@pytest.mark.parametrize("name", MOBILE)
def test_values_and_derivatives_agree_with_pytorch_including_the_kinks(name):
    torch = pytest.importorskip("torch")
    functions = {
        "hard_sigmoid": torch.nn.functional.hardsigmoid,
        "hard_swish": torch.nn.functional.hardswish,
        "relu6": torch.nn.functional.relu6,
    }
    x = np.concatenate([np.linspace(-8.0, 8.0, 1601), [-3.0, 0.0, 3.0, 6.0]])
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = functions[name](t)
    y.sum().backward()
    act = actnet.get(name)
    np.testing.assert_allclose(act(x), y.detach().numpy(), rtol=1e-15, atol=1e-300)
    # PyTorch's float64 backward multiplies by the float32 constant 1/6 (relative error 3e-8)
    np.testing.assert_allclose(act.grad(x), t.grad.numpy(), rtol=1e-7, atol=1e-15)
    kinks = np.isin(x, KINKS[name])
    np.testing.assert_array_equal(act.grad(x)[kinks], t.grad.numpy()[kinks])
