"""Chapter 6, normalisation as a remedy: batch and layer normalisation against saturated
sigmoids and dead ReLUs at the ReLU chapter's learning rates, and the bias that batch
normalisation makes redundant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from actnet._validate import choice, integer_at_least, positive_number
from actnet.activations import Activation, get
from actnet.experiments.initialisation import _normalised_moons, _seeds, run_diverged, spread_cell
from actnet.experiments.variants import Table
from actnet.nn import (
    MLP,
    ActivationLayer,
    BatchNorm,
    Dense,
    Layer,
    LayerNorm,
    dead_fraction,
    saturated_fraction,
)

__all__ = [
    "NORMALISATIONS",
    "BiasBeforeBatchNorm",
    "NormalisationRemedy",
    "bias_before_batchnorm",
    "normalisation_remedy",
    "normalised_network",
]

ActivationLike = str | Activation

#: ``"none"``, or the layer put between each hidden dense layer and its activation.
NORMALISATIONS = ("none", "batch", "layer")


def normalised_network(
    activation: ActivationLike,
    norm: str = "batch",
    sizes: Sequence[int] = (2, 32, 32, 1),
    seed: int = 0,
    init: str = "he",
    init_scale: float | None = None,
) -> MLP:
    """``MLP(sizes, activation, output="sigmoid", init, init_scale, seed=seed)`` with a
    :class:`~actnet.nn.BatchNorm` (``norm="batch"``) or :class:`~actnet.nn.LayerNorm`
    (``"layer"``) between each hidden dense layer and its activation; ``"none"``
    gives that MLP itself. The dense layers get the same initial weights in all three.

    >>> normalised_network("relu", "batch", (2, 4, 1))
    MLP([Dense(2->4), BatchNorm(4), relu, Dense(4->1), sigmoid])
    """
    norm = choice("norm", norm, NORMALISATIONS)
    act = get(activation)
    sizes = [integer_at_least("every layer size", s, 1) for s in sizes]
    if len(sizes) < 3:
        raise ValueError(
            f"sizes needs an input, at least one hidden and an output size, got {sizes}"
        )
    if norm == "none":
        return MLP(
            sizes, activation=act, output="sigmoid", init=init, init_scale=init_scale, seed=seed
        )
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers.append(Dense(n_in, n_out, init=init, rng=rng, init_scale=init_scale))
        layers.append(BatchNorm(n_out) if norm == "batch" else LayerNorm(n_out))
        layers.append(ActivationLayer(act))
    output = Dense(sizes[-2], sizes[-1], init=init, rng=rng, init_scale=init_scale)
    layers += [output, ActivationLayer("sigmoid")]
    return MLP.from_layers(layers)


def _hidden_outputs(net: MLP, X: np.ndarray, training: bool = False) -> list[np.ndarray]:
    """Every hidden activation layer's outputs on ``X``, in eval mode (running averages)
    or in training mode (statistics of ``X``; running averages left as they were)."""
    norms = [layer for layer in net.layers if isinstance(layer, BatchNorm)]
    saved = [(layer.running_mean.copy(), layer.running_var.copy()) for layer in norms]
    net.train(training)
    # a diverged network has huge weights: its forward pass may overflow, as expected
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = [o.output for o in net.layer_outputs(X)[:-1]]
    net.train()
    for layer, (mean, var) in zip(norms, saved, strict=True):
        layer.running_mean[...], layer.running_var[...] = mean, var
    return outputs


def _saturated(
    net: MLP, X: np.ndarray, bounds: tuple[float, float], training: bool = False
) -> float:
    """Share of hidden outputs within 0.01 of ``bounds``, all hidden layers together."""
    hidden = _hidden_outputs(net, X, training)
    return float(np.mean([saturated_fraction(o, bounds) for o in hidden]))


# ------------------------------------------------------------------ the remedy
@dataclass(frozen=True)
class NormalisationRemedy:
    """Dead and saturated hidden units after training, with and without normalisation.

    Every array has shape ``(norms, learning rates, seeds)``. A run marked in
    ``diverged`` has NaN for its dead and saturated fractions, final loss and
    accuracy: what is left of a network that diverged says nothing about the
    activation or the normalisation.
    """

    activation: str
    norms: tuple[str, ...]
    learning_rates: np.ndarray
    seeds: tuple[int, ...]
    epochs: int
    dead_fraction: np.ndarray
    """Hidden units that output 0 on every training example (in eval mode); NaN if diverged."""
    saturated_fraction: np.ndarray
    """Hidden outputs within 0.01 of the activation's bounds (NaN for an unbounded one,
    or if diverged)."""
    final_loss: np.ndarray
    """Training loss after the last epoch; NaN if diverged."""
    accuracy: np.ndarray
    """Training accuracy after the last epoch, in eval mode; NaN if diverged."""
    diverged: np.ndarray
    """The run diverged (see :func:`~actnet.experiments.initialisation.run_diverged`)."""
    saturated_at_init: np.ndarray
    """Shape ``(norms, seeds)``: saturated fraction before training, with batch statistics
    over the whole training set (NaN if unbounded)."""
    init_scale: float | None
    """Multiplier of the He initial weights (None: 1)."""

    def table(self, measure: str = "dead_fraction", digits: int = 3) -> Table:
        """``measure`` (``"dead_fraction"``, ``"saturated_fraction"``, ``"final_loss"``
        or ``"accuracy"``) as median [min, max] over the seeds, one row per normalisation,
        one column per learning rate; "diverged" where every run did."""
        measure = choice(
            "measure", measure, ("dead_fraction", "saturated_fraction", "final_loss", "accuracy")
        )
        values = getattr(self, measure)
        rows = tuple(
            (
                norm,
                *(
                    spread_cell(values[i, j], self.diverged[i, j], digits)
                    for j in range(len(self.learning_rates))
                ),
            )
            for i, norm in enumerate(self.norms)
        )
        columns = ("normalisation", *(f"lr {r:g}" for r in self.learning_rates))
        return Table(columns, rows)


def normalisation_remedy(
    activation: ActivationLike = "relu",
    norms: Sequence[str] = NORMALISATIONS,
    learning_rates: Sequence[float] = (0.3, 1.0, 3.0),
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    epochs: int = 20,
    width: int = 32,
    init_scale: float | None = None,
) -> NormalisationRemedy:
    """Train the ReLU chapter's dying-ReLU network with each normalisation at each
    learning rate; count dead and saturated hidden units.

    The network, data and training are those of
    :func:`actnet.experiments.dying_relu` (normalised moons, 2-32-32-1 with a
    sigmoid output, He weights, mini-batch SGD of 16 examples for 20 epochs,
    binary cross-entropy), with a :class:`~actnet.nn.BatchNorm` or
    :class:`~actnet.nn.LayerNorm` before each hidden activation
    (:func:`normalised_network`): ``norm="none"`` is that experiment's network
    and gives its numbers. Batch normalisation puts every unit's weighted sum
    back to mean 0 and variance 1 over the batch before the activation (Ioffe
    and Szegedy, 2015); a unit then is 0 on every example only if training has
    pushed its :math:`\\beta` far below :math:`-\\gamma`. Units are counted
    after training, in eval mode, on the whole training set.

    >>> r = normalisation_remedy(learning_rates=(3.0,), seeds=(0,), epochs=5)
    >>> r.dead_fraction.shape
    (3, 1, 1)
    """
    act = get(activation)
    norms = tuple(choice("norm", n, NORMALISATIONS) for n in norms)
    if not norms:
        raise ValueError("norms must hold at least one of: " + ", ".join(NORMALISATIONS))
    rates = np.array([positive_number("learning_rates", r) for r in learning_rates])
    if rates.size == 0:
        raise ValueError("learning_rates must hold at least one learning rate")
    seeds = _seeds(seeds)
    epochs = integer_at_least("epochs", epochs, 1)
    width = integer_at_least("width", width, 1)
    if init_scale is not None:
        init_scale = positive_number("init_scale", init_scale)
    X, y = _normalised_moons()
    with np.errstate(over="ignore", invalid="ignore"):
        bounds = tuple(float(v) for v in act(np.array([-np.inf, np.inf])))
    bounded = all(np.isfinite(bounds))
    shape = (len(norms), rates.size, len(seeds))
    dead, saturated, loss, accuracy = (np.full(shape, np.nan) for _ in range(4))
    diverged = np.zeros(shape, bool)
    at_init = np.full((len(norms), len(seeds)), np.nan)
    for i, norm in enumerate(norms):
        for j, lr in enumerate(rates):
            for k, seed in enumerate(seeds):
                net = normalised_network(
                    act, norm, (2, width, width, 1), seed, init_scale=init_scale
                )
                if j == 0 and bounded:
                    at_init[i, k] = _saturated(net, X, bounds, training=True)
                history = net.fit(X, y, loss="bce", lr=lr, epochs=epochs, batch_size=16, seed=seed)
                diverged[i, j, k] = run_diverged(history, net)
                if diverged[i, j, k]:
                    continue  # reported as diverged: its measures stay NaN
                loss[i, j, k] = history.loss[-1]
                hidden = _hidden_outputs(net, X)
                units = sum(o.shape[1] for o in hidden)
                dead[i, j, k] = sum(dead_fraction(o) * o.shape[1] for o in hidden) / units
                if bounded:
                    saturated[i, j, k] = np.mean([saturated_fraction(o, bounds) for o in hidden])
                net.eval()
                accuracy[i, j, k] = np.mean(net.predict_labels(X) == y)
                net.train()
    return NormalisationRemedy(
        activation=act.name,
        norms=norms,
        learning_rates=rates,
        seeds=seeds,
        epochs=epochs,
        dead_fraction=dead,
        saturated_fraction=saturated,
        final_loss=loss,
        accuracy=accuracy,
        diverged=diverged,
        saturated_at_init=at_init,
        init_scale=init_scale,
    )


# -------------------------------------------------------- the redundant bias
@dataclass(frozen=True)
class BiasBeforeBatchNorm:
    """A dense layer's bias followed by batch normalisation, measured; one entry per seed."""

    seeds: tuple[int, ...]
    bias_gradient: np.ndarray
    """Largest :math:`|\\partial L/\\partial b|` of the first dense layer, followed by
    batch normalisation (in exact arithmetic 0)."""
    weight_gradient: np.ndarray
    """Largest :math:`|\\partial L/\\partial W|` of the same layer, for scale."""
    beta_gradient: np.ndarray
    """Largest :math:`|\\partial L/\\partial \\beta|` of the batch normalisation: the shift
    that does the bias's job."""
    bias_gradient_without_norm: np.ndarray
    """Largest :math:`|\\partial L/\\partial b|` in the same network without batch normalisation."""
    output_change: np.ndarray
    """Largest change of the network's output (training mode) when every bias of the
    layer is moved by a standard normal draw times ``shift``."""
    bias_change: np.ndarray
    """Largest change of a bias during ``epochs`` of full-batch training."""
    weight_change: np.ndarray
    """Largest change of a weight of the same layer during that training."""
    diverged: np.ndarray
    """That training diverged (then both changes are NaN)."""
    shift: float
    epochs: int


