r"""Chapter 9, the output layer, measured: softmax with cross-entropy and its gradient
:math:`p - y`, the sigmoid as a two-class softmax, the overflow that the shift by the
largest logit avoids, the softmax's temperature, and one label per example (softmax)
against several (a sigmoid per class)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from actnet import data
from actnet._validate import integer_at_least, positive_number, real_number
from actnet.activations import sigmoid
from actnet.gradcheck import numerical_gradient, relative_error
from actnet.losses import SoftmaxCrossEntropy, softmax
from actnet.nn import MLP

__all__ = [
    "MultiLabelComparison",
    "SoftmaxGradient",
    "SoftmaxOverflow",
    "SoftmaxTemperature",
    "TwoClassSoftmax",
    "multi_label_vs_multi_class",
    "softmax_gradient",
    "softmax_overflow",
    "softmax_temperature",
    "two_class_softmax",
]


# ------------------------------------------------------------ the gradient p - y
@dataclass(frozen=True)
class SoftmaxGradient:
    """The gradient of the softmax cross-entropy on the logits: the formula and central
    differences, for the same logits and labels."""

    logits: np.ndarray
    """Shape ``(n, classes)``."""
    targets: np.ndarray
    """One-hot rows, shape ``(n, classes)``."""
    probabilities: np.ndarray
    """``softmax(logits)``, row by row."""
    analytic: np.ndarray
    r""":math:`(p - y)/n`, the derived gradient of the mean loss."""
    numerical: np.ndarray
    """Central differences of the mean loss, one logit at a time."""
    max_abs_error: float
    """Largest absolute difference between the two."""
    relative_error: float
    """:func:`actnet.gradcheck.relative_error` of the two."""
    eps: float
    """The step of the central differences."""


def softmax_gradient(
    n: int = 4, n_classes: int = 3, scale: float = 2.0, seed: int = 0, eps: float = 1e-6
) -> SoftmaxGradient:
    r"""Check the gradient :math:`p - y` of the softmax cross-entropy against central differences.

    For one example with logits :math:`z` and a one-hot target :math:`y`
    (:math:`\sum_c y_c = 1`),

    .. math::
        p_c = \frac{e^{z_c}}{\sum_d e^{z_d}}, \qquad
        L = -\sum_c y_c \log p_c.

    Step 1, the log of the softmax: :math:`\log p_c = z_c - \log\sum_d e^{z_d}`.

    Step 2, its derivative: :math:`\dfrac{\partial}{\partial z_k}\log\sum_d e^{z_d}
    = \dfrac{e^{z_k}}{\sum_d e^{z_d}} = p_k`, so
    :math:`\dfrac{\partial \log p_c}{\partial z_k} = \delta_{ck} - p_k`.

    Step 3, the chain rule:

    .. math::
        \frac{\partial L}{\partial z_k} = -\sum_c y_c(\delta_{ck} - p_k)
        = -y_k + p_k \sum_c y_c = p_k - y_k.

    The last step uses :math:`\sum_c y_c = 1`: the targets must be a
    probability distribution. Averaged over :math:`n` examples the gradient is
    :math:`(p - y)/n`. The softmax's own Jacobian,
    :math:`\partial p_c/\partial z_k = p_c(\delta_{ck} - p_k)`, never has to be
    formed.

    Logits are ``scale`` times standard normal draws (seeded by ``seed``), labels
    uniform over ``n_classes``; everything is float64.

    >>> r = softmax_gradient()
    >>> r.max_abs_error < 1e-9
    True
    """
    n = integer_at_least("n", n, 1)
    n_classes = integer_at_least("n_classes", n_classes, 2)
    scale = positive_number("scale", scale)
    eps = positive_number("eps", eps)
    rng = np.random.default_rng(seed)
    logits = scale * rng.standard_normal((n, n_classes))
    targets = np.eye(n_classes)[rng.integers(0, n_classes, n)]
    loss = SoftmaxCrossEntropy()
    probabilities = softmax(logits)
    analytic = (probabilities - targets) / n
    perturbed = logits.copy()
    numerical = numerical_gradient(lambda: loss.value(perturbed, targets), perturbed, eps)
    return SoftmaxGradient(
        logits=logits,
        targets=targets,
        probabilities=probabilities,
        analytic=analytic,
        numerical=numerical,
        max_abs_error=float(np.max(np.abs(analytic - numerical))),
        relative_error=relative_error(analytic, numerical),
        eps=eps,
    )


# ------------------------------------------------------- the two-class softmax
@dataclass(frozen=True)
class TwoClassSoftmax:
    """``softmax([z, 0])[0]`` and ``sigmoid(z)`` on a grid of ``z``."""

    z: np.ndarray
    softmax_first: np.ndarray
    """The first of the two softmax probabilities of the logits ``(z, 0)``."""
    sigmoid: np.ndarray
    max_abs_difference: float
    """Largest ``|softmax_first - sigmoid|`` on the grid."""
    max_relative_difference: float
    """Largest ``|softmax_first - sigmoid| / sigmoid`` on the grid."""
    equal_fraction: float
    """Share of grid points where the two floats are identical."""


def two_class_softmax(z_max: float = 40.0, n: int = 8001) -> TwoClassSoftmax:
    r"""The sigmoid is the softmax of two logits, one of them held at 0.

    .. math::
        \operatorname{softmax}(z, 0)_1 = \frac{e^{z}}{e^{z} + e^{0}}
        = \frac{1}{1 + e^{-z}} = \sigma(z).

    More generally :math:`\operatorname{softmax}(z_1, z_2)_1 = \sigma(z_1 - z_2)`:
    only the difference of the two logits matters, so a two-class softmax has one
    redundant output, and one sigmoid unit does the same job. In floating point
    the two are not merely close but identical: the softmax subtracts the larger
    of :math:`z` and 0, and :func:`actnet.activations.sigmoid` uses the same
    stable form, :math:`1 / (1 + e^{-|z|})` or :math:`e^{-|z|} / (1 + e^{-|z|})`,
    so both round the same exponential and the same sum. This measures the
    difference on ``n`` points of :math:`[-z_{max}, z_{max}]`.

    >>> r = two_class_softmax()
    >>> r.max_abs_difference, r.equal_fraction
    (0.0, 1.0)
    """
    z_max = positive_number("z_max", z_max)
    n = integer_at_least("n", n, 2)
    z = np.linspace(-z_max, z_max, n)
    first = softmax(np.column_stack([z, np.zeros_like(z)]))[:, 0]
    s = sigmoid(z)
    difference = np.abs(first - s)
    return TwoClassSoftmax(
        z=z,
        softmax_first=first,
        sigmoid=s,
        max_abs_difference=float(difference.max()),
        max_relative_difference=float(np.max(difference / s)),
        equal_fraction=float(np.mean(first == s)),
    )


# -------------------------------------------------------------------- overflow
@dataclass(frozen=True)
class SoftmaxOverflow:
    r"""The softmax of the same three logits shifted by ``±scale``, naive and stable.

    Softmax is unchanged by adding a constant to every logit, so every row has the
    same exact answer; only the computation can tell the rows apart.
    """

    scales: np.ndarray
    """Shape ``(k,)``: the shifts."""
    offsets: np.ndarray
    """The logits before the shift, shape ``(3,)``."""
    cases: tuple[str, str]
    """``("large", "very negative")``: logits ``scale + offsets`` and ``-scale + offsets``."""
    naive: np.ndarray
    r"""Shape ``(k, 2, 3)``: :math:`e^{z_c} / \sum_d e^{z_d}` as written."""
    stable: np.ndarray
    """Shape ``(k, 2, 3)``: :func:`actnet.losses.softmax`, which subtracts the largest
    logit first (so the largest exponent is :math:`e^0 = 1`)."""
    naive_loss: np.ndarray
    r"""Shape ``(k, 2)``: :math:`-\log p_0` from the naive probabilities."""
    stable_loss: np.ndarray
    """Shape ``(k, 2)``: the same from :class:`actnet.losses.SoftmaxCrossEntropy`."""
    exact: np.ndarray
    """``softmax(offsets)``: the right answer of every row."""
    floating_point_errors: list[list[list[str]]]
    """For each scale and case, the floating-point errors NumPy signalled in the naive
    computation (``"overflow"``, ``"underflow"``, ``"invalid value"``), in order."""
    exp_overflow: float
    r""":math:`\ln` of the largest float64: :math:`e^z` is infinite above it."""
    exp_underflow: float
    r""":math:`e^z` rounds to 0 below it: :math:`\ln` of half the smallest positive
    (subnormal) float64."""

    @property
    def naive_finite(self) -> np.ndarray:
        """Shape ``(k, 2)``: rows whose naive probabilities are all finite."""
        return np.all(np.isfinite(self.naive), axis=2)

    @property
    def naive_error(self) -> np.ndarray:
        """Shape ``(k, 2)``: largest distance of the naive probabilities from the exact
        ones (NaN where they are not finite)."""
        with np.errstate(invalid="ignore"):
            return np.max(np.abs(self.naive - self.exact), axis=2)

    @property
    def stable_error(self) -> np.ndarray:
        """Shape ``(k, 2)``: the same for the stable probabilities."""
        return np.max(np.abs(self.stable - self.exact), axis=2)


def softmax_overflow(
    scales: Sequence[float] = (1.0, 10.0, 100.0, 700.0, 710.0, 740.0, 750.0, 1000.0, 1e4),
    offsets: Sequence[float] = (0.0, -1.0, -2.0),
) -> SoftmaxOverflow:
    r"""Show the overflow (and underflow) that the naive softmax meets and the stable one avoids.

    For each ``scale`` the logits are ``scale + offsets`` ("large") and
    ``-scale + offsets`` ("very negative"). Naively, :math:`e^{z}` overflows to
    infinity for :math:`z > 709.78` and :math:`\infty/\infty` is NaN; it
    underflows to 0 for :math:`z < -745.13` and :math:`0/0` is NaN; just above
    that limit it is a subnormal number with few correct bits, and the
    probabilities are finite but wrong. The stable softmax computes
    :math:`e^{z - \max z}`: the largest exponent is 0 and the sum is at least 1,
    so neither can happen. The floating-point errors of the naive computation are
    recorded as data, not raised as warnings.

    >>> r = softmax_overflow(scales=(1.0, 1000.0))
    >>> r.naive_finite.tolist(), bool(np.all(r.stable_error < 1e-15))
    ([[True, True], [False, False]], True)
    >>> r.floating_point_errors[1][0]
    ['overflow', 'invalid value']
    """
    scales = np.asarray([real_number("scales", s) for s in scales], dtype=np.float64)
    if scales.size == 0:
        raise ValueError("scales must hold at least one number")
    offsets = np.asarray([real_number("offsets", o) for o in offsets], dtype=np.float64)
    if offsets.size < 2:
        raise ValueError("offsets must hold at least two logits")
    exact = softmax(offsets[None, :])[0]
    loss = SoftmaxCrossEntropy()
    target = np.eye(offsets.size)[:1]
    naive = np.empty((scales.size, 2, offsets.size))
    stable = np.empty_like(naive)
    naive_loss = np.empty((scales.size, 2))
    stable_loss = np.empty_like(naive_loss)
    errors: list[list[list[str]]] = []
    for i, scale in enumerate(scales):
        errors.append([])
        for j, shift in enumerate((scale, -scale)):
            z = shift + offsets
            signalled: list[str] = []
            # the naive formula, on purpose: record what NumPy signals instead of warning
            with np.errstate(all="call", call=lambda kind, flag, seen=signalled: seen.append(kind)):
                e = np.exp(z)
                naive[i, j] = e / e.sum()
                naive_loss[i, j] = -np.log(naive[i, j, 0])
            errors[i].append(signalled)
            stable[i, j] = softmax(z[None, :])[0]
            stable_loss[i, j] = loss.value(z[None, :], target)
    tiny = np.nextafter(0.0, 1.0)
    return SoftmaxOverflow(
        scales=scales,
        offsets=offsets,
        cases=("large", "very negative"),
        naive=naive,
        stable=stable,
        naive_loss=naive_loss,
        stable_loss=stable_loss,
        exact=exact,
        floating_point_errors=errors,
        exp_overflow=float(np.log(np.finfo(np.float64).max)),
        exp_underflow=float(np.log(tiny) - np.log(2.0)),
    )


# ----------------------------------------------------------------- temperature
@dataclass(frozen=True)
class SoftmaxTemperature:
    r"""``softmax(logits / T)`` for a range of temperatures ``T``."""

    logits: np.ndarray
    temperatures: np.ndarray
    probabilities: np.ndarray
    """Shape ``(len(temperatures), len(logits))``."""
    entropy: np.ndarray
    r"""Shape ``(len(temperatures),)``: :math:`-\sum_c p_c \ln p_c`, from 0 (one class
    certain) to :math:`\ln C` (all equally likely)."""
    max_entropy: float
    r""":math:`\ln C` for :math:`C` classes."""


def softmax_temperature(
    logits: Sequence[float] = (2.0, 1.0, 0.1),
    temperatures: Sequence[float] | np.ndarray | None = None,
) -> SoftmaxTemperature:
    r"""The probabilities of :math:`\operatorname{softmax}(z / T)` as the temperature varies.

    A low temperature sharpens the softmax towards the one-hot vector of the
    largest logit (its name: a soft version of that argmax); a high one
    flattens it towards :math:`1/C` for every class. The order of the
    probabilities never changes. Default temperatures: 61 values from 0.05 to 20,
    evenly spaced on a log scale.

    >>> r = softmax_temperature(temperatures=[0.01, 1.0, 100.0])
    >>> r.probabilities[0].round(3).tolist(), r.probabilities[2].round(2).tolist()
    ([1.0, 0.0, 0.0], [0.34, 0.33, 0.33])
    """
    z = np.asarray([real_number("logits", v) for v in logits], dtype=np.float64)
    if z.size < 2:
        raise ValueError("logits must hold at least two numbers (one per class)")
    if temperatures is None:
        temperatures = np.geomspace(0.05, 20.0, 61)
    t = np.asarray([positive_number("temperatures", v) for v in temperatures], dtype=np.float64)
    if t.size == 0:
        raise ValueError("temperatures must hold at least one temperature")
    p = softmax(z[None, :] / t[:, None])
    # 0 log 0 = 0: a probability that underflowed to 0 adds nothing
    logs = np.log(np.where(p > 0, p, 1.0))
    return SoftmaxTemperature(
        logits=z,
        temperatures=t,
        probabilities=p,
        entropy=-np.sum(p * logs, axis=1),
        max_entropy=float(np.log(z.size)),
    )


# ----------------------------------------------------- one label or several
@dataclass(frozen=True)
class MultiLabelComparison:
    """Softmax and one sigmoid per class, trained on the same data: one true class per
    point (three rings) and several (overlapping discs).

    Arrays shaped ``(datasets, heads, seeds)`` hold one value per trained network,
    measured on a test set drawn with another seed; NaN where the run diverged.
    """

    datasets: tuple[str, str]
    """``("three_rings", "overlapping_discs")``."""
    heads: tuple[str, str]
    """``("softmax", "sigmoid")``: softmax + cross-entropy, or a sigmoid per class +
    binary cross-entropy."""
    seeds: tuple[int, ...]
    exact_match: np.ndarray
    """Share of test points whose predicted set of labels (every class with p > 1/2)
    is exactly the true set."""
    argmax_accuracy: np.ndarray
    """Share of test points whose most probable class is one of their true labels."""
    probability_sum: np.ndarray
    """Mean over the test points of the sum of the predicted probabilities."""
    sum_by_label_count: np.ndarray
    """Shape ``(heads, seeds, 3)``: on the overlapping discs, the mean probability sum
    of the test points with 1, 2 and 3 true labels."""
    label_count_share: np.ndarray
    """Shape ``(seeds, 3)``: share of overlapping-disc test points with 1, 2, 3 labels."""
    diverged: np.ndarray
    """Shape ``(datasets, heads, seeds)``: the run's loss became non-finite."""
    grid: np.ndarray
    """The coordinates of the square grid (both axes) for ``grid_probabilities``."""
    grid_probabilities: np.ndarray
    """Shape ``(datasets, heads, len(grid), len(grid), 3)``: the first seed's networks'
    probabilities on the grid (rows: second coordinate)."""
    X: list[np.ndarray]
    """The first seed's training inputs, one array per data set."""
    Y: list[np.ndarray]
    """The first seed's training labels as 0/1 matrices ``(n, 3)``, one per data set."""
    epochs: int
    lr: float
    width: int

    @property
    def softmax_ceiling(self) -> np.ndarray:
        """Shape ``(seeds,)``: the best exact match a softmax can reach on the overlapping
        discs. Its probabilities sum to 1, so at most one exceeds 1/2: only the points
        with a single label can be matched."""
        return self.label_count_share[:, 0]

    def index(self, dataset: str, head: str) -> tuple[int, int]:
        """Positions of ``dataset`` and ``head`` in the arrays."""
        for name, names in ((dataset, self.datasets), (head, self.heads)):
            if name not in names:
                raise ValueError(f"{name!r} is not one of {', '.join(names)}")
        return self.datasets.index(dataset), self.heads.index(head)


