"""Activation functions: the formula of each, its derivative, and one registry.

Each built-in is one class below: its docstring the formula, its ``value`` and
``derivative`` that formula in NumPy; ``@builtin`` makes it the :class:`Activation` of its
name, so ``inspect.getsource(sigmoid)``, ``help(sigmoid)`` and ``sigmoid??`` show that block.

Every activation gives float64 for float64 and integers, float32 for float32 (float16 is
computed in float32), in native byte order; propagates NaN, gives the limits at +-inf,
leaves its input alone, is finite and silent wherever its exact value is; has read-only
``params``, checked when set; takes PyTorch's derivative at a kink.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from actnet._validate import choice
from actnet._validate import positive_number as _positive
from actnet._validate import real_number as _real

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_GELU_TANH_COEF = 0.044715
_COMPUTED_AS_IS = frozenset([np.dtype(np.float32), np.dtype(np.float64)])


def ndtr(x):  # SciPy's normal distribution, imported on first use: it takes longer than actnet
    from scipy.special import ndtr

    return ndtr(x)


@dataclass(frozen=True)
class Activation:
    """An elementwise activation function: ``act(x)`` its value, ``act.grad(x)`` its derivative.

    ``value(x, **params)`` and ``derivative(x, **params)`` compute on a float array;
    ``checks[name](name, value)`` checks a parameter; ``kinks`` are where the derivative
    jumps; ``limits``, for formulas that are ``inf * 0`` at +-inf, are ``(value(-inf),
    value(inf), grad(-inf), grad(inf))`` or a function of the parameters giving them.

    >>> get("leaky_relu", alpha=0.1).grad([-2.0, 0.0, 3.0])
    array([0.1, 0.1, 1. ])
    """

    name: str
    value: Callable = field(repr=False)
    derivative: Callable = field(repr=False)
    params: Mapping[str, Any] = field(default_factory=dict)
    kinks: tuple[float, ...] = ()
    limits: tuple | Callable | None = field(default=None, repr=False)
    checks: Mapping[str, Callable] = field(default_factory=dict, repr=False)
    formula: type | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        checks = self.checks
        params = {k: checks[k](k, v) if k in checks else v for k, v in self.params.items()}
        object.__setattr__(self, "params", MappingProxyType(params))
        object.__setattr__(self, "_kwargs", params)  # to call with: faster than the proxy
        limits = self.limits(**params) if callable(self.limits) else self.limits
        object.__setattr__(self, "_limits", limits)
        if self.formula is not None:  # what inspect, help() and IPython show for the object
            object.__setattr__(self, "__wrapped__", self.formula)
            object.__setattr__(self, "__doc__", self.formula.__doc__)
            object.__setattr__(self, "__signature__", inspect.signature(self.formula.value))

    def __call__(self, x: Any, **params: Any) -> Any:
        """The value at ``x``, elementwise (``params`` as in :meth:`with_params`)."""
        act = self.with_params(**params) if params else self
        return act._apply(act.value, x, "value")

    def grad(self, x: Any, **params: Any) -> Any:
        """The elementwise derivative ``dy/dx`` at ``x``."""
        act = self.with_params(**params) if params else self
        return act._apply(act.derivative, x, "derivative")

    def with_params(self, **params: Any) -> Activation:
        """A new activation with some parameters changed (checked like :func:`get`'s)."""
        for key in set(params) - set(self.params):
            raise ValueError(f"activation {self.name!r} has no parameter {key!r}; its parameters are: {', '.join(self.params) or 'none'}")  # fmt: skip
        return dataclasses.replace(self, params={**self.params, **params})

    def _apply(self, function: Callable, x: Any, what: str) -> Any:
        arr, dtype = _as_float_array(x)
        infinite = np.isinf(arr) if self._limits is not None and np.isinf(arr).any() else None
        if infinite is not None:  # computed at 0, set to the limits below
            arr, positive = np.where(infinite, 0, arr), arr[infinite] > 0
        if self.formula is None:  # a user's function, probed at +-inf by the course: no warnings
            with np.errstate(all="ignore"):
                out = _elementwise(function(arr, **self._kwargs), arr, self.name, what)
        else:
            out = function(arr, **self._kwargs) if self._kwargs else function(arr)
            out = _elementwise(out, arr, self.name, what)
        if out is x:  # a user's identity: the result may be changed, x may not
            out = out.copy()
        if infinite is not None:
            lo, hi = self._limits[:2] if what == "value" else self._limits[2:]
            out[infinite] = np.where(positive, hi, lo)
        out = out if out.dtype == dtype else out.astype(dtype)
        return out[()] if out.ndim == 0 else out

    def __get__(self, instance: Any, owner: Any = None) -> Activation:
        return self  # as a method descriptor, documented like a function by Sphinx and doctest

    def __repr__(self) -> str:
        return f"Activation({self.name!r}{''.join(f', {k}={v!r}' for k, v in self.params.items())})"

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))

    def __reduce__(self) -> tuple:
        # pickle copies no read-only params; a built-in is found again by its name
        if self.formula is not None:
            return (functools.partial(get, self.name, **self.params), ())
        fields = (self.value, self.derivative, dict(self.params), self.kinks, self.limits)
        return (Activation, (self.name, *fields, dict(self.checks)))


