"""Chapter 4: the value of relu'(0), units that are zero on some examples or on all of
them, and gradients that explode when ReLU weights start too large."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number
from actnet.activations import Activation, get
from actnet.experiments.training import VanishingGradients, deep_batch, gradient_norms
from actnet.nn import MLP

__all__ = [
    "KinkConvention",
    "ZeroActivations",
    "gradients_by_init_scale",
    "kink_convention",
    "relu_with_slope_at_zero",
    "zero_activations",
]


def _normalised_moons(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    # the data and network of :func:`actnet.experiments.dying_relu`
    X, y = data.moons(n=n, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _network(activation, seed: int) -> MLP:
    return MLP([2, 32, 32, 1], activation=activation, output="sigmoid", seed=seed)


# -------------------------------------------------------------- relu'(0)
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


# ------------------------------------------------- zero on some, zero on all
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


# ------------------------------------------------------- exploding gradients
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
