"""Chapter 8, maxout's three facts, measured on real layers: what it contains, what it can
fit, what it costs.

* A two-piece maxout layer contains ReLU and leaky ReLU exactly (Goodfellow et al., 2013).
* Two maxout units, subtracted, represent any continuous piecewise-linear function
  (a difference of two convex ones, Wang 2004), hence approximate any continuous one.
* The price: a maxout layer of ``k`` pieces has ``k`` times the parameters of a dense layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from actnet._validate import integer_at_least, real_number
from actnet.activations import get
from actnet.nn import MLP, Dense, Maxout

__all__ = [
    "MaxoutSpecialCases",
    "maxout_special_cases",
    "MaxoutUnit",
    "maxout_unit",
    "MaxoutFit",
    "maxout_fit",
    "MaxoutParameters",
    "maxout_parameters",
    "MaxoutDifference",
    "maxout_difference",
]


# -------------------------------------------------------------- special cases
@dataclass(frozen=True)
class MaxoutSpecialCases:
    """A two-piece maxout layer set to be ReLU, then leaky ReLU, of a dense layer."""

    n_in: int
    n_out: int
    n_examples: int
    alpha: float
    gap_to_relu: float
    """Largest ``|maxout(x) - relu(x W + b)|`` over every example and unit."""
    gap_to_leaky_relu: float
    """Largest ``|maxout(x) - leaky_relu(x W + b, alpha)|`` over every example and unit."""


def maxout_special_cases(
    n_in: int = 20, n_out: int = 64, n_examples: int = 1000, alpha: float = 0.25, seed: int = 0
) -> MaxoutSpecialCases:
    r"""Set a :class:`~actnet.nn.Maxout` layer's pieces to ReLU's and leaky ReLU's, and compare.

    With pieces :math:`(W_1, b_1) = (0, 0)` and :math:`(W_2, b_2) = (W, b)`,
    :math:`\max(0, xW + b) = \mathrm{relu}(xW + b)`; with
    :math:`(W_1, b_1) = (\alpha W, \alpha b)`, :math:`\max(\alpha z, z)` is leaky
    ReLU of slope :math:`\alpha` for :math:`0 \le \alpha \le 1`. The default
    :math:`\alpha = 0.25` is a power of two, so :math:`x(\alpha W) = \alpha(xW)`
    holds exactly in floating point and both gaps are exactly 0; for other slopes
    the leaky gap is rounding, of the order of ``1e-16``.

    >>> r = maxout_special_cases()
    >>> r.gap_to_relu, r.gap_to_leaky_relu
    (0.0, 0.0)
    """
    n_in = integer_at_least("n_in", n_in, 1)
    n_out = integer_at_least("n_out", n_out, 1)
    n_examples = integer_at_least("n_examples", n_examples, 1)
    alpha = real_number("alpha", alpha)
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(
            f"alpha must be in [0, 1] for max(alpha z, z) to be leaky ReLU, got {alpha}"
        )
    rng = np.random.default_rng(seed)
    dense = Dense(n_in, n_out, rng=rng)
    dense.b[...] = rng.normal(0.0, 0.5, n_out)
    x = rng.normal(0.0, 1.0, (n_examples, n_in))
    z = dense.forward(x)
    layer = Maxout(n_in, n_out, k=2, rng=rng)
    layer.W[...] = np.stack([np.zeros_like(dense.W), dense.W])
    layer.b[...] = np.stack([np.zeros_like(dense.b), dense.b])
    gap_relu = float(np.abs(layer.forward(x) - get("relu")(z)).max())
    layer.W[0] = alpha * dense.W
    layer.b[0] = alpha * dense.b
    gap_leaky = float(np.abs(layer.forward(x) - get("leaky_relu", alpha=alpha)(z)).max())
    return MaxoutSpecialCases(n_in, n_out, n_examples, alpha, gap_relu, gap_leaky)


# -------------------------------------------------------- one unit, two pieces
@dataclass(frozen=True)
class MaxoutUnit:
    """One maxout unit of two pieces, ``max(a x + c, x)``, on a grid."""

    x: np.ndarray
    pieces: np.ndarray
    """Shape ``(2, len(x))``: the lines ``a x + c`` and ``x``."""
    output: np.ndarray
    slope: float
    intercept: float
    gap_to_relu: float
    """Largest difference to ``relu(x)`` on the grid: 0 when ``a = c = 0``."""
    gap_to_leaky_relu: float
    """Largest difference to ``leaky_relu(x, alpha=a)``: 0 when ``c = 0`` and ``0 <= a <= 1``."""


def maxout_unit(slope: float = 0.0, intercept: float = 0.0, n: int = 601) -> MaxoutUnit:
    """Evaluate a :class:`~actnet.nn.Maxout` unit with pieces ``a x + c`` and ``x``.

    With ``a = c = 0`` it is ReLU; with ``c = 0`` and a small ``a`` it is leaky
    ReLU with slope ``a`` (Goodfellow et al., 2013).

    >>> maxout_unit(0.0).gap_to_relu, maxout_unit(0.1).gap_to_leaky_relu
    (0.0, 0.0)
    """
    x = np.linspace(-3.0, 3.0, n)
    unit = Maxout(1, 1, k=2)
    unit.W[...] = np.array([slope, 1.0]).reshape(2, 1, 1)
    unit.b[...] = np.array([intercept, 0.0]).reshape(2, 1)
    output = unit.forward(x[:, None])[:, 0]
    pieces = unit.preactivation[:, 0, :].T
    alpha = float(slope)
    return MaxoutUnit(
        x=x,
        pieces=pieces,
        output=output,
        slope=alpha,
        intercept=float(intercept),
        gap_to_relu=float(np.abs(output - get("relu")(x)).max()),
        gap_to_leaky_relu=float(np.abs(output - get("leaky_relu", alpha=alpha)(x)).max()),
    )


# ------------------------------------------------------------- one unit fitted
@dataclass(frozen=True)
class MaxoutFit:
    """One maxout unit fitted to a convex piecewise-linear target."""

    x: np.ndarray
    target: np.ndarray
    fit: np.ndarray
    max_error: float
    maxout_parameters: int
    relu_parameters: int
    """Parameters of a maxout layer and of a ReLU layer of the same width and inputs."""
    k: int


def maxout_fit(
    k: int = 3, epochs: int = 2000, lr: float = 0.02, width: int = 64, seed: int = 0
) -> MaxoutFit:
    """Fit ``max(-x, 0.5 x, 2 x - 1)`` with one maxout unit of ``k`` pieces.

    A maxout unit is the maximum of ``k`` affine functions, so it learns a
    convex piecewise-linear function (Goodfellow et al., 2013); the price is
    ``k`` times the parameters of a ReLU layer. Like any non-convex fit it can
    stop in a poorer local minimum from another seed; the default one reaches the target.

    >>> r = maxout_fit()
    >>> r.max_error < 0.05, r.maxout_parameters == 3 * r.relu_parameters
    (True, True)
    """
    x = np.linspace(-2.0, 2.0, 201)[:, None]
    target = np.maximum.reduce([-x, 0.5 * x, 2.0 * x - 1.0])
    net = MLP([1, 1, 1], activation="maxout", maxout_k=k, seed=seed)
    net.fit(x, target, loss="mse", optimizer="adam", lr=lr, epochs=epochs, seed=seed)
    fit = net.forward(x)
    maxout = MLP([width, width, 1], activation="maxout", maxout_k=k, seed=seed).layers[0]
    relu = MLP([width, width, 1], activation="relu", seed=seed).layers[0]
    return MaxoutFit(
        x=x[:, 0],
        target=target[:, 0],
        fit=fit[:, 0],
        max_error=float(np.abs(fit - target).max()),
        maxout_parameters=sum(p.size for p in maxout.params),
        relu_parameters=sum(p.size for p in relu.params),
        k=k,
    )


# ------------------------------------------------------------ parameter count
@dataclass(frozen=True)
class MaxoutParameters:
    """Parameters of one hidden layer: dense + elementwise activation, and maxout of ``k`` pieces."""

    n_in: int
    n_out: int
    ks: np.ndarray
    dense: int
    """``n_in * n_out + n_out``: weights and biases of a dense layer (ReLU adds none)."""
    maxout: np.ndarray
    """Parameters of the maxout layer for each ``k`` in :attr:`ks`."""

    def ratio(self, k: int) -> float:
        """Maxout parameters over dense parameters for ``k`` pieces (exactly ``k``)."""
        return float(self.maxout[list(self.ks).index(k)] / self.dense)


def maxout_parameters(
    n_in: int = 784, n_out: int = 240, ks: Sequence[int] = (2, 3, 4, 5)
) -> MaxoutParameters:
    """Count the parameters of real layers: ``Dense(n_in, n_out)`` and ``Maxout(n_in, n_out, k)``.

    >>> p = maxout_parameters(10, 4, ks=(2, 3))
    >>> p.dense, p.maxout.tolist()
    (44, [88, 132])
    """
    n_in = integer_at_least("n_in", n_in, 1)
    n_out = integer_at_least("n_out", n_out, 1)
    ks = [integer_at_least("every k (number of pieces)", k, 2) for k in ks]
    if not ks:
        raise ValueError("ks must list at least one number of pieces")
    dense = sum(p.size for p in Dense(n_in, n_out, rng=0).params)
    maxout = [sum(p.size for p in Maxout(n_in, n_out, k=k, rng=0).params) for k in ks]
    return MaxoutParameters(n_in, n_out, np.array(ks), int(dense), np.array(maxout))


# ------------------------------------------------- two units: any function
@dataclass(frozen=True)
class MaxoutDifference:
    """A network ``g(x) - h(x)`` of two maxout units, built to interpolate a target."""

    x: np.ndarray
    target: np.ndarray
    """The continuous function approximated, on the grid ``x``."""
    convex_g: np.ndarray
    """The first maxout unit, ``g(x)``: convex and piecewise linear."""
    convex_h: np.ndarray
    """The second maxout unit, ``h(x)``: convex and piecewise linear."""
    output: np.ndarray
    """The network's output, ``g(x) - h(x)``."""
    k: int
    """Pieces per maxout unit."""
    knots: np.ndarray
    """Where the network interpolates the target."""
    knot_values: np.ndarray
    """The target at the knots, which the network passes through."""
    max_error: float
    """Largest ``|output - target|`` on the grid."""
    interpolation_gap: float
    """Largest difference between the network and the straight-line interpolant of the knots
    (0 up to rounding: the representation is exact)."""


