"""Layers and a multi-layer perceptron, with the backward pass beside each forward.

A network is a list of layers. Every layer has ``forward(x)``, which remembers
what ``backward`` needs, and ``backward(grad_y)``, which stores the gradients of
its parameters in ``layer.grads`` and returns the gradient for its input.
Parameters are live arrays: ``net.params[0][...] = W`` sets the first weights.

>>> from actnet.data import xor
>>> X, y = xor(200, seed=0)
>>> net = MLP([2, 8, 1], activation="tanh", output="sigmoid", init="xavier_normal", seed=0)
>>> history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=200)
>>> round(float(history.accuracy[-1]), 2)
1.0
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actnet._validate import float_array, integer_at_least, positive_number, real_number, rng_from
from actnet.activations import Activation, get
from actnet.init import initialize
from actnet.losses import (
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    Loss,
    SoftmaxCrossEntropy,
    get_loss,
    softmax,
)
from actnet.optim import Optimizer, get_optimizer

__all__ = [
    "DIVERGENCE_REASONS",
    "LOSS_EXPLODED",
    "LOSS_GROWTH_LIMIT",
    "MLP",
    "NONFINITE_LOSS",
    "NONFINITE_PARAMETERS",
    "PARAMETERS_EXPLODED",
    "PARAMETER_GROWTH_LIMIT",
    "ActivationLayer",
    "BatchNorm",
    "Dense",
    "DivergedError",
    "GLU_VARIANTS",
    "GatedLinearUnit",
    "History",
    "Layer",
    "LayerNorm",
    "LayerOutput",
    "Maxout",
    "PReLU",
    "Softmax",
    "dead_fraction",
    "glu_hidden_width",
    "saturated_fraction",
]


# ---------------------------------------------------------------------- layers
class Layer:
    """A layer: ``forward(x)``, ``backward(grad_y)``, ``params`` and ``grads``."""

    #: True for layers that apply a non-linearity (recorded by :meth:`MLP.fit`).
    is_nonlinearity = False

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return self.name


class Dense(Layer):
    r"""Affine map :math:`y = xW + b`, ``W`` of shape ``(n_in, n_out)``.

    Backward: :math:`\partial L/\partial W = x^\top g`,
    :math:`\partial L/\partial b = \sum_i g_i`, :math:`\partial L/\partial x = g W^\top`.

    Parameters
    ----------
    n_in, n_out : int
    init : str
        An initialiser name from :mod:`actnet.init` (``"rai"`` also sets the biases).
    bias_init : float
        Constant initial bias.
    rng : numpy.random.Generator or int, optional
    init_scale : float, optional
        Passed to the initialiser as ``scale``.
    dtype : float64 (default) or float32
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str = "he",
        bias_init: float = 0.0,
        rng: Any = None,
        init_scale: float | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.W, self.b = initialize(init, n_in, n_out, rng, init_scale, bias_init, dtype)
        self.params = [self.W, self.b]

    # np.dot rather than @: the same BLAS calls and bits (tested), but @ multiplies
    # a column by a row (one input, or the gradient through one output) in a plain
    # C loop, 4x slower
    def forward(self, x):
        self.x = x
        out = np.dot(x, self.W)
        out += self.b
        return out

    def backward(self, grad_y):
        self._param_grads(grad_y)
        return np.dot(grad_y, self.W.T)

    def _param_grads(self, grad_y):
        """The gradients of W and b only (the first layer's input needs none)."""
        self.grads = [np.dot(self.x.T, grad_y), grad_y.sum(axis=0)]

    @property
    def name(self) -> str:
        return f"Dense({self.n_in}->{self.n_out})"


class ActivationLayer(Layer):
    r"""Any registered activation, elementwise.

    :math:`y = f(x)`, backward :math:`\partial L/\partial x = g\, f'(x)`.

    Uses only ``act(x)`` and ``act.grad(x)``, so user-defined activations work too.
    """

    is_nonlinearity = True

    def __init__(self, activation: str | Activation, **params: Any) -> None:
        super().__init__()
        self.act = get(activation, **params)

    def forward(self, x):
        self.preactivation = x
        self.output = self.act(x)
        return self.output

    def backward(self, grad_y):
        return grad_y * self.act.grad(self.preactivation)

    @property
    def name(self) -> str:
        return self.act.name


class PReLU(Layer):
    r"""Parametric ReLU (He et al., 2015) with a trainable slope :math:`a`.

    .. math::
        y = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}, \qquad
        \frac{\partial y}{\partial x} = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}, \qquad
        \frac{\partial y}{\partial a} = \begin{cases} 0 & x > 0 \\ x & x \le 0 \end{cases}

    ``shared=True``: one slope for the layer (``alpha`` has shape ``(1,)``);
    otherwise one per unit (shape ``(n_units,)``).

    >>> layer = PReLU(2, shared=False, alpha=0.25)
    >>> layer.forward(np.array([[-4.0, 3.0]]))
    array([[-1.,  3.]])
    """

    is_nonlinearity = True

    def __init__(
        self, n_units: int, shared: bool = True, alpha: float = 0.25, dtype: Any = np.float64
    ) -> None:
        super().__init__()
        self.n_units = integer_at_least("n_units", n_units, 1)
        self.shared = bool(shared)
        self.alpha = np.full(1 if self.shared else self.n_units, real_number("alpha", alpha), dtype)
        self.params = [self.alpha]

    def forward(self, x):
        self.preactivation = x
        self.positive = x > 0
        self.output = np.where(self.positive, x, self.alpha * x)
        return self.output

    def backward(self, grad_y):
        grad_alpha = np.where(self.positive, 0.0, grad_y * self.preactivation).sum(axis=0)
        self.grads = [np.atleast_1d(grad_alpha.sum()) if self.shared else grad_alpha]
        return grad_y * np.where(self.positive, 1.0, self.alpha)

    @property
    def name(self) -> str:
        return f"PReLU({'shared' if self.shared else 'per unit'})"


