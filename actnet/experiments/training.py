"""Claims about training: separability, saturation, vanishing gradients, dying and
born-dead ReLUs, the convergence race, PReLU slopes and maxout."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet.activations import Activation, get
from actnet.nn import MLP, dead_fraction, saturated_fraction

__all__ = [
    "BiasKick",
    "BornDead",
    "ConvergenceRace",
    "DyingRelu",
    "MaxoutFit",
    "MaxoutUnit",
    "PreluSlopes",
    "Saturation",
    "Separability",
    "VanishingGradients",
    "bias_kick",
    "born_dead",
    "convergence_race",
    "dying_relu",
    "maxout_fit",
    "maxout_unit",
    "prelu_slopes",
    "saturation",
    "separability",
    "vanishing_gradients",
]

ActivationLike = str | Activation


# ---------------------------------------------------------------- separability
@dataclass(frozen=True)
class Separability:
    """A linear model and a one-hidden-layer network on the rings data."""

    X: np.ndarray
    y: np.ndarray
    linear_accuracy: float
    network_accuracy: float
    grid_x: np.ndarray
    grid_y: np.ndarray
    linear_probability: np.ndarray
    """P(class 1) of the linear model on the grid, shape ``(len(grid_y), len(grid_x))``."""
    network_probability: np.ndarray


def separability(
    width: int = 8,
    activation: ActivationLike = "relu",
    epochs: int = 300,
    seed: int = 0,
    radii: tuple[float, float] = (0.5, 1.0),
) -> Separability:
    """Red points inside a ring of blue: no line separates them, a small network does.

    ``radii`` are those of class 0 and class 1 (see :func:`actnet.data.rings`);
    ``(1.0, 0.5)`` puts class 1, drawn red, inside.

    >>> r = separability()
    >>> r.linear_accuracy < 0.7 < 0.97 <= r.network_accuracy
    True
    """
    X, y = data.rings(n=400, seed=seed, radii=radii)
    linear = MLP([2, 1], output="sigmoid", init="xavier_normal", seed=seed)
    network = MLP([2, width, 1], activation=activation, output="sigmoid", seed=seed)
    for net in (linear, network):
        net.fit(X, y, loss="bce", optimizer="adam", lr=0.05, epochs=epochs, seed=seed)
    gx = np.linspace(-1.5, 1.5, 61)
    gy = np.linspace(-1.5, 1.5, 61)
    grid = np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)])
    shape = (gy.size, gx.size)
    return Separability(
        X=X,
        y=y,
        linear_accuracy=float(np.mean(linear.predict_labels(X) == y)),
        network_accuracy=float(np.mean(network.predict_labels(X) == y)),
        grid_x=gx,
        grid_y=gy,
        linear_probability=linear.predict(grid)[:, 0].reshape(shape),
        network_probability=network.predict(grid)[:, 0].reshape(shape),
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


# ---------------------------------------------------------- vanishing gradients
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


def deep_batch(n: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The batch every deep-chain experiment backpropagates: N(0, 1) inputs and targets."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, width)), rng.standard_normal(n)


def gradient_norms(net: MLP, X: np.ndarray, y: np.ndarray) -> list[float]:
    """Each layer's gradient norm for one backward pass of the mean squared error."""
    _, grads = net.loss_and_grads(X, y, loss="mse")
    return net.gradient_norms_by_layer(grads)


# ------------------------------------------------------------------ dying ReLU
@dataclass(frozen=True)
class DyingRelu:
    """Fraction of dead hidden units after training, for growing learning rates."""

    activation: str
    learning_rates: np.ndarray
    dead_fraction: np.ndarray
    """Shape ``(rates, seeds)``: dead units over all hidden units of the network."""
    final_loss: np.ndarray


def _dead_units(net: MLP, X: np.ndarray) -> float:
    """Dead units over the hidden units (the sigmoid output unit is not one of them)."""
    # a run that diverged has huge weights; its forward pass may overflow, as expected
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = net.layer_outputs(X)[:-1]
    dead = sum(dead_fraction(o.output) * o.output.shape[1] for o in outputs)
    return dead / sum(o.output.shape[1] for o in outputs)


