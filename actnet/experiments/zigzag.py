"""Chapter 2 and 3: inputs that are all positive make the weights zig-zag."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actnet.activations import get

__all__ = ["ZigZag", "zigzag"]

INPUT_ACTIVATIONS = {"positive": "sigmoid", "zero-centred": "tanh"}


@dataclass(frozen=True)
class ZigZag:
    """The weight path of one linear unit trained by SGD, one example a step."""

    inputs: str
    """``"positive"`` (the unit is fed sigmoid outputs) or ``"zero-centred"`` (tanh outputs)."""
    optimum: np.ndarray
    path: np.ndarray
    """Weights after each step, shape ``(steps + 1, 2)``; ``path[0]`` is the start."""
    gradients: np.ndarray
    """The gradient of the loss with respect to the two weights, one row a step."""
    same_sign_fraction: float
    """Fraction of steps whose two weight gradients have the same sign."""
    steps_to_optimum: int | None
    """First step after which the weights stay within ``tol`` of the optimum (None: never)."""
    final_distance: float


def zigzag(
    inputs: str = "positive",
    lr: float = 0.5,
    steps: int = 300,
    tol: float = 0.05,
    optimum: tuple[float, float] = (1.0, -1.0),
    start: tuple[float, float] = (-1.0, 1.0),
    seed: int = 0,
) -> ZigZag:
    r"""Train ``f = w1 h1 + w2 h2`` towards weights ``optimum`` by per-example SGD.

    The inputs ``h`` are the outputs of a previous layer: ``sigmoid(z)`` for
    ``inputs="positive"``, ``tanh(z)`` for ``"zero-centred"``, with ``z``
    standard normal. With squared error the gradient is
    :math:`\partial L/\partial w_i = (f - y)\,h_i`: one common factor times the
    input. When every :math:`h_i > 0` both components share the sign of
    :math:`f - y`, so every step moves both weights up or both down, and the
    way from ``start`` to ``optimum`` (one weight must rise, the other fall) is
    a zig-zag (LeCun et al., 1998).

    >>> pos, zero = zigzag("positive"), zigzag("zero-centred")
    >>> pos.same_sign_fraction, zero.same_sign_fraction < 0.7
    (1.0, True)
    """
    if inputs not in INPUT_ACTIVATIONS:
        raise ValueError(f'inputs must be "positive" or "zero-centred", got {inputs!r}')
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1, got {steps!r}")
    rng = np.random.default_rng(seed)
    h = get(INPUT_ACTIVATIONS[inputs])(rng.normal(size=(int(steps), 2)))
    w_star = np.asarray(optimum, dtype=float)
    y = h @ w_star
    path = np.empty((int(steps) + 1, 2))
    path[0] = start
    grads = np.empty((int(steps), 2))
    for t in range(int(steps)):
        grads[t] = (h[t] @ path[t] - y[t]) * h[t]
        path[t + 1] = path[t] - lr * grads[t]
    moving = np.all(grads != 0, axis=1)
    same = np.sign(grads[moving, 0]) == np.sign(grads[moving, 1])
    distance = np.linalg.norm(path - w_star, axis=1)
    outside = np.flatnonzero(distance > tol)
    if outside.size == 0:
        reached = 0
    elif outside[-1] == len(distance) - 1:
        reached = None
    else:
        reached = int(outside[-1] + 1)
    return ZigZag(
        inputs=inputs,
        optimum=w_star,
        path=path,
        gradients=grads,
        same_sign_fraction=float(same.mean()) if same.size else float("nan"),
        steps_to_optimum=reached,
        final_distance=float(distance[-1]),
    )
