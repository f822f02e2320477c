"""Chapter 7, the ReLU variants, measured: a kicked unit that recovers, PReLU's learned
slopes, zero-centredness, smoothness, dead units, self-normalisation (SELU), GELU's
tanh approximation, softplus's distance to ReLU, and the variants side by side."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number, real_number
from actnet.activations import _GELU_TANH_COEF, Activation, get
from actnet.experiments._training import ActivationLike
from actnet.experiments.cost import Cost
from actnet.experiments.relu import BiasKick, bias_kick, dying_relu
from actnet.experiments.seeds import SEEDS, html_cell
from actnet.nn import MLP

__all__ = [
    "VARIANTS",
    "Table",
    "VariantProperties",
    "variant_properties",
    "cost_table",
    "steps_to_recover",
    "PreluSlopes",
    "prelu_slopes",
    "selu_constants",
    "SelfNormalisation",
    "self_normalisation",
    "GeluGap",
    "gelu_tanh_gap",
    "SoftplusGap",
    "softplus_gap",
    "ActivationCurves",
    "activation_curves",
]

VARIANTS = ("relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu", "softplus", "mish")
"""The activations of the chapter on ReLU variants, ReLU first."""

_GRID_STEP = 0.001
_SMOOTH_JUMP = 0.01
_GRID = np.linspace(-10.0, 10.0, 20001)  # _GRID_STEP apart, as the report card's grid


# ---------------------------------------------------------------------- tables
@dataclass(frozen=True)
class Table:
    """A small table of already formatted cells, shown as HTML in a notebook and as text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"every row needs {len(self.columns)} cells (one per column), got {row!r}"
                )

    def column(self, name: str) -> list[str]:
        """The cells of the column called ``name``, top to bottom."""
        if name not in self.columns:
            raise ValueError(f"no column {name!r}; the columns are: {', '.join(self.columns)}")
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html_cell(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows
        )
        # "table": the book theme's (Bootstrap's) table style; a table wider than the
        # page scrolls in its own box (book/_static/book.css keeps its first column
        # in view; the inline style is for notebooks, which lack the book's CSS)
        return (
            '<div class="actnet-table-scroll" style="overflow-x: auto">'
            '<table class="actnet-table table">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )

    def __str__(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        lines = [self.columns, tuple("-" * w for w in widths), *self.rows]
        return "\n".join(
            "  ".join(cell.rjust(w) for cell, w in zip(line, widths)).rstrip() for line in lines
        )

    def __repr__(self) -> str:
        return str(self)


def _cell(value: object, digits: int = 3) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{float(value):.{digits}g}"
    return str(value)


# ---------------------------------------------------------- variant properties
@dataclass(frozen=True)
class VariantProperties:
    """Measured properties of several activations, one entry per activation (see
    :func:`variant_properties`). Every field is deterministic; timings are in
    :func:`actnet.experiments.cost`."""

    names: list[str]
    mean_output: np.ndarray
    """Mean of f(z) over the standard normal sample: 0 for a zero-centred activation."""
    mean_derivative: np.ndarray
    """Mean of f'(z) over the same sample: the average factor backpropagation multiplies by."""
    output_min: np.ndarray
    """Smallest value on [-10, 10] and at -inf (``-inf`` when unbounded below)."""
    smooth: np.ndarray
    """No jump in the derivative larger than ``smooth_jump`` between neighbouring grid points."""
    kick_gradient: np.ndarray
    """Gradient norm of the kicked unit right after the kick (0: no gradient reaches it)."""
    kick_recovered: np.ndarray
    """The kicked unit became active again on some input within ``kick_steps`` steps."""
    dead_fraction: np.ndarray
    """Shape ``(activations, rates, seeds)``: hidden units that are 0 on every example
    after training."""
    final_loss: np.ndarray
    """Shape ``(activations, rates, seeds)``: training loss at the end of those runs."""
    diverged: np.ndarray
    """Shape ``(activations, rates, seeds)``: the run diverged (``History.diverged``: its
    loss or parameters became non-finite or exploded) and stopped; its dead fraction is NaN."""
    untrained: np.ndarray
    """Shape ``(activations, rates, seeds)``: the run did not diverge but ended no better
    than a constant prediction (loss within 1% of ln 2): it did not train."""
    learning_rates: np.ndarray
    seeds: tuple[int, ...]
    """The seeds of the training runs (data, initial weights and batches)."""
    n_samples: int
    kick: float
    kick_lr: float
    kick_steps: int
    grid: tuple[float, float, float]
    """``(lo, hi, step)`` of the grid on which ``output_min`` and ``smooth`` are measured."""
    smooth_jump: float
    """The largest change of the derivative between neighbouring grid points called smooth."""

    def index(self, name: str) -> int:
        """Position of the activation called ``name`` (aliases accepted)."""
        key = get(name).name
        if key not in self.names:
            raise ValueError(f"{name!r} was not measured; measured: {', '.join(self.names)}")
        return self.names.index(key)

    def dead_spread(self, name: str, lr: float):
        """The dead fraction of ``name`` at learning rate ``lr`` over the seeds, diverged
        runs excluded (a :class:`~actnet.experiments.seeds.Spread`)."""
        from actnet.experiments.seeds import spread

        j = np.flatnonzero(np.isclose(self.learning_rates, lr))
        if j.size == 0:
            raise ValueError(f"lr {lr} was not measured; measured: {self.learning_rates.tolist()}")
        return spread(self.dead_fraction[self.index(name), j[0]], self.seeds)

    def mean_dead_fraction(self) -> np.ndarray:
        """Shape ``(activations, rates)``: the dead fraction averaged over the runs that
        did not diverge (NaN where every run diverged)."""
        kept = ~self.diverged
        total = np.where(kept, self.dead_fraction, 0.0).sum(axis=2)
        count = kept.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    def _dead_cell(self, i: int, j: int, digits: int) -> str:
        from actnet.experiments.seeds import spread

        dead = spread(np.where(self.diverged[i, j], np.nan, self.dead_fraction[i, j]), self.seeds)
        if dead.n == 0:
            return "diverged"
        text = _cell(dead.mean, digits)
        if dead.n > 1:
            text += f" ± {_cell(dead.half_width, 2)}"  # its 95% interval, as the prose's
        runs = len(self.seeds)
        notes = [f"{dead.excluded} of {runs} diverged"] if dead.excluded else []
        idle = int(self.untrained[i, j].sum())
        if idle:
            notes.append(f"{idle} of {runs} did not train")
        return text + (f" ({'; '.join(notes)})" if notes else "")

    def table(self, digits: int = 3) -> Table:
        """The measurements as a table, one row per activation, rounded for print."""
        rates = [f"{r:g}" for r in self.learning_rates]
        columns = (
            "activation",
            "mean f(z)",
            "mean f'(z)",
            "min f",
            "smooth",
            "gradient after kick",
            "kicked unit active again",
            *(f"dead units, lr {r}" for r in rates),
        )
        rows = []
        for i, name in enumerate(self.names):
            rows.append(
                tuple(
                    _cell(v, digits)
                    for v in (
                        name,
                        self.mean_output[i],
                        self.mean_derivative[i],
                        self.output_min[i],
                        bool(self.smooth[i]),
                        self.kick_gradient[i],
                        bool(self.kick_recovered[i]),
                        *(self._dead_cell(i, j, digits) for j in range(len(rates))),
                    )
                )
            )
        return Table(columns, tuple(rows))


def variant_properties(
    names: Sequence[ActivationLike] = VARIANTS,
    seed: int = 0,
    n_samples: int = 200_000,
    learning_rates: tuple[float, ...] = (1.0, 3.0),
    seeds: tuple[int, ...] = SEEDS,
    kick: float = -3.0,
    kick_lr: float = 0.2,
    kick_steps: int = 2000,
) -> VariantProperties:
    """Measure, for each activation, what the chapter on ReLU variants claims.

    * ``mean_output``, ``mean_derivative``: over ``n_samples`` draws of a
      standard normal ``z`` (seeded by ``seed``);
    * ``output_min`` and ``smooth``: on a grid of [-10, 10], 0.001 apart;
    * ``kick_gradient``, ``kick_recovered``: the kicked unit of
      :func:`~actnet.experiments.bias_kick` (``kick``, learning rate
      ``kick_lr``, ``kick_steps`` steps); for ``"prelu"`` the slope stays at
      its initial 0.25 there, as the unit has no layer to learn it;
    * ``dead_fraction``, ``final_loss``: the runs of
      :func:`~actnet.experiments.dying_relu` at each of ``learning_rates``
      for each of ``seeds``, with a trainable slope for ``"prelu"``. Training
      at a high learning rate is chaotic: the smallest change (a seed, the last
      bit of an activation's value) changes which units die, so the table
      reports the mean and standard deviation over the seeds that did not
      diverge, how many diverged (``History.diverged``: no dead fraction is
      counted for them) and how many did not train (a constant predictor).

    >>> p = variant_properties(
    ...     ["relu", "leaky_relu"], n_samples=10_000, learning_rates=(3.0,), seeds=(0,)
    ... )
    >>> float(p.kick_gradient[0]), bool(p.kick_gradient[1] > 0), bool(p.smooth[0])
    (0.0, True, False)
    """
    if isinstance(names, str | Activation):
        names = (names,)
    if len(names) == 0:
        raise ValueError("names must list at least one activation")
    n_samples = integer_at_least("n_samples", n_samples, 2)
    kick_steps = integer_at_least("kick_steps", kick_steps, 1)
    rates = np.asarray([positive_number("learning_rates", r) for r in learning_rates], dtype=float)
    if rates.size == 0:
        raise ValueError("learning_rates must hold at least one learning rate")
    seeds = tuple(integer_at_least("seeds", s, 0) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    acts = [get(n) for n in names]
    z = np.random.default_rng(seed).standard_normal(n_samples)
    mean_output, mean_derivative, output_min, smooth = [], [], [], []
    kick_gradient, kick_recovered, dead, loss = [], [], [], []
    diverged, untrained = [], []
    for act in acts:
        mean_output.append(float(act(z).mean()))
        mean_derivative.append(float(act.grad(z).mean()))
        values = np.append(act(_GRID), act(np.array([-np.inf])))
        output_min.append(float(np.nanmin(values)))
        smooth.append(bool(np.abs(np.diff(act.grad(_GRID))).max() < _SMOOTH_JUMP))
        # an Activation object, not the name: the name "prelu" would build a layer
        # with a trainable slope, and bias_kick expects the four parameters w, b, v, c
        kicked = bias_kick(act, kick=kick, steps=kick_steps, lr=kick_lr)
        kick_gradient.append(float(kicked.gradient_norm[0]))
        kick_recovered.append(kicked.recovered)
        runs = dying_relu(
            learning_rates=tuple(rates),
            activation=act.name if act.name == "prelu" else act,
            seeds=seeds,
        )
        dead.append(runs.dead_fraction)
        loss.append(runs.final_loss)
        diverged.append(runs.diverged)
        untrained.append(runs.untrained)
    return VariantProperties(
        names=[a.name for a in acts],
        mean_output=np.array(mean_output),
        mean_derivative=np.array(mean_derivative),
        output_min=np.array(output_min),
        smooth=np.array(smooth),
        kick_gradient=np.array(kick_gradient),
        kick_recovered=np.array(kick_recovered),
        dead_fraction=np.array(dead),
        final_loss=np.array(loss),
        diverged=np.array(diverged),
        untrained=np.array(untrained),
        learning_rates=rates,
        seeds=seeds,
        n_samples=n_samples,
        kick=float(kick),
        kick_lr=float(kick_lr),
        kick_steps=kick_steps,
        grid=(float(_GRID[0]), float(_GRID[-1]), _GRID_STEP),
        smooth_jump=_SMOOTH_JUMP,
    )


def cost_table(result: Cost, digits: int = 2) -> Table:
    """The measurement of :func:`actnet.experiments.cost` as a table: elementwise array
    passes of the value and the derivative (a count), then nanoseconds per element and
    the value-plus-derivative time as a multiple of ReLU's (timings)."""
    rows = tuple(
        (
            name,
            _cell(result.passes(name), 3),
            _cell(float(v), 3),
            _cell(float(g), 3),
            f"{result.ratio(name):.{digits}f}",
        )
        for name, v, g in zip(result.names, result.value_ns, result.grad_ns)
    )
    columns = ("activation", "passes", "value (ns)", "derivative (ns)", "time / ReLU's")
    return Table(columns, rows)


def steps_to_recover(result: BiasKick) -> int | None:
    """The first training step at which the kicked unit is active on some input
    (``None`` if it never is).

    >>> steps_to_recover(bias_kick("relu")) is None, steps_to_recover(bias_kick("leaky_relu")) > 0
    (True, True)
    """
    active = np.flatnonzero(result.active_fraction > 0)
    return int(active[0]) if active.size else None


# ---------------------------------------------------------------- PReLU slopes
@dataclass(frozen=True)
class PreluSlopes:
    """The negative-side slopes of a PReLU network, epoch by epoch."""

    slopes: list[np.ndarray]
    """One array per PReLU layer, shape ``(epochs + 1, n_slopes)``."""
    loss: np.ndarray
    initial: float


def prelu_slopes(
    epochs: int = 200, shared: bool = False, alpha: float = 0.25, seed: int = 0
) -> PreluSlopes:
    """Train a 2-16-16-1 PReLU network on the spirals and record its slopes.

    The slope is a parameter: gradient descent moves it like a weight,
    starting from 0.25 (He et al., 2015).

    >>> r = prelu_slopes(epochs=50)
    >>> bool(np.all(r.slopes[0][0] == 0.25) and np.any(r.slopes[0][-1] != 0.25))
    True
    """
    X, y = data.spirals(n=300, seed=seed)
    net = MLP(
        [2, 16, 16, 1],
        activation="prelu",
        output="sigmoid",
        prelu_shared=shared,
        prelu_alpha=alpha,
        seed=seed,
    )
    history = net.fit(
        X, y, loss="bce", optimizer="adam", lr=0.01, epochs=epochs, seed=seed, record=True
    )
    return PreluSlopes(history.prelu_slopes, history.loss, alpha)


# --------------------------------------------------------- self-normalisation
def selu_constants() -> tuple[float, float]:
    r"""SELU's :math:`\alpha` and :math:`\lambda`, solved from the fixed-point conditions.

    For :math:`Z \sim N(0, 1)` and :math:`f = \lambda\,\mathrm{elu}_\alpha`, ask
    :math:`E[f(Z)] = 0` and :math:`E[f(Z)^2] = 1`. With
    :math:`E[e^{tZ}; Z < 0] = e^{t^2/2}\Phi(-t)` the first gives
    :math:`\alpha = \varphi(0) / (\tfrac12 - e^{1/2}\Phi(-1))` and the second
    :math:`\lambda = \left(\tfrac12 + \alpha^2 (e^{2}\Phi(-2) - 2e^{1/2}\Phi(-1) + \tfrac12)\right)^{-1/2}`.

    >>> alpha, scale = selu_constants()
    >>> round(alpha, 4), round(scale, 4)
    (1.6733, 1.0507)
    """
    phi0 = 1.0 / math.sqrt(2.0 * math.pi)
    e_neg = math.exp(0.5) * 0.5 * math.erfc(1.0 / math.sqrt(2.0))  # E[e^Z; Z < 0]
    e2_neg = math.exp(2.0) * 0.5 * math.erfc(math.sqrt(2.0))  # E[e^(2Z); Z < 0]
    alpha = phi0 / (0.5 - e_neg)
    scale = 1.0 / math.sqrt(0.5 + alpha**2 * (e2_neg - 2.0 * e_neg + 0.5))
    return alpha, scale


@dataclass(frozen=True)
class SelfNormalisation:
    """Mean and variance of every hidden layer's outputs in deep networks at initialisation."""

    activations: list[str]
    init: str
    depth: int
    width: int
    mean: np.ndarray
    """Shape ``(activations, depth)``: mean output of each hidden layer (layer 1 first)."""
    variance: np.ndarray
    """Shape ``(activations, depth)``: variance of each hidden layer's outputs."""

    def last(self, name: str) -> tuple[float, float]:
        """Mean and variance of the deepest hidden layer of the network using ``name``."""
        i = self.activations.index(get(name).name)
        return float(self.mean[i, -1]), float(self.variance[i, -1])


def self_normalisation(
    activations: Sequence[ActivationLike] = ("selu", "elu", "relu", "tanh"),
    depth: int = 32,
    width: int = 100,
    n: int = 1000,
    init: str = "lecun",
    seed: int = 0,
) -> SelfNormalisation:
    """Standard normal inputs through ``depth`` hidden layers, biases 0, weights ``init``.

    With LeCun initialisation, N(0, 1/fan_in), SELU keeps the mean of every
    layer near 0 and its variance near 1: zero mean and unit variance are a
    stable fixed point of the layer map (Klambauer et al., 2017). Other
    activations drift away from it layer by layer.

    >>> r = self_normalisation(activations=("selu", "relu"))
    >>> mean, var = r.last("selu")
    >>> abs(mean) < 0.1, 0.8 < var < 1.2, r.last("relu")[1] < 0.01
    (True, True, True)
    """
    depth = integer_at_least("depth", depth, 1)
    width = integer_at_least("width", width, 1)
    n = integer_at_least("n", n, 2)
    acts = [get(a) for a in activations]
    X = np.random.default_rng(seed).standard_normal((n, width))
    means, variances = [], []
    for act in acts:
        net = MLP([width] * (depth + 1) + [1], activation=act, init=init, seed=seed)
        outputs = net.layer_outputs(X)
        means.append([float(o.output.mean()) for o in outputs])
        variances.append([float(o.output.var()) for o in outputs])
    return SelfNormalisation(
        [a.name for a in acts], init, depth, width, np.array(means), np.array(variances)
    )


# ------------------------------------------------------------- GELU, softplus
@dataclass(frozen=True)
class GeluGap:
    """The exact GELU, ``x Phi(x)``, beside its tanh approximation."""

    x: np.ndarray
    exact: np.ndarray
    approximate: np.ndarray
    difference: np.ndarray
    """``approximate - exact`` on ``x``."""
    max_difference: float
    """Largest absolute difference on ``x``."""
    x_at_max: float
    difference_at_max: float
    """``difference`` at ``x_at_max`` (with its sign)."""
    coefficient: float
    """The cubic coefficient of the approximation, ``0.5 x (1 + tanh(sqrt(2/pi)(x + c x^3)))``."""


def gelu_tanh_gap(lo: float = -6.0, hi: float = 6.0, n: int = 12001) -> GeluGap:
    """How far Hendrycks and Gimpel's tanh approximation of GELU is from the exact one.

    >>> r = gelu_tanh_gap()
    >>> bool(r.max_difference < 1e-3), r.coefficient
    (True, 0.044715)
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"lo and hi must be finite with lo < hi, got lo={lo}, hi={hi}")
    x = np.linspace(lo, hi, integer_at_least("n", n, 2))
    exact = get("gelu")(x)
    approximate = get("gelu", approximate="tanh")(x)
    difference = approximate - exact
    i = int(np.argmax(np.abs(difference)))
    return GeluGap(
        x,
        exact,
        approximate,
        difference,
        float(np.abs(difference[i])),
        float(x[i]),
        float(difference[i]),
        _GELU_TANH_COEF,
    )


@dataclass(frozen=True)
class SoftplusGap:
    """The largest distance between ``softplus`` with sharpness ``beta`` and ReLU."""

    betas: np.ndarray
    max_gap: np.ndarray
    """Largest ``|softplus_beta(x) - relu(x)|`` on the grid: ``log(2) / beta``, at x = 0."""
    x_at_max: np.ndarray


def softplus_gap(betas: Sequence[float] = (0.5, 1.0, 2.0, 5.0, 10.0)) -> SoftplusGap:
    """Measure how close ``softplus(x, beta) = log(1 + e^(beta x)) / beta`` is to ReLU.

    >>> r = softplus_gap((1.0, 10.0))
    >>> r.max_gap.round(4).tolist(), r.x_at_max.tolist()
    ([0.6931, 0.0693], [0.0, 0.0])
    """
    b = np.asarray([positive_number("betas", v) for v in betas], dtype=float)
    x = np.linspace(-10.0, 10.0, 20001)
    relu = get("relu")(x)
    gaps = np.array([np.abs(get("softplus", beta=float(v))(x) - relu) for v in b])
    at = np.argmax(gaps, axis=1)
    return SoftplusGap(b, gaps.max(axis=1), x[at])


# ----------------------------------------------------------- activation curves
_ALPHA_PARAMETER = ("leaky_relu", "prelu", "elu")
_BETA_PARAMETER = ("silu", "softplus")


@dataclass(frozen=True)
class ActivationCurves:
    """Several activations evaluated on one grid, for drawing side by side."""

    x: np.ndarray
    activations: tuple[Activation, ...]
    values: np.ndarray
    """Shape ``(len(activations), len(x))``."""
    derivatives: np.ndarray
    """Shape ``(len(activations), len(x))``."""


def activation_curves(
    names: tuple[ActivationLike, ...] | list[ActivationLike],
    alpha: float | None = None,
    beta: float | None = None,
    x: np.ndarray | None = None,
) -> ActivationCurves:
    """Value and derivative of each activation in ``names`` on the grid ``x``.

    ``alpha`` (if given) replaces the slope parameter of leaky ReLU, PReLU and
    ELU; ``beta`` (if given) the sharpness of SiLU and softplus. Other
    activations keep their own parameters. Default grid: 401 points on [-4, 4].

    >>> c = activation_curves(("relu", "leaky_relu"), alpha=0.2, x=np.array([-1.0, 2.0]))
    >>> c.values.tolist(), c.derivatives.tolist()
    ([[0.0, 2.0], [-0.2, 2.0]], [[0.0, 1.0], [0.2, 1.0]])
    """
    if isinstance(names, str | Activation):
        names = (names,)
    x = np.linspace(-4.0, 4.0, 401) if x is None else np.asarray(x, dtype=float)
    acts = []
    for name in names:
        act = get(name)
        if alpha is not None and act.name in _ALPHA_PARAMETER:
            act = act.with_params(alpha=real_number("alpha", alpha))
        if beta is not None and act.name in _BETA_PARAMETER:
            act = act.with_params(beta=positive_number("beta", beta))
        acts.append(act)
    shape = (len(acts), x.size)
    values = np.array([a(x) for a in acts]).reshape(shape)
    derivatives = np.array([a.grad(x) for a in acts]).reshape(shape)
    return ActivationCurves(x, tuple(acts), values, derivatives)