def dying_relu(
    learning_rates: tuple[float, ...] = (0.01, 0.1, 0.3, 1.0, 3.0),
    activation: ActivationLike = "relu",
    seeds: tuple[int, ...] = (0, 1, 2),
    epochs: int = 20,
    width: int = 32,
    bias_init: float = 0.0,
) -> DyingRelu:
    """Train the same network with SGD at several learning rates; count the dead units.

    ``bias_init`` sets every initial bias (a small positive value is the remedy
    CS231n suggests; with the defaults here, 0.1 lowers the dead fraction at
    learning rate 3 but not at 1, so measure it rather than trust it).

    A large step can push a unit's bias so far down that it is 0 on every
    example; then it gets no gradient and stays dead.

    >>> r = dying_relu()
    >>> bool(r.dead_fraction[0].mean() < r.dead_fraction[-1].mean())
    True
    """
    X, y = data.moons(n=400, seed=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    rates = np.asarray(learning_rates, dtype=float)
    dead = np.empty((rates.size, len(seeds)))
    final = np.empty_like(dead)
    for i, lr in enumerate(rates):
        for j, seed in enumerate(seeds):
            net = MLP(
                [2, width, width, 1],
                activation=activation,
                output="sigmoid",
                bias_init=bias_init,
                seed=seed,
            )
            history = net.fit(X, y, loss="bce", lr=lr, epochs=epochs, batch_size=16, seed=seed)
            dead[i, j] = _dead_units(net, X)
            final[i, j] = history.loss[-1]
    return DyingRelu(get(activation).name, rates, dead, final)


@dataclass(frozen=True)
class BiasKick:
    """One hidden unit whose bias is kicked far down, then trained on."""

    activation: str
    kick: float
    bias: np.ndarray
    """The unit's bias after each step (``bias[0]`` right after the kick)."""
    gradient_norm: np.ndarray
    """Norm of the gradient of the unit's weights and bias at each step."""
    active_fraction: np.ndarray
    """Fraction of examples on which the unit's weighted sum is positive, at each step."""

    @property
    def recovered(self) -> bool:
        """True if, after the kick, the unit became active on some input again."""
        return bool(self.active_fraction.max() > 0)


def bias_kick(
    activation: ActivationLike = "relu",
    kick: float = -3.0,
    steps: int = 2000,
    lr: float = 0.5,
) -> BiasKick:
    """One hidden unit fits ``y = relu(x)`` on [-1, 1] exactly; then its bias is kicked.

    The network is ``v f(w x + b) + c`` with ``w = v = 1`` and ``b = c = 0``:
    a perfect fit. ``kick`` plays the part of one large update
    ``-lr * dL/db`` that leaves ``b = kick``. A ReLU unit is then 0 on every
    input, its gradient is exactly 0, and full-batch gradient descent never
    changes it again. A leaky ReLU unit still passes ``alpha`` times the
    gradient, so its weights keep moving and it becomes active again.

    >>> dead, leaky = bias_kick("relu"), bias_kick("leaky_relu")
    >>> float(dead.gradient_norm.max()), dead.recovered, leaky.recovered
    (0.0, False, True)
    """
    x = np.linspace(-1.0, 1.0, 101)[:, None]
    y = np.maximum(x, 0.0)
    net = MLP([1, 1, 1], activation=activation)
    w, b, v, c = net.params
    w[...], b[...], v[...], c[...] = 1.0, kick, 1.0, 0.0
    biases, norms, active = [], [], []
    for _ in range(steps + 1):
        biases.append(float(b[0]))
        active.append(float(np.mean(x[:, 0] * w[0, 0] + b[0] > 0)))
        _, grads = net.loss_and_grads(x, y, loss="mse")
        norms.append(float(np.hypot(grads[0][0, 0], grads[1][0])))
        for p, g in zip(net.params, grads):
            p -= lr * g
    return BiasKick(get(activation).name, kick, np.array(biases), np.array(norms), np.array(active))


# ------------------------------------------------------------------- born dead
@dataclass(frozen=True)
class BornDead:
    """Monte-Carlo probability that a ReLU network is a constant function at initialisation."""

    init: str
    depths: np.ndarray
    widths: np.ndarray
    probability: np.ndarray
    """Shape ``(widths, depths)``: fraction of ``trials`` networks born dead."""
    trials: int


def born_dead(
    depths: tuple[int, ...] = (1, 2, 5, 10, 20, 30),
    widths: tuple[int, ...] = (2, 3, 5, 10),
    init: str = "he",
    trials: int = 100,
    n_inputs: int = 1,
    bias_init: float = 0.0,
    seed: int = 0,
    activation: ActivationLike = "relu",
) -> BornDead:
    """Draw ``trials`` ReLU networks per depth and width and test each for being constant.

    A network is *born dead* when its output is the same for every input of
    the domain [-1, 1]^n_inputs (checked on a grid of 201 points per input
    line plus random points): some layer is 0 for all inputs, so training by
    gradients cannot start (Lu, Shin, Su and Karniadakis, 2019). With a
    symmetric initialisation the probability tends to 1 as depth grows for a
    fixed width; the randomized asymmetric initialisation (``init="rai"``)
    lowers it.

    >>> r = born_dead(depths=(2, 20), widths=(2, 10), trials=100)
    >>> r.probability.round(2).tolist()
    [[0.13, 0.99], [0.0, 0.01]]
    """
    rng = np.random.default_rng(seed)
    if n_inputs == 1:
        X = np.linspace(-1.0, 1.0, 201)[:, None]
    else:
        X = rng.uniform(-1.0, 1.0, (400, n_inputs))
    ds, ws = np.asarray(depths, dtype=int), np.asarray(widths, dtype=int)
    probability = np.empty((ws.size, ds.size))
    for i, width in enumerate(ws):
        for j, depth in enumerate(ds):
            dead = 0
            for _ in range(trials):
                net = MLP(
                    [n_inputs] + [int(width)] * int(depth) + [1],
                    activation=activation,
                    init=init,
                    bias_init=bias_init,
                    seed=int(rng.integers(2**63)),
                )
                out = net.forward(X)
                dead += bool(np.ptp(out) == 0.0)
            probability[i, j] = dead / trials
    return BornDead(init, ds, ws, probability, trials)


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
            epochs[i, j] = below[0] if below.size else max_epochs + 1
            curves[i, j] = np.pad(loss, (0, max_epochs + 1 - loss.size), mode="edge")
    return ConvergenceRace(names, target_loss, epochs, seconds, max_epochs, curves)


# -------------------------------------------------------------- PReLU, maxout
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
    from actnet.nn import Maxout

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
