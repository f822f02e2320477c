r"""Chapter 11, the activations of today's networks, measured: gated linear units (GLU,
ReGLU, GEGLU, SwiGLU) against plain ReLU and GELU networks at equal parameter counts,
the hidden-width rule that makes the counts equal, and the piecewise-linear activations
of mobile networks (hard sigmoid, hard swish, ReLU6): what they cost and how far they
are from the smooth functions they replace."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number
from actnet.activations import Activation, get
from actnet.experiments.cost import cost
from actnet.experiments.seeds import Spread
from actnet.experiments.variants import Table
from actnet.nn import (
    GLU_VARIANTS,
    MLP,
    ActivationLayer,
    Dense,
    GatedLinearUnit,
    Softmax,
    glu_hidden_width,
)

__all__ = [
    "GLU_COMPARISON",
    "MOBILE_PAIRS",
    "GluComparison",
    "GluWidths",
    "MobileActivations",
    "OperationCount",
    "elementwise_operations",
    "glu_comparison",
    "glu_widths",
    "mobile_activations",
]

ActivationLike = str | Activation

GLU_COMPARISON = ("relu", "gelu", "glu", "reglu", "geglu", "swiglu")
"""The networks compared: plain ReLU and GELU blocks, then the gated ones."""

MOBILE_PAIRS = (("hard_sigmoid", "sigmoid"), ("hard_swish", "silu"), ("relu6", "relu"))
"""Each piecewise-linear activation of MobileNetV3 (Howard et al., 2019) and the function
it stands in for."""

_DATASETS = {"rings": data.rings, "moons": data.moons, "three_rings": data.three_rings}
_CLASSES = {"rings": 2, "moons": 2, "three_rings": 3}


def _block_parameters(n_in: int, width: int, n_out: int, gated: bool, bias: bool) -> int:
    """Parameters of ``n_in -> width -> n_out``: a plain or a gated hidden layer, then a dense one."""
    first = (2 if gated else 1) * width * (n_in + int(bias))
    return first + n_out * (width + int(bias))


# ------------------------------------------------------------- the width rule
@dataclass(frozen=True)
class GluWidths:
    """Plain and gated blocks with the same parameter count, one row per case."""

    cases: tuple[str, ...]
    n_in: np.ndarray
    n_out: np.ndarray
    bias: np.ndarray
    plain_width: np.ndarray
    gated_width: np.ndarray
    """From :func:`actnet.nn.glu_hidden_width`."""
    plain_parameters: np.ndarray
    gated_parameters: np.ndarray

    @property
    def width_ratio(self) -> np.ndarray:
        """Gated width over plain width (2/3 for a transformer's block)."""
        return self.gated_width / self.plain_width

    def table(self) -> Table:
        """The cases as a table."""
        rows = tuple(
            (
                case,
                f"{self.n_in[i]} -> {self.n_out[i]}",
                "yes" if self.bias[i] else "no",
                str(self.plain_width[i]),
                f"{self.plain_parameters[i]:,}",
                str(self.gated_width[i]),
                f"{self.gated_parameters[i]:,}",
            )
            for i, case in enumerate(self.cases)
        )
        columns = (
            "block",
            "inputs -> outputs",
            "biases",
            "plain width",
            "plain parameters",
            "gated width",
            "gated parameters",
        )
        return Table(columns, rows)


def glu_widths(
    cases: Sequence[tuple[str, int, int, int, bool]] = (
        ("transformer feed-forward (T5-base)", 768, 768, 3072, False),
        ("rings, moons: 2 inputs, 1 output", 2, 1, 16, True),
        ("three rings: 2 inputs, 3 classes", 2, 3, 16, True),
    ),
) -> GluWidths:
    r"""The hidden width that gives a gated block a plain block's parameter count.

    Each case is ``(name, n_in, n_out, plain_width, bias)``. A gated layer has two
    weight matrices where a plain one has one; :func:`actnet.nn.glu_hidden_width`
    narrows it so the counts agree (exactly 2/3 in a transformer, where
    :math:`n_{in} = n_{out}` and there are no biases; Shazeer (2020) uses 2048
    instead of 3072 in T5-base).

    >>> r = glu_widths()
    >>> int(r.gated_width[0]), int(r.plain_parameters[0] - r.gated_parameters[0])
    (2048, 0)
    """
    if not cases:
        raise ValueError("cases must hold at least one (name, n_in, n_out, plain_width, bias)")
    names, n_in, n_out, bias, plain, gated, plain_p, gated_p = ([] for _ in range(8))
    for name, inputs, outputs, width, with_bias in cases:
        h = glu_hidden_width(width, inputs, outputs, with_bias)
        names.append(str(name))
        n_in.append(inputs)
        n_out.append(outputs)
        bias.append(bool(with_bias))
        plain.append(width)
        gated.append(h)
        plain_p.append(_block_parameters(inputs, width, outputs, False, with_bias))
        gated_p.append(_block_parameters(inputs, h, outputs, True, with_bias))
    return GluWidths(
        cases=tuple(names),
        n_in=np.array(n_in),
        n_out=np.array(n_out),
        bias=np.array(bias),
        plain_width=np.array(plain),
        gated_width=np.array(gated),
        plain_parameters=np.array(plain_p),
        gated_parameters=np.array(gated_p),
    )


# ------------------------------------------------------- the GLU comparison
@dataclass(frozen=True)
class GluComparison:
    """Plain and gated networks of equal parameter count, trained on the course's data sets.

    Arrays shaped ``(variants, datasets, seeds)`` hold one value per training run;
    the final loss and accuracy are NaN where the run diverged (see ``diverged``).
    """

    variants: tuple[str, ...]
    datasets: tuple[str, ...]
    seeds: tuple[int, ...]
    hidden_width: np.ndarray
    """Shape ``(variants, datasets)``: ``plain_width`` for the plain networks, the
    width from :func:`actnet.nn.glu_hidden_width` for the gated ones."""
    n_parameters: np.ndarray
    """Shape ``(variants, datasets)``: the trained networks' parameter counts."""
    final_loss: np.ndarray
    """Training loss after the last epoch (binary cross-entropy for two classes,
    softmax cross-entropy for three)."""
    final_accuracy: np.ndarray
    """Training accuracy after the last epoch."""
    diverged: np.ndarray
    """True where training stopped because the run diverged."""
    loss_curves: np.ndarray
    """Shape ``(variants, datasets, seeds, epochs + 1)``: the loss at every epoch (row 0:
    at initialisation), NaN after a divergence."""
    plain_width: int
    epochs: int
    lr: float
    n: int

    def index(self, variant: str, dataset: str) -> tuple[int, int]:
        """Positions of ``variant`` and ``dataset`` in the arrays."""
        for name, names in ((variant, self.variants), (dataset, self.datasets)):
            if name not in names:
                raise ValueError(f"{name!r} is not one of {', '.join(names)}")
        return self.variants.index(variant), self.datasets.index(dataset)

    def _over_kept_runs(self, statistic: Callable[[Spread], float], minimum: int = 1):
        """Shape ``(variants, datasets)``: ``statistic`` of the final losses over the seeds
        as a :class:`~actnet.experiments.seeds.Spread` (diverged runs left out), NaN where
        fewer than ``minimum`` runs are kept."""
        out = np.full(self.final_loss.shape[:2], np.nan)
        for index in np.ndindex(out.shape):
            kept = np.where(self.diverged[index], np.nan, self.final_loss[index])
            runs = Spread(kept, self.seeds)
            if runs.n >= minimum:
                out[index] = statistic(runs)
        return out

    def mean_loss(self) -> np.ndarray:
        """Shape ``(variants, datasets)``: the final loss averaged over the runs that did
        not diverge (NaN where all did)."""
        return self._over_kept_runs(lambda runs: runs.mean)

    def loss_spread(self) -> np.ndarray:
        """Shape ``(variants, datasets)``: the standard deviation (ddof 1) of the final loss
        over the runs that did not diverge (NaN with fewer than two)."""
        return self._over_kept_runs(lambda runs: runs.std, minimum=2)

    def loss_range(self) -> tuple[np.ndarray, np.ndarray]:
        """The smallest and largest final loss of the runs that did not diverge."""
        return (
            self._over_kept_runs(lambda runs: runs.kept.min()),
            self._over_kept_runs(lambda runs: runs.kept.max()),
        )

    def within_noise(self, a: str, b: str, dataset: str) -> bool:
        """True if the final losses of ``a`` and ``b`` on ``dataset`` overlap: the range
        (smallest to largest over the seeds) of each contains a value of the other's."""
        low, high = self.loss_range()
        i, d = self.index(a, dataset)
        j, _ = self.index(b, dataset)
        if not np.all(np.isfinite([low[i, d], low[j, d]])):
            return False
        return bool(low[i, d] <= high[j, d] and low[j, d] <= high[i, d])

    def table(self, digits: int = 3) -> Table:
        """Final loss per network (rows) and data set (columns): mean ± standard deviation
        over the seeds, with the number of diverged runs; "diverged" if all did."""
        mean, spread = self.mean_loss(), self.loss_spread()
        runs = len(self.seeds)
        rows = []
        for i, variant in enumerate(self.variants):
            cells = [variant]
            for d in range(len(self.datasets)):
                gone = int(self.diverged[i, d].sum())
                if gone == runs:
                    cells.append("diverged")
                    continue
                cell = f"{mean[i, d]:.{digits}g}"
                if np.isfinite(spread[i, d]):
                    cell += f" ± {spread[i, d]:.{digits}g}"
                if gone:
                    cell += f" ({gone} of {runs} diverged)"
                cells.append(cell)
            rows.append(tuple(cells))
        return Table(("network", *(f"final loss, {d}" for d in self.datasets)), tuple(rows))

    def parameters_table(self) -> Table:
        """Hidden width and parameter count of every network on every data set."""
        rows = tuple(
            (
                variant,
                *(
                    f"{self.hidden_width[i, d]} units, {self.n_parameters[i, d]} parameters"
                    for d in range(len(self.datasets))
                ),
            )
            for i, variant in enumerate(self.variants)
        )
        return Table(("network", *self.datasets), rows)


def _network(variant: str, n_in: int, width: int, n_classes: int, seed: int) -> MLP:
    n_out = 1 if n_classes == 2 else n_classes
    if variant not in GLU_VARIANTS:
        output = "sigmoid" if n_classes == 2 else "softmax"
        return MLP([n_in, width, n_out], activation=variant, output=output, seed=seed)
    rng = np.random.default_rng(seed)
    head = ActivationLayer("sigmoid") if n_classes == 2 else Softmax()
    return MLP.from_layers(
        [GatedLinearUnit(n_in, width, variant, rng=rng), Dense(width, n_out, rng=rng), head]
    )


def glu_comparison(
    variants: Sequence[str] = GLU_COMPARISON,
    datasets: Sequence[str] = ("rings", "moons", "three_rings"),
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    plain_width: int = 16,
    epochs: int = 300,
    lr: float = 0.02,
    n: int = 300,
) -> GluComparison:
    """Train plain and gated one-hidden-layer networks of equal size on several data sets.

    A plain network is ``[2, plain_width, outputs]`` with the named activation
    (``"relu"``, ``"gelu"``, or any registered one); a gated one (a name of
    :data:`actnet.nn.GLU_VARIANTS`) is a :class:`~actnet.nn.GatedLinearUnit`
    of :func:`~actnet.nn.glu_hidden_width` units and a dense output layer, so
    that both have the same number of parameters (within one unit's worth). Two
    classes: one sigmoid output and binary cross-entropy; three: softmax and
    cross-entropy. Everything else is equal: He initialisation, full-batch Adam
    at ``lr`` for ``epochs`` epochs, ``n`` points. Each seed draws the data
    and the initial weights.

    >>> r = glu_comparison(["relu", "swiglu"], ["moons"], seeds=(0, 1), epochs=50)
    >>> r.final_loss.shape, bool(abs(int(r.n_parameters[0, 0]) - int(r.n_parameters[1, 0])) <= 3)
    ((2, 1, 2), True)
    """
    variants = tuple(str(v).strip().lower() for v in variants)
    if not variants:
        raise ValueError("variants must name at least one network")
    for v in variants:
        if v not in GLU_VARIANTS:
            get(v)  # a plain network's activation: a clear error for an unknown name
    datasets = tuple(datasets)
    if not datasets:
        raise ValueError("datasets must name at least one data set")
    for name in datasets:
        if name not in _DATASETS:
            raise ValueError(f"unknown data set {name!r}; valid names: {', '.join(_DATASETS)}")
    seeds = tuple(integer_at_least("seeds", s, 0) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    plain_width = integer_at_least("plain_width", plain_width, 1)
    epochs = integer_at_least("epochs", epochs, 1)
    lr = positive_number("lr", lr)
    n = integer_at_least("n", n, 3)
    shape = (len(variants), len(datasets), len(seeds))
    final_loss, final_accuracy = np.full(shape, np.nan), np.full(shape, np.nan)
    diverged = np.zeros(shape, dtype=bool)
    curves = np.full((*shape, epochs + 1), np.nan)
    widths = np.zeros(shape[:2], dtype=int)
    counts = np.zeros(shape[:2], dtype=int)
    for d, name in enumerate(datasets):
        n_classes = _CLASSES[name]
        loss = "bce" if n_classes == 2 else "softmax_cross_entropy"
        n_out = 1 if n_classes == 2 else n_classes
        for i, variant in enumerate(variants):
            gated = variant in GLU_VARIANTS
            width = glu_hidden_width(plain_width, 2, n_out) if gated else plain_width
            widths[i, d] = width
            for k, seed in enumerate(seeds):
                X, y = _DATASETS[name](n=n, seed=seed)
                net = _network(variant, 2, width, n_classes, seed)
                counts[i, d] = sum(p.size for p in net.params)
                history = net.fit(X, y, loss=loss, optimizer="adam", lr=lr, epochs=epochs)
                rows = history.loss.size
                curves[i, d, k, :rows] = history.loss
                if history.diverged:
                    diverged[i, d, k] = True
                    curves[i, d, k, rows - 1 :] = np.nan
                    continue
                final_loss[i, d, k] = history.loss[-1]
                final_accuracy[i, d, k] = history.accuracy[-1]
    return GluComparison(
        variants=variants,
        datasets=datasets,
        seeds=seeds,
        hidden_width=widths,
        n_parameters=counts,
        final_loss=final_loss,
        final_accuracy=final_accuracy,
        diverged=diverged,
        loss_curves=curves,
        plain_width=plain_width,
        epochs=epochs,
        lr=lr,
        n=n,
    )


# ------------------------------------------------- counting NumPy operations
_TRANSCENDENTAL = frozenset(
    {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "tanh", "erf", "erfc", "ndtr"}
)
# NumPy functions that work element by element without being ufuncs
_ELEMENTWISE_FUNCTIONS = (np.where, np.copyto, np.putmask)


@dataclass(frozen=True)
class OperationCount:
    """How many elementwise NumPy operations a function applies, per element of its input."""

    per_element: float
    """Every ufunc call (``np.add``, ``np.exp``, a reduction, ...) and every ``np.where``,
    weighted by the number of elements it touches, divided by the input's size."""
    by_function: dict[str, float]
    """The same, per NumPy function (reductions as ``"minimum.reduce"``)."""

    @property
    def transcendental(self) -> float:
        """The part spent in exponentials, logarithms, tanh and the error function:
        the operations a piecewise-linear activation avoids."""
        return float(
            sum(v for k, v in self.by_function.items() if k.split(".")[0] in _TRANSCENDENTAL)
        )


def elementwise_operations(
    function: Callable[[np.ndarray], object], x: np.ndarray
) -> OperationCount:
    """Count the elementwise NumPy operations ``function(x)`` performs, per element of ``x``.

    ``x`` is wrapped in an array type that tallies every ufunc it meets (and the
    ufunc's size: an operation on a few elements counts for a few) and every
    ``np.where``. Copies, casts and indexing are not counted. The count depends
    only on the code and the input, not on the machine: a measure of cost that
    reads the same everywhere, where timings do not.

    >>> count = elementwise_operations(lambda v: np.maximum(v, 0.0) * 2.0, np.ones(100))
    >>> count.per_element, count.by_function
    (2.0, {'maximum': 1.0, 'multiply': 1.0})
    >>> elementwise_operations(lambda v: 1.0 / (1.0 + np.exp(-v)), np.ones(10)).transcendental
    1.0
    """
    x = np.asarray(x)
    if x.dtype.kind != "f" or x.size == 0:
        raise ValueError(f"x must be a non-empty float array, got dtype {x.dtype}, size {x.size}")
    tally: dict[str, int] = {}

    class Counting(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            out = kwargs.get("out")
            operands = [a for a in (*inputs, *(out or ())) if isinstance(a, np.ndarray)]
            name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
            tally[name] = tally.get(name, 0) + max((a.size for a in operands), default=1)
            plain = [a.view(np.ndarray) if isinstance(a, Counting) else a for a in inputs]
            if out is not None:
                kwargs["out"] = tuple(
                    a.view(np.ndarray) if isinstance(a, Counting) else a for a in out
                )
            result = getattr(ufunc, method)(*plain, **kwargs)
            if out is not None:
                return out[0] if len(out) == 1 else out
            return _counting(result)

        def __array_function__(self, func, types, args, kwargs):
            result = super().__array_function__(func, types, args, kwargs)
            if func in _ELEMENTWISE_FUNCTIONS:
                sizes = [a.size for a in (*args, *kwargs.values()) if isinstance(a, np.ndarray)]
                tally[func.__name__] = tally.get(func.__name__, 0) + max(sizes, default=1)
            return _counting(result)

    def _counting(result):
        if isinstance(result, tuple):
            return tuple(_counting(r) for r in result)
        if type(result) is np.ndarray:
            return result.view(Counting)
        return result

    function(x.copy().view(Counting))
    by_function = {k: v / x.size for k, v in sorted(tally.items())}
    return OperationCount(float(sum(by_function.values())), by_function)


# ----------------------------------------------------------- mobile activations
@dataclass(frozen=True)
class MobileActivations:
    """Piecewise-linear activations against the smooth ones they replace: cost and error.

    Arrays shaped ``(pairs, 2)`` hold the hard function's value in column 0 and
    the smooth one's in column 1.
    """

    hard: list[str]
    smooth: list[str]
    value_operations: np.ndarray
    """Elementwise NumPy operations per element of the value (see
    :func:`elementwise_operations`)."""
    grad_operations: np.ndarray
    """The same for the derivative."""
    value_transcendental: np.ndarray
    """The part of ``value_operations`` spent in exp, log, tanh or erf."""
    grad_transcendental: np.ndarray
    value_ns: np.ndarray
    """Nanoseconds per element of the value, best of ``repeats`` (machine-dependent:
    compare within one run only)."""
    grad_ns: np.ndarray
    max_value_error: np.ndarray
    """Shape ``(pairs,)``: largest ``|hard(x) - smooth(x)|`` on the grid."""
    value_error_at: np.ndarray
    """Where on the grid it is reached (the first such point)."""
    max_grad_error: np.ndarray
    """Shape ``(pairs,)``: largest ``|hard'(x) - smooth'(x)|`` on the grid (the hard
    function's derivative taking its convention at a kink)."""
    grad_error_at: np.ndarray
    grid: tuple[float, float, int]
    """``(lo, hi, points)`` of the evenly spaced grid of the errors."""
    x: np.ndarray
    """The grid itself."""
    hard_values: np.ndarray
    """Shape ``(pairs, points)``: each hard activation on the grid."""
    smooth_values: np.ndarray
    """Shape ``(pairs, points)``: each smooth activation on the grid."""

    def table(self, digits: int = 3) -> Table:
        """One row per pair: operations (timing beside them), and the largest errors."""
        rows = []
        for i, (hard, smooth) in enumerate(zip(self.hard, self.smooth)):
            rows.append(
                (
                    f"{hard} vs {smooth}",
                    f"{self.value_operations[i, 0]:.3g} vs {self.value_operations[i, 1]:.3g}",
                    f"{self.grad_operations[i, 0]:.3g} vs {self.grad_operations[i, 1]:.3g}",
                    f"{self.value_ns[i, 0]:.2g} vs {self.value_ns[i, 1]:.2g}",
                    f"{self.max_value_error[i]:.{digits}g} at x = {self.value_error_at[i]:g}",
                    f"{self.max_grad_error[i]:.{digits}g} at x = {self.grad_error_at[i]:g}",
                )
            )
        columns = (
            "pair",
            "operations per element, value",
            "operations per element, derivative",
            "ns per element, value",
            "largest error of the value",
            "largest error of the derivative",
        )
        return Table(columns, tuple(rows))


def mobile_activations(
    pairs: Sequence[tuple[ActivationLike, ActivationLike]] = MOBILE_PAIRS,
    grid: tuple[float, float, int] = (-10.0, 10.0, 20001),
    n_elements: int = 10_000,
    repeats: int = 50,
    seed: int = 0,
) -> MobileActivations:
    r"""Cost and accuracy of piecewise-linear activations against the smooth ones they replace.

    MobileNetV3 (Howard et al., 2019) replaces the sigmoid by
    :math:`\mathrm{ReLU6}(x + 3)/6` and Swish by :math:`x\,\mathrm{ReLU6}(x+3)/6`:
    no exponential, cheap in fixed-point arithmetic, the same at every precision.
    For each ``(hard, smooth)`` pair this counts the elementwise NumPy
    operations of the value and of the derivative (per element, on ``seed``'s
    normal draws with standard deviation 3), times them (secondary: it depends on
    the machine), and finds the largest difference of the values and of the
    derivatives on a grid of ``grid[2]`` points from ``grid[0]`` to ``grid[1]``.

    The names of :data:`MOBILE_PAIRS` must be registered activations; any
    :class:`~actnet.Activation` may be passed instead.

    The timing array holds ``n_elements`` values, 10 000 by default: small
    enough to stay in the cache, so that the time is that of the arithmetic.
    From about 10^5 elements on, every temporary array of a formula may be
    fresh memory from the operating system, whose cost (tens of nanoseconds per
    element on some machines) then swamps the arithmetic.
    """
    if not pairs:
        raise ValueError("pairs must hold at least one (hard, smooth) pair of activations")
    acts = [(get(hard), get(smooth)) for hard, smooth in pairs]
    lo, hi, points = grid
    points = integer_at_least("grid points", points, 2)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"grid must run from a finite lo to a larger finite hi, got {grid}")
    n_elements = integer_at_least("n_elements", n_elements, 1)
    repeats = integer_at_least("repeats", repeats, 1)
    x = np.linspace(lo, hi, points)
    sample = np.random.default_rng(seed).normal(0.0, 3.0, min(n_elements, 10_000))
    flat = [a for pair in acts for a in pair]
    counts = [
        (
            elementwise_operations(lambda v, a=a: a.value(v, **a.params), sample),
            elementwise_operations(lambda v, a=a: a.derivative(v, **a.params), sample),
        )
        for a in flat
    ]
    timing = cost(flat, n_elements=n_elements, repeats=repeats, seed=seed)
    position = {name: i for i, name in enumerate(timing.names)}
    shape = (len(acts), 2)
    value_err, value_at, grad_err, grad_at = (np.empty(len(acts)) for _ in range(4))
    hard_values, smooth_values = np.empty((len(acts), points)), np.empty((len(acts), points))
    for i, (hard, smooth) in enumerate(acts):
        hard_values[i], smooth_values[i] = hard(x), smooth(x)
        difference = np.abs(hard_values[i] - smooth_values[i])
        value_err[i], value_at[i] = difference.max(), x[difference.argmax()]
        difference = np.abs(hard.grad(x) - smooth.grad(x))
        grad_err[i], grad_at[i] = difference.max(), x[difference.argmax()]

    def per_pair(values) -> np.ndarray:
        return np.asarray(values, dtype=float).reshape(shape)

    return MobileActivations(
        hard=[h.name for h, _ in acts],
        smooth=[s.name for _, s in acts],
        value_operations=per_pair([c[0].per_element for c in counts]),
        grad_operations=per_pair([c[1].per_element for c in counts]),
        value_transcendental=per_pair([c[0].transcendental for c in counts]),
        grad_transcendental=per_pair([c[1].transcendental for c in counts]),
        value_ns=per_pair([timing.value_ns[position[a.name]] for a in flat]),
        grad_ns=per_pair([timing.grad_ns[position[a.name]] for a in flat]),
        max_value_error=value_err,
        value_error_at=value_at,
        max_grad_error=grad_err,
        grad_error_at=grad_at,
        grid=(float(lo), float(hi), points),
        x=x,
        hard_values=hard_values,
        smooth_values=smooth_values,
    )
