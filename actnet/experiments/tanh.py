"""Chapter 3, tanh: written three ways (and two wrong ways), LeCun's scaled tanh, and
the gradients of a deep tanh network whose units are pushed into saturation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actnet._validate import float_array, integer_at_least, positive_number
from actnet.activations import get
from actnet.experiments._training import deep_batch, gradient_norms
from actnet.experiments.sigmoid import VanishingGradients
from actnet.nn import MLP, saturated_fraction

__all__ = [
    "LECUN_TANH_SCALE",
    "LECUN_TANH_GAIN",
    "TanhForms",
    "tanh_forms",
    "scaled_tanh",
    "LecunTanh",
    "lecun_tanh",
    "SaturatedGradients",
    "saturated_gradients",
]

LECUN_TANH_SCALE = 1.7159
"""The ``a`` of LeCun et al. (1998), *Efficient BackProp*: ``f(x) = a tanh(b x)``."""
LECUN_TANH_GAIN = 2.0 / 3.0
"""The ``b`` of the same recommended sigmoid."""


# ------------------------------------------------------------------ the forms
@dataclass(frozen=True)
class TanhForms:
    """``np.tanh`` beside the formulas that should (and one that should not) equal it."""

    x: np.ndarray
    tanh: np.ndarray
    exponential: np.ndarray
    """``(e^x - e^-x) / (e^x + e^-x)``."""
    via_sigmoid: np.ndarray
    """``2 sigmoid(2x) - 1``."""
    wrong_signs: np.ndarray
    """``(e^-x - e^x) / (e^x + e^-x)``: the signs of the numerator swapped (it is ``-tanh``)."""
    wrong_factor: np.ndarray
    """``2 sigmoid(x) - 1``: the factor 2 inside forgotten (it is ``tanh(x / 2)``)."""

    def max_gap(self, form: str) -> float:
        """Largest absolute difference between ``form`` (a field name) and ``np.tanh`` on ``x``."""
        if form not in ("exponential", "via_sigmoid", "wrong_signs", "wrong_factor"):
            raise ValueError(
                "form must be 'exponential', 'via_sigmoid', 'wrong_signs' or 'wrong_factor', "
                f"got {form!r}"
            )
        return float(np.abs(getattr(self, form) - self.tanh).max())


def tanh_forms(x: np.ndarray | None = None) -> TanhForms:
    r"""Evaluate tanh from its definition, from the sigmoid, and with two common slips.

    .. math:: \tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1

    The default grid is 1001 points on [-5, 5]; inputs must lie in [-300, 300]
    so that the exponentials stay finite.

    >>> r = tanh_forms()
    >>> r.max_gap("exponential") < 1e-15, r.max_gap("via_sigmoid") < 1e-15
    (True, True)
    >>> round(r.max_gap("wrong_signs"), 4)
    1.9998
    """
    x = np.linspace(-5.0, 5.0, 1001) if x is None else float_array("x", x)
    if x.size == 0 or np.abs(x).max() > 300:
        raise ValueError("x must be a non-empty array of values in [-300, 300]")
    sigmoid = get("sigmoid")
    ep, em = np.exp(x), np.exp(-x)
    return TanhForms(
        x=x,
        tanh=np.tanh(x),
        exponential=(ep - em) / (ep + em),
        via_sigmoid=2.0 * sigmoid(2.0 * x) - 1.0,
        wrong_signs=(em - ep) / (ep + em),
        wrong_factor=2.0 * sigmoid(x) - 1.0,
    )


# ------------------------------------------------------------- LeCun's tanh
def scaled_tanh(x, a: float = LECUN_TANH_SCALE, b: float = LECUN_TANH_GAIN) -> np.ndarray:
    """``a tanh(b x)``; the defaults are LeCun et al.'s 1.7159 and 2/3.

    >>> scaled_tanh([-1.0, 0.0, 1.0]).round(4).tolist()
    [-1.0, 0.0, 1.0]
    """
    a, b = positive_number("a", a), positive_number("b", b)
    return a * np.tanh(b * float_array("x", x))


@dataclass(frozen=True)
class LecunTanh:
    """The properties for which ``1.7159 tanh(2x/3)`` was chosen, measured."""

    a: float
    b: float
    value_at_one: float
    value_at_minus_one: float
    slope_at_zero: float
    """``a b``: the gain of the unit near 0."""
    peak_curvature_at: float
    """The positive input where ``|f''|`` is largest (LeCun et al.: at ``x = 1``)."""
    output_variance: float
    """Variance of ``f(z)`` for standard normal ``z`` (Gauss-Hermite quadrature, 80 nodes)."""
    tanh_output_variance: float
    """The same for plain ``tanh``: smaller, so each layer would shrink the signal."""
    x: np.ndarray
    scaled: np.ndarray
    tanh: np.ndarray


def _normal_variance(f) -> float:
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    mean = float(weights @ f(nodes))
    return float(weights @ f(nodes) ** 2 - mean**2)


def lecun_tanh(a: float = LECUN_TANH_SCALE, b: float = LECUN_TANH_GAIN) -> LecunTanh:
    r"""Check the scaled tanh :math:`f(x) = a \tanh(bx)` of LeCun et al. (1998).

    *Efficient BackProp* recommends :math:`a = 1.7159`, :math:`b = 2/3`, chosen
    so that :math:`f(\pm 1) = \pm 1`, the second derivative is largest in
    magnitude near :math:`x = 1`, and the gain is close to 1, so normalised
    inputs give outputs of variance close to 1.

    >>> r = lecun_tanh()
    >>> round(r.value_at_one, 4), round(r.slope_at_zero, 4), round(r.peak_curvature_at, 2)
    (1.0, 1.1439, 0.99)
    """
    a, b = positive_number("a", a), positive_number("b", b)
    x = np.linspace(-4.0, 4.0, 801)
    # f'' = -2 a b^2 tanh(bx) sech^2(bx), largest in magnitude where tanh(bx) = 1/sqrt(3)
    peak = float(np.arctanh(1.0 / np.sqrt(3.0)) / b)
    return LecunTanh(
        a=a,
        b=b,
        value_at_one=float(scaled_tanh(1.0, a, b)),
        value_at_minus_one=float(scaled_tanh(-1.0, a, b)),
        slope_at_zero=a * b,
        peak_curvature_at=peak,
        output_variance=_normal_variance(lambda z: scaled_tanh(z, a, b)),
        tanh_output_variance=_normal_variance(np.tanh),
        x=x,
        scaled=scaled_tanh(x, a, b),
        tanh=np.tanh(x),
    )


# ------------------------------------------------- gradients and saturation
@dataclass(frozen=True)
class SaturatedGradients:
    """A deep network's gradients when every weighted sum is shifted by a bias."""

    biases: np.ndarray
    gradients: VanishingGradients
    """One run per bias, named ``(activation, "xavier_normal, bias b")``."""
    mean_derivative: np.ndarray
    """Per bias: mean of ``f'(z)`` over every hidden unit and example."""
    saturated_fraction: np.ndarray
    """Per bias: fraction of hidden outputs within 0.01 of the activation's bounds."""

    def first_to_last(self, bias: float) -> float:
        """First layer's gradient norm over the last's, for the run with ``bias``."""
        i = int(np.flatnonzero(self.biases == bias)[0])
        return self.gradients.first_to_last(*self.gradients.runs[i])


