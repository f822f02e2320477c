"""Chapter 1, why a network needs a non-linear activation: stacked linear layers
collapse into one, no line separates the rings, two ReLUs make a step and many
approximate any curve, the output activation must reach the target, and a
playground where a small network learns."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number
from actnet.activations import Activation, get
from actnet.experiments._training import ActivationLike
from actnet.nn import MLP
from actnet.optim import Adam

__all__ = [
    "LinearCollapse",
    "linear_collapse",
    "Separability",
    "separability",
    "ReluStep",
    "relu_step",
    "ReluApproximation",
    "relu_approximation",
    "RegressionOutput",
    "regression_output",
    "PlaygroundRun",
    "PlaygroundSession",
    "playground",
]


# ------------------------------------------------------------- linear collapse
@dataclass(frozen=True)
class LinearCollapse:
    """Stacked linear layers and the single matrix they equal."""

    weights: list[np.ndarray]
    """The layer matrices ``W1, W2, ...`` in the order they are applied."""
    product: np.ndarray
    """``W = W_L ... W_2 W_1``, the one matrix the stack equals."""
    inputs: np.ndarray
    stacked_outputs: np.ndarray
    """The inputs pushed through the layers one at a time."""
    collapsed_outputs: np.ndarray
    """The inputs multiplied by ``product`` once."""
    max_difference: float
    """Largest absolute difference between the two outputs (rounding only)."""


def linear_collapse(
    sizes: tuple[int, ...] = (2, 8, 8, 8, 1), n_points: int = 1000, seed: int = 0
) -> LinearCollapse:
    """Push points through a stack of linear layers and through their product.

    The claim: ``W4 (W3 (W2 (W1 x)))`` equals ``(W4 W3 W2 W1) x``, so depth
    without a non-linearity adds nothing.

    >>> result = linear_collapse()
    >>> result.product.shape, result.max_difference < 1e-12
    ((1, 2), True)
    """
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 3 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least 3 positive layer sizes, got {sizes}")
    rng = np.random.default_rng(seed)
    weights = [
        rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])
    ]
    product = np.linalg.multi_dot(weights[::-1]) if len(weights) > 2 else weights[1] @ weights[0]
    inputs = rng.normal(size=(n_points, sizes[0]))
    stacked = inputs
    for w in weights:
        stacked = stacked @ w.T
    collapsed = inputs @ product.T
    return LinearCollapse(
        weights, product, inputs, stacked, collapsed, float(np.abs(stacked - collapsed).max())
    )


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


# --------------------------------------------------------- two ReLUs, one step
@dataclass(frozen=True)
class ReluStep:
    """``relu(k x) - relu(k x - 1)``: a ramp from 0 to 1 that sharpens with ``k``."""

    x: np.ndarray
    sharpness: np.ndarray
    steps: np.ndarray
    """``steps[i]`` is the two-ReLU step with ``sharpness[i]`` on ``x``."""
    sigmoid: np.ndarray
    """``sigmoid(4 x - 2)``: same midpoint and same slope there as the ``k = 1`` ramp."""
    max_gap_to_sigmoid: float
    """Largest difference between the ``k = 1`` step and that sigmoid."""
    mean_gap_to_unit_step: np.ndarray
    """For each sharpness, the mean difference to the unit step ``x > 0`` on the grid."""
    best_line_gap: float
    """Largest difference between the ``k = 1`` step and the least-squares line:
    a difference of two linear functions is linear and cannot bend into a step."""


def relu_step(
    sharpness: tuple[float, ...] = (1.0, 2.0, 5.0, 20.0),
    x_range: tuple[float, float] = (-2.0, 3.0),
    n: int = 1001,
) -> ReluStep:
    """Two ReLUs subtracted make a step; two lines subtracted stay a line.

    >>> r = relu_step()
    >>> float(r.steps[0][r.x == 0.5][0]), round(r.best_line_gap, 2)
    (0.5, 0.35)
    """
    k = np.asarray(sharpness, dtype=float)
    if k.ndim != 1 or k.size == 0 or not (k > 0).all():
        raise ValueError(f"sharpness must be a sequence of positive numbers, got {sharpness!r}")
    relu = get("relu")
    x = np.linspace(*x_range, n)
    steps = relu(k[:, None] * x) - relu(k[:, None] * x - 1.0)
    sig = get("sigmoid")(4.0 * x - 2.0)
    unit_step = (x > 0).astype(float)
    line = np.polyval(np.polyfit(x, steps[0], 1), x)
    return ReluStep(
        x=x,
        sharpness=k,
        steps=steps,
        sigmoid=sig,
        max_gap_to_sigmoid=float(np.abs(steps[0] - sig).max()),
        mean_gap_to_unit_step=np.abs(steps - unit_step).mean(axis=1),
        best_line_gap=float(np.abs(line - steps[0]).max()),
    )


# --------------------------------------------------------------- approximation
TARGETS = {
    "sin": lambda x: np.sin(np.pi * x),
    "abs": np.abs,
    "bump": lambda x: np.exp(-8.0 * x * x),
}


@dataclass(frozen=True)
class ReluApproximation:
    """One hidden layer of ReLUs fitted to a 1-D target, for growing widths."""

    target: str
    widths: np.ndarray
    x: np.ndarray
    y: np.ndarray
    fits: list[np.ndarray]
    """``fits[i]`` is the network output on ``x`` with ``widths[i]`` hidden units."""
    max_errors: np.ndarray
    """Largest absolute error of each fit on ``x``."""


def relu_approximation(
    target: str = "sin", widths: tuple[int, ...] = (2, 4, 8, 16, 32), n: int = 401
) -> ReluApproximation:
    """Fit ``y = c0 + sum_i c_i relu(x - t_i)`` with knots ``t_i`` spread over [-1, 1].

    Each term is one hidden ReLU unit (input weight 1, bias ``-t_i``); the
    output weights ``c`` are the least-squares solution, so the error is that
    of the best network with those hidden units, and it falls as units are
    added: the universal approximation theorem at work (Leshno et al., 1993).

    >>> r = relu_approximation()
    >>> bool(np.all(np.diff(r.max_errors) < 0))
    True
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {sorted(TARGETS)}, got {target!r}")
    widths_arr = np.asarray(widths, dtype=int)
    if widths_arr.ndim != 1 or (widths_arr < 1).any():
        raise ValueError(f"widths must be positive integers, got {widths!r}")
    relu = get("relu")
    x = np.linspace(-1.0, 1.0, n)
    y = TARGETS[target](x)
    fits, errors = [], []
    for width in widths_arr:
        knots = np.linspace(-1.0, 1.0, width + 1)[:-1]
        features = np.column_stack([np.ones_like(x), relu(x[:, None] - knots)])
        coeffs, *_ = np.linalg.lstsq(features, y, rcond=None)
        fit = features @ coeffs
        fits.append(fit)
        errors.append(np.abs(fit - y).max())
    return ReluApproximation(target, widths_arr, x, y, fits, np.array(errors))


