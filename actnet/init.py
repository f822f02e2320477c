r"""Weight initialisers for a dense layer with ``fan_in`` inputs and ``fan_out`` units.

Every initialiser is a function ``f(fan_in, fan_out, rng, scale=None) -> W`` giving
a ``(fan_in, fan_out)`` weight matrix, deterministic for a given ``rng`` (a
``numpy.random.Generator`` or a seed). :func:`initialize` looks one up by name
and also returns the biases; :func:`rai` is the only initialiser that draws the
biases too.

================== ==============================================================
name               weights
================== ==============================================================
``zeros``          all 0 (every unit of a layer computes the same thing)
``normal``         :math:`N(0, s^2)`, ``s = scale`` (default 0.01)
``uniform``        :math:`U(-s, s)`, ``s = scale`` (default 0.05)
``xavier_normal``  :math:`N(0, 2/(n_{in}+n_{out}))` (Glorot and Bengio, 2010)
``xavier_uniform`` :math:`U(\pm\sqrt{6/(n_{in}+n_{out})})` (Glorot and Bengio, 2010)
``he``             :math:`N(0, 2/n_{in})` (He, Zhang, Ren and Sun, 2015)
``he_uniform``     :math:`U(\pm\sqrt{6/n_{in}})`
``lecun``          :math:`N(0, 1/n_{in})` (LeCun, Bottou, Orr and Müller, 1998)
``rai``            randomized asymmetric initialisation (Lu, Shin, Su and
                   Karniadakis, 2019), see :func:`rai`
``orthogonal``     orthonormal columns (or rows) (Saxe, McClelland and Ganguli, 2014)
================== ==============================================================

:func:`lsuv` is not a rule for one layer but a procedure on a whole network
and a batch of data (Mishkin and Matas, 2016): it rescales each layer's
weights until its output has variance 1 on that batch.

``glorot_normal``, ``glorot_uniform``, ``kaiming``, ``he_normal`` and
``lecun_normal`` are accepted as aliases. For the scaled initialisers a
``scale`` multiplies the standard deviation (so ``scale=4`` makes Xavier
weights four times larger).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from actnet._validate import (
    choice,
    float_array,
    integer_at_least,
    positive_number,
    real_number,
    rng_from,
)

__all__ = [
    "INITIALIZERS",
    "RAI_SIGMA",
    "he",
    "he_uniform",
    "initialize",
    "lecun",
    "lsuv",
    "normal",
    "orthogonal",
    "rai",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Initializer = Callable[..., np.ndarray]

#: Lu et al. (2019)'s standard deviation of the symmetric part of RAI, times sqrt(fan_in).
RAI_SIGMA = 0.6007


def zeros(fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None) -> np.ndarray:
    """All-zero weights: every unit of the layer stays identical during training.

    >>> zeros(2, 3)
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros((fan_in, fan_out))


def normal(fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None) -> np.ndarray:
    """Weights from :math:`N(0, s^2)` with ``s = scale`` (default 0.01)."""
    s = 0.01 if scale is None else scale
    return s * rng_from(rng).standard_normal((fan_in, fan_out))


def uniform(fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None) -> np.ndarray:
    """Weights from :math:`U(-s, s)` with ``s = scale`` (default 0.05)."""
    s = 0.05 if scale is None else scale
    return rng_from(rng).uniform(-s, s, (fan_in, fan_out))


def xavier_normal(
    fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None
) -> np.ndarray:
    r"""Glorot and Bengio (2010): :math:`N(0, \sigma^2)`, :math:`\sigma^2 = 2/(n_{in}+n_{out})`."""
    std = (1.0 if scale is None else scale) * math.sqrt(2.0 / (fan_in + fan_out))
    return std * rng_from(rng).standard_normal((fan_in, fan_out))


def xavier_uniform(
    fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None
) -> np.ndarray:
    r"""Glorot and Bengio (2010): :math:`U(-a, a)`, :math:`a = \sqrt{6/(n_{in}+n_{out})}`."""
    a = (1.0 if scale is None else scale) * math.sqrt(6.0 / (fan_in + fan_out))
    return rng_from(rng).uniform(-a, a, (fan_in, fan_out))


def he(fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None) -> np.ndarray:
    r"""He et al. (2015), *Delving deep into rectifiers*: :math:`N(0, 2/n_{in})`.

    The variance that keeps the second moment of ReLU pre-activations constant
    from layer to layer.

    >>> w = he(500, 400, rng=0)
    >>> round(float(w.var() * 500), 1)
    2.0
    """
    std = (1.0 if scale is None else scale) * math.sqrt(2.0 / fan_in)
    return std * rng_from(rng).standard_normal((fan_in, fan_out))


