r"""Losses: value and gradient with respect to the network's output.

Each loss is averaged over the examples (rows). ``value(output, y)`` is a float,
``grad(output, y)`` has the shape of ``output``. Computed without floating-point
warnings for any finite input.

=========================  ====================================================
name                       loss of one example
=========================  ====================================================
``mse``                    :math:`\frac1m\sum_j (\hat y_j - y_j)^2` (mean over the m outputs)
``bce``                    :math:`-y\log p - (1-y)\log(1-p)`, ``p`` a probability
``bce_with_logits``        the same with :math:`p = \sigma(z)`, from the logit ``z``
``softmax_cross_entropy``  :math:`-\log \operatorname{softmax}(z)_{y}`, from logits
=========================  ====================================================
"""

from __future__ import annotations

import numpy as np

from actnet._validate import choice
from actnet.activations import sigmoid

__all__ = [
    "LOSSES",
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "Loss",
    "MeanSquaredError",
    "SoftmaxCrossEntropy",
    "get_loss",
    "softmax",
]

#: Probabilities are clipped to [PROBABILITY_EPS, 1 - PROBABILITY_EPS] inside a log.
PROBABILITY_EPS = 1e-12


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so it never overflows.

    >>> softmax(np.array([[0.0, 1000.0]]))
    array([[0., 1.]])
    """
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _log1p_exp(z: np.ndarray) -> np.ndarray:
    """``log(1 + e^z)``: ``logaddexp(0, z)``'s formula, ``max(z, 0) + log1p(e^-|z|)``,
    with NumPy's vectorised exp and log1p (the ufunc calls scalar ones)."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


