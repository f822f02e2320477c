"""Experiments driven step by step from an explorer's buttons.

Each press of "kick the bias" or "step" continues the same run, so these
experiments keep the state of their latest run and extend it rather than start
again. The results never depend on that: asking for ``kicks=3`` (or 60 epochs)
directly gives exactly the numbers that three presses (or twelve steps of 5
epochs) give.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number, real_number
from actnet.activations import Activation, get
from actnet.nn import MLP
from actnet.optim import Adam

__all__ = [
    "ActivationCurves",
    "KickedLayer",
    "PlaygroundRun",
    "PlaygroundSession",
    "activation_curves",
    "kick_the_bias",
    "playground",
]

ActivationLike = str | Activation

#: Radii of class 0 and class 1 for the playground's rings: class 1 (red) on the inner circle.
PLAYGROUND_RINGS = (1.0, 0.5)
_ALPHA_PARAMETER = ("leaky_relu", "prelu", "elu")
_BETA_PARAMETER = ("silu", "softplus")


# ------------------------------------------------------------ activation curves
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


# ----------------------------------------------------------------- kick the bias
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


def _kick_data() -> tuple[np.ndarray, np.ndarray]:
    X, y = data.moons(n=200, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _kicked_run(key: tuple, act: Activation, kicks: int) -> tuple:
    """(params, inactive, loss, kick_steps, reaching) after ``kicks`` kicks, extending a cached run.

    Each segment records its starting state (the initial network, or the one
    just kicked) and the state after each of its ``steps`` updates.
    """
    if (key, kicks) in _KICK_CACHE:
        _KICK_CACHE.move_to_end((key, kicks))
        return _KICK_CACHE[(key, kicks)]
    lr, kick_gradient, width, steps, seed = key[1:]
    X, y = _kick_data()
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


# ------------------------------------------------------------------ playground
@dataclass(frozen=True)
class PlaygroundRun:
    """One trained network of the playground, ready for :func:`actnet.plots.playground`."""

    title: str
    X: np.ndarray
    y: np.ndarray
    grid_x: np.ndarray
    grid_y: np.ndarray
    probability: np.ndarray
    """P(class 1) on the grid, shape ``(len(grid_y), len(grid_x))``."""
    loss: np.ndarray
    """Training loss per epoch, row 0 before training."""
    accuracy: float
    """Training accuracy after the last epoch."""
    epochs: int


class PlaygroundSession:
    """A small classifier being trained, one call of :meth:`train` after another.

    Full-batch Adam (learning rate ``lr``) on binary cross-entropy; the same
    optimiser state carries over between calls, so ``train(10); train(10)``
    gives exactly what ``train(20)`` gives.
    """

    def __init__(
        self,
        dataset: str,
        activation: ActivationLike,
        width: int,
        depth: int,
        n: int = 200,
        seed: int = 0,
        lr: float = 0.05,
    ) -> None:
        width = integer_at_least("width", width, 1)
        depth = integer_at_least("depth", depth, 1)
        self.dataset, self.activation = dataset, get(activation).name
        self.width, self.depth = width, depth
        # red (class 1) inside the blue ring, as in the first chapter's rings figure
        options = {"radii": PLAYGROUND_RINGS} if dataset == "rings" else {}
        self.X, self.y = data.classification(dataset, n=n, seed=seed, **options)
        self.net = MLP(
            [2] + [width] * depth + [1], activation=activation, output="sigmoid", seed=seed
        )
        self._optimizer = Adam(lr=positive_number("lr", lr))
        loss, out_accuracy = self._evaluate()
        self.loss, self.accuracy = [loss], [out_accuracy]
        lo, hi = self.X.min(axis=0) - 0.3, self.X.max(axis=0) + 0.3
        self.grid_x, self.grid_y = np.linspace(lo[0], hi[0], 41), np.linspace(lo[1], hi[1], 41)

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return len(self.loss) - 1

    def _evaluate(self) -> tuple[float, float]:
        loss, _ = self.net.loss_and_grads(self.X, self.y, loss="bce")
        accuracy = np.mean(self.net.predict_labels(self.X) == self.y)
        return float(loss), float(accuracy)

    def train(self, epochs: int) -> PlaygroundSession:
        """Train ``epochs`` more epochs (0 does nothing)."""
        epochs = integer_at_least("epochs", epochs, 0)
        if epochs:
            history = self.net.fit(
                self.X, self.y, loss="bce", optimizer=self._optimizer, epochs=epochs
            )
            self.loss.extend(history.loss[1:].tolist())
            self.accuracy.extend(history.accuracy[1:].tolist())
        return self

    def run(self) -> PlaygroundRun:
        """The current state: decision regions on a 41 x 41 grid, loss curve, accuracy."""
        grid = np.column_stack([a.ravel() for a in np.meshgrid(self.grid_x, self.grid_y)])
        probability = self.net.predict(grid)[:, 0].reshape(self.grid_y.size, self.grid_x.size)
        return PlaygroundRun(
            title=(
                f"{self.dataset}, {self.depth}×{self.width} {self.activation}, {self.epoch} epochs"
            ),
            X=self.X,
            y=self.y,
            grid_x=self.grid_x,
            grid_y=self.grid_y,
            probability=probability,
            loss=np.array(self.loss),
            accuracy=self.accuracy[-1],
            epochs=self.epoch,
        )


_SESSIONS: OrderedDict = OrderedDict()


def playground(
    dataset: str, activation: str, width: int, depth: int, epochs: int, n: int = 200, seed: int = 0
) -> PlaygroundRun:
    """The classifier of the playground after ``epochs`` epochs from seed ``seed``.

    The latest session for each setting is kept, so asking for more epochs
    continues it (a "step" costs only the new epochs) and asking for fewer
    starts again from the same seed; either way the result is the same.

    >>> run = playground("moons", "relu", width=8, depth=2, epochs=60)
    >>> bool(run.loss[-1] < run.loss[0]), run.epochs
    (True, 60)
    """
    epochs = integer_at_least("epochs", epochs, 0)
    key = (dataset, activation, width, depth, n, seed)
    session = _SESSIONS.pop(key, None)
    if session is None or session.epoch > epochs:
        session = PlaygroundSession(dataset, activation, width, depth, n=n, seed=seed)
    session.train(epochs - session.epoch)
    _SESSIONS[key] = session
    while len(_SESSIONS) > 8:
        _SESSIONS.popitem(last=False)
    return session.run()