def _as_float_array(x: Any) -> tuple[np.ndarray, np.dtype]:
    """``x`` as a native float32/float64 array to compute with, and the dtype to return."""
    if type(x) is np.ndarray and x.dtype in _COMPUTED_AS_IS:
        return x, x.dtype
    arr = np.asarray(x)
    kind, size, native = arr.dtype.kind, arr.dtype.itemsize, arr.dtype.newbyteorder("=")
    if kind in "iu" or (kind == "f" and size > 8):
        return arr.astype(np.float64), np.dtype(np.float64)
    if kind == "f":  # SciPy has no float16 loops: float16 rounds float32's result
        return arr.astype(np.float32 if size < 4 else native), native
    raise TypeError(f"x must be a real number or an array of real numbers, got dtype {arr.dtype} (type {type(x).__name__})")  # fmt: skip


def _elementwise(out: Any, arr: np.ndarray, name: str, what: str) -> np.ndarray:
    """``out`` as an array of ``arr``'s shape, or a clear error naming the activation."""
    if type(out) is np.ndarray and out.shape == arr.shape and out.dtype.kind == "f":
        return out
    result, function = np.asarray(out), f"the {what} function of activation {name!r}"
    if result.dtype.kind not in "biuf":
        raise TypeError(f"{function} returned {out!r:.50}; it must return an array of real numbers")
    if result.shape not in ((), arr.shape):
        raise ValueError(f"{function} returned shape {result.shape} for an input of shape {arr.shape}; it must be elementwise")  # fmt: skip
    return np.broadcast_to(result, arr.shape).copy()


_REGISTRY: dict[str, Activation] = {}
_ALIASES = {"linear": "identity", "swish": "silu", "logistic": "sigmoid"}


def builtin(*, kinks=(), limits=None, **checks: Callable) -> Callable[[type], Activation]:
    """The class below as a registered :class:`Activation` (parameters: ``value``'s keywords)."""

    def register_formula(formula: type) -> Activation:
        parameters = inspect.signature(formula.value).parameters.values()
        defaults = {p.name: p.default for p in parameters if p.default is not p.empty}
        act = Activation(formula.__name__, formula.value, formula.derivative, defaults, kinks,
                         limits, checks, formula)  # fmt: skip
        _REGISTRY[act.name] = act
        return act

    return register_formula


def _slope_limits(alpha: float) -> tuple | None:
    return None if alpha else (0.0, math.inf, 0.0, 1.0)  # where alpha x is 0 * inf