def he_uniform(
    fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None
) -> np.ndarray:
    r"""He et al. (2015), uniform: :math:`U(\pm\sqrt{6/n_{in}})`, variance :math:`2/n_{in}`."""
    a = (1.0 if scale is None else scale) * math.sqrt(6.0 / fan_in)
    return rng_from(rng).uniform(-a, a, (fan_in, fan_out))


def lecun(fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None) -> np.ndarray:
    r"""LeCun et al. (1998), *Efficient BackProp*: :math:`N(0, 1/n_{in})`."""
    std = (1.0 if scale is None else scale) * math.sqrt(1.0 / fan_in)
    return std * rng_from(rng).standard_normal((fan_in, fan_out))


def rai(
    fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Randomized asymmetric initialisation (RAI) of weights *and* biases.

    Lu, Shin, Su and Karniadakis (2019), *Dying ReLU and Initialization: Theory
    and Numerical Examples*, arXiv:1903.06733 (Commun. Comput. Phys. 28, 2020),
    section "Randomized asymmetric initialization". For each unit, the vector
    :math:`V = (w_1, \dots, w_{n_{in}}, b)` of its ``fan_in`` weights and its
    bias is drawn as follows:

    1. :math:`V \sim N(0, \sigma^2 I_{n_{in}+1})` with
       :math:`\sigma = 0.6007 / \sqrt{n_{in}}` (the paper's value for the
       choice below, constant :data:`RAI_SIGMA`; ``scale`` multiplies it);
    2. one index :math:`k`, uniform on the :math:`n_{in}+1` coordinates, is
       chosen and :math:`V_k` is replaced by a draw from the asymmetric law
       :math:`P = \mathrm{Beta}(2, 1)` (density :math:`2x` on :math:`[0, 1]`,
       mean 2/3, second moment 1/2).

    This is the paper's procedure with the paper's choices of :math:`P` and
    :math:`\sigma` (the same as the authors' reference code). Each unit thus
    has one positive coordinate, which makes it much less likely to be born
    dead than under a symmetric initialisation.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out)
    b : ndarray, shape (fan_out,)

    Examples
    --------
    >>> W, b = rai(3, 2, rng=0)
    >>> W.shape, b.shape
    ((3, 2), (2,))
    """
    rng = rng_from(rng)
    sigma = (1.0 if scale is None else scale) * RAI_SIGMA / math.sqrt(fan_in)
    V = sigma * rng.standard_normal((fan_out, fan_in + 1))
    k = rng.integers(0, fan_in + 1, size=fan_out)
    V[np.arange(fan_out), k] = rng.beta(2.0, 1.0, size=fan_out)
    return V[:, :fan_in].T.copy(), V[:, fan_in].copy()


def orthogonal(
    fan_in: int, fan_out: int, rng: Any = None, scale: float | None = None
) -> np.ndarray:
    r"""A random matrix with orthonormal columns (``fan_in >= fan_out``) or rows.

    Saxe, McClelland and Ganguli (2014), *Exact solutions to the nonlinear
    dynamics of learning in deep linear neural networks*: an orthogonal map
    keeps the length of every vector, so a deep linear network neither
    shrinks nor blows up its signal. ``Q`` comes from the QR decomposition of
    a standard normal matrix; multiplying its columns by the signs of
    ``diag(R)`` makes it uniformly distributed over the orthogonal matrices.
    ``scale`` multiplies it (a gain).

    >>> W = orthogonal(4, 3, rng=0)
    >>> bool(np.allclose(W.T @ W, np.eye(3)))
    True
    """
    rng = rng_from(rng)
    tall = rng.standard_normal((max(fan_in, fan_out), min(fan_in, fan_out)))
    q, r = np.linalg.qr(tall)
    q = q * np.sign(np.diag(r))
    return (1.0 if scale is None else scale) * (q if fan_in >= fan_out else q.T)


def lsuv(net: Any, X: Any, tolerance: float = 0.1, max_iterations: int = 10) -> Any:
    r"""Layer-sequential unit-variance initialisation (Mishkin and Matas, 2016), in place.

    Layer by layer from the input, each :class:`~actnet.nn.Dense` layer's
    weights are divided by the standard deviation of its outputs
    :math:`z = xW + b` on the batch ``X``, until
    :math:`|\mathrm{Var}(z) - 1| < \text{tolerance}` (at most ``max_iterations``
    times; one division is enough for a layer whose bias is 0, as the output
    is linear in ``W``). The paper starts from orthonormal weights
    (``init="orthogonal"``); any initialisation works. Returns ``net``.

    >>> from actnet.nn import MLP
    >>> X = np.random.default_rng(0).standard_normal((500, 50))
    >>> net = MLP([50, 50, 50, 1], activation="tanh", init="normal", init_scale=0.01)
    >>> [round(float(o.preactivation.var()), 4) for o in net.layer_outputs(X)]
    [0.005, 0.0]
    >>> [round(float(o.preactivation.var()), 4) for o in lsuv(net, X).layer_outputs(X)]
    [1.0, 1.0]
    """
    from actnet.nn import Dense  # actnet.nn builds its layers with this module

    tolerance = positive_number("tolerance", tolerance)
    max_iterations = integer_at_least("max_iterations", max_iterations, 1)
    x = float_array("X", X, net.dtype)
    if x.ndim != 2 or x.shape[1] != net.n_inputs:
        raise ValueError(f"X must have shape (n, {net.n_inputs}), got {x.shape}")
    for k, layer in enumerate(net.layers):
        if isinstance(layer, Dense):
            for _ in range(max_iterations):
                variance = float(layer.forward(x).var())
                if not np.isfinite(variance) or variance == 0.0:
                    raise ValueError(
                        f"layer {k} ({layer.name}) has output variance {variance} on X: "
                        "no rescaling of its weights can make it 1"
                    )
                if abs(variance - 1.0) < tolerance:
                    break
                layer.W /= math.sqrt(variance)
        x = layer.forward(x)
    return net


_INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal,
    "uniform": uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he": he,
    "he_uniform": he_uniform,
    "lecun": lecun,
    "rai": rai,
    "orthogonal": orthogonal,
}
_ALIASES = {
    "glorot_normal": "xavier_normal",
    "glorot_uniform": "xavier_uniform",
    "xavier": "xavier_normal",
    "glorot": "xavier_normal",
    "he_normal": "he",
    "kaiming": "he",
    "kaiming_normal": "he",
    "kaiming_uniform": "he_uniform",
    "lecun_normal": "lecun",
    "zero": "zeros",
}
#: The names :func:`initialize` accepts (aliases excluded).
INITIALIZERS: tuple[str, ...] = tuple(_INITIALIZERS)


def initialize(
    name: str,
    fan_in: int,
    fan_out: int,
    rng: Any = None,
    scale: float | None = None,
    bias_init: float = 0.0,
    dtype: Any = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(fan_in, fan_out)`` and biases ``(fan_out,)`` for a dense layer.

    Parameters
    ----------
    name : str
        One of :data:`INITIALIZERS` (or an alias such as ``"glorot_uniform"``).
    fan_in, fan_out : int
        Number of inputs and of units.
    rng : numpy.random.Generator or int, optional
        Source of randomness (a seed gives the same weights every time).
    scale : float, optional
        Standard deviation (``normal``), half-width (``uniform``) or a
        multiplier of the standard deviation (the others).
    bias_init : float
        Constant value of every bias (e.g. 0.1, a "constant positive bias" for
        ReLU units). Ignored by ``rai``, which draws the biases itself.
    dtype : numpy dtype
        float64 (default) or float32.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones).

    Examples
    --------
    >>> W, b = initialize("xavier_uniform", 2, 3, rng=0, bias_init=0.1)
    >>> W.shape, b
    ((2, 3), array([0.1, 0.1, 0.1]))
    """
    if not isinstance(name, str):
        raise TypeError(f"init must be a name (str), got {type(name).__name__}")
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    key = choice("initializer", key, INITIALIZERS) if key not in _INITIALIZERS else key
    fan_in = integer_at_least("fan_in", fan_in, 1)
    fan_out = integer_at_least("fan_out", fan_out, 1)
    if scale is not None:
        scale = positive_number("scale", scale)
    bias_init = real_number("bias_init", bias_init)
    rng = rng_from(rng)
    if key == "rai":
        W, b = rai(fan_in, fan_out, rng, scale)
    else:
        W = _INITIALIZERS[key](fan_in, fan_out, rng, scale)
        b = np.full(fan_out, bias_init)
    return W.astype(dtype), b.astype(dtype)