# ----------------------------------------------------------- output activation
@dataclass(frozen=True)
class RegressionOutput:
    """The same regression network trained with different output activations."""

    outputs: list[str]
    """Name of each output activation, one row of ``fits`` each."""
    x: np.ndarray
    y: np.ndarray
    """The target ``2 sin(pi x)``: real values from -2 to 2."""
    fits: np.ndarray
    """Shape ``(outputs, len(x))``: each trained network's prediction."""
    mse: np.ndarray
    """Mean squared error of each trained network on ``(x, y)``."""
    output_range: list[tuple[float, float]]
    """The values each output activation can take, ``(f(-inf), f(inf))``."""
    floor_mse: np.ndarray
    """The least mean squared error *any* network with that output could reach:
    that of the target clipped to ``output_range``."""


def regression_output(
    outputs: tuple[str | Activation, ...] = ("identity", "sigmoid", "relu"),
    width: int = 16,
    epochs: int = 600,
    n: int = 101,
    seed: int = 0,
) -> RegressionOutput:
    r"""Fit :math:`y = 2\sin(\pi x)` on [-1, 1] with one hidden layer of ``width`` tanh units.

    Every network is the same (same sizes, same seed, full-batch Adam at
    learning rate 0.02, mean squared error) except for the activation of its
    output. The hidden layer supplies the non-linearity; the output must
    be able to take every value of the target. The identity can; a sigmoid
    output is stuck in (0, 1) and a ReLU output in [0, inf), so no training
    brings their error below ``floor_mse``.

    >>> r = regression_output()
    >>> bool(r.mse[0] < 0.01 < 1.0 < r.floor_mse[1] <= r.mse[1])
    True
    """
    width = integer_at_least("width", width, 1)
    epochs = integer_at_least("epochs", epochs, 1)
    n = integer_at_least("n", n, 2)
    acts = [get(o) for o in outputs]
    if not acts:
        raise ValueError("outputs must name at least one output activation")
    x = np.linspace(-1.0, 1.0, n)
    y = 2.0 * np.sin(np.pi * x)
    fits, errors, ranges, floors = [], [], [], []
    for act in acts:
        net = MLP([1, width, 1], activation="tanh", output=act, init="xavier_normal", seed=seed)
        net.fit(x[:, None], y[:, None], loss="mse", optimizer="adam", lr=0.02, epochs=epochs)
        fit = net.predict(x[:, None])[:, 0]
        low, high = (float(v) for v in act(np.array([-np.inf, np.inf])))
        fits.append(fit)
        errors.append(float(np.mean((fit - y) ** 2)))
        ranges.append((low, high))
        floors.append(float(np.mean((np.clip(y, low, high) - y) ** 2)))
    return RegressionOutput(
        outputs=[a.name for a in acts],
        x=x,
        y=y,
        fits=np.array(fits),
        mse=np.array(errors),
        output_range=ranges,
        floor_mse=np.array(floors),
    )


