"""Chapter 2, the sigmoid's problems: gradients that vanish layer after layer, a slow
race to a target loss, neurons saturated by large initial weights (measured, and
predicted from the normal law), and weights that zig-zag when every input is positive."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number
from actnet.activations import Activation, get
from actnet.experiments._training import ActivationLike, deep_batch, gradient_norms
from actnet.nn import MLP, saturated_fraction

__all__ = [
    "VanishingGradients",
    "vanishing_gradients",
    "ConvergenceRace",
    "TunedRace",
    "tuned_race",
    "convergence_race",
    "Saturation",
    "saturation",
    "saturation_thresholds",
    "predicted_saturated_fraction",
    "ZigZag",
    "zigzag",
]


# --------------------------------------------------------- vanishing gradients
@dataclass(frozen=True)
class VanishingGradients:
    """Gradient norm of every dense layer of a deep network, input layer first."""

    depth: int
    runs: list[tuple[str, str]]
    """``(activation, init)`` of each row of ``norms``."""
    norms: np.ndarray
    """Shape ``(runs, depth + 1)``."""

    def norm(self, activation: str, init: str) -> np.ndarray:
        return self.norms[self.runs.index((activation, init))]

    def first_to_last(self, activation: str, init: str) -> float:
        """Gradient norm of the first layer over that of the last: how much survives."""
        row = self.norm(activation, init)
        return float(row[0] / row[-1])


def vanishing_gradients(
    runs: tuple[tuple[ActivationLike, str], ...] = (
        ("sigmoid", "xavier_normal"),
        ("tanh", "xavier_normal"),
        ("relu", "he"),
    ),
    depth: int = 10,
    width: int = 32,
    n: int = 256,
    seed: int = 0,
) -> VanishingGradients:
    """Backpropagate one batch through ``depth`` hidden layers and measure each layer's gradient.

    >>> r = vanishing_gradients()
    >>> r.first_to_last("sigmoid", "xavier_normal") < 0.01 < 0.1 < r.first_to_last("relu", "he")
    True
    """
    X, y = deep_batch(n, width, seed)
    names, norms = [], []
    for act, init in runs:
        net = MLP([width] * (depth + 1) + [1], activation=act, init=init, seed=seed)
        norms.append(gradient_norms(net, X, y))
        names.append((get(act).name, init))
    return VanishingGradients(depth, names, np.array(norms))


# ------------------------------------------------------------ convergence race
@dataclass(frozen=True)
class ConvergenceRace:
    """Epochs each activation needs to bring the training loss below a target."""

    activations: list[str]
    target_loss: float
    epochs_to_target: np.ndarray
    """Shape ``(activations, seeds)``; ``max_epochs + 1`` where the target was never reached."""
    seconds: np.ndarray
    """Wall time of each run, shape ``(activations, seeds)``."""
    max_epochs: int
    loss_curves: np.ndarray
    """Shape ``(activations, seeds, max_epochs + 1)``, padded with the last loss."""
    diverged: np.ndarray | None = None
    """Shape ``(activations, seeds)``: the run diverged (``History.diverged``); its
    epochs are ``max_epochs + 1``, never a speed."""

    def median_epochs(self) -> np.ndarray:
        return np.median(self.epochs_to_target, axis=1)

    def ranks(self) -> dict[str, int]:
        """1 for the fastest (median epochs), ties share a rank."""
        med = self.median_epochs()
        return {a: int(1 + np.sum(med < m)) for a, m in zip(self.activations, med)}


def convergence_race(
    activations: tuple[ActivationLike, ...] = ("sigmoid", "tanh", "relu"),
    target_loss: float = 0.1,
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    max_epochs: int = 400,
    lr: float = 0.5,
) -> ConvergenceRace:
    """Full-batch SGD on the rings data, 2-16-16-1, same data and same initial
    weights (same initialiser, same seed) for every activation.

    >>> r = convergence_race()
    >>> med = dict(zip(r.activations, r.median_epochs()))
    >>> bool(med["relu"] < med["sigmoid"])
    True
    """
    X, y = data.rings(n=200, seed=0)
    names = [get(a).name for a in activations]
    epochs = np.empty((len(names), len(seeds)), dtype=int)
    seconds = np.empty((len(names), len(seeds)))
    curves = np.empty((len(names), len(seeds), max_epochs + 1))
    diverged = np.zeros((len(names), len(seeds)), dtype=bool)
    for i, act in enumerate(activations):
        for j, seed in enumerate(seeds):
            net = MLP(
                [2, 16, 16, 1], activation=act, output="sigmoid", init="xavier_normal", seed=seed
            )
            start = time.perf_counter()
            history = net.fit(X, y, loss="bce", lr=lr, epochs=max_epochs, seed=seed)
            seconds[i, j] = time.perf_counter() - start
            loss = history.loss
            below = np.flatnonzero(loss <= target_loss)
            diverged[i, j] = history.diverged
            reached = below.size and not history.diverged
            epochs[i, j] = below[0] if reached else max_epochs + 1
            curves[i, j] = np.pad(loss, (0, max_epochs + 1 - loss.size), mode="edge")
    return ConvergenceRace(names, target_loss, epochs, seconds, max_epochs, curves, diverged)


# ------------------------------------------------------- race with tuned rates
@dataclass(frozen=True)
class TunedRace:
    """A convergence race in which every activation runs at its own best learning rate.

    A fixed learning rate favours the activation it suits; here each activation is
    raced at every rate of a grid, and compared at the rate where its median
    number of epochs is smallest.
    """

    activations: list[str]
    learning_rates: np.ndarray
    seeds: tuple[int, ...]
    target_loss: float
    max_epochs: int
    epochs_to_target: np.ndarray
    """Shape ``(activations, rates, seeds)``; ``max_epochs + 1`` where the target was
    never reached or the run diverged."""
    diverged: np.ndarray
    """Shape ``(activations, rates, seeds)``: the run diverged (``History.diverged``)."""

    def best_rate(self, name: str) -> float:
        """The learning rate of the grid with the fewest median epochs for ``name``
        (the smaller rate on a tie)."""
        i = self.activations.index(get(name).name)
        return float(self.learning_rates[int(np.argmin(np.median(self.epochs_to_target[i], axis=1)))])  # fmt: skip

    def epochs(self, name: str):
        """Epochs to the target at ``name``'s best rate, per seed, as a
        :class:`~actnet.experiments.seeds.Spread` (a run that never reached the
        target counts ``max_epochs + 1``: a lower bound; diverged runs are excluded)."""
        from actnet.experiments.seeds import spread

        i = self.activations.index(get(name).name)
        j = int(np.flatnonzero(self.learning_rates == self.best_rate(name))[0])
        values = np.where(self.diverged[i, j], np.nan, self.epochs_to_target[i, j].astype(float))
        return spread(values, self.seeds)

    def reached(self, name: str) -> int:
        """How many runs at ``name``'s best rate reached the target."""
        return int(np.sum(self.epochs(name).values <= self.max_epochs))

    def speedup(self, slow: str, fast: str) -> float:
        """Median epochs of ``slow`` over those of ``fast``, each at its best rate (a lower
        bound when ``slow`` did not reach the target in most runs)."""
        return float(
            np.nanmedian(self.epochs(slow).values) / np.nanmedian(self.epochs(fast).values)
        )


