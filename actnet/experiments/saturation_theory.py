"""Chapter 2: how many neurons a weight scale saturates, predicted from the normal law."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from actnet._validate import positive_number
from actnet.activations import Activation, get

__all__ = ["predicted_saturated_fraction", "saturation_thresholds"]


def _solve(f, target: float, lo: float, hi: float) -> float:
    """The ``z`` in ``[lo, hi]`` with ``f(z) = target``, ``f`` increasing (bisection)."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if float(f(mid)) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def saturation_thresholds(
    activation: str | Activation = "sigmoid", eps: float = 0.01
) -> tuple[float, float]:
    r"""The weighted sums beyond which the output is within ``eps`` of a bound.

    For an increasing activation :math:`f` with bounds :math:`f(-\infty)` and
    :math:`f(\infty)`, returns :math:`(z_-, z_+)` with
    :math:`f(z_-) = f(-\infty) + \varepsilon` and
    :math:`f(z_+) = f(\infty) - \varepsilon`. For the sigmoid,
    :math:`z_\pm = \pm\ln\frac{1 - \varepsilon}{\varepsilon}`.

    >>> [round(z, 4) for z in saturation_thresholds("sigmoid")]
    [-4.5951, 4.5951]
    """
    act = get(activation)
    eps = positive_number("eps", eps)
    low, high = (float(v) for v in act(np.array([-np.inf, np.inf])))
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(
            f"activation must be bounded on both sides to saturate, {act.name} has "
            f"bounds ({low}, {high})"
        )
    if not 0 < eps < (high - low) / 2:
        raise ValueError(f"eps must be between 0 and half the output range, got {eps}")
    return _solve(act, low + eps, -1e3, 0.0), _solve(act, high - eps, 0.0, 1e3)


def predicted_saturated_fraction(
    init_scales: Sequence[float], activation: str | Activation = "sigmoid", eps: float = 0.01
) -> np.ndarray:
    r"""Expected fraction of saturated outputs when the weighted sum is :math:`N(0, s^2)`.

    With ``n`` normalised inputs and weights drawn from :math:`N(0, s^2/n)`,
    the weighted sum :math:`z` has variance :math:`s^2`, so

    .. math::
        P(\text{saturated}) = \Phi(z_-/s) + 1 - \Phi(z_+/s),

    with the thresholds of :func:`saturation_thresholds`. It predicts the first
    layer of :func:`actnet.experiments.saturation` (deeper layers see inputs
    that are no longer normal).

    >>> predicted_saturated_fraction([1.0, 8.0]).round(3).tolist()
    [0.0, 0.566]
    """
    z_low, z_high = saturation_thresholds(activation, eps)
    scales = np.asarray(init_scales, dtype=float)
    if scales.ndim != 1 or scales.size == 0 or not np.all(scales > 0):
        raise ValueError(f"init_scales must be a sequence of numbers > 0, got {init_scales!r}")
    below = [0.5 * math.erfc(-z_low / (s * math.sqrt(2.0))) for s in scales]
    above = [0.5 * math.erfc(z_high / (s * math.sqrt(2.0))) for s in scales]
    return np.array(below) + np.array(above)