def _silu_limits(beta: float) -> tuple:  # as ReLU's for beta > 0, x / 2's for 0, mirrored below
    if beta > 0.0:
        return (0.0, math.inf, 0.0, 1.0)
    return (-math.inf, math.inf, 0.5, 0.5) if beta == 0.0 else (-math.inf, 0.0, 1.0, 0.0)


@builtin()
class identity:
    r"""The identity: a network of identities is one linear map, however deep.

    .. math:: f(x) = x, \qquad f'(x) = 1

    >>> identity([-1.5, 2.0])
    array([-1.5,  2. ])
    """

    def value(x):
        return x.copy()  # a new array, which the caller may change

    def derivative(x):
        return np.where(np.isnan(x), x, 1)  # NaN stays NaN, as in every activation


@builtin()
class sigmoid:
    r"""The logistic sigmoid: outputs in (0, 1), not zero-centred (LeCun et al., 1998).

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)(1 - \sigma(x)) \le \tfrac14

    >>> sigmoid([-1000.0, 0.0, 2.0]).round(6)
    array([0.      , 0.5     , 0.880797])
    """

    def value(x):
        # e^-x overflows for x < -709: 1 / (1 + e^-|x|) for x >= 0, e^-|x| / (1 + e^-|x|) below
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1, e) / (1 + e)

    def derivative(x):
        # 1 - sigma loses every digit for x > 37: sigma' = 1 / (e^(x/2) + e^(-x/2))^2 does not
        e = np.exp(-np.abs(x) / 2)
        return (e / (1 + e * e)) ** 2


@builtin()
class tanh:
    r"""The hyperbolic tangent: zero-centred, outputs in (-1, 1).

    .. math:: \tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1, \qquad
        \tanh'(x) = 1 - \tanh^2(x) = \operatorname{sech}^2(x) \le 1

    >>> tanh([-1.0, 0.0, 1.0]).round(6)
    array([-0.761594,  0.      ,  0.761594])
    """

    def value(x):
        return np.tanh(x)

    def derivative(x):
        # 1 - tanh^2 loses every digit for |x| > 19: sech x = 2 e / (1 + e^2) with e = e^-|x|
        e = np.exp(-np.abs(x))
        return (2 * e / (1 + e * e)) ** 2


@builtin(kinks=(0.0,))
class relu:
    r"""The rectified linear unit (Nair and Hinton, 2010; Glorot et al., 2011).

    .. math:: \operatorname{relu}(x) = \max(0, x), \qquad
        \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}
        = \operatorname{sign}(\operatorname{relu}(x))

    Kink at 0, where the derivative is taken as 0 (PyTorch's convention).

    >>> relu([-2.0, 0.0, 3.0]), relu.grad([-2.0, 0.0, 3.0])
    (array([0., 0., 3.]), array([0., 0., 1.]))
    """

    def value(x):
        return np.maximum(x, 0)

    def derivative(x):
        return np.sign(np.maximum(x, 0))


@builtin(kinks=(0.0,), limits=_slope_limits, alpha=_real)
class leaky_relu:
    r"""Leaky ReLU (Maas, Hannun and Ng, 2013); ``alpha`` is fixed before training.

    .. math:: f(x) = \max(0, x) + \alpha \min(0, x), \qquad
        f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases} = h + \alpha (1 - h)

    with :math:`h = \operatorname{relu}'(x)`: f'(0) = alpha (PyTorch's convention).

    >>> leaky_relu([-2.0, 3.0]), leaky_relu.grad(0.0)
    (array([-0.02,  3.  ]), np.float64(0.01))
    """

    def value(x, alpha=0.01):
        return np.maximum(x, 0) + alpha * np.minimum(x, 0)

    def derivative(x, alpha=0.01):
        h = relu.derivative(x)
        return h + alpha * (1 - h)


