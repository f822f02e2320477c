r"""Optimisers: update a list of parameter arrays in place from their gradients.

=============  =============================================================
name           update of a parameter :math:`\theta` with gradient :math:`g`
=============  =============================================================
``sgd``        :math:`\theta \leftarrow \theta - \eta g`
``momentum``   :math:`v \leftarrow \mu v + g,\ \theta \leftarrow \theta - \eta v`
``adam``       Kingma and Ba (2015), with bias correction
=============  =============================================================
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from actnet._validate import choice, positive_number, real_number

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "get_optimizer"]


class Optimizer:
    """Base class. ``step(params, grads)`` updates every ``params[i]`` in place."""

    name = ""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = positive_number("lr", lr)

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    r"""Plain gradient descent, :math:`\theta \leftarrow \theta - \eta\, g`.

    >>> p = [np.array([1.0, 2.0])]
    >>> SGD(lr=0.5).step(p, [np.array([1.0, -2.0])])
    >>> p[0]
    array([0.5, 3. ])
    """

    name = "sgd"

    def step(self, params, grads):
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class Momentum(Optimizer):
    r"""Heavy-ball momentum (Polyak, 1964), as in PyTorch's SGD with momentum.

    .. math:: v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta v

    >>> p = [np.array([0.0])]
    >>> opt = Momentum(lr=1.0, momentum=0.5)
    >>> opt.step(p, [np.array([1.0])]); opt.step(p, [np.array([1.0])])
    >>> p[0]
    array([-2.5])
    """

    name = "momentum"

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = real_number("momentum", momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.velocity: list[np.ndarray] | None = None

    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.velocity, strict=True):
            v *= self.momentum
            v += g
            p -= self.lr * v


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015).

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \theta \leftarrow \theta - \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon}

    The first step moves every parameter by about ``lr`` against its gradient's sign:

    >>> p = [np.array([0.0, 0.0])]
    >>> Adam(lr=0.1).step(p, [np.array([3.0, -0.001])])
    >>> p[0].round(4)
    array([-0.1,  0.1])
    """

    name = "adam"

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1 = real_number("beta1", beta1)
        self.beta2 = real_number("beta2", beta2)
        for label, beta in (("beta1", self.beta1), ("beta2", self.beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{label} must be in [0, 1), got {beta}")
        self.eps = positive_number("eps", eps)
        self.t = 0
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] | None = None
        self._flat: tuple[np.ndarray, np.ndarray] | None = None

    def _start(self, params) -> None:
        """Zero moments; views into two flat arrays when every parameter has one dtype."""
        dtypes = {p.dtype for p in params}
        if len(dtypes) != 1:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
            return
        dtype = dtypes.pop()
        total = sum(p.size for p in params)
        self._flat = (np.zeros(total, dtype), np.zeros(total, dtype))
        # the update's dtype: step_size is a NumPy float64, which float32 moments follow
        self._update = np.zeros(total, np.result_type(np.float64, dtype))
        self._layout = [(p.shape, dtype) for p in params]
        self._make_views()

    def _make_views(self) -> None:
        """``m``, ``v`` and each parameter's update: views into the flat arrays."""
        self.m, self.v, self._update_views = [], [], []
        start = 0
        for shape, _ in self._layout:
            stop = start + math.prod(shape)
            for flat, views in zip(
                (*self._flat, self._update), (self.m, self.v, self._update_views)
            ):
                views.append(flat[start:stop].reshape(shape))
            start = stop

    def __setstate__(self, state: dict) -> None:
        # a copy (copy.deepcopy, pickle) turns every view into an array of its own
        self.__dict__.update(state)
        if self._flat is not None:
            self._make_views()

    def _fits(self, grads) -> bool:
        """True if ``grads`` match the parameters the moments were made for."""
        return [(g.shape, g.dtype) for g in grads] == self._layout

    def step(self, params, grads):
        if self.m is None or self.v is None:
            self._start(params)
        self.t += 1
        root = np.sqrt(1.0 - self.beta2**self.t)
        step_size = self.lr * root / (1.0 - self.beta1**self.t)
        eps_hat = self.eps * root
        if self._flat is not None and self._fits(grads):
            # every moment in one array: the same arithmetic, element for element,
            # in a dozen NumPy calls instead of a dozen per parameter
            m, v = self._flat
            g = np.concatenate(grads, axis=None)
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            np.divide(step_size * m, np.sqrt(v) + eps_hat, out=self._update)
            for p, update in zip(params, self._update_views, strict=True):
                p -= update
            return
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            p -= step_size * m / (np.sqrt(v) + eps_hat)


_OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
#: The names :func:`get_optimizer` accepts.
OPTIMIZERS: tuple[str, ...] = tuple(_OPTIMIZERS)


def get_optimizer(name: str | Optimizer, lr: float | None = None, **options: Any) -> Optimizer:
    """A new optimiser called ``name`` with learning rate ``lr`` (or ``name`` itself).

    >>> get_optimizer("momentum", lr=0.1, momentum=0.8)
    Momentum(lr=0.1)
    >>> get_optimizer("rmsprop", lr=0.1)
    Traceback (most recent call last):
    ...
    ValueError: unknown optimizer 'rmsprop'; valid names: sgd, momentum, adam
    """
    if isinstance(name, Optimizer):
        if lr is not None or options:
            raise ValueError("pass lr and options to the Optimizer itself, not alongside it")
        return name
    cls = _OPTIMIZERS[choice("optimizer", name, OPTIMIZERS)]
    return cls(**options) if lr is None else cls(lr=lr, **options)