def saturated_gradients(
    biases: tuple[float, ...] = (0.0, 1.0, 2.0),
    activation: str = "tanh",
    depth: int = 10,
    width: int = 32,
    n: int = 256,
    seed: int = 0,
) -> SaturatedGradients:
    """Backpropagate one batch through a deep Xavier-initialised network, every bias set to b.

    With ``b = 0`` the weighted sums of a tanh network stay near 0, where
    ``tanh' = 1 - tanh^2`` is close to 1, and the gradient survives ten layers.
    A bias of 1 or 2 moves every weighted sum onto the flat part of the curve:
    each layer multiplies the gradient by small derivatives and it vanishes.
    (Larger *weights* would not show this: they also multiply the gradient on
    the way back, and in a tanh network that wins.)

    >>> r = saturated_gradients()
    >>> bool(r.first_to_last(2.0) < 1e-5 < 0.1 < r.first_to_last(0.0))
    True
    """
    depth = integer_at_least("depth", depth, 1)
    width = integer_at_least("width", width, 1)
    values = np.array([float(b) for b in biases], dtype=float)
    if values.size == 0 or not np.isfinite(values).all():
        raise ValueError(f"biases must be a non-empty sequence of finite numbers, got {biases!r}")
    act = get(activation)
    bounds = tuple(float(v) for v in act(np.array([-np.inf, np.inf])))
    X, y = deep_batch(n, width, seed)
    runs, norms, derivative, saturated = [], [], [], []
    for b in values:
        net = MLP(
            [width] * (depth + 1) + [1],
            activation=act,
            init="xavier_normal",
            bias_init=float(b),
            seed=seed,
        )
        norms.append(gradient_norms(net, X, y))
        outputs = net.layer_outputs(X)
        derivative.append(np.mean([act.grad(o.preactivation).mean() for o in outputs]))
        saturated.append(np.mean([saturated_fraction(o.output, bounds) for o in outputs]))
        runs.append((act.name, f"xavier_normal, bias {b:g}"))
    return SaturatedGradients(
        biases=values,
        gradients=VanishingGradients(depth, runs, np.array(norms)),
        mean_derivative=np.array(derivative),
        saturated_fraction=np.array(saturated),
    )