@builtin(kinks=(0.0,), limits=_slope_limits, alpha=_real)
class prelu:
    r"""Parametric ReLU (He et al., 2015): :data:`leaky_relu`, ``alpha`` learned from

    .. math:: \frac{\partial f}{\partial \alpha} = \begin{cases} 0 & x > 0 \\ x & x \le 0 \end{cases}

    >>> prelu([-2.0, 3.0])
    array([-0.5,  3. ])
    """

    def value(x, alpha=0.25):
        return leaky_relu.value(x, alpha)

    def derivative(x, alpha=0.25):
        return leaky_relu.derivative(x, alpha)


@builtin(kinks=(0.0,), alpha=_positive)
class elu:
    r"""The exponential linear unit (Clevert et al., 2015); ``alpha > 0``.

    .. math:: f(x) = \max(0, x) + \alpha (e^{\min(0, x)} - 1), \qquad
        f'(x) = h + \alpha e^{\min(0, x)} (1 - h)

    with :math:`h = \operatorname{relu}'(x)`: f' is 1 for x > 0, alpha e^x below, and
    alpha at 0, where it jumps unless alpha = 1 (PyTorch's convention).

    >>> elu([-1000.0, -1.0, 2.0]).round(6)
    array([-1.      , -0.632121,  2.      ])
    """

    def value(x, alpha=1.0):
        # expm1(x) = e^x - 1 keeps its digits near 0, where e^x - 1 cancels
        return np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0))

    def derivative(x, alpha=1.0):
        h = relu.derivative(x)
        return h + alpha * np.exp(np.minimum(x, 0)) * (1 - h)


@builtin(kinks=(0.0,))
class selu:
    r"""The scaled ELU (Klambauer et al., 2017), whose ``SELU_ALPHA`` and ``SELU_SCALE``
    make zero mean and unit variance a fixed point:

    .. math:: f(x) = \lambda \operatorname{elu}_\alpha(x), \quad f'(x) = \lambda
        \operatorname{elu}_\alpha'(x), \quad f'(0) = \lambda\alpha, \quad \alpha \approx 1.6733,
        \ \lambda \approx 1.0507

    >>> selu([-1.0, 1.0]).round(6)
    array([-1.111331,  1.050701])
    """

    def value(x):
        return SELU_SCALE * elu.value(x, SELU_ALPHA)

    def derivative(x):
        return SELU_SCALE * elu.derivative(x, SELU_ALPHA)


@builtin(limits=(0.0, math.inf, 0.0, 1.0), approximate=lambda k, v: choice(k, v, ["none", "tanh"]))
class gelu:
    r"""The Gaussian error linear unit (Hendrycks and Gimpel, 2016); not monotonic.

    .. math:: f(x) = x\,\Phi(x), \qquad f'(x) = \Phi(x) + x\,\varphi(x)

    with :math:`\Phi` the normal distribution (SciPy's ``ndtr``), :math:`\varphi` its
    density. ``approximate="tanh"``, with :math:`u = \sqrt{2/\pi}\,(x + 0.044715 x^3)`:

    .. math:: f(x) \approx \tfrac12 x (1 + \tanh u) = x\,\sigma(2u), \qquad
        f'(x) \approx \sigma(2u) + 2x\,\sigma'(2u)\,u'(x)

    >>> gelu([-1.0, 0.0, 1.0]).round(6), gelu(1.0, approximate="tanh").round(6)
    (array([-0.158655,  0.      ,  0.841345]), np.float64(0.841192))
    """

    def value(x, approximate="none"):
        if approximate == "tanh":
            c = np.clip(x, -40, 40)  # sigma(2u) is 0 or 1 beyond (to the last bit); c^3 is finite
            # (1 + tanh u) / 2 = sigma(2u), whose e^-|2u| keeps the digits 1 + tanh u loses
            return x * sigmoid.value(2 * math.sqrt(2 / math.pi) * (c + _GELU_TANH_COEF * c**3))
        return x * ndtr(x)

    def derivative(x, approximate="none"):
        x = np.clip(x, -40, 40)  # f' is 0 or 1 beyond (to the last bit); x^2 and x^3 are finite
        if approximate == "tanh":
            u = math.sqrt(2 / math.pi) * (x + _GELU_TANH_COEF * x**3)
            du = math.sqrt(2 / math.pi) * (1 + 3 * _GELU_TANH_COEF * x**2)
            return sigmoid.value(2 * u) + 2 * x * sigmoid.derivative(2 * u) * du
        return ndtr(x) + x * np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)