def bias_before_batchnorm(
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    width: int = 16,
    shift: float = 1.0,
    epochs: int = 100,
    lr: float = 0.5,
) -> BiasBeforeBatchNorm:
    """A bias added just before batch normalisation is subtracted again with the
    batch mean: it changes nothing and gets no gradient (Ioffe and Szegedy, 2015).

    Network 2-``width``-1 on the normalised moons: dense, batch normalisation,
    ReLU, dense, sigmoid, in training mode (batch statistics over the whole
    training set, full-batch gradient descent). The backward pass of batch
    normalisation returns gradients whose sum over the batch is 0, and the
    bias's gradient is that sum: what is left is rounding.

    >>> r = bias_before_batchnorm(seeds=(0,), epochs=5)
    >>> bool(r.bias_gradient[0] < 1e-15 < 1e-3 < r.bias_gradient_without_norm[0])
    True
    """
    seeds = _seeds(seeds)
    width = integer_at_least("width", width, 1)
    shift = positive_number("shift", shift)
    epochs = integer_at_least("epochs", epochs, 1)
    lr = positive_number("lr", lr)
    X, y = _normalised_moons()
    keys = ("bias", "weight", "beta", "plain", "output", "bias_change", "weight_change", "diverged")
    rows: dict[str, list] = {k: [] for k in keys}
    for seed in seeds:
        net = normalised_network("relu", "batch", (2, width, 1), seed)
        plain = normalised_network("relu", "none", (2, width, 1), seed)
        first = net.layers[0]
        _, grads = net.loss_and_grads(X, y, loss="bce")
        rows["weight"].append(float(np.abs(grads[0]).max()))
        rows["bias"].append(float(np.abs(grads[1]).max()))
        rows["beta"].append(float(np.abs(grads[3]).max()))
        rows["plain"].append(float(np.abs(plain.loss_and_grads(X, y, loss="bce")[1][1]).max()))
        before = net.forward(X)
        saved = first.b.copy()
        first.b += shift * np.random.default_rng([seed, 1]).standard_normal(width)
        rows["output"].append(float(np.abs(net.forward(X) - before).max()))
        first.b[...] = saved
        W0 = first.W.copy()
        history = net.fit(X, y, loss="bce", lr=lr, epochs=epochs)
        gone = run_diverged(history, net)
        rows["diverged"].append(gone)
        rows["bias_change"].append(np.nan if gone else float(np.abs(first.b - saved).max()))
        rows["weight_change"].append(np.nan if gone else float(np.abs(first.W - W0).max()))
    return BiasBeforeBatchNorm(
        seeds=seeds,
        bias_gradient=np.array(rows["bias"]),
        weight_gradient=np.array(rows["weight"]),
        beta_gradient=np.array(rows["beta"]),
        bias_gradient_without_norm=np.array(rows["plain"]),
        output_change=np.array(rows["output"]),
        bias_change=np.array(rows["bias_change"]),
        weight_change=np.array(rows["weight_change"]),
        diverged=np.array(rows["diverged"]),
        shift=shift,
        epochs=epochs,
    )
