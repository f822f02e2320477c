r"""Compare a network's analytic gradients with central finite differences.

For every parameter :math:`\theta_j`,

.. math::
    \frac{\partial L}{\partial \theta_j} \approx
    \frac{L(\theta + \varepsilon e_j) - L(\theta - \varepsilon e_j)}{2\varepsilon},

whose error is :math:`O(\varepsilon^2)` where :math:`L` is smooth. Near a kink
of an activation (``act.kinks``) the difference quotient straddles the kink and
is meaningless: check at inputs whose pre-activations keep away from kinks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from actnet._validate import positive_number
from actnet.losses import Loss, get_loss

__all__ = ["GradientCheck", "gradient_check", "numerical_gradient", "relative_error"]


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    r""":math:`\|a - n\| / \max(\|a\| + \|n\|, 10^{-300})` (0 when both are 0).

    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    """
    diff = float(np.linalg.norm(np.ravel(analytic) - np.ravel(numeric)))
    scale = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    return 0.0 if diff == 0.0 else diff / max(scale, 1e-300)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of ``f()`` with respect to the array ``x``, changed in place.

    ``x`` is perturbed one entry at a time and restored afterwards.

    >>> x = np.array([1.0, -2.0])
    >>> numerical_gradient(lambda: float(np.sum(x**3)), x).round(6)
    array([ 3., 12.])
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing to it perturbs x
    for j in range(flat.size):
        saved = flat[j]
        flat[j] = saved + eps
        plus = f()
        flat[j] = saved - eps
        minus = f()
        flat[j] = saved
        grad.flat[j] = (plus - minus) / (2.0 * eps)
    return grad


@dataclass
class GradientCheck:
    """Result of :func:`gradient_check`.

    Attributes
    ----------
    relative_errors : list of float
        One per entry of ``net.params`` (see :func:`relative_error`).
    max_relative_error : float
        The largest of them.
    analytic, numeric : list of ndarray
        The two gradients, aligned with ``net.params``.
    """

    relative_errors: list[float]
    max_relative_error: float
    analytic: list[np.ndarray]
    numeric: list[np.ndarray]

    def passed(self, tolerance: float = 1e-6) -> bool:
        """True if every relative error is below ``tolerance``."""
        return self.max_relative_error < tolerance


def gradient_check(
    net: Any, X: Any, y: Any, loss: str | Loss = "mse", eps: float = 1e-6
) -> GradientCheck:
    """Check ``net.loss_and_grads(X, y, loss)`` against central differences.

    Use a float64 network and a small batch: every parameter costs two
    forward passes.

    Examples
    --------
    >>> from actnet.data import xor
    >>> from actnet.nn import MLP
    >>> net = MLP([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    >>> X, y = xor(8, seed=0)
    >>> check = gradient_check(net, X, y, loss="bce")
    >>> check.passed(1e-6)
    True
    """
    eps = positive_number("eps", eps)
    loss = get_loss(loss)
    _, analytic = net.loss_and_grads(X, y, loss)
    analytic = [np.array(g, dtype=np.float64) for g in analytic]

    def value() -> float:
        return net.loss_and_grads(X, y, loss)[0]

    numeric = [numerical_gradient(value, p, eps) for p in net.params]
    errors = [relative_error(a, n) for a, n in zip(analytic, numeric, strict=True)]
    return GradientCheck(errors, max(errors), analytic, numeric)
