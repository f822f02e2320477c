"""Chapter 4, ReLU and its dead units: the value of relu'(0), a unit kicked dead that
never comes back, units dying at large learning rates, zero on some examples or on
all of them, networks born dead, and gradients that explode when ReLU weights start
too large."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number, real_number
from actnet.activations import Activation, get
from actnet.experiments._training import ActivationLike, deep_batch, gradient_norms
from actnet.experiments.sigmoid import VanishingGradients
from actnet.nn import MLP, dead_fraction

__all__ = [
    "relu_with_slope_at_zero",
    "KinkConvention",
    "kink_convention",
    "BiasKick",
    "bias_kick",
    "KickedLayer",
    "kick_the_bias",
    "DyingRelu",
    "dying_relu",
    "ZeroActivations",
    "zero_activations",
    "BornDead",
    "born_dead",
    "born_dead_interval",
    "gradients_by_init_scale",
]


# The moons and the 2-32-32-1 network on which this chapter's units die: one data
# set and one network for every experiment, so that their numbers compare.
def _normalised_moons(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """The moons data, each input standardised to mean 0 and variance 1."""
    X, y = data.moons(n=n, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _network(activation: ActivationLike, seed: int, width: int = 32, bias_init: float = 0.0) -> MLP:
    return MLP(
        [2, width, width, 1],
        activation=activation,
        output="sigmoid",
        bias_init=bias_init,
        seed=seed,
    )


# -------------------------------------------------------------------- relu'(0)
def relu_with_slope_at_zero(slope: float) -> Activation:
    """ReLU whose derivative at exactly 0 is ``slope`` (``actnet``'s own ``relu`` uses 0).

    >>> relu_with_slope_at_zero(1.0).grad([-1.0, 0.0, 2.0]).tolist()
    [0.0, 1.0, 1.0]
    """
    if not isinstance(slope, int | float) or not 0.0 <= slope <= 1.0:
        raise ValueError(f"slope must be a number in [0, 1], got {slope!r}")
    slope = float(slope)

    def derivative(x):
        return np.where(x > 0, 1.0, np.where(x == 0, slope, 0.0))

    relu = get("relu")
    return Activation(f"relu (slope {slope:g} at 0)", relu.value, derivative, kinks=(0.0,))


@dataclass(frozen=True)
class KinkConvention:
    """How often a ReLU sees an input of exactly 0, and whether relu'(0) changes training."""

    draws: int
    exact_zeros_float64: int
    """Exact zeros among ``draws`` standard normal numbers in float64."""
    exact_zeros_float32: int
    """The same in float32 (24 bits of mantissa instead of 53)."""
    hidden_preactivations: int
    """Hidden weighted sums computed while training (every example, every unit, every epoch)."""
    exact_zero_preactivations: int
    """How many of them were exactly 0."""
    slopes: tuple[float, ...]
    loss_curves: np.ndarray
    """Shape ``(len(slopes), epochs + 1)``: the same training run with each value of relu'(0)."""

    @property
    def largest_loss_difference(self) -> float:
        """Largest difference between the loss curves of the different conventions."""
        return float(np.ptp(self.loss_curves, axis=0).max())


def kink_convention(
    slopes: tuple[float, ...] = (0.0, 0.5, 1.0),
    draws: int = 1_000_000,
    epochs: int = 20,
    lr: float = 0.3,
    seed: int = 0,
) -> KinkConvention:
    """Count exact zeros, then train one network with each value of relu'(0).

    The network and data are those of :func:`actnet.experiments.dying_relu`
    (moons, 2-32-32-1, mini-batch SGD). An input of exactly 0.0 has
    probability zero for continuous data, so the choice of relu'(0) never
    enters: the loss curves agree to the last bit.

    >>> r = kink_convention(draws=10_000, epochs=3)
    >>> r.exact_zeros_float64, r.exact_zero_preactivations, r.largest_loss_difference
    (0, 0, 0.0)
    """
    draws = integer_at_least("draws", draws, 1)
    epochs = integer_at_least("epochs", epochs, 1)
    lr = positive_number("lr", lr)
    if not slopes:
        raise ValueError("slopes must hold at least one value of relu'(0)")
    rng = np.random.default_rng(seed)
    zeros64 = int(np.sum(rng.standard_normal(draws) == 0.0))
    zeros32 = int(np.sum(rng.standard_normal(draws, dtype=np.float32) == 0.0))
    X, y = _normalised_moons()
    curves, seen, zeros = [], 0, 0
    for k, slope in enumerate(slopes):
        net = _network(relu_with_slope_at_zero(slope), seed)
        loss = [net.loss_and_grads(X, y, loss="bce")[0]]
        for epoch in range(epochs):
            history = net.fit(X, y, loss="bce", lr=lr, epochs=1, batch_size=16, seed=seed + epoch)
            loss.append(history.loss[-1])
            if k == 0:
                for o in net.layer_outputs(X)[:-1]:
                    seen += o.preactivation.size
                    zeros += int(np.sum(o.preactivation == 0.0))
        curves.append(loss)
    return KinkConvention(
        draws=draws,
        exact_zeros_float64=zeros64,
        exact_zeros_float32=zeros32,
        hidden_preactivations=seen,
        exact_zero_preactivations=zeros,
        slopes=tuple(float(s) for s in slopes),
        loss_curves=np.array(curves),
    )


# ------------------------------------------------------------- one unit kicked
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


# --------------------------------------------- a layer kicked, again and again
@dataclass(frozen=True)
class KickedLayer:
    """A hidden layer trained with SGD while its biases are kicked down, again and again."""

    activation: str
    learning_rate: float
    kick_gradient: float
    width: int
    kicks: int
    kick_steps: tuple[int, ...]
    """The steps at which the biases were kicked (each kick is one update)."""
    inactive_fraction: np.ndarray
    """Per step (row 0 before training): units whose weighted sum is <= 0 on every
    example. For ReLU these units output 0 everywhere and get no gradient: they are dead."""
    loss: np.ndarray
    """Training loss per step (row 0 before training)."""
    gradient_reaches_inactive: bool
    """Whether the last step's gradient is non-zero for some unit that is inactive on every
    example (never for ReLU; always for leaky ReLU and ELU)."""

    @property
    def inactive_units(self) -> int:
        """Units inactive on every example after the last step."""
        return round(self.inactive_fraction[-1] * self.width)


_KICK_CACHE: OrderedDict = OrderedDict()


def _kicked_run(key: tuple, act: Activation, kicks: int) -> tuple:
    """(params, inactive, loss, kick_steps, reaching) after ``kicks`` kicks, extending a cached run.

    Each segment records its starting state (the initial network, or the one
    just kicked) and the state after each of its ``steps`` updates.
    """
    if (key, kicks) in _KICK_CACHE:
        _KICK_CACHE.move_to_end((key, kicks))
        return _KICK_CACHE[(key, kicks)]
    lr, kick_gradient, width, steps, seed = key[1:]
    X, y = _normalised_moons(200)
    net = MLP([2, width, 1], activation=act, output="sigmoid", seed=seed)
    if kicks == 0:
        inactive, losses, kick_steps = [], [], ()
    else:
        params, inactive, losses, kick_steps, _ = _kicked_run(key, act, kicks - 1)
        for p, saved in zip(net.params, params):
            p[...] = saved
        inactive, losses = list(inactive), list(losses)
        # the kick: one update b <- b - lr * g with a large gradient g on every bias,
        # as one outlier example with a huge loss would produce
        net.params[1] -= lr * kick_gradient
        kick_steps = (*kick_steps, len(losses))
    W1, b1 = net.params[0], net.params[1]

    def record() -> tuple:
        value, grads = net.loss_and_grads(X, y, loss="bce")
        inactive_now = np.all(X @ W1 + b1 <= 0, axis=0)
        inactive.append(float(inactive_now.mean()))
        losses.append(float(value))
        return grads, bool(np.any(grads[1][inactive_now] != 0))

    with np.errstate(all="ignore"):  # a diverging run is visible in its loss
        grads, reaching = record()
        for _ in range(steps):
            for p, g in zip(net.params, grads):
                p -= lr * g
            grads, reaching = record()
    result = (
        tuple(p.copy() for p in net.params),
        tuple(inactive),
        tuple(losses),
        kick_steps,
        reaching,
    )
    _KICK_CACHE[(key, kicks)] = result
    while len(_KICK_CACHE) > 64:
        _KICK_CACHE.popitem(last=False)
    return result


def kick_the_bias(
    activation: ActivationLike = "relu",
    learning_rate: float = 0.5,
    kicks: int = 1,
    kick_gradient: float = 4.0,
    width: int = 32,
    steps_per_kick: int = 40,
    seed: int = 0,
) -> KickedLayer:
    """Train a ``2-width-1`` network on the moons data, kicking its hidden biases ``kicks`` times.

    Full-batch gradient descent with learning rate ``learning_rate`` runs for
    ``steps_per_kick`` steps, then each kick is one update ``b <- b - lr * g``
    with ``g = kick_gradient`` on every hidden bias (what a single outlier with
    a huge loss does), followed by another ``steps_per_kick`` steps. The larger
    the learning rate, the harder the same gradient kicks. A ReLU unit whose
    weighted sum is then <= 0 on every example outputs 0, gets no gradient and
    never changes again; a leaky ReLU or ELU unit still gets a gradient.

    >>> relu = kick_the_bias("relu", learning_rate=1.0, kicks=1)
    >>> relu.inactive_units, relu.gradient_reaches_inactive
    (32, False)
    >>> kick_the_bias("leaky_relu", learning_rate=1.0, kicks=1).gradient_reaches_inactive
    True
    """
    act = get(activation)
    lr = positive_number("learning_rate", learning_rate)
    kicks = integer_at_least("kicks", kicks, 0)
    kick_gradient = real_number("kick_gradient", kick_gradient)
    width = integer_at_least("width", width, 1)
    steps = integer_at_least("steps_per_kick", steps_per_kick, 1)
    seed = integer_at_least("seed", seed, 0)
    key = (
        (act.name, act.value, tuple(sorted(act.params.items()))),
        lr,
        kick_gradient,
        width,
        steps,
        seed,
    )
    _, inactive, losses, kick_steps, reaching = _kicked_run(key, act, kicks)
    return KickedLayer(
        activation=act.name,
        learning_rate=lr,
        kick_gradient=kick_gradient,
        width=width,
        kicks=kicks,
        kick_steps=kick_steps,
        inactive_fraction=np.array(inactive),
        loss=np.array(losses),
        gradient_reaches_inactive=reaching,
    )


# ------------------------------------------------------------------ dying ReLU
@dataclass(frozen=True)
class DyingRelu:
    """Fraction of dead hidden units after training, for growing learning rates."""

    activation: str
    learning_rates: np.ndarray
    dead_fraction: np.ndarray
    """Shape ``(rates, seeds)``: dead units over all hidden units of the network; NaN
    for a run that diverged, whose units say nothing."""
    final_loss: np.ndarray
    diverged: np.ndarray
    """Shape ``(rates, seeds)``: the run diverged (``History.diverged``) and stopped."""
    seeds: tuple[int, ...] = ()
    constant_loss: float = math.log(2.0)
    """The loss of the best constant prediction (the labels' entropy): ln 2 on the moons."""

    @property
    def untrained(self) -> np.ndarray:
        """Shape ``(rates, seeds)``: runs that did not diverge but ended no better than
        a constant prediction (within 1% of ``constant_loss``): they did not train."""
        return ~self.diverged & (self.final_loss >= 0.99 * self.constant_loss)

    def outcome(self, i: int, j: int) -> str:
        """``"diverged"``, ``"did not train"`` or ``"trained"`` for rate ``i``, seed ``j``."""
        if self.diverged[i, j]:
            return "diverged"
        return "did not train" if self.untrained[i, j] else "trained"

    def spread(self, lr: float):
        """The dead fraction at learning rate ``lr`` over the seeds, diverged runs
        excluded (a :class:`~actnet.experiments.seeds.Spread`)."""
        from actnet.experiments.seeds import spread

        matches = np.flatnonzero(np.isclose(self.learning_rates, lr))
        if matches.size == 0:
            raise ValueError(f"lr {lr} was not measured; measured: {self.learning_rates.tolist()}")
        return spread(self.dead_fraction[matches[0]], self.seeds)


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
    CS231n suggests; compare it over several seeds with :meth:`DyingRelu.spread`).

    A large step can push a unit's bias so far down that it is 0 on every
    example; then it gets no gradient and stays dead. A run that diverged
    (``History.diverged``) has no dead fraction: NaN, and ``diverged`` says so.

    >>> r = dying_relu()
    >>> bool(np.nanmean(r.dead_fraction[0]) < np.nanmean(r.dead_fraction[-1]))
    True
    """
    X, y = _normalised_moons()
    rates = np.asarray(learning_rates, dtype=float)
    seeds = tuple(int(s) for s in seeds)
    dead = np.empty((rates.size, len(seeds)))
    final = np.empty_like(dead)
    diverged = np.zeros(dead.shape, dtype=bool)
    for i, lr in enumerate(rates):
        for j, seed in enumerate(seeds):
            net = _network(activation, seed, width, bias_init)
            history = net.fit(X, y, loss="bce", lr=lr, epochs=epochs, batch_size=16, seed=seed)
            diverged[i, j] = history.diverged
            dead[i, j] = np.nan if history.diverged else _dead_units(net, X)
            final[i, j] = history.loss[-1]
    p = float(np.mean(y))
    entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p)) if 0 < p < 1 else 0.0
    return DyingRelu(get(activation).name, rates, dead, final, diverged, seeds, entropy)


# --------------------------------------------------- zero on some, zero on all
@dataclass(frozen=True)
class ZeroActivations:
    """A ReLU network's zeros, recorded while it trains (``MLP.fit(record=True)``)."""

    learning_rate: float
    dead_fraction: np.ndarray
    """Shape ``(epochs + 1, hidden layers)``: units that are 0 on every example, per epoch."""
    zero_fraction_per_unit: list[np.ndarray]
    """Per hidden layer, after training: the fraction of examples on which each unit is 0."""
    final_loss: float

    @property
    def dead_units(self) -> int:
        """Units that are 0 on every example after training."""
        return int(sum(np.sum(z == 1.0) for z in self.zero_fraction_per_unit))

    @property
    def sometimes_zero_units(self) -> int:
        """Units that are 0 on some examples but not on all: alive."""
        return int(sum(np.sum((z > 0.0) & (z < 1.0)) for z in self.zero_fraction_per_unit))

    @property
    def hidden_units(self) -> int:
        return int(sum(z.size for z in self.zero_fraction_per_unit))


