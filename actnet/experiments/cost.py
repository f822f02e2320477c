"""How much each activation costs to evaluate, relative to ReLU."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from actnet.activations import Activation, available, get

__all__ = ["Cost", "cost"]


@dataclass(frozen=True)
class Cost:
    """Time per element of the value and the derivative, measured in one run."""

    names: list[str]
    n_elements: int
    value_ns: np.ndarray
    """Nanoseconds per element for the value, best of ``repeats``."""
    grad_ns: np.ndarray
    """Nanoseconds per element for the derivative, best of ``repeats``."""
    value_ratio: np.ndarray
    """``value_ns`` divided by ReLU's, measured in the same run."""
    grad_ratio: np.ndarray

    def ratio(self, name: str) -> float:
        """Value plus derivative time of ``name`` over ReLU's."""
        i = self.names.index(name)
        j = self.names.index("relu")
        return float((self.value_ns[i] + self.grad_ns[i]) / (self.value_ns[j] + self.grad_ns[j]))


def _best_time(function, x: np.ndarray, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function(x)
        best = min(best, time.perf_counter() - start)
    return best


def cost(
    names: list[str | Activation] | None = None,
    n_elements: int = 200_000,
    repeats: int = 15,
    dtype: type = np.float64,
    seed: int = 0,
) -> Cost:
    """Time every activation in ``names`` (default: all registered) on one array.

    Times vary from machine to machine and run to run; the ratios to ReLU,
    measured in the same run on the same array, are what carries over. ReLU
    is always measured, first.

    >>> c = cost(["relu", "sigmoid"], n_elements=10_000, repeats=3)
    >>> c.names, float(c.value_ratio[0])
    (['relu', 'sigmoid'], 1.0)
    """
    if int(n_elements) < 1 or int(repeats) < 1:
        raise ValueError(f"n_elements and repeats must be >= 1, got {n_elements}, {repeats}")
    acts = [get(n) for n in (available() if names is None else names)]
    acts = [get("relu")] + [a for a in acts if a != get("relu")]
    x = np.random.default_rng(seed).normal(0.0, 3.0, int(n_elements)).astype(dtype)
    for act in acts:  # warm up: first calls pay for imports and caches
        act(x[:100])
        act.grad(x[:100])
    value_ns = np.array([_best_time(a, x, repeats) for a in acts]) / n_elements * 1e9
    grad_ns = np.array([_best_time(a.grad, x, repeats) for a in acts]) / n_elements * 1e9
    return Cost(
        names=[a.name for a in acts],
        n_elements=int(n_elements),
        value_ns=value_ns,
        grad_ns=grad_ns,
        value_ratio=value_ns / value_ns[0],
        grad_ratio=grad_ns / grad_ns[0],
    )