def _convex_pieces(start: float, slope: float, value: float, kinks, jumps):
    """The affine pieces (slope, intercept) of ``value + slope (x - start) + sum c_i relu(x - t_i)``."""
    pieces = [(slope, value - slope * start)]
    for t, c in zip(kinks, jumps, strict=True):
        s, b = pieces[-1]
        pieces.append((s + c, b - c * t))
    return pieces


def maxout_difference(
    n_knots: int = 9,
    target: Callable[[np.ndarray], np.ndarray] = np.sin,
    interval: tuple[float, float] = (-np.pi, np.pi),
    n: int = 401,
) -> MaxoutDifference:
    r"""Represent the piecewise-linear interpolant of ``target`` by two maxout units.

    A continuous piecewise-linear function :math:`f` is the difference of two
    convex ones (Wang, 2004): with slope changes :math:`c_i` at the knots
    :math:`t_i`,

    .. math::
        f(x) = f(t_0) + s_0 (x - t_0) + \sum_i c_i\, \mathrm{relu}(x - t_i)
             = g(x) - h(x),

    :math:`g` collecting the terms with :math:`c_i > 0` and :math:`h` those with
    :math:`c_i < 0`. A convex piecewise-linear function is the maximum of its
    pieces, i.e. one maxout unit, so the network ``Maxout(1, 2, k)`` followed by
    ``Dense(2, 1)`` with weights ``(1, -1)`` computes :math:`f` exactly
    (Goodfellow et al., 2013). More knots, more pieces, smaller error.

    >>> r = maxout_difference(9)
    >>> r.k, r.interpolation_gap < 1e-12, round(r.max_error, 3)
    (4, True, 0.07)
    """
    n_knots = integer_at_least("n_knots", n_knots, 2)
    n = integer_at_least("n", n, 2)
    lo, hi = (real_number("interval", v) for v in interval)
    if not lo < hi:
        raise ValueError(f"interval must be (low, high) with low < high, got {interval}")
    if not callable(target):
        raise TypeError(f"target must be a function of an array, got {type(target).__name__}")
    knots = np.linspace(lo, hi, n_knots)
    values = np.asarray(target(knots), dtype=float)
    slopes = np.diff(values) / np.diff(knots)
    jumps = np.diff(slopes)
    inner = knots[1:-1]
    up, down = jumps > 0, jumps < 0
    g = _convex_pieces(lo, slopes[0], values[0], inner[up], jumps[up])
    h = _convex_pieces(lo, 0.0, 0.0, inner[down], -jumps[down])
    k = max(len(g), len(h), 2)
    g += [g[-1]] * (k - len(g))  # a repeated piece changes no maximum
    h += [h[-1]] * (k - len(h))
    net = MLP.from_layers([Maxout(1, 2, k=k, rng=0), Dense(2, 1, rng=0)])
    maxout, dense = net.layers
    maxout.W[...] = np.array([[[sg, sh]] for (sg, _), (sh, _) in zip(g, h, strict=True)])
    maxout.b[...] = np.array([[bg, bh] for (_, bg), (_, bh) in zip(g, h, strict=True)])
    dense.W[...] = [[1.0], [-1.0]]
    dense.b[...] = 0.0
    x = np.linspace(lo, hi, n)
    output = net.forward(x[:, None])[:, 0]
    units = maxout.output
    goal = np.asarray(target(x), dtype=float)
    return MaxoutDifference(
        x=x,
        target=goal,
        convex_g=units[:, 0].copy(),
        convex_h=units[:, 1].copy(),
        output=output,
        k=k,
        knots=knots,
        knot_values=values,
        max_error=float(np.abs(output - goal).max()),
        interpolation_gap=float(np.abs(output - np.interp(x, knots, values)).max()),
    )