def _as_label_matrix(y: np.ndarray) -> np.ndarray:
    return np.eye(3, dtype=np.int64)[y] if y.ndim == 1 else y


def multi_label_vs_multi_class(
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n: int = 600,
    width: int = 32,
    epochs: int = 600,
    lr: float = 0.01,
    grid_points: int = 61,
) -> MultiLabelComparison:
    r"""Train a softmax head and a sigmoid-per-class head on exclusive and on overlapping labels.

    Both networks are ``[2, width, 3]`` with ReLU hidden units, He initialisation
    and full-batch Adam at learning rate ``lr`` for ``epochs`` epochs; only the
    output differs:

    * **softmax** + cross-entropy: probabilities that sum to 1, one class per
      point. On the overlapping discs, the targets of a point with :math:`k`
      labels are :math:`1/k` on each (cross-entropy needs targets that sum to 1);
    * **sigmoid** per class + binary cross-entropy: three independent
      probabilities, any number of labels per point.

    Training and test sets (``n`` points each) come from
    :func:`actnet.data.three_rings` and :func:`actnet.data.overlapping_discs`
    with the seed and the seed + 10 000. On the discs, the softmax cannot give
    two labels more than 1/2 each, so its exact match is at most the share of
    single-label points (:attr:`MultiLabelComparison.softmax_ceiling`).

    >>> r = multi_label_vs_multi_class(seeds=(0,), epochs=200)
    >>> d, _ = r.index("overlapping_discs", "sigmoid")
    >>> bool(r.exact_match[d, 1, 0] > r.softmax_ceiling[0] >= r.exact_match[d, 0, 0])
    True
    """
    seeds = tuple(integer_at_least("seeds", s, 0) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    n = integer_at_least("n", n, 3)
    width = integer_at_least("width", width, 1)
    epochs = integer_at_least("epochs", epochs, 1)
    lr = positive_number("lr", lr)
    grid_points = integer_at_least("grid_points", grid_points, 2)
    makers = {"three_rings": data.three_rings, "overlapping_discs": data.overlapping_discs}
    datasets, heads = tuple(makers), ("softmax", "sigmoid")
    shape = (len(datasets), len(heads), len(seeds))
    exact, argmax, total = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    diverged = np.zeros(shape, dtype=bool)
    by_count = np.full((len(heads), len(seeds), 3), np.nan)
    count_share = np.empty((len(seeds), 3))
    grid = np.linspace(-1.3, 1.3, grid_points)
    points = np.column_stack([a.ravel() for a in np.meshgrid(grid, grid)])
    grid_p = np.full((len(datasets), len(heads), grid_points, grid_points, 3), np.nan)
    first_X, first_Y = [], []
    for d, name in enumerate(datasets):
        for k, seed in enumerate(seeds):
            X, y = makers[name](n=n, seed=seed)
            X_test, y_test = makers[name](n=n, seed=seed + 10_000)
            Y, Y_test = _as_label_matrix(y), _as_label_matrix(y_test)
            labels_per_point = Y_test.sum(axis=1)
            if k == 0:
                first_X.append(X)
                first_Y.append(Y)
            if name == "overlapping_discs":
                count_share[k] = [np.mean(labels_per_point == c) for c in (1, 2, 3)]
            for h, head in enumerate(heads):
                if head == "softmax":
                    net = MLP([2, width, 3], activation="relu", output="softmax", seed=seed)
                    targets, loss = Y / Y.sum(axis=1, keepdims=True), "softmax_cross_entropy"
                else:
                    net = MLP([2, width, 3], activation="relu", output="sigmoid", seed=seed)
                    targets, loss = Y, "bce"
                history = net.fit(X, targets, loss=loss, optimizer="adam", lr=lr, epochs=epochs)
                if history.diverged:
                    diverged[d, h, k] = True
                    continue
                p = net.predict(X_test)
                predicted = p > 0.5
                exact[d, h, k] = np.mean(np.all(predicted == (Y_test == 1), axis=1))
                argmax[d, h, k] = np.mean(Y_test[np.arange(n), p.argmax(axis=1)] == 1)
                total[d, h, k] = np.mean(p.sum(axis=1))
                if name == "overlapping_discs":
                    for c in (1, 2, 3):
                        chosen = labels_per_point == c
                        if chosen.any():
                            by_count[h, k, c - 1] = np.mean(p[chosen].sum(axis=1))
                if k == 0:
                    grid_p[d, h] = net.predict(points).reshape(grid_points, grid_points, 3)
    return MultiLabelComparison(
        datasets=datasets,
        heads=heads,
        seeds=seeds,
        exact_match=exact,
        argmax_accuracy=argmax,
        probability_sum=total,
        sum_by_label_count=by_count,
        label_count_share=count_share,
        diverged=diverged,
        grid=grid,
        grid_probabilities=grid_p,
        X=first_X,
        Y=first_Y,
        epochs=epochs,
        lr=lr,
        width=width,
    )