class Loss:
    """Base class: ``value(output, y) -> float``, ``grad(output, y) -> array``."""

    name: str = ""
    #: True if the loss reads class labels (accuracy is then meaningful).
    classification: bool = False

    def value(self, output: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def grad(self, output: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, output: np.ndarray, y: np.ndarray) -> float:
        return self.value(output, y)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    r"""Mean squared error, :math:`L = \frac{1}{nm}\sum_{i,j}(\hat y_{ij} - y_{ij})^2`.

    .. math:: \partial L / \partial \hat y_{ij} = \tfrac{2}{nm}(\hat y_{ij} - y_{ij})

    >>> MeanSquaredError().value(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    2.5
    """

    name = "mse"

    def value(self, output, y):
        return float(np.mean((output - y) ** 2))

    def grad(self, output, y):
        return 2.0 * (output - y) / output.size


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy of probabilities ``p`` against labels ``y`` in {0, 1}.

    .. math::
        L = -\frac{1}{n}\sum_i \big(y_i \log p_i + (1-y_i)\log(1-p_i)\big), \qquad
        \frac{\partial L}{\partial p_i} = \frac{1}{n}\,\frac{p_i - y_i}{p_i(1-p_i)}

    ``p`` is clipped to :math:`[10^{-12}, 1-10^{-12}]` inside the log. A network
    whose output layer is a sigmoid never goes through this formula: it is
    trained with :class:`BinaryCrossEntropyWithLogits` on the sigmoid's input.

    >>> round(BinaryCrossEntropy().value(np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])), 6)
    0.164252
    """

    name = "bce"
    classification = True

    def value(self, output, y):
        p = np.clip(output, PROBABILITY_EPS, 1.0 - PROBABILITY_EPS)
        return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))

    def grad(self, output, y):
        p = np.clip(output, PROBABILITY_EPS, 1.0 - PROBABILITY_EPS)
        return (p - y) / (p * (1.0 - p)) / output.size


class BinaryCrossEntropyWithLogits(Loss):
    r"""Binary cross-entropy from the logit ``z`` (the sigmoid's input), stably.

    .. math::
        L = \frac1n\sum_i \big(\log(1 + e^{z_i}) - y_i z_i\big), \qquad
        \frac{\partial L}{\partial z_i} = \frac{1}{n}\big(\sigma(z_i) - y_i\big)

    computed with ``logaddexp``, so no logit overflows.

    >>> z, y = np.array([[1000.0], [-1000.0]]), np.array([[1.0], [0.0]])
    >>> BinaryCrossEntropyWithLogits().value(z, y)
    0.0
    """

    name = "bce_with_logits"
    classification = True

    def value(self, output, y):
        return float((_log1p_exp(output) - y * output).mean())

    def grad(self, output, y):
        return self.grad_from_probabilities(sigmoid(output), y)

    @staticmethod
    def grad_from_probabilities(p: np.ndarray, y: np.ndarray) -> np.ndarray:
        r"""The gradient with respect to the logits from :math:`p = \sigma(z)`:
        :math:`(p - y)/n`. A network with a sigmoid output has ``p`` already."""
        return (p - y) / p.size


class SoftmaxCrossEntropy(Loss):
    r"""Cross-entropy of the softmax of logits ``z`` (n, C) against one-hot ``y`` (n, C).

    .. math::
        L = -\frac1n\sum_i \sum_c y_{ic}\log\operatorname{softmax}(z_i)_c, \qquad
        \frac{\partial L}{\partial z_{ic}} = \frac1n\big(\operatorname{softmax}(z_i)_c - y_{ic}\big)

    Uses ``log softmax = z - logsumexp(z)``, which never overflows. The network
    turns integer labels into one-hot rows before calling it. Each row of ``y`` is a
    distribution over the classes (in [0, 1], summing to 1): otherwise the gradient
    :math:`p - y` no longer sums to 0 over a row and the loss has no minimum, so such
    targets are refused with a ValueError.

    >>> z = np.array([[0.0, 0.0]]); y = np.array([[1.0, 0.0]])
    >>> round(SoftmaxCrossEntropy().value(z, y), 6)
    0.693147
    >>> SoftmaxCrossEntropy().value(z, np.array([[1.0, 1.0]]))
    Traceback (most recent call last):
    ...
    ValueError: y: each row must be a distribution over the 2 classes (in [0, 1], summing to 1); row 0 is [1.0, 1.0], which sums to 2
    """

    name = "softmax_cross_entropy"
    classification = True

    @staticmethod
    def _check_targets(output: np.ndarray, y: np.ndarray) -> None:
        if np.shape(y) != np.shape(output) or np.ndim(y) != 2:
            raise ValueError(
                f"y must have the logits' shape (n, classes) = {np.shape(output)}, one row per "
                f"example; got shape {np.shape(y)} (one-hot rows, not integer labels)"
            )
        sums = y.sum(axis=1)
        bad = np.flatnonzero(
            (y < 0).any(axis=1) | (y > 1).any(axis=1) | ~(np.abs(sums - 1) <= 1e-6)
        )
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"y: each row must be a distribution over the {y.shape[1]} classes (in [0, 1], "
                f"summing to 1); row {i} is {y[i].tolist()}, which sums to {sums[i]:g}"
            )

    def value(self, output, y):
        self._check_targets(output, y)
        shifted = output - output.max(axis=1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-np.sum(y * log_softmax) / output.shape[0])

    def grad(self, output, y):
        return self.grad_from_probabilities(softmax(output), y)

    @classmethod
    def grad_from_probabilities(cls, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        r"""The gradient with respect to the logits from :math:`p = \operatorname{softmax}(z)`:
        :math:`(p - y)/n`. A network with a softmax output has ``p`` already."""
        cls._check_targets(p, y)
        return (p - y) / p.shape[0]


_LOSSES: dict[str, type[Loss]] = {
    "mse": MeanSquaredError,
    "bce": BinaryCrossEntropy,
    "bce_with_logits": BinaryCrossEntropyWithLogits,
    "softmax_cross_entropy": SoftmaxCrossEntropy,
}
_ALIASES = {
    "mean_squared_error": "mse",
    "binary_cross_entropy": "bce",
    "binary_cross_entropy_with_logits": "bce_with_logits",
    "cross_entropy": "softmax_cross_entropy",
}
#: The names :func:`get_loss` accepts (aliases excluded).
LOSSES: tuple[str, ...] = tuple(_LOSSES)


def get_loss(name: str | Loss) -> Loss:
    """The loss called ``name`` (or ``name`` itself if it is a :class:`Loss`).

    >>> get_loss("mse")
    MeanSquaredError()
    >>> get_loss("hinge")
    Traceback (most recent call last):
    ...
    ValueError: unknown loss 'hinge'; valid names: mse, bce, bce_with_logits, softmax_cross_entropy
    """
    if isinstance(name, Loss):
        return name
    if isinstance(name, str):
        key = name.strip().lower()
        key = _ALIASES.get(key, key)
        if key in _LOSSES:
            return _LOSSES[key]()
    return _LOSSES[choice("loss", name, LOSSES)]()