@builtin(limits=_silu_limits, beta=_real)
class silu:
    r"""SiLU (Elfwing et al., 2018), or Swish (Ramachandran et al., 2017) for other ``beta``.

    .. math:: f(x) = x\,\sigma(\beta x), \qquad
        f'(x) = \sigma(\beta x) + \beta x\,\sigma'(\beta x) = s\,(1 + \beta x (1 - s)), \quad s = \sigma(\beta x)

    >>> silu([-1.0, 0.0, 1.0]).round(6)
    array([-0.268941,  0.      ,  0.731059])
    """

    def value(x, beta=1.0):
        return x * sigmoid.value(beta * x)

    def derivative(x, beta=1.0):
        s = sigmoid.value(beta * x)
        return s * (1 + beta * x * (1 - s))


@builtin(beta=_positive)
class softplus:
    r"""Softplus, a smooth ReLU (Dugas et al., 2001); ``beta > 0``.

    .. math:: f(x) = \frac{1}{\beta}\log(1 + e^{\beta x}), \qquad f'(x) = \sigma(\beta x)

    >>> softplus([-1000.0, 1000.0]).tolist(), round(float(softplus(0.0)), 6)
    ([0.0, 1000.0], 0.693147)
    """

    def value(x, beta=1.0):
        # e^z overflows for z > 709: log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)
        z = beta * x
        return (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta

    def derivative(x, beta=1.0):
        return sigmoid.value(beta * x)


@builtin(limits=(0.0, math.inf, 0.0, 1.0))
class mish:
    r"""Mish (Misra, 2019); not monotonic. By the chain rule, as softplus' = sigma:

    .. math:: f(x) = x\,t, \qquad f'(x) = t + x\,(1 - t^2)\,\sigma(x), \qquad
        t = \tanh(\operatorname{softplus}(x))

    >>> mish([-1.0, 0.0, 1.0]).round(6)
    array([-0.303401,  0.      ,  0.865098])
    """

    def value(x):
        return x * np.tanh(softplus.value(x))

    def derivative(x):
        t = np.tanh(softplus.value(x))
        return t + x * (1 - t * t) * sigmoid.value(x)


@builtin(kinks=(0.0, 6.0))
class relu6:
    r"""ReLU capped at 6 (Krizhevsky, 2010), kept in low-precision mobile networks
    (Howard et al., 2019): its outputs fit a fixed range.

    .. math:: f(x) = \min(\max(0, x), 6), \qquad
        f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}

    Kinks at 0 and 6, where the derivative is taken as 0 (PyTorch's convention).

    >>> relu6([-1.0, 3.0, 8.0])
    array([0., 3., 6.])
    """

    def value(x):
        return np.minimum(np.maximum(x, 0), 6)

    def derivative(x):
        return relu.derivative(x) * (x < 6)


@builtin(kinks=(-3.0, 3.0))
class hard_sigmoid:
    r"""The sigmoid as three straight pieces (Howard et al., 2019): no exponential.

    .. math:: f(x) = \frac{\operatorname{relu6}(x + 3)}{6}, \qquad
        f'(x) = \begin{cases} 1/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}

    >>> hard_sigmoid([-4.0, 0.0, 1.5])
    array([0.  , 0.5 , 0.75])
    """

    def value(x):
        return relu6.value(x + 3) / 6

    def derivative(x):
        return relu6.derivative(x + 3) / 6


@builtin(kinks=(-3.0, 3.0), limits=(0.0, math.inf, 0.0, 1.0))
class hard_swish:
    r"""Swish with the hard sigmoid (Howard et al., 2019); not monotonic.

    .. math:: f(x) = x\,\operatorname{hard\_sigmoid}(x), \qquad
        f'(x) = \begin{cases} 0 & x \le -3 \\ (2x + 3)/6 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    >>> hard_swish([-1.5, 0.0, 4.0])
    array([-0.375,  0.   ,  4.   ])
    """

    def value(x):
        return x * hard_sigmoid.value(x)

    def derivative(x):
        return hard_sigmoid.value(x) + x * hard_sigmoid.derivative(x)


_BUILTINS = frozenset(_REGISTRY)
__test__ = {name: act.formula for name, act in _REGISTRY.items()}  # their docstrings' doctests
__all__ = ["Activation", "available", "get", "register", "unregister", *_REGISTRY]


def available() -> list[str]:
    """The names of every registered activation, built-in ones first."""
    return list(_REGISTRY)


def get(name: str | Activation, **params: Any) -> Activation:
    """The activation called ``name`` (or ``name`` itself), with ``params`` set.

    ``name``: a registered name (``"swish"``, ``"linear"``, ``"logistic"`` stand for
    ``"silu"``, ``"identity"``, ``"sigmoid"``) or an :class:`Activation`. ValueError for an
    unknown name or parameter or a value out of range; TypeError for a wrong type.

    >>> get("softmax")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'softmax'; available: identity, sigmoid, tanh, relu, leaky_relu, prelu, elu, selu, gelu, silu, softplus, mish, relu6, hard_sigmoid, hard_swish
    """
    if isinstance(name, Activation):
        return name.with_params(**params) if params else name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name (str) or an Activation, not {type(name).__name__}")  # fmt: skip
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in _REGISTRY:
        raise ValueError(f"unknown activation {name!r}; available: {', '.join(_REGISTRY)}")
    return _REGISTRY[key].with_params(**params) if params else _REGISTRY[key]


def register(name: str, value: Callable, grad: Callable, params: Mapping | None = None,
             kinks: tuple = (), overwrite: bool = False) -> Activation:  # fmt: skip
    """Register a user-defined activation and return it.

    The name then works everywhere a built-in one does (networks, experiments, report
    cards, explorers). ``value(x, **params)`` and ``grad(x, **params)`` return an array of
    float ``x``'s shape (or a number); ``params`` are defaults that :func:`get` may
    override; ``kinks`` where the derivative jumps; ``overwrite`` replaces a user's one.

    >>> import numpy as np
    >>> sq = register("squareplus", lambda x, b: (x + np.sqrt(x * x + b)) / 2,
    ...               lambda x, b: (1 + x / np.sqrt(x * x + b)) / 2, params={"b": 4.0})
    >>> float(sq(0.0)), float(get("squareplus", b=1.0).grad(0.0))
    (1.0, 0.5)
    >>> unregister("squareplus")
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    for what, function in (("value", value), ("grad", grad)):
        if not callable(function):
            raise TypeError(f"{what} must be callable, got {type(function).__name__}")
    key = name.strip().lower()
    if key in _BUILTINS or key in _ALIASES:
        raise ValueError(f"name {name!r} is a built-in activation; choose another name")
    if key in _REGISTRY and not overwrite:
        raise ValueError(f"an activation named {name!r} is already registered; pass overwrite=True to replace it")  # fmt: skip
    kinks = tuple(_real("kinks", k) for k in kinks)
    _REGISTRY[key] = Activation(key, value, grad, params or {}, kinks)
    return _REGISTRY[key]


def unregister(name: str) -> None:
    """Remove a user-defined activation registered with :func:`register`."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key in _BUILTINS:
        raise ValueError(f"{name!r} is a built-in activation and cannot be removed")
    if key not in _REGISTRY:
        raise ValueError(f"no user-defined activation named {name!r} is registered")
    del _REGISTRY[key]