def zero_activations(lr: float = 1.0, epochs: int = 20, seed: int = 0) -> ZeroActivations:
    """Train the network of :func:`actnet.experiments.dying_relu` and watch its zeros.

    ``MLP.fit(record=True)`` records, every epoch, the fraction of units of
    each layer that output 0 on every training example: the dead units. After
    training, each unit's fraction of examples on which it outputs 0 tells a
    dead unit (fraction 1) from one that is merely off for some inputs.

    >>> r = zero_activations(lr=3.0)
    >>> r.dead_fraction[-1].round(3).tolist(), r.dead_units
    ([0.344, 0.969], 42)
    """
    lr = positive_number("lr", lr)
    epochs = integer_at_least("epochs", epochs, 1)
    X, y = _normalised_moons()
    net = _network("relu", seed)
    history = net.fit(X, y, loss="bce", lr=lr, epochs=epochs, batch_size=16, seed=seed, record=True)
    hidden = [i for i, name in enumerate(history.nonlinear_layer_names) if name == "relu"]
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = [o for o in net.layer_outputs(X) if o.name == "relu"]
    return ZeroActivations(
        learning_rate=lr,
        dead_fraction=history.dead_fraction[:, hidden],
        zero_fraction_per_unit=[np.mean(o.output == 0.0, axis=0) for o in outputs],
        final_loss=float(history.loss[-1]),
    )


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

    A network is *born dead* when some hidden layer is exactly 0 for every
    input of the domain [-1, 1]^n_inputs (checked on a grid of 201 points per
    input line, or random points), so that its output is the same for every
    input and training by gradients cannot start (Lu, Shin, Su and Karniadakis, 2019). With a
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
                with np.errstate(over="ignore", invalid="ignore"):
                    layers = net.layer_outputs(X)
                # born dead as the glossary defines it: some hidden layer is exactly 0 on
                # every input. A network that is merely numerically constant (a deep,
                # narrow sigmoid network, whose units are never 0) is not born dead.
                silent = any(np.all(layer.output == 0.0) for layer in layers)
                dead += bool(silent and np.ptp(net.forward(X)) == 0.0)
            probability[i, j] = dead / trials
    return BornDead(init, ds, ws, probability, trials)


