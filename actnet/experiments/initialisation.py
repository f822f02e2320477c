"""Chapter 5, initialisation, measured: the symmetry of a constant start, and how the
size of the signal forward and of the gradient backward depends on the initial weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number, real_number
from actnet.activations import Activation, get
from actnet.experiments.variants import Table
from actnet.init import initialize, lsuv
from actnet.nn import MLP, Dense, History

__all__ = [
    "SignalSpread",
    "Symmetry",
    "run_diverged",
    "signal_spread",
    "signal_spread_table",
    "spread_cell",
    "symmetry",
]

ActivationLike = str | Activation


def run_diverged(history: History, net: MLP) -> bool:
    """True if a training run diverged, by the one rule of :meth:`actnet.nn.MLP.fit`
    (:attr:`~actnet.nn.History.diverged`: a non-finite loss or parameter, a loss above
    :data:`~actnet.nn.LOSS_GROWTH_LIMIT` times its start, exploding parameters); a loss
    or a parameter that is NaN or infinite in the record or the network says so too.

    Dead units, saturation or accuracy of such a network say nothing about the
    activation: experiments report the run as diverged instead.
    """
    finite = np.all(np.isfinite(history.loss)) and all(np.all(np.isfinite(p)) for p in net.params)
    return bool(history.diverged or not finite)


def spread_cell(values: np.ndarray, diverged: np.ndarray | None = None, digits: int = 3) -> str:
    """``"median [min, max]"`` of the runs that did not diverge, and how many did.

    >>> spread_cell(np.array([0.1, 0.3, 0.2]))
    '0.2 [0.1, 0.3]'
    >>> spread_cell(np.array([0.1, np.inf]), np.array([False, True]))
    '0.1 [0.1, 0.1] (1 of 2 diverged)'
    """
    values = np.asarray(values, dtype=float).ravel()
    gone = np.zeros(values.shape, bool) if diverged is None else np.asarray(diverged).ravel()
    kept = values[~gone]
    if kept.size == 0:
        return "diverged"
    cell = f"{np.median(kept):.{digits}g} [{kept.min():.{digits}g}, {kept.max():.{digits}g}]"
    return cell if not gone.any() else f"{cell} ({int(gone.sum())} of {gone.size} diverged)"


def _normalised_moons() -> tuple[np.ndarray, np.ndarray]:
    # the data of the ReLU chapter's dying-ReLU runs
    X, y = data.moons(n=400, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    seeds = tuple(integer_at_least("seeds", s, 0) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    return seeds


# -------------------------------------------------------------------- symmetry
@dataclass(frozen=True)
class Symmetry:
    """Hidden units of a network that starts with every weight equal, and of one that
    starts from random weights, epoch by epoch; one row per seed (the order of the
    mini-batches, and the random weights)."""

    activation: str
    weight: float
    """The value of every weight at the constant start (biases 0)."""
    random_init: str
    width: int
    seeds: tuple[int, ...]
    unit_spread: np.ndarray
    """Shape ``(seeds, epochs + 1, hidden layers)``, constant start: the largest difference
    between two units of a layer, over their incoming weights and bias (0: identical)."""
    distinct_units: np.ndarray
    """Shape ``(seeds, epochs + 1, hidden layers)``, constant start: how many different
    units (different incoming weights and bias) each hidden layer has."""
    weight_change: np.ndarray
    """Shape ``(seeds, hidden layers)``, constant start: the largest change of a hidden
    weight or bias during training (0: the layer never moved)."""
    loss: np.ndarray
    """Shape ``(seeds, epochs + 1)``: training loss from the constant start."""
    random_distinct_units: np.ndarray
    """Shape ``(seeds, epochs + 1, hidden layers)``: the same count from the random start."""
    random_loss: np.ndarray
    """Shape ``(seeds, epochs + 1)``: training loss from the random start."""
    diverged: np.ndarray
    """Shape ``(2, seeds)``: runs that diverged, constant start first."""

    @property
    def symmetry_kept(self) -> bool:
        """True if, in every run from the constant start, the units of each layer stayed
        identical to the last bit at every epoch."""
        return bool(np.all(self.unit_spread == 0.0))


def _units(layer: Dense) -> np.ndarray:
    """One row per unit: its incoming weights and its bias."""
    return np.vstack([layer.W, layer.b]).T


def _hidden_dense(net: MLP) -> list[Dense]:
    return [layer for layer in net.layers if isinstance(layer, Dense)][:-1]


def symmetry(
    weight: float = 0.0,
    activation: ActivationLike = "tanh",
    width: int = 16,
    epochs: int = 30,
    lr: float = 0.3,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    random_init: str = "xavier_normal",
) -> Symmetry:
    """Train a 2-``width``-``width``-1 network whose weights all start at ``weight``,
    and the same network from ``random_init``; watch whether its units stay alike.

    Every unit of a layer computes the same function of the same inputs, so it
    receives the same gradient, takes the same step and stays equal to the
    others: a layer of ``width`` units learns like a layer of one. The moons
    data of the ReLU chapter (normalised), binary cross-entropy, mini-batch
    SGD (16 examples, shuffled by the seed).

    >>> r = symmetry(weight=0.5, epochs=3, seeds=(0,))
    >>> r.symmetry_kept, r.distinct_units[0, -1].tolist(), r.random_distinct_units[0, -1].tolist()
    (True, [1, 1], [16, 16])
    """
    weight = real_number("weight", weight)
    width = integer_at_least("width", width, 2)
    epochs = integer_at_least("epochs", epochs, 1)
    lr = positive_number("lr", lr)
    seeds = _seeds(seeds)
    act = get(activation)
    X, y = _normalised_moons()
    spread, distinct, change, loss = [], [], [], []
    random_distinct, random_loss, diverged = [], [], np.zeros((2, len(seeds)), bool)
    for s, seed in enumerate(seeds):
        for start in ("constant", "random"):
            net = MLP(
                [2, width, width, 1], activation=act, output="sigmoid", init=random_init, seed=seed
            )
            if start == "constant":
                for layer in net.layers:
                    if isinstance(layer, Dense):
                        layer.W[...], layer.b[...] = weight, 0.0
            hidden = _hidden_dense(net)
            initial = [_units(layer) for layer in hidden]
            units = [initial]
            losses = [net.loss_and_grads(X, y, loss="bce")[0]]
            gone = False
            for epoch in range(epochs):
                history = net.fit(
                    X, y, loss="bce", lr=lr, epochs=1, batch_size=16, seed=seed * epochs + epoch
                )
                gone = gone or run_diverged(history, net)
                units.append([_units(layer) for layer in hidden])
                losses.append(float(history.loss[-1]))
            count = [[np.unique(u, axis=0).shape[0] for u in row] for row in units]
            if start == "constant":
                spread.append([[float(np.ptp(u, axis=0).max()) for u in row] for row in units])
                distinct.append(count)
                change.append(
                    [float(np.abs(u - u0).max()) for u, u0 in zip(units[-1], initial, strict=True)]
                )
                loss.append(losses)
            else:
                random_distinct.append(count)
                random_loss.append(losses)
            diverged[0 if start == "constant" else 1, s] = gone
    return Symmetry(
        activation=act.name,
        weight=weight,
        random_init=random_init,
        width=width,
        seeds=seeds,
        unit_spread=np.array(spread),
        distinct_units=np.array(distinct),
        weight_change=np.array(change),
        loss=np.array(loss),
        random_distinct_units=np.array(random_distinct),
        random_loss=np.array(random_loss),
        diverged=diverged,
    )


# ---------------------------------------------------------------- signal spread
@dataclass(frozen=True)
class SignalSpread:
    """Layer-by-layer size of the signal and of the gradient in a deep network at
    initialisation; one row per seed, column ``l`` is hidden layer ``l + 1``."""

    activation: str
    init: str
    init_scale: float | None
    depth: int
    width: int
    n: int
    seeds: tuple[int, ...]
    preactivation_variance: np.ndarray
    """Shape ``(seeds, depth)``: variance of the weighted sums :math:`z_l` over examples and units."""
    output_mean: np.ndarray
    """Shape ``(seeds, depth)``: mean of the layer's outputs :math:`f(z_l)`."""
    output_variance: np.ndarray
    """Shape ``(seeds, depth)``: variance of the layer's outputs."""
    gradient_variance: np.ndarray
    """Shape ``(seeds, depth)``: variance of the back-propagated gradient dL/dz_l."""
    weight_gradient_variance: np.ndarray
    """Shape ``(seeds, depth)``: variance of the entries of dL/dW_l."""
    constant_from_layer: np.ndarray
    """Shape ``(seeds,)``: the first hidden layer (1-based) whose every unit outputs the
    same value for every example, so that the network is a constant function (born
    dead); 0 where there is none."""

    def forward_ratio(self) -> np.ndarray:
        """Per seed: Var(z) of the last hidden layer over that of the first."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.preactivation_variance[:, -1] / self.preactivation_variance[:, 0]

    def backward_ratio(self) -> np.ndarray:
        """Per seed: variance of the gradient reaching the first hidden layer over that
        at the last (below 1: it vanishes on its way down; above 1: it explodes)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.gradient_variance[:, 0] / self.gradient_variance[:, -1]

    def weight_gradient_range(self) -> np.ndarray:
        """Per seed: largest over smallest variance of the weight gradients of the
        layers (1: every layer's weights get gradients of the same size)."""
        v = self.weight_gradient_variance
        with np.errstate(divide="ignore", invalid="ignore"):
            return v.max(axis=1) / v.min(axis=1)