# ------------------------------------------------------------------ playground
#: Radii of class 0 and class 1 for the playground's rings: class 1 (red) on the inner circle.
PLAYGROUND_RINGS = (1.0, 0.5)


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
        activation: ActivationLike | Sequence[ActivationLike],
        width: int,
        depth: int,
        n: int = 200,
        seed: int = 0,
        lr: float = 0.05,
        init: str = "he",
    ) -> None:
        width = integer_at_least("width", width, 1)
        depth = integer_at_least("depth", depth, 1)
        if isinstance(activation, (list, tuple)):
            if len(activation) != depth:
                raise ValueError(
                    f"activation: one per hidden layer ({depth}) or a single one, "
                    f"got {len(activation)}"
                )
            names = [get(a).name for a in activation]
            # one name when every layer has the same activation
            self.activation = names[0] if len(set(names)) == 1 else "/".join(names)
            activation = names
        else:
            self.activation = get(activation).name
        self.dataset, self.init = dataset, init
        self.width, self.depth = width, depth
        # red (class 1) inside the blue ring, as in the first chapter's rings figure
        options = {"radii": PLAYGROUND_RINGS} if dataset == "rings" else {}
        self.X, self.y = data.classification(dataset, n=n, seed=seed, **options)
        self.net = MLP(
            [2] + [width] * depth + [1],
            activation=activation,
            output="sigmoid",
            seed=seed,
            init=init,
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
                + ("" if self.init == "he" else f", {self.init} init")
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
    dataset: str,
    activation: str | Sequence[str],
    width: int,
    depth: int,
    epochs: int,
    n: int = 200,
    seed: int = 0,
    init: str = "he",
) -> PlaygroundRun:
    """The classifier of the playground after ``epochs`` epochs from seed ``seed``.

    The latest session for each setting is kept, so asking for more epochs
    continues it (a "step" costs only the new epochs) and asking for fewer
    starts again from the same seed; either way the result is the same.
    ``activation`` is one name for every hidden layer or one per hidden layer;
    ``init`` names the weight initialiser (:mod:`actnet.init`).

    >>> run = playground("moons", "relu", width=8, depth=2, epochs=60)
    >>> bool(run.loss[-1] < run.loss[0]), run.epochs
    (True, 60)
    """
    epochs = integer_at_least("epochs", epochs, 0)
    if isinstance(activation, list):
        activation = tuple(activation)
    key = (dataset, activation, width, depth, n, seed, init)
    session = _SESSIONS.pop(key, None)
    if session is None or session.epoch > epochs:
        session = PlaygroundSession(dataset, activation, width, depth, n=n, seed=seed, init=init)
    session.train(epochs - session.epoch)
    _SESSIONS[key] = session
    while len(_SESSIONS) > 8:
        _SESSIONS.popitem(last=False)
    return session.run()