def born_dead_interval(result: BornDead, width: int, depth: int) -> tuple[float, float]:
    """The 95% Monte-Carlo (Wilson score) interval of the born-dead probability of
    ``result`` at ``width`` and ``depth``, from its ``trials`` draws.

    >>> r = born_dead(depths=(10,), widths=(10,), trials=20)
    >>> lo, hi = born_dead_interval(r, 10, 10)
    >>> lo <= float(r.probability[0, 0]) <= hi
    True
    """
    widths, depths = list(np.asarray(result.widths)), list(np.asarray(result.depths))
    if width not in widths or depth not in depths:
        raise ValueError(f"width {width} and depth {depth} must be among {widths} and {depths}")
    p = float(result.probability[widths.index(width), depths.index(depth)])
    n, z = result.trials, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


# --------------------------------------------------------- exploding gradients
def gradients_by_init_scale(
    init_scales: tuple[float, ...] = (1.0, 2.0),
    activation: str = "relu",
    init: str = "he",
    depth: int = 10,
    width: int = 32,
    n: int = 256,
    seed: int = 0,
) -> VanishingGradients:
    """Gradient norm per layer when the initial weights are ``scale`` times ``init``'s.

    He initialisation keeps a ReLU network's signal at the same size layer
    after layer; weights twice as large double it at every layer, so after
    ten layers the gradients are about a million times larger: they explode.
    Runs are named ``(activation, "he×s")``.

    >>> r = gradients_by_init_scale()
    >>> bool(r.norm("relu", "he×2")[0] > 1e5 * r.norm("relu", "he×1")[0])
    True
    """
    depth = integer_at_least("depth", depth, 1)
    width = integer_at_least("width", width, 1)
    scales = [positive_number("init_scales", s) for s in init_scales]
    if not scales:
        raise ValueError("init_scales must hold at least one scale")
    act = get(activation)
    X, y = deep_batch(n, width, seed)
    runs, norms = [], []
    for scale in scales:
        net = MLP(
            [width] * (depth + 1) + [1], activation=act, init=init, init_scale=scale, seed=seed
        )
        norms.append(gradient_norms(net, X, y))
        runs.append((act.name, f"{init}×{scale:g}"))
    return VanishingGradients(depth, runs, np.array(norms))