class Maxout(Layer):
    r"""Maxout (Goodfellow et al., 2013): the maximum of ``k`` affine pieces.

    .. math:: y_j = \max_{p=1..k} \left(x W^{(p)} + b^{(p)}\right)_j

    The gradient flows only through the winning piece (the first one on a tie).
    ``W`` has shape ``(k, n_in, n_out)`` and ``b`` shape ``(k, n_out)``; each
    piece is initialised like a :class:`Dense` layer.

    >>> layer = Maxout(1, 1, k=2)
    >>> layer.W[...] = [[[0.0]], [[1.0]]]; layer.b[...] = 0.0   # max(0, x) = relu
    >>> layer.forward(np.array([[-2.0], [3.0]])).ravel()
    array([0., 3.])
    """

    is_nonlinearity = True

    def __init__(
        self,
        n_in: int,
        n_out: int,
        k: int = 2,
        init: str = "he",
        bias_init: float = 0.0,
        rng: Any = None,
        init_scale: float | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.k = integer_at_least("maxout k (number of pieces)", k, 2)
        self.n_in, self.n_out = n_in, n_out
        rng = rng_from(rng, "rng")
        pieces = [
            initialize(init, n_in, n_out, rng, init_scale, bias_init, dtype) for _ in range(k)
        ]
        self.W = np.stack([W for W, _ in pieces])
        self.b = np.stack([b for _, b in pieces])
        self.params = [self.W, self.b]

    def forward(self, x):
        self.x = x
        z = x @ self.W + self.b[:, None, :]  # (k, n, n_out)
        self.winner = z.argmax(axis=0)
        self.pieces = z
        self.output = np.take_along_axis(z, self.winner[None], axis=0)[0]
        return self.output

    @property
    def preactivation(self) -> np.ndarray:
        """The ``k`` pieces before the maximum, shape ``(n, n_out, k)``."""
        return self.pieces.transpose(1, 2, 0)

    def backward(self, grad_y):
        won = self.winner[None] == np.arange(self.k)[:, None, None]
        grad_z = np.where(won, grad_y[None], 0.0)  # (k, n, n_out)
        self.grads = [self.x.T @ grad_z, grad_z.sum(axis=1)]
        return (grad_z @ self.W.transpose(0, 2, 1)).sum(axis=0)

    @property
    def name(self) -> str:
        return f"Maxout({self.n_in}->{self.n_out}, k={self.k})"


class Softmax(Layer):
    r"""Row-wise softmax, :math:`y_c = e^{x_c} / \sum_d e^{x_d}`.

    Backward: :math:`\partial L/\partial x = y \odot (g - \langle g, y\rangle)`.
    With ``loss="softmax_cross_entropy"`` the network skips this backward and
    uses the simpler :math:`(y - \text{target})/n` on the logits.
    """

    is_nonlinearity = True

    def forward(self, x):
        self.preactivation = x
        self.output = softmax(x)
        return self.output

    def backward(self, grad_y):
        y = self.output
        return y * (grad_y - (grad_y * y).sum(axis=1, keepdims=True))


# -------------------------------------------------------------- normalisation
def _features(name: str, x: np.ndarray, n_features: int) -> None:
    if x.ndim != 2 or x.shape[1] != n_features:
        raise ValueError(
            f"{name} normalises {n_features} features and expects input of shape "
            f"(n, {n_features}), got {x.shape}"
        )


class BatchNorm(Layer):
    r"""Batch normalisation (Ioffe and Szegedy, 2015) of each feature (column).

    Training mode standardises every feature with the mean and variance of
    the batch, then scales and shifts it with the learnable :math:`\gamma, \beta`:

    .. math::
        \mu = \frac1N \sum_i x_i, \quad \sigma^2 = \frac1N \sum_i (x_i - \mu)^2, \quad
        \hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \epsilon}}, \quad
        y_i = \gamma \hat x_i + \beta.

    Backward, with :math:`\hat g_i = \gamma\, g_i`: :math:`\partial L/\partial\gamma =
    \sum_i g_i \hat x_i`, :math:`\partial L/\partial\beta = \sum_i g_i` and, because
    :math:`\mu` and :math:`\sigma` depend on every example of the batch,

    .. math::
        \frac{\partial L}{\partial x_i} = \frac{1}{N\sqrt{\sigma^2+\epsilon}}
        \Big(N \hat g_i - \sum_j \hat g_j - \hat x_i \sum_j \hat g_j \hat x_j\Big).

    The gradients summed over the batch cancel: :math:`\sum_i \partial L/\partial x_i = 0`,
    so a bias added just before this layer gets no gradient and changes nothing.

    Every training-mode forward also updates running averages,
    ``running = (1 - momentum) * running + momentum * batch value``, the
    variance with the unbiased :math:`N/(N-1)` factor (as the paper's inference
    step and PyTorch do). Eval mode (``training = False``, set by
    :meth:`MLP.eval`) uses them instead of the batch, so that a prediction for
    one example does not depend on the others: :math:`y = \gamma (x - \mu_{run}) /
    \sqrt{\sigma^2_{run} + \epsilon} + \beta`, an affine map with
    :math:`\partial L/\partial x = \hat g / \sqrt{\sigma^2_{run} + \epsilon}`.

    >>> layer = BatchNorm(2)
    >>> y = layer.forward(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> y.round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> layer.running_mean, layer.running_var
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    """

    def __init__(
        self, n_features: int, eps: float = 1e-5, momentum: float = 0.1, dtype: Any = np.float64
    ) -> None:
        super().__init__()
        self.n_features = integer_at_least("n_features", n_features, 1)
        self.eps = positive_number("eps", eps)
        self.momentum = real_number("momentum", momentum)
        if not 0.0 <= self.momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.gamma = np.ones(self.n_features, dtype)
        self.beta = np.zeros(self.n_features, dtype)
        self.params = [self.gamma, self.beta]
        self.running_mean = np.zeros(self.n_features, dtype)
        self.running_var = np.ones(self.n_features, dtype)
        self.training = True

    def forward(self, x):
        _features(self.name, x, self.n_features)
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError(
                    "BatchNorm in training mode needs a batch of at least 2 examples; "
                    "for predictions use eval mode (net.eval())"
                )
            mean, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean[...] = (1 - m) * self.running_mean + m * mean
            self.running_var[...] = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            mean, var = self.running_mean, self.running_var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.xhat = (x - mean) * self.inv_std
        return self.gamma * self.xhat + self.beta

    def backward(self, grad_y):
        self.grads = [(grad_y * self.xhat).sum(axis=0), grad_y.sum(axis=0)]
        g = grad_y * self.gamma
        if not self.training:
            return g * self.inv_std
        n = g.shape[0]
        return self.inv_std / n * (n * g - g.sum(axis=0) - self.xhat * (g * self.xhat).sum(axis=0))

    @property
    def name(self) -> str:
        return f"BatchNorm({self.n_features})"


class LayerNorm(Layer):
    r"""Layer normalisation (Ba, Kiros and Hinton, 2016) of each example (row).

    The same standardisation as :class:`BatchNorm`, across the ``D`` features
    of one example instead of across the batch, with a learnable
    :math:`\gamma_j, \beta_j` per feature:

    .. math::
        \mu_i = \frac1D \sum_j x_{ij}, \quad \sigma_i^2 = \frac1D \sum_j (x_{ij} - \mu_i)^2, \quad
        \hat x_{ij} = \frac{x_{ij} - \mu_i}{\sqrt{\sigma_i^2 + \epsilon}}, \quad
        y_{ij} = \gamma_j \hat x_{ij} + \beta_j.

    Backward, with :math:`\hat g_{ij} = \gamma_j g_{ij}`:

    .. math::
        \frac{\partial L}{\partial x_{ij}} = \frac{1}{D\sqrt{\sigma_i^2+\epsilon}}
        \Big(D \hat g_{ij} - \sum_k \hat g_{ik} - \hat x_{ij} \sum_k \hat g_{ik} \hat x_{ik}\Big).

    An example's output does not depend on the rest of the batch, so training
    and prediction compute the same thing and there are no running averages.

    >>> LayerNorm(3).forward(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 30.0]])).round(3)
    array([[-1.225,  0.   ,  1.225],
           [-0.707, -0.707,  1.414]])
    """

    def __init__(self, n_features: int, eps: float = 1e-5, dtype: Any = np.float64) -> None:
        super().__init__()
        self.n_features = integer_at_least("n_features", n_features, 1)
        self.eps = positive_number("eps", eps)
        self.gamma = np.ones(self.n_features, dtype)
        self.beta = np.zeros(self.n_features, dtype)
        self.params = [self.gamma, self.beta]

    def forward(self, x):
        _features(self.name, x, self.n_features)
        mean = x.mean(axis=1, keepdims=True)
        self.inv_std = 1.0 / np.sqrt(x.var(axis=1, keepdims=True) + self.eps)
        self.xhat = (x - mean) * self.inv_std
        return self.gamma * self.xhat + self.beta

    def backward(self, grad_y):
        self.grads = [(grad_y * self.xhat).sum(axis=0), grad_y.sum(axis=0)]
        g = grad_y * self.gamma
        d = g.shape[1]
        return (
            self.inv_std
            / d
            * (
                d * g
                - g.sum(axis=1, keepdims=True)
                - self.xhat * (g * self.xhat).sum(axis=1, keepdims=True)
            )
        )

    @property
    def name(self) -> str:
        return f"LayerNorm({self.n_features})"


# ------------------------------------------------------- gated linear units
#: The gate of each gated linear unit of Shazeer (2020), by name. ``"glu"`` is
#: Dauphin et al. (2017)'s original with a sigmoid gate; ``"bilinear"`` has none.
GLU_VARIANTS: dict[str, str] = {
    "glu": "sigmoid",
    "reglu": "relu",
    "geglu": "gelu",
    "swiglu": "silu",
    "bilinear": "identity",
}


class GatedLinearUnit(Layer):
    r"""A gated linear unit: one linear map, gated elementwise by an activation of another.

    .. math::
        a = xW + b, \qquad u = xV + c, \qquad y = f(a) \odot u

    with :math:`f` the gate: the sigmoid for GLU (Dauphin et al., 2017), ReLU
    for ReGLU, GELU for GEGLU, Swish (SiLU) for SwiGLU (Shazeer, 2020); pass a
    name of :data:`GLU_VARIANTS` or any activation. Followed by a :class:`Dense`
    layer ``W_2`` it is Shazeer's feed-forward block :math:`(f(xW) \odot xV)\,W_2`
    (with biases here).

    Backward, with :math:`g = \partial L/\partial y`:

    .. math::
        \frac{\partial L}{\partial a} = g \odot u \odot f'(a), \qquad
        \frac{\partial L}{\partial u} = g \odot f(a), \qquad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial a} W^\top
            + \frac{\partial L}{\partial u} V^\top

    and :math:`\partial L/\partial W = x^\top \partial L/\partial a`,
    :math:`\partial L/\partial b = \sum_i \partial L/\partial a_i` (likewise
    ``V`` and ``c`` with :math:`\partial L/\partial u`). ``W`` and ``V`` are
    each initialised like a :class:`Dense` layer's weights.

    >>> layer = GatedLinearUnit(1, 1, "reglu", rng=0)
    >>> layer.W[...] = 1.0; layer.V[...] = -2.0   # relu(x) * (-2x): 0 for x <= 0
    >>> layer.forward(np.array([[-1.0], [3.0]])).ravel()
    array([  0., -18.])
    """

    is_nonlinearity = True

    def __init__(
        self,
        n_in: int,
        n_out: int,
        gate: str | Activation = "sigmoid",
        init: str = "he",
        bias_init: float = 0.0,
        rng: Any = None,
        init_scale: float | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.n_in = integer_at_least("n_in", n_in, 1)
        self.n_out = integer_at_least("n_out", n_out, 1)
        if isinstance(gate, str) and gate.strip().lower() in GLU_VARIANTS:
            self.variant = gate.strip().lower()
            gate = GLU_VARIANTS[self.variant]
        else:
            self.variant = None
        self.gate = get(gate)
        rng = rng_from(rng)
        self.W, self.b = initialize(init, n_in, n_out, rng, init_scale, bias_init, dtype)
        self.V, self.c = initialize(init, n_in, n_out, rng, init_scale, bias_init, dtype)
        self.params = [self.W, self.b, self.V, self.c]

    def forward(self, x):
        self.x = x
        self.preactivation = np.dot(x, self.W) + self.b
        self.linear = np.dot(x, self.V) + self.c
        self.gated = self.gate(self.preactivation)
        self.output = self.gated * self.linear
        return self.output

    def backward(self, grad_y):
        grad_a = grad_y * self.linear * self.gate.grad(self.preactivation)
        grad_u = grad_y * self.gated
        self.grads = [
            np.dot(self.x.T, grad_a),
            grad_a.sum(axis=0),
            np.dot(self.x.T, grad_u),
            grad_u.sum(axis=0),
        ]
        return np.dot(grad_a, self.W.T) + np.dot(grad_u, self.V.T)

    @property
    def name(self) -> str:
        gate = self.variant or f"gate {self.gate.name}"
        return f"GatedLinearUnit({self.n_in}->{self.n_out}, {gate})"


def glu_hidden_width(plain_width: int, n_in: int, n_out: int, bias: bool = True) -> int:
    r"""The width of a gated block with as many parameters as a plain block of ``plain_width``.

    A plain block ``n_in -> d -> n_out`` (dense, activation, dense) has
    :math:`d(n_{in} + n_{out})` weights; a gated one ``n_in -> h -> n_out``
    (:class:`GatedLinearUnit`, dense) has :math:`h(2n_{in} + n_{out})`, since
    its first layer has two weight matrices. With biases (``bias=True``) add
    :math:`d + n_{out}` and :math:`2h + n_{out}`. Equal counts give

    .. math:: h = d\,\frac{n_{in} + n_{out} + \beta}{2 n_{in} + n_{out} + 2\beta},
        \qquad \beta = 1 \text{ with biases, } 0 \text{ without,}

    rounded to the nearest integer (at least 1). In a transformer,
    :math:`n_{in} = n_{out}` and there are no biases: :math:`h = \tfrac23 d`,
    the rule of Shazeer (2020), who shrinks :math:`d = 3072` to 2048.

    >>> glu_hidden_width(3072, 768, 768, bias=False)
    2048
    >>> glu_hidden_width(16, 2, 1)   # 16 * 4 / 7 = 9.1
    9
    """
    plain_width = integer_at_least("plain_width", plain_width, 1)
    n_in = integer_at_least("n_in", n_in, 1)
    n_out = integer_at_least("n_out", n_out, 1)
    if not isinstance(bias, bool | np.bool_):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    beta = int(bias)
    width = plain_width * (n_in + n_out + beta) / (2 * n_in + n_out + 2 * beta)
    return max(1, round(width))


# ------------------------------------------------------------ instrumentation
def dead_fraction(outputs: np.ndarray) -> float:
    """Fraction of units (columns) whose output is exactly 0 for every example (row).

    A ReLU unit in that state gets no gradient from any example: it is dead.

    >>> dead_fraction(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]))
    0.3333333333333333
    """
    outputs = outputs.reshape(outputs.shape[0], -1)
    return float(np.mean(np.all(outputs == 0, axis=0)))


def saturated_fraction(
    outputs: np.ndarray, bounds: tuple[float, float], eps: float = 0.01
) -> float:
    """Fraction of outputs (all examples, all units) within ``eps`` of ``bounds``.

    >>> saturated_fraction(np.array([[0.995, 0.5], [0.001, 0.2]]), (0.0, 1.0))
    0.5
    """
    lo, hi = bounds
    return float(np.mean((outputs <= lo + eps) | (outputs >= hi - eps)))


def _bounds(layer: Layer) -> tuple[float, float] | None:
    """The finite limits of a bounded activation (sigmoid: (0, 1), tanh: (-1, 1)), else None."""
    if not isinstance(layer, ActivationLayer):
        return None
    with np.errstate(all="ignore"):
        lo, hi = (float(v) for v in layer.act(np.array([-np.inf, np.inf])))
    return (lo, hi) if np.isfinite(lo) and np.isfinite(hi) and lo < hi else None


@dataclass
class LayerOutput:
    """What one non-linear layer saw and produced, for every example."""

    name: str
    preactivation: np.ndarray
    output: np.ndarray


@dataclass
class History:
    """What :meth:`MLP.fit` recorded; row ``e`` is the state after ``e`` epochs (row 0: at init).

    Attributes
    ----------
    epoch : ndarray (rows,)
        ``0, 1, ..., epochs`` (shorter if the run diverged).
    loss : ndarray (rows,)
        Training loss on the whole training set.
    accuracy : ndarray (rows,)
        Training accuracy (NaN for a regression loss).
    grad_norm : ndarray (rows, n_param_layers) or None
        Euclidean norm of the full-batch gradient of each layer's parameters
        (columns named by ``param_layer_names``). Recorded with ``record=True``.
    dead_fraction, saturated_fraction, preact_mean, preact_std : ndarray or None
        Shape (rows, n_nonlinear_layers).
        Per non-linear layer (columns named by ``nonlinear_layer_names``): the
        fraction of units whose output is 0 on every example; the fraction of
        outputs within ``saturation_eps`` of the bounds of a bounded activation
        (NaN for unbounded ones); mean and standard deviation of the
        pre-activations over all examples and units. Recorded with ``record=True``.
    prelu_slopes : list of ndarray (rows, n_slopes)
        One per PReLU layer. Recorded with ``record=True``.
    param_norm : ndarray (rows,)
        Euclidean norm of all the parameters together.
    diverged : bool
        True if the run diverged (see :meth:`MLP.fit`); training then stopped.
    diverged_at : int or None
        The epoch at which that was seen; its row is the last one and holds the
        loss that gave it away (NaN accuracy for a non-finite loss or parameters).
    reason : str or None
        Why: one of :data:`DIVERGENCE_REASONS`.
    """

    epoch: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    grad_norm: np.ndarray | None = None
    dead_fraction: np.ndarray | None = None
    saturated_fraction: np.ndarray | None = None
    preact_mean: np.ndarray | None = None
    preact_std: np.ndarray | None = None
    prelu_slopes: list[np.ndarray] = field(default_factory=list)
    param_layer_names: list[str] = field(default_factory=list)
    nonlinear_layer_names: list[str] = field(default_factory=list)
    param_norm: np.ndarray | None = None
    diverged: bool = False
    diverged_at: int | None = None
    reason: str | None = None

    @property
    def diverged_at_epoch(self) -> int | None:
        """The same as ``diverged_at``."""
        return self.diverged_at


# ------------------------------------------------------------------ divergence
NONFINITE_LOSS = "non-finite loss"
NONFINITE_PARAMETERS = "non-finite parameters"
LOSS_EXPLODED = "loss exploded"
PARAMETERS_EXPLODED = "parameters exploded"
#: The values of :attr:`History.reason` for a run that diverged.
DIVERGENCE_REASONS = (NONFINITE_LOSS, NONFINITE_PARAMETERS, LOSS_EXPLODED, PARAMETERS_EXPLODED)

LOSS_GROWTH_LIMIT = 100.0
"""A loss above this multiple of the run's starting loss is divergence: training lowers
the loss, and the passing bumps of runs that train stay far below it (under 8-fold in
the course's experiments), while a learning rate too large for the network sends its
loss 100 to 1e300 times up."""

PARAMETER_GROWTH_LIMIT = 1e6
"""Parameters whose norm grew this many times (from their start, or from 1 if smaller)
while the loss stopped falling have exploded: a saturated output keeps a loss bounded
while its weights head for 1e300. Six orders of magnitude, because a ReLU network
that loses most of its units at a learning rate of 3 grows its weights 25,000-fold
in one epoch and still predicts, while one that stopped predicting (loss ln 2 or
frozen) grows them 1e7-fold and more."""


class DivergedError(RuntimeError):
    """Raised when a network whose last fit diverged is asked to predict or train."""


def _parameter_norm(params: Sequence[np.ndarray]) -> float:
    """Euclidean norm of all parameters, scaled by the largest so that 1e300 does not overflow."""
    largest = max((float(np.max(np.abs(p))) for p in params if p.size), default=0.0)
    if largest == 0.0 or not np.isfinite(largest):
        return largest
    return largest * float(
        np.sqrt(sum(np.sum((p / largest) ** 2, dtype=np.float64) for p in params))
    )


class _DivergenceWatch:
    """Tells, snapshot after snapshot, whether a run has diverged and why."""

    def __init__(self) -> None:
        self.start_loss: float | None = None
        self.start_norm = 1.0
        self.best_loss = np.inf

    def reason(self, loss: float, norm: float) -> str | None:
        if not np.isfinite(loss):
            return NONFINITE_LOSS
        if not np.isfinite(norm):
            return NONFINITE_PARAMETERS
        if self.start_loss is None:
            self.start_loss, self.start_norm, self.best_loss = loss, max(norm, 1.0), loss
            return None
        if loss > LOSS_GROWTH_LIMIT * self.start_loss > 0:
            return LOSS_EXPLODED
        stalled = loss >= self.best_loss
        self.best_loss = min(self.best_loss, loss)
        if stalled and norm > PARAMETER_GROWTH_LIMIT * self.start_norm:
            return PARAMETERS_EXPLODED
        return None


_PER_LAYER_KEYS = ("grad_norm", "dead_fraction", "saturated_fraction", "preact_mean", "preact_std")


class _Recorder:
    """Collects one row of :class:`History` per snapshot of the network."""

    def __init__(self, net: MLP, record: bool, eps: float) -> None:
        self.net, self.record, self.eps = net, record, eps
        self.rows: list[dict[str, Any]] = []
        self.nonlinear = [layer for layer in net.layers if layer.is_nonlinearity]
        self.bounds = [_bounds(layer) for layer in self.nonlinear]
        self.prelus = [layer for layer in net.layers if isinstance(layer, PReLU)]

    def snapshot(
        self, loss: float, accuracy: float, grads: list[np.ndarray] | None, norm: float
    ) -> None:
        row: dict[str, Any] = {"loss": loss, "accuracy": accuracy, "param_norm": norm}
        if self.record:
            row["grad_norm"] = self.net.gradient_norms_by_layer(grads) if grads else None
            row["dead_fraction"] = [dead_fraction(layer.output) for layer in self.nonlinear]
            row["saturated_fraction"] = [
                np.nan if b is None else saturated_fraction(layer.output, b, self.eps)
                for layer, b in zip(self.nonlinear, self.bounds, strict=True)
            ]
            row["preact_mean"] = [float(layer.preactivation.mean()) for layer in self.nonlinear]
            row["preact_std"] = [float(layer.preactivation.std()) for layer in self.nonlinear]
            row["prelu_slopes"] = [layer.alpha.astype(np.float64) for layer in self.prelus]
        self.rows.append(row)

    def diverged_row(self, loss: float, norm: float) -> None:
        self.rows.append({"loss": loss, "accuracy": np.nan, "param_norm": norm})

    def history(self, diverged: tuple[int, str] | None) -> History:
        rows = self.rows
        n_rows = len(rows)
        hist = History(
            epoch=np.arange(n_rows),
            loss=np.array([r["loss"] for r in rows], dtype=np.float64),
            accuracy=np.array([r["accuracy"] for r in rows], dtype=np.float64),
            param_norm=np.array([r["param_norm"] for r in rows], dtype=np.float64),
            param_layer_names=[layer.name for layer in self.net.layers if layer.params],
            nonlinear_layer_names=[layer.name for layer in self.nonlinear],
            diverged=diverged is not None,
            diverged_at=None if diverged is None else diverged[0],
            reason=None if diverged is None else diverged[1],
        )
        if self.record:
            n_cols = {"grad_norm": len(hist.param_layer_names)}
            for key in _PER_LAYER_KEYS:
                table = np.full((n_rows, n_cols.get(key, len(self.nonlinear))), np.nan)
                for i, row in enumerate(rows):
                    if row.get(key) is not None:  # None in a diverged row
                        table[i] = row[key]
                setattr(hist, key, table)
            for j, layer in enumerate(self.prelus):
                slopes = np.full((n_rows, layer.alpha.size), np.nan)
                for i, row in enumerate(rows):
                    if "prelu_slopes" in row:
                        slopes[i] = row["prelu_slopes"][j]
                hist.prelu_slopes.append(slopes)
        return hist


class _ProgressLine:
    """One line of text, rewritten in place (``\\r``), at most ten times a second."""

    def __init__(self, total: int, enabled: bool, stream: Any = None) -> None:
        self.total, self.enabled = total, enabled
        self.stream = stream if stream is not None else sys.stdout
        self.last = 0.0

    def update(self, epoch: int, loss: float, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        filled = int(30 * epoch / self.total)
        bar = "#" * filled + "-" * (30 - filled)
        self.stream.write(
            f"\repoch {epoch:>{len(str(self.total))}}/{self.total} [{bar}] loss {loss:.4g}"
        )
        self.stream.flush()

    def close(self, epoch: int, loss: float) -> None:
        if self.enabled:
            self.update(epoch, loss, force=True)
            self.stream.write("\n")
            self.stream.flush()


# --------------------------------------------------------------------- network
def _known_activation(argument: str, name: Any, special: tuple[str, ...]) -> None:
    """Refuse an unknown activation at construction, naming the argument it came in."""
    if isinstance(name, str) and name.strip().lower() in special:
        return
    try:
        get(name)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{argument}: {error}") from None


def _per_layer(value: Any, n: int, what: str) -> list[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{what} has {len(value)} entries for {n} hidden layers")
        return list(value)
    return [value] * n


class MLP:
    """A multi-layer perceptron: dense layers with a non-linearity after each.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_inputs, hidden_1, ..., n_outputs]``.
    activation : str, Activation or list of them
        Hidden activation, one for all hidden layers or one per hidden layer.
        Any registered name (built-in or from :func:`actnet.register`) or an
        :class:`~actnet.Activation`. Two names build special layers:
        ``"prelu"`` a :class:`PReLU` with a trainable slope, ``"maxout"`` a
        :class:`Maxout` layer of ``maxout_k`` pieces (instead of dense + activation).
    output : str or Activation
        Output activation: ``"identity"`` (regression, logits), ``"sigmoid"``
        (binary classification), ``"softmax"``, or any registered activation.
    init : str
        Weight initialiser (see :mod:`actnet.init`); ``init_scale`` is its ``scale``.
    bias_init : float
        Constant initial bias of every layer (ignored by ``init="rai"``).
    seed : int or numpy.random.Generator
        Everything random in the construction comes from it.
    maxout_k : int
        Pieces per maxout unit (>= 2).
    prelu_shared, prelu_alpha :
        One slope per layer or per unit; its initial value.
    dtype :
        ``np.float64`` (default) or ``np.float32``.

    Examples
    --------
    >>> net = MLP([2, 16, 16, 1], activation="relu", output="sigmoid", seed=0)
    >>> [p.shape for p in net.params]
    [(2, 16), (16,), (16, 16), (16,), (16, 1), (1,)]
    >>> net.forward(np.zeros((3, 2))).shape
    (3, 1)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation | Sequence[str | Activation] = "relu",
        output: str | Activation = "identity",
        init: str = "he",
        bias_init: float = 0.0,
        init_scale: float | None = None,
        seed: Any = 0,
        maxout_k: int = 2,
        prelu_shared: bool = True,
        prelu_alpha: float = 0.25,
        dtype: Any = np.float64,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a list of layer widths, got {sizes!r}")
        sizes = [integer_at_least("every layer size", s, 1) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        rng = rng_from(seed)
        hidden = _per_layer(activation, len(sizes) - 2, "activation")
        for name in hidden if isinstance(activation, list | tuple) else [activation]:
            _known_activation("activation", name, ("prelu", "maxout"))
        _known_activation("output", output, ("softmax", "identity", "linear"))
        layers: list[Layer] = []
        for n_in, n_out, act in zip(sizes[:-2], sizes[1:-1], hidden, strict=True):
            if isinstance(act, str) and act.strip().lower() == "maxout":
                layers.append(
                    Maxout(n_in, n_out, maxout_k, init, bias_init, rng, init_scale, dtype)
                )
                continue
            layers.append(Dense(n_in, n_out, init, bias_init, rng, init_scale, dtype))
            if isinstance(act, str) and act.strip().lower() == "prelu":
                layers.append(PReLU(n_out, prelu_shared, prelu_alpha, dtype))
            else:
                layers.append(ActivationLayer(act))
        layers.append(Dense(sizes[-2], sizes[-1], init, bias_init, rng, init_scale, dtype))
        if isinstance(output, str) and output.strip().lower() == "softmax":
            layers.append(Softmax())
        elif not (isinstance(output, str) and output.strip().lower() in ("identity", "linear")):
            layers.append(ActivationLayer(output))
        self._set_layers(layers, sizes[0], sizes[-1], dtype)

    @classmethod
    def from_layers(cls, layers: Sequence[Layer], dtype: Any = None) -> MLP:
        """A network made of the given layers, in order.

        >>> net = MLP.from_layers([Dense(1, 4, rng=0), PReLU(4), Maxout(4, 1, k=3, rng=0)])
        >>> net.n_inputs, net.n_outputs, len(net.params)
        (1, 1, 5)
        """
        sized = [layer for layer in layers if hasattr(layer, "n_in")]
        if not sized:
            raise ValueError("a network needs at least one Dense or Maxout layer")
        for a, b in zip(sized[:-1], sized[1:], strict=True):
            if a.n_out != b.n_in:
                raise ValueError(
                    f"{a.name} gives {a.n_out} outputs but {b.name} expects {b.n_in} inputs"
                )
        net = cls.__new__(cls)
        dtype = sized[0].W.dtype if dtype is None else np.dtype(dtype)
        net._set_layers(list(layers), sized[0].n_in, sized[-1].n_out, dtype)
        return net

    def _set_layers(self, layers: list[Layer], n_inputs: int, n_outputs: int, dtype: Any) -> None:
        self.layers = layers
        # (epoch, reason) of the last fit if it diverged
        self._diverged: tuple[int, str] | None = None
        self.n_inputs, self.n_outputs, self.dtype = n_inputs, n_outputs, np.dtype(dtype)
        self.params: list[np.ndarray] = [p for layer in layers for p in layer.params]

    def __repr__(self) -> str:
        return f"MLP([{', '.join(layer.name for layer in self.layers)}])"

    def train(self, mode: bool = True) -> MLP:
        """Put every layer with a ``training`` flag (:class:`BatchNorm`) in training mode
        (``mode=True``) or eval mode; return the network.

        >>> net = MLP.from_layers([Dense(2, 3, rng=0), BatchNorm(3), Dense(3, 1, rng=0)])
        >>> net.eval().layers[1].training, net.train().layers[1].training
        (False, True)
        """
        for layer in self.layers:
            if hasattr(layer, "training"):
                layer.training = bool(mode)
        return self

    def eval(self) -> MLP:
        """Eval mode: :class:`BatchNorm` layers use their running averages. Same as ``train(False)``."""
        return self.train(False)

    # ------------------------------------------------------------ forward pass
    def _check_X(self, X: Any) -> np.ndarray:
        X = float_array("X", X, self.dtype)
        if X.ndim == 1 and self.n_inputs == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(
                f"X has shape {X.shape} but the first layer expects shape (n, {self.n_inputs})"
            )
        return X

    def _forward(self, X: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def _refuse_if_diverged(self, doing: str) -> None:
        if self._diverged is not None:
            epoch, reason = self._diverged
            raise DivergedError(
                f"this network diverged in its last fit (at epoch {epoch}: {reason}), so its "
                f"parameters are no trained model and it cannot {doing}. Train a new network "
                "(a smaller learning rate, another optimiser or initialisation); "
                "layer_outputs(X) still shows what this one computes."
            )

    def forward(self, X: Any) -> np.ndarray:
        """The network's output for every row of ``X`` (shape ``(n, n_outputs)``).

        Raises :class:`DivergedError` if the network's last fit diverged.
        """
        self._refuse_if_diverged("predict")
        return self._forward(self._check_X(X))

    def predict(self, X: Any) -> np.ndarray:
        """Same as :meth:`forward`: probabilities for a sigmoid/softmax output, values otherwise.

        Raises :class:`DivergedError` if the network's last fit diverged.
        """
        return self.forward(X)

    def predict_labels(self, X: Any) -> np.ndarray:
        """Class labels: argmax for several outputs; otherwise output > 0.5 (sigmoid) or > 0.

        Raises :class:`DivergedError` if the network's last fit diverged.
        """
        out = self.forward(X)
        if out.shape[1] > 1:
            return out.argmax(axis=1)
        last = self.layers[-1]
        threshold = 0.5 if isinstance(last, ActivationLayer) and last.act.name == "sigmoid" else 0.0
        return (out[:, 0] > threshold).astype(int)

    def layer_outputs(self, X: Any) -> list[LayerOutput]:
        """Pre-activations and outputs of every non-linear layer, for every row of ``X``.

        Works on a network that diverged too: it shows what went wrong.

        >>> net = MLP([2, 3, 1], activation="relu", seed=0)
        >>> [(o.name, o.preactivation.shape) for o in net.layer_outputs(np.ones((5, 2)))]
        [('relu', (5, 3))]
        """
        self._forward(self._check_X(X))
        return [
            LayerOutput(layer.name, layer.preactivation.copy(), layer.output.copy())
            for layer in self.layers
            if layer.is_nonlinearity
        ]

    # --------------------------------------------------------------- the loss
    def _check_y(self, y: Any, loss: Loss, n: int) -> np.ndarray:
        y = float_array("y", y, self.dtype)
        expected = (n, self.n_outputs)
        if isinstance(loss, SoftmaxCrossEntropy) and y.ndim == 1 and y.shape[0] == n:
            if np.any(y != np.round(y)) or np.any(y < 0) or np.any(y >= self.n_outputs):
                raise ValueError(
                    f"y: class labels must be integers in [0, {self.n_outputs}) for "
                    f"{self.n_outputs} outputs; got values in [{y.min():g}, {y.max():g}]"
                )
            return np.eye(self.n_outputs, dtype=self.dtype)[y.astype(np.int64)]
        given = y.shape
        if y.ndim == 1 and self.n_outputs == 1:
            y = y[:, None]
        if y.shape != expected:
            raise ValueError(f"y has shape {given} but the network's output has shape {expected}")
        probabilities = isinstance(loss, BinaryCrossEntropy | BinaryCrossEntropyWithLogits)
        if probabilities and (np.any(y < 0) or np.any(y > 1)):
            raise ValueError(
                f"y must lie in [0, 1] for the loss {loss.name!r} (labels 0 and 1, or "
                f"probabilities); got values from {y.min():g} to {y.max():g}"
            )
        if isinstance(loss, SoftmaxCrossEntropy):
            sums = y.sum(axis=1)
            bad = np.flatnonzero(
                (y < 0).any(axis=1) | (y > 1).any(axis=1) | (np.abs(sums - 1) > 1e-6)
            )
            if bad.size:
                raise ValueError(
                    f"y for the loss 'softmax_cross_entropy' must be class labels (integers in "
                    f"[0, {self.n_outputs})) or one row of class probabilities per example (one-hot: "
                    f"in [0, 1], summing to 1); row {bad[0]} is {y[bad[0]].tolist()}"
                )
        return y

    def _check_output_fits(self, loss: Loss) -> None:
        """Refuse a loss that the output layer cannot feed: binary cross-entropy needs
        probabilities, the losses on logits need logits."""
        last = self.layers[-1]
        bounds = (0.0, 1.0) if isinstance(last, Softmax) else _bounds(last)
        gives_probabilities = bounds is not None and bounds[0] >= 0.0 and bounds[1] <= 1.0
        if isinstance(loss, BinaryCrossEntropy) and not gives_probabilities:
            raise ValueError(
                f"loss 'bce' needs probabilities in [0, 1], but the network ends in {last.name}, "
                "whose outputs are not: use output='sigmoid', or loss='bce_with_logits' with "
                "output='identity'"
            )
        on_logits = isinstance(loss, BinaryCrossEntropyWithLogits | SoftmaxCrossEntropy)
        softmax_pair = isinstance(loss, SoftmaxCrossEntropy) and isinstance(last, Softmax)
        if on_logits and gives_probabilities and not softmax_pair:
            raise ValueError(
                f"loss {loss.name!r} takes logits (any real numbers) and applies the sigmoid or "
                f"softmax itself, but the network ends in {last.name}, which gives probabilities: "
                "use output='identity' with it, or loss='bce' with output='sigmoid'"
            )

    def _training_data(self, X: Any, y: Any, loss: Loss) -> tuple[np.ndarray, np.ndarray]:
        """``X`` and ``y`` checked for ``loss``, and ``loss`` for the network's output."""
        X = self._check_X(X)
        if X.shape[0] == 0:
            raise ValueError("X has no rows: the loss is a mean over at least one example")
        self._check_output_fits(loss)
        return X, self._check_y(y, loss, X.shape[0])

    def _head(self, loss: Loss) -> tuple[Loss, int]:
        """The loss to apply and how many layers to backpropagate through.

        A sigmoid output with binary cross-entropy, or a softmax output with
        softmax cross-entropy, is differentiated on the logits: stable and exact.
        """
        last = self.layers[-1]
        n = len(self.layers)
        if isinstance(loss, BinaryCrossEntropy):
            if isinstance(last, ActivationLayer) and last.act.name == "sigmoid":
                return BinaryCrossEntropyWithLogits(), n - 1
        if isinstance(loss, SoftmaxCrossEntropy) and isinstance(last, Softmax):
            return loss, n - 1
        return loss, n

    def _loss_on_output(
        self, loss: Loss, out: np.ndarray, Y: np.ndarray
    ) -> tuple[Loss, int, float]:
        head, n_back = self._head(loss)
        logits = self.layers[n_back].preactivation if n_back < len(self.layers) else out
        return head, n_back, head.value(logits, Y)

    def _backward(
        self, head: Loss, n_back: int, out: np.ndarray, Y: np.ndarray
    ) -> list[np.ndarray]:
        if n_back < len(self.layers):
            # on the logits of a sigmoid or softmax output, (p - Y) / n with the
            # probabilities p the network has just computed
            grad = head.grad_from_probabilities(out, Y)
        else:
            grad = head.grad(out, Y)
        layers = self.layers[:n_back]
        for layer in reversed(layers[1:]):
            grad = layer.backward(grad)
        if layers:
            first = layers[0]
            if type(first) is Dense:  # nothing flows further back than the first layer
                first._param_grads(grad)
            else:
                first.backward(grad)
        for layer in self.layers[n_back:]:
            layer.grads = [np.zeros_like(p) for p in layer.params]
        return [g for layer in self.layers for g in layer.grads]

    def _loss_and_grads(
        self, X: np.ndarray, Y: np.ndarray, loss: Loss
    ) -> tuple[float, list[np.ndarray], np.ndarray]:
        out = self._forward(X)
        head, n_back, value = self._loss_on_output(loss, out, Y)
        return value, self._backward(head, n_back, out, Y), out

    def loss_and_grads(
        self, X: Any, y: Any, loss: str | Loss = "mse"
    ) -> tuple[float, list[np.ndarray]]:
        """The loss on ``(X, y)`` and its gradients, aligned with :attr:`params`.

        Parameters
        ----------
        X : array (n, n_inputs)
        y : array (n, n_outputs), or (n,) for one output or integer class labels
        loss : str or Loss
            ``"mse"``, ``"bce"``, ``"bce_with_logits"``, ``"softmax_cross_entropy"``.

        Examples
        --------
        >>> net = MLP([2, 3, 1], seed=0)
        >>> value, grads = net.loss_and_grads(np.ones((4, 2)), np.zeros(4), loss="mse")
        >>> [g.shape == p.shape for g, p in zip(grads, net.params)]
        [True, True, True, True]
        """
        loss = get_loss(loss)
        X, Y = self._training_data(X, y, loss)
        value, grads, _ = self._loss_and_grads(X, Y, loss)
        return value, grads

    def gradient_norms_by_layer(self, grads: Sequence[np.ndarray]) -> list[float]:
        """Euclidean norm of the gradients of each layer that has parameters."""
        norms, i = [], 0
        for layer in self.layers:
            if layer.params:
                k = len(layer.params)
                norms.append(
                    float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads[i : i + k])))
                )
                i += k
        return norms

    @staticmethod
    def _accuracy(loss: Loss, out: np.ndarray, Y: np.ndarray) -> float:
        if isinstance(loss, SoftmaxCrossEntropy):
            return float(np.mean(out.argmax(axis=1) == Y.argmax(axis=1)))
        if isinstance(loss, BinaryCrossEntropyWithLogits):
            return float(np.mean((out > 0) == (Y > 0.5)))
        if isinstance(loss, BinaryCrossEntropy):
            return float(np.mean((out > 0.5) == (Y > 0.5)))
        return float("nan")

    # ----------------------------------------------------------------- training
    def fit(
        self,
        X: Any,
        y: Any,
        loss: str | Loss = "mse",
        optimizer: str | Optimizer = "sgd",
        lr: float | None = None,
        epochs: int = 100,
        batch_size: int | None = None,
        seed: Any = 0,
        record: bool = False,
        saturation_eps: float = 0.01,
        progress: bool = False,
        **optimizer_options: Any,
    ) -> History:
        """Train on ``(X, y)``; return the :class:`History` (row 0 is the state before training).

        Parameters
        ----------
        X, y, loss :
            As for :meth:`loss_and_grads`.
        optimizer : str or Optimizer
            ``"sgd"``, ``"momentum"``, ``"adam"``, or an :class:`~actnet.optim.Optimizer`
            (then ``lr`` must be None). ``optimizer_options`` (e.g. ``momentum=0.9``)
            go to its constructor.
        lr : float, optional
            Learning rate, > 0. Default: the optimiser's own (0.01 for ``"sgd"``
            and ``"momentum"``, 0.001 for ``"adam"``).
        epochs : int
            Passes over the data, >= 1.
        batch_size : int, optional
            Examples per step; ``None`` (default) is full-batch gradient descent.
        seed : int
            Seed of the shuffling of mini-batches.
        record : bool
            Also record, per epoch, gradient norms, dead and saturated fractions,
            pre-activation statistics and PReLU slopes. Loss and accuracy are
            always recorded, on the whole training set; with mini-batches that
            costs one extra pass per epoch (forward and, with ``record``, backward).
        saturation_eps : float
            Distance to a bound below which a sigmoid/tanh output counts as saturated.
        progress : bool
            Show a progress bar on one line, rewritten in place. Off by default.

        Returns
        -------
        History
            One row per epoch. A run that diverges stops there and says so:
            ``history.diverged`` is True, ``history.diverged_at`` the epoch
            and ``history.reason`` one of :data:`DIVERGENCE_REASONS`: the loss
            or a parameter became NaN or infinite, the loss rose above
            :data:`LOSS_GROWTH_LIMIT` times its starting value, or the
            parameters' norm grew :data:`PARAMETER_GROWTH_LIMIT` times while
            the loss stopped falling (no lower than its best so far). The
            network then refuses to predict or train (:class:`DivergedError`).

        Raises
        ------
        DivergedError
            If the network's previous fit diverged.
        ValueError, TypeError
            For data the loss cannot take (labels outside [0, 1] for binary
            cross-entropy, labels that are not classes for softmax
            cross-entropy, no examples), a loss the output layer cannot feed
            (binary cross-entropy on an unbounded output), or bad settings.
        """
        self._refuse_if_diverged("train on")
        loss = get_loss(loss)
        X, Y = self._training_data(X, y, loss)
        if lr is not None:
            lr = positive_number("lr", lr)
        opt = get_optimizer(optimizer, lr, **optimizer_options)
        epochs = integer_at_least("epochs", epochs, 1)
        n = X.shape[0]
        batch = n if batch_size is None else min(integer_at_least("batch_size", batch_size, 1), n)
        saturation_eps = positive_number("saturation_eps", saturation_eps)
        rng = rng_from(seed)
        recorder = _Recorder(self, bool(record), saturation_eps)
        bar = _ProgressLine(epochs, progress)
        watch = _DivergenceWatch()
        diverged = None
        # overflow in a diverging run is detected from the loss and the parameters, not
        # reported as a warning
        with np.errstate(all="ignore"):
            for epoch in range(epochs + 1):
                if batch == n and epoch < epochs:
                    value, grads, out = self._loss_and_grads(X, Y, loss)
                else:
                    value, grads, out = self._snapshot_pass(X, Y, loss, record)
                norm = _parameter_norm(self.params)
                reason = watch.reason(value, norm)
                if reason in (NONFINITE_LOSS, NONFINITE_PARAMETERS):
                    recorder.diverged_row(value, norm)
                else:
                    recorder.snapshot(value, self._accuracy(loss, out, Y), grads, norm)
                if reason is not None:
                    diverged = (epoch, reason)
                    break
                bar.update(epoch, value)
                if epoch == epochs:
                    break
                if batch == n:
                    opt.step(self.params, grads)
                    continue
                order = rng.permutation(n)
                for start in range(0, n, batch):
                    idx = order[start : start + batch]
                    value, grads, _ = self._loss_and_grads(X[idx], Y[idx], loss)
                    if not np.isfinite(value):
                        break
                    opt.step(self.params, grads)
                if not np.isfinite(value):
                    # a mini-batch's loss: the next snapshot would only repeat it
                    recorder.diverged_row(value, _parameter_norm(self.params))
                    diverged = (epoch + 1, NONFINITE_LOSS)
                    break
        self._diverged = diverged
        history = recorder.history(diverged)
        bar.close(int(history.epoch[-1]), float(history.loss[-1]))
        return history

    def _snapshot_pass(self, X: np.ndarray, Y: np.ndarray, loss: Loss, with_grads: bool):
        if with_grads:
            return self._loss_and_grads(X, Y, loss)
        out = self._forward(X)
        return self._loss_on_output(loss, out, Y)[2], None, out
