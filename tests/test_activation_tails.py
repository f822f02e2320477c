"""Facts about the float64 accuracy of the tanh GELU, SiLU and mish, far out and near the roots."""

import math

import numpy as np
import pytest
from benchmarks_module import bench as BENCH

import actnet

ACTIVATIONS = {
    "gelu_tanh": actnet.get("gelu", approximate="tanh"),
    "silu": actnet.get("silu"),
    "mish": actnet.get("mish"),
}

ROOTS = BENCH.DERIVATIVE_ROOTS  # where each derivative crosses zero (to 17 digits)
EXACT = BENCH.references()


def _points(name):
    """Float64 inputs: the core, both tails, the floats next to the root and the strip where
    exp is subnormal but the result is not (x e^x, x < -708)."""
    rng = np.random.default_rng(1)
    root = ROOTS[name]
    deep = (-21.6, -21.2) if name == "gelu_tanh" else (-745.0, -708.0)
    parts = [
        np.linspace(-10.0, 10.0, 161),
        rng.uniform(-10.0, 10.0, 160),
        -np.geomspace(10.0, 700.0, 40),
        np.geomspace(10.0, 700.0, 20),
        root + np.geomspace(1e-15, 0.5, 24),
        root - np.geomspace(1e-15, 0.5, 24),
        BENCH.floats_around(root, 8),
        np.linspace(*deep, 25),
        np.array([-1e-300, 1e-300, -1e-8, 1e-8]),
    ]
    return np.unique(np.concatenate(parts))


@pytest.mark.parametrize("what", ["value", "grad"])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_float64_results_are_within_4_ulp_of_the_exact_value(name, what):
    act = ACTIVATIONS[name]
    points = _points(name)
    computed = act(points) if what == "value" else act.grad(points)
    exact = EXACT[name][0 if what == "value" else 1]
    errors = BENCH.ulp_errors(computed, exact, points)
    worst = int(np.nanargmax(errors))
    assert errors[worst] <= 4.0, f"{errors[worst]:.2f} ulp at x = {points[worst]!r}"


@pytest.mark.parametrize("what", ["value", "grad"])
def test_the_tanh_gelu_tail_is_accurate_where_a_rounded_argument_is_off_by_hundreds(what):
    # rounding 2u = v to float64 makes exp(v) off by about |v| / 2 ulps: 100 at x = -9.5,
    # 1000 at x = -20
    act = ACTIVATIONS["gelu_tanh"]
    points = np.array([-9.5, -15.0, -20.0])
    computed = act(points) if what == "value" else act.grad(points)
    errors = BENCH.ulp_errors(computed, EXACT["gelu_tanh"][0 if what == "value" else 1], points)
    assert errors.max() <= 4.0, errors


def _special(dtype):
    big, tiny = (1e300, 1e-300) if dtype == np.float64 else (3e38, 1e-38)
    return np.array(
        [-np.inf, -big, -1000.0, -745.0, -tiny, -0.0, 0.0, tiny, 1000.0, big, np.inf, np.nan], dtype
    )


LIMITS = (0.0, math.inf, 0.0, 1.0)  # value(-inf), value(inf), grad(-inf), grad(inf)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_extreme_inputs_give_finite_silent_results_of_the_input_dtype(name, dtype):
    act = ACTIVATIONS[name]
    x = _special(dtype)
    with np.errstate(all="raise"):
        value, grad = act(x), act.grad(x)
    assert value.dtype == dtype and grad.dtype == dtype
    finite = np.isfinite(x)
    assert np.isfinite(value[finite]).all() and np.isfinite(grad[finite]).all()
    assert value[0] == LIMITS[0] and value[-2] == LIMITS[1]
    assert grad[0] == LIMITS[2] and grad[-2] == LIMITS[3]
    assert np.isnan(value[-1]) and np.isnan(grad[-1])
    # far right every one of them is the identity
    assert value[-3] == x[-3] and grad[-3] == 1.0


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_float32_stays_float32(name):
    act = ACTIVATIONS[name]
    x = np.linspace(-30, 30, 601, dtype=np.float32)
    assert act(x).dtype == np.float32 and act.grad(x).dtype == np.float32
    assert act(np.float32(-2.5)).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_a_large_array_gives_the_values_of_its_pieces(name, dtype):
    # large arrays are computed block by block: the result may not depend on it
    act = ACTIVATIONS[name]
    x = np.random.default_rng(2).normal(0.0, 5.0, (3, 50_001)).astype(dtype)
    value, grad = act(x), act.grad(x)
    # pieces across the flat indices 32768 and 65536 (= 50001 + 15535)
    pieces = [
        (0, slice(0, 7)),
        (0, slice(32_760, 32_780)),
        (1, slice(15_530, 15_540)),
        (2, slice(49_990, None)),
    ]
    for row, piece in pieces:
        np.testing.assert_array_equal(value[row, piece], act(x[row, piece]))
        np.testing.assert_array_equal(grad[row, piece], act.grad(x[row, piece]))


def test_silu_with_a_large_beta_keeps_a_finite_derivative():
    # beta x overflows to inf for x = 1e300: the derivative is still 1 on the right, 0 on the left
    act = actnet.get("silu", beta=1e10)
    np.testing.assert_array_equal(act.grad(np.array([-1e300, 1e300])), [0.0, 1.0])