def tuned_race(
    activations: tuple[ActivationLike, ...] = ("sigmoid", "tanh", "relu"),
    learning_rates: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0),
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    target_loss: float = 0.1,
    max_epochs: int = 1000,
    chunk: int = 25,
) -> TunedRace:
    """The race of :func:`convergence_race` (same data, network and initial weights)
    at every rate of ``learning_rates``.

    Full-batch gradient descent has no randomness, so a run is trained ``chunk``
    epochs at a time and stopped as soon as its loss is below the target (or it
    diverged): the epochs are those an uninterrupted run would take. A loss that
    grows to ``LOSS_GROWTH_LIMIT`` times the run's first loss counts as divergence
    across chunks too. The rates are tried in the order the first seed ranks
    them; once a rate's median is known, a run at another rate that has not
    reached the target by then stops (it cannot make its rate the best) and
    counts as not reached, ``max_epochs + 1``, as do the runs a rate skips once
    most of its runs stopped. At each activation's best rate every run is complete.

    >>> r = tuned_race(("relu",), learning_rates=(0.3, 1.0), seeds=(0, 1), max_epochs=100)
    >>> r.best_rate("relu"), r.reached("relu")
    (1.0, 2)
    """
    from actnet.nn import LOSS_GROWTH_LIMIT

    if not learning_rates or not seeds:
        raise ValueError("learning_rates and seeds must each hold at least one value")
    chunk = integer_at_least("chunk", chunk, 1)
    X, y = data.rings(n=200, seed=0)
    names = [get(a).name for a in activations]
    rates = np.asarray([positive_number("learning_rates", r) for r in learning_rates])
    epochs = np.full((len(names), rates.size, len(seeds)), max_epochs + 1, dtype=int)
    diverged = np.zeros(epochs.shape, dtype=bool)

    def run(act, lr: float, seed: int, limit: int) -> tuple[int, bool]:
        """Epochs to the target (``max_epochs + 1`` if not within ``limit``), diverged."""
        net = MLP([2, 16, 16, 1], activation=act, output="sigmoid", init="xavier_normal", seed=seed)
        done, first = 0, None
        while done < limit:
            steps = min(chunk, limit - done)
            history = net.fit(X, y, loss="bce", lr=lr, epochs=steps, seed=seed)
            loss = history.loss
            first = loss[0] if first is None else first
            if history.diverged or not np.all(loss <= LOSS_GROWTH_LIMIT * first):
                return max_epochs + 1, True
            below = np.flatnonzero(loss <= target_loss)
            if below.size and done + int(below[0]) <= limit:
                return done + int(below[0]), False
            done += steps
        return max_epochs + 1, False

    majority = len(seeds) // 2 + 1
    for i, act in enumerate(activations):
        # the first seed at every rate orders the rates, the most promising first; then
        # a run that has not reached the target within the best median so far cannot make
        # its rate the best and stops, and a rate stops once most of its runs did so
        best, first_seed = max_epochs, {}
        for k, lr in enumerate(rates):
            first_seed[k] = run(act, float(lr), seeds[0], best)
            best = min(best, first_seed[k][0])
        best = max_epochs
        for k in sorted(range(rates.size), key=lambda k: first_seed[k][0]):
            epochs[i, k, 0], diverged[i, k, 0] = first_seed[k]
            for j, seed in enumerate(seeds[1:], start=1):
                if np.sum(epochs[i, k, :j] > best) >= majority:
                    break  # its median is past the best already
                epochs[i, k, j], diverged[i, k, j] = run(act, float(rates[k]), seed, best)
            if np.sum(epochs[i, k] > best) < majority:
                best = min(best, int(np.median(epochs[i, k])))
    return TunedRace(
        activations=names,
        learning_rates=rates,
        seeds=tuple(seeds),
        target_loss=float(target_loss),
        max_epochs=int(max_epochs),
        epochs_to_target=epochs,
        diverged=diverged,
    )