# 20 arrays: four settings of five seeds; at most 1.6 MB each at the default size
@lru_cache(maxsize=20)
def _drawn_weights(
    init: str, init_scale: float | None, depth: int, width: int, seed: int
) -> np.ndarray:
    """The ``depth`` weight matrices of ``MLP([width] * (depth + 1), ..., seed=seed)``,
    shape ``(depth, width, width)``, read-only: a slider that returns to a setting
    finds them drawn already."""
    rng = np.random.default_rng(seed)
    weights = np.array([initialize(init, width, width, rng, init_scale)[0] for _ in range(depth)])
    weights.flags.writeable = False
    return weights


def _lsuv_weights(act: Activation, init_scale, depth: int, width: int, seed: int, X) -> np.ndarray:
    """Orthogonal weights rescaled by :func:`actnet.init.lsuv` on ``X``."""
    net = MLP(
        [width] * (depth + 1),
        activation=act,
        output=act,
        init="orthogonal",
        init_scale=init_scale,
        seed=seed,
    )
    lsuv(net, X)
    return np.array([layer.W for layer in net.layers if isinstance(layer, Dense)])


def _per_seed(statistic, arrays: list[np.ndarray]) -> np.ndarray:
    """``statistic`` of each layer's ``(seeds, n, width)`` array over examples and units,
    shape ``(seeds, layers)``."""
    return np.array([statistic(a, axis=(1, 2)) for a in arrays]).T


