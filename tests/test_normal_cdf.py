"""The normal distribution function behind the exact GELU, against mpmath."""

import warnings

import mpmath
import numpy as np
import pytest
from benchmarks_module import bench as BENCH

import actnet
from actnet import _normal

ROOT = BENCH.DERIVATIVE_ROOTS["gelu"]  # where GELU's derivative vanishes


def exact_cdf(x):
    return mpmath.erfc(-x / mpmath.sqrt(2)) / 2


GELU = BENCH.references()["gelu"]  # x Phi(x) and its derivative


def float64_points():
    rng = np.random.default_rng(7)
    return np.concatenate(
        [
            np.linspace(-38.5, 9.0, 1901),  # Phi underflows below -38.5
            rng.uniform(-4.0, 4.0, 600),
            -np.geomspace(1e-300, 1.0, 60),
            np.geomspace(1e-300, 1.0, 60),
            [-37.70, -37.68, -37.66, -37.64],  # e^(-x^2/2) subnormal, GELU' not
        ]
    )


def test_normal_cdf_is_within_4_ulps_of_mpmath_down_to_its_underflow():
    x = float64_points()
    err = BENCH.ulp_errors(_normal.normal_cdf(x), exact_cdf, x)
    assert np.nanmax(err) <= 4.0
    assert np.isfinite(err[x > -37.5]).all()  # the normal range is all counted


def test_gelu_and_its_derivative_are_within_4_ulps_of_mpmath():
    x = float64_points()
    value = BENCH.ulp_errors(_normal.gelu(x), GELU[0], x)
    grad = BENCH.ulp_errors(_normal.gelu_grad(x), GELU[1], x)
    assert np.nanmax(value) <= 4.0
    assert np.nanmax(grad) <= 4.0


def test_derivative_keeps_its_relative_accuracy_at_its_root():
    x = np.concatenate(
        [
            BENCH.floats_around(ROOT, 20),
            ROOT + np.geomspace(1e-15, 0.3, 30),
            ROOT - np.geomspace(1e-15, 0.3, 30),
        ]
    )
    assert np.nanmax(BENCH.ulp_errors(_normal.gelu_grad(x), GELU[1], x)) <= 4.0


def test_phi_of_x_plus_phi_of_minus_x_is_one_to_rounding():
    x = np.linspace(-10.0, 10.0, 4001)
    total = _normal.normal_cdf(x) + _normal.normal_cdf(-x)
    assert np.abs(total - 1.0).max() <= np.finfo(np.float64).eps


@pytest.mark.parametrize(
    ("function", "exact"),
    [
        (_normal.normal_cdf, exact_cdf),
        (_normal.gelu, GELU[0]),
        (_normal.gelu_grad, GELU[1]),
    ],
)
def test_float32_stays_float32_and_within_4_float32_ulps(function, exact):
    rng = np.random.default_rng(8)
    x = np.concatenate(
        [
            np.linspace(-14.0, 6.0, 1201),
            rng.uniform(-2.0, 2.0, 400),
            rng.normal(0, 1e-3, 100),
            ROOT + np.geomspace(1e-7, 0.3, 20),  # the derivative's root, in float32 too
            ROOT - np.geomspace(1e-7, 0.3, 20),
        ]
    ).astype(np.float32)
    out = function(x)
    assert out.dtype == np.float32
    assert np.nanmax(BENCH.ulp_errors(out, exact, x)) <= 4.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_the_limits_silently(dtype):
    big = np.finfo(dtype).max / 2
    x = np.array([-np.inf, -big, -1e30, 1e30, big, np.inf, np.nan], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cdf, value, grad = _normal.normal_cdf(x), _normal.gelu(x), _normal.gelu_grad(x)
    for out in (cdf, value, grad):
        assert out.dtype == dtype
        assert np.isnan(out[-1])
    np.testing.assert_array_equal(cdf[:-1], [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(value[:-1], np.maximum(x[:-1], 0))
    np.testing.assert_array_equal(grad[:-1], [0, 0, 0, 1, 1, 1])


def test_large_arrays_are_computed_in_blocks_that_give_the_same_bits():
    for dtype in (np.float32, np.float64):
        x = np.random.default_rng(9).normal(0.0, 3.0, (3, 300_001)).astype(dtype)
        x[1, 5] = -37.7  # a tail element, fixed inside its block
        for function in (_normal.normal_cdf, _normal.gelu, _normal.gelu_grad):
            whole = function(x)
            pieces = np.concatenate(
                [function(row[i : i + 1000]) for row in x for i in range(0, row.size, 1000)]
            )
            np.testing.assert_array_equal(whole.reshape(-1), pieces)


def test_scalars_lists_and_integers_are_accepted():
    assert _normal.normal_cdf(0.0).shape == ()
    assert float(_normal.normal_cdf(0.0)) == 0.5
    np.testing.assert_array_equal(_normal.gelu([0, 1]), _normal.gelu(np.array([0.0, 1.0])))
    assert _normal.gelu_grad(np.arange(3)).dtype == np.float64


def test_actnet_gelu_is_this_normal_cdf():
    x = np.linspace(-40.0, 40.0, 801)
    act = actnet.get("gelu")
    np.testing.assert_array_equal(act(x), _normal.gelu(x))
    np.testing.assert_array_equal(act.grad(x), _normal.gelu_grad(x))