# ------------------------------------------------------------------ saturation
@dataclass(frozen=True)
class Saturation:
    """Pre-activations of a deep sigmoid/tanh network at initialisation, per weight scale."""

    activation: str
    init_scales: np.ndarray
    """Weights are drawn from N(0, (scale / sqrt(fan_in))^2)."""
    saturated_fraction: np.ndarray
    """Shape ``(scales, layers)``: outputs within 0.01 of the activation's bounds."""
    preact_std: np.ndarray
    """Shape ``(scales, layers)``: spread of the weighted sums."""
    first_layer_preactivations: np.ndarray
    """Shape ``(scales, samples)``: weighted sums of the first layer, for histograms."""


def saturation(
    init_scales: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
    activation: ActivationLike = "sigmoid",
    depth: int = 4,
    width: int = 64,
    n: int = 500,
    seed: int = 0,
) -> Saturation:
    """Normalised inputs, larger and larger initial weights: the neurons saturate
    from the very first example.

    >>> r = saturation()
    >>> bool(r.saturated_fraction[0, 0] < 0.01 and r.saturated_fraction[-1, 0] > 0.5)
    True
    """
    act = get(activation)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, width))  # normalised inputs: mean 0, variance 1
    bounds = tuple(float(v) for v in act(np.array([-np.inf, np.inf])))
    scales = np.asarray(init_scales, dtype=float)
    saturated = np.empty((scales.size, depth))
    spread = np.empty((scales.size, depth))
    first = np.empty((scales.size, min(2000, n * width)))
    for i, scale in enumerate(scales):
        net = MLP(
            [width] * (depth + 1) + [1],
            activation=act,
            init="normal",
            init_scale=scale / np.sqrt(width),
            seed=seed,
        )
        outputs = net.layer_outputs(X)
        saturated[i] = [saturated_fraction(o.output, bounds) for o in outputs]
        spread[i] = [o.preactivation.std() for o in outputs]
        first[i] = outputs[0].preactivation.ravel()[: first.shape[1]]
    return Saturation(act.name, scales, saturated, spread, first)


# -------------------------------------------------------- saturation predicted
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


# --------------------------------------------------------------------- zig-zag
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