def signal_spread(
    depth: int = 20,
    init: str = "xavier_normal",
    activation: ActivationLike = "tanh",
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    width: int = 100,
    n: int = 200,
    init_scale: float | None = None,
    input_mean: float = 0.0,
    input_std: float = 1.0,
) -> SignalSpread:
    r"""Send a batch forward and a gradient backward through a deep network at
    initialisation; measure the variance at every layer.

    The network is ``depth`` layers :math:`z_l = x_{l-1} W_l`, :math:`x_l =
    f(z_l)` of ``width`` units with biases 0, weights drawn by ``init`` (any
    name of :data:`actnet.init.INITIALIZERS`, or ``"lsuv"``: orthogonal weights
    rescaled by :func:`actnet.init.lsuv` on the batch). The input is ``n``
    examples :math:`x_0 \sim N(\text{input\_mean}, \text{input\_std}^2)`; the
    gradient arriving at the top is that of :math:`L = \sum_i g_i \cdot x_{L,i}`
    for a standard normal :math:`g`, so it has variance 1 there. Backward:
    :math:`\delta_l = (\delta_{l+1} W_{l+1}^\top) \odot f'(z_l)`,
    :math:`\partial L/\partial W_l = x_{l-1}^\top \delta_l`.

    The variance argument: with zero-mean weights independent of the inputs,
    :math:`\mathrm{Var}(z_l) = n_{in}\,\mathrm{Var}(W)\,E[x_{l-1}^2]` forward and
    :math:`\mathrm{Var}(\delta_{l+1} W_{l+1}^\top) = n_{out}\,\mathrm{Var}(W)\,
    \mathrm{Var}(\delta_{l+1})` backward. Glorot and Bengio (2010) keep both
    factors near 1 for an activation with :math:`f'(0) = 1` (tanh); He et al.
    (2015) use :math:`E[\mathrm{relu}(z)^2] = \mathrm{Var}(z)/2` and choose
    :math:`\mathrm{Var}(W) = 2/n_{in}`.

    Seed ``s`` draws the weights of ``MLP(..., seed=s)`` (the test suite checks
    that the two compute the same numbers); the input and the top gradient come
    from a second stream of the same seed. All seeds go through the layers
    together, as one stack of arrays, so that a slider can redraw it live.

    >>> r = signal_spread(depth=10, init="he", activation="relu", seeds=(0, 1))
    >>> r.preactivation_variance.shape, r.constant_from_layer.tolist()
    ((2, 10), [0, 0])
    """
    depth = integer_at_least("depth", depth, 1)
    width = integer_at_least("width", width, 1)
    n = integer_at_least("n", n, 2)
    seeds = _seeds(seeds)
    if not isinstance(init, str):
        raise TypeError(f"init must be a name (str), got {type(init).__name__}")
    init = init.strip().lower()
    if init != "lsuv":
        initialize(init, 1, 1)  # an unknown name fails here, with the list of valid ones
    if init_scale is not None:
        init_scale = positive_number("init_scale", init_scale)
    input_mean = real_number("input_mean", input_mean)
    input_std = positive_number("input_std", input_std)
    act = get(activation)
    streams = [np.random.default_rng([seed, 1]) for seed in seeds]
    X = np.array([input_mean + input_std * s.standard_normal((n, width)) for s in streams])
    top = np.array([s.standard_normal((n, width)) for s in streams])
    if init == "lsuv":
        W = np.array([_lsuv_weights(act, init_scale, depth, width, s, x) for s, x in zip(seeds, X)])
    else:
        W = np.array([_drawn_weights(init, init_scale, depth, width, s) for s in seeds])
    # W: (seeds, depth, width, width)
    # a diverging signal overflows to inf on purpose: inf is the measurement
    with np.errstate(over="ignore", invalid="ignore"):
        x, inputs, z = X, [], []
        for layer in range(depth):
            inputs.append(x)
            z.append(x @ W[:, layer])
            x = act(z[-1])
        outputs = inputs[1:] + [x]
        grad = top
        deltas, weight_grads = [None] * depth, [None] * depth
        for layer in reversed(range(depth)):
            deltas[layer] = grad * act.grad(z[layer])
            weight_grads[layer] = inputs[layer].transpose(0, 2, 1) @ deltas[layer]
            grad = deltas[layer] @ W[:, layer].transpose(0, 2, 1)
        constant = np.array([np.all(np.ptp(o, axis=1) == 0.0, axis=1) for o in outputs]).T
        result = SignalSpread(
            activation=act.name,
            init=init,
            init_scale=init_scale,
            depth=depth,
            width=width,
            n=n,
            seeds=seeds,
            preactivation_variance=_per_seed(np.var, z),
            output_mean=_per_seed(np.mean, outputs),
            output_variance=_per_seed(np.var, outputs),
            gradient_variance=_per_seed(np.var, deltas),
            weight_gradient_variance=_per_seed(np.var, weight_grads),
            constant_from_layer=np.where(constant.any(axis=1), constant.argmax(axis=1) + 1, 0),
        )
    return result


def signal_spread_table(results: Sequence[SignalSpread], digits: int = 3) -> Table:
    """One row per result: how much of the signal and of the gradient survives the
    depth, as the median [min, max] over the seeds."""
    rows = []
    for r in results:
        scale = "" if r.init_scale is None else f" ×{r.init_scale:g}"
        rows.append(
            (
                r.activation,
                r.init + scale,
                spread_cell(r.forward_ratio(), digits=digits),
                spread_cell(r.backward_ratio(), digits=digits),
                spread_cell(r.weight_gradient_range(), digits=digits),
            )
        )
    return Table(
        (
            "activation",
            "init",
            "Var(z) last / first layer",
            "gradient variance first / last layer",
            "weight-gradient variance, largest / smallest layer",
        ),
        tuple(rows),
    )
