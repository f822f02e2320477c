"""Every activation and its derivative is within 4 ulp of the exact value in float64.

The exact values come from mpmath at 256 bits (``benchmarks/run.py``'s references,
written so that nothing cancels); the points span [-40, 40], the tails out to
+-700, tiny inputs down to 1e-300, and the floats nearest every root of a
derivative. Points whose exact result is subnormal are left out.
"""

import pytest
from benchmarks_module import bench as BENCH

NAMES = list(BENCH.references())


@pytest.fixture(scope="module")
def errors():
    points = BENCH.accuracy_points()
    return {(r[0], r[1], r[2]): r for r in BENCH.max_ulp_errors(points)}


@pytest.mark.parametrize("region", ["|x|<=10", "|x|>10"])
@pytest.mark.parametrize("what", ["value", "grad"])
@pytest.mark.parametrize("name", NAMES)
def test_error_is_at_most_four_ulp(errors, name, what, region):
    _, _, _, ulps, at, count = errors[(name, what, region)]
    assert count > 50
    assert ulps <= 4.0, f"{name} {what}: {ulps:.3g} ulp at x = {at!r}"
