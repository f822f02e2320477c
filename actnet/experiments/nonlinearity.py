"""Chapter 1: why a network needs a non-linear activation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actnet.activations import get

__all__ = [
    "LinearCollapse",
    "ReluStep",
    "ReluApproximation",
    "linear_collapse",
    "relu_step",
    "relu_approximation",
]


@dataclass(frozen=True)
class LinearCollapse:
    """Stacked linear layers and the single matrix they equal."""

    weights: list[np.ndarray]
    """The layer matrices ``W1, W2, ...`` in the order they are applied."""
    product: np.ndarray
    """``W = W_L ... W_2 W_1``, the one matrix the stack equals."""
    inputs: np.ndarray
    stacked_outputs: np.ndarray
    """The inputs pushed through the layers one at a time."""
    collapsed_outputs: np.ndarray
    """The inputs multiplied by ``product`` once."""
    max_difference: float
    """Largest absolute difference between the two outputs (rounding only)."""


def linear_collapse(
    sizes: tuple[int, ...] = (2, 8, 8, 8, 1), n_points: int = 1000, seed: int = 0
) -> LinearCollapse:
    """Push points through a stack of linear layers and through their product.

    The claim: ``W4 (W3 (W2 (W1 x)))`` equals ``(W4 W3 W2 W1) x``, so depth
    without a non-linearity adds nothing.

    >>> result = linear_collapse()
    >>> result.product.shape, result.max_difference < 1e-12
    ((1, 2), True)
    """
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 3 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least 3 positive layer sizes, got {sizes}")
    rng = np.random.default_rng(seed)
    weights = [
        rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])
    ]
    product = np.linalg.multi_dot(weights[::-1]) if len(weights) > 2 else weights[1] @ weights[0]
    inputs = rng.normal(size=(n_points, sizes[0]))
    stacked = inputs
    for w in weights:
        stacked = stacked @ w.T
    collapsed = inputs @ product.T
    return LinearCollapse(
        weights, product, inputs, stacked, collapsed, float(np.abs(stacked - collapsed).max())
    )


@dataclass(frozen=True)
class ReluStep:
    """``relu(k x) - relu(k x - 1)``: a ramp from 0 to 1 that sharpens with ``k``."""

    x: np.ndarray
    sharpness: np.ndarray
    steps: np.ndarray
    """``steps[i]`` is the two-ReLU step with ``sharpness[i]`` on ``x``."""
    sigmoid: np.ndarray
    """``sigmoid(4 x - 2)``: same midpoint and same slope there as the ``k = 1`` ramp."""
    max_gap_to_sigmoid: float
    """Largest difference between the ``k = 1`` step and that sigmoid."""
    mean_gap_to_unit_step: np.ndarray
    """For each sharpness, the mean difference to the unit step ``x > 0`` on the grid."""
    best_line_gap: float
    """Largest difference between the ``k = 1`` step and the least-squares line:
    a difference of two linear functions is linear and cannot bend into a step."""


def relu_step(
    sharpness: tuple[float, ...] = (1.0, 2.0, 5.0, 20.0),
    x_range: tuple[float, float] = (-2.0, 3.0),
    n: int = 1001,
) -> ReluStep:
    """Two ReLUs subtracted make a step; two lines subtracted stay a line.

    >>> r = relu_step()
    >>> float(r.steps[0][r.x == 0.5][0]), round(r.best_line_gap, 2)
    (0.5, 0.35)
    """
    k = np.asarray(sharpness, dtype=float)
    if k.ndim != 1 or k.size == 0 or not (k > 0).all():
        raise ValueError(f"sharpness must be a sequence of positive numbers, got {sharpness!r}")
    relu = get("relu")
    x = np.linspace(*x_range, n)
    steps = relu(k[:, None] * x) - relu(k[:, None] * x - 1.0)
    sig = get("sigmoid")(4.0 * x - 2.0)
    unit_step = (x > 0).astype(float)
    line = np.polyval(np.polyfit(x, steps[0], 1), x)
    return ReluStep(
        x=x,
        sharpness=k,
        steps=steps,
        sigmoid=sig,
        max_gap_to_sigmoid=float(np.abs(steps[0] - sig).max()),
        mean_gap_to_unit_step=np.abs(steps - unit_step).mean(axis=1),
        best_line_gap=float(np.abs(line - steps[0]).max()),
    )


TARGETS = {
    "sin": lambda x: np.sin(np.pi * x),
    "abs": np.abs,
    "bump": lambda x: np.exp(-8.0 * x * x),
}


@dataclass(frozen=True)
class ReluApproximation:
    """One hidden layer of ReLUs fitted to a 1-D target, for growing widths."""

    target: str
    widths: np.ndarray
    x: np.ndarray
    y: np.ndarray
    fits: list[np.ndarray]
    """``fits[i]`` is the network output on ``x`` with ``widths[i]`` hidden units."""
    max_errors: np.ndarray
    """Largest absolute error of each fit on ``x``."""


def relu_approximation(
    target: str = "sin", widths: tuple[int, ...] = (2, 4, 8, 16, 32), n: int = 401
) -> ReluApproximation:
    """Fit ``y = c0 + sum_i c_i relu(x - t_i)`` with knots ``t_i`` spread over [-1, 1].

    Each term is one hidden ReLU unit (input weight 1, bias ``-t_i``); the
    output weights ``c`` are the least-squares solution, so the error is that
    of the best network with those hidden units, and it falls as units are
    added: the universal approximation theorem at work (Leshno et al., 1993).

    >>> r = relu_approximation()
    >>> bool(np.all(np.diff(r.max_errors) < 0))
    True
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {sorted(TARGETS)}, got {target!r}")
    widths_arr = np.asarray(widths, dtype=int)
    if widths_arr.ndim != 1 or (widths_arr < 1).any():
        raise ValueError(f"widths must be positive integers, got {widths!r}")
    relu = get("relu")
    x = np.linspace(-1.0, 1.0, n)
    y = TARGETS[target](x)
    fits, errors = [], []
    for width in widths_arr:
        knots = np.linspace(-1.0, 1.0, width + 1)[:-1]
        features = np.column_stack([np.ones_like(x), relu(x[:, None] - knots)])
        coeffs, *_ = np.linalg.lstsq(features, y, rcond=None)
        fit = features @ coeffs
        fits.append(fit)
        errors.append(np.abs(fit - y).max())
    return ReluApproximation(target, widths_arr, x, y, fits, np.array(errors))
