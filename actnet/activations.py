"""Activation functions: value, derivative and one registry.

Every activation of the course is an :class:`Activation`: calling it gives the
value, :meth:`Activation.grad` the elementwise derivative ``dy/dx``. Built-in
activations are looked up by name with :func:`get`; a user-defined one is made
with :func:`register` and is then accepted everywhere a built-in one is.

Numerical conventions, shared by every built-in activation:

* any finite input, float32 or float64, gives a finite result and no
  floating-point warning (``sigmoid(-1000)``, ``softplus(1000)``,
  ``mish(-1000)``, ...);
* float32 in, float32 out; integers are computed in float64; scalars and
  arrays of any shape are accepted;
* NaN propagates; ``+inf`` and ``-inf`` give the mathematical limits;
* at a kink the derivative takes PyTorch's value: ``relu'(0) = 0``,
  ``leaky_relu'(0) = alpha``, ``elu'(0) = alpha``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actnet import _normal
from actnet._arrays import below as _below
from actnet._arrays import blockwise
from actnet._arrays import filled as _filled
from actnet._arrays import zeros as _zeros
from actnet._validate import positive_number as _positive
from actnet._validate import real_number as _real

__all__ = [
    "Activation",
    "available",
    "elu",
    "gelu",
    "get",
    "identity",
    "leaky_relu",
    "mish",
    "prelu",
    "register",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softplus",
    "tanh",
    "unregister",
]

ArrayFunction = Callable[..., Any]
Limits = tuple[float, float, float, float]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_COEF = 0.044715


_FAST_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _as_float_array(x: Any) -> np.ndarray:
    """Return ``x`` as a float32/float64 array, or raise ``TypeError``."""
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype.itemsize < 4:
            return arr.astype(np.float32)
        if arr.dtype.itemsize > 8:
            return arr.astype(np.float64)
        return arr
    if kind in "iu":
        return arr.astype(np.float64)
    raise TypeError(
        f"x must be a real number or an array of real numbers, got dtype {arr.dtype} "
        f"(type {type(x).__name__})"
    )


def _exp_minus_abs(x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``exp(-scale |x|)`` in one new array (``scale`` a power of two: exact scaling)."""
    z = np.abs(x)
    np.multiply(z, -scale, out=z)
    return np.exp(z, out=z)


def _sech2(x: np.ndarray) -> np.ndarray:
    """``1 / cosh(x)**2`` without overflow: ``4 z / (1 + z)**2`` with ``z = exp(-2|x|)``."""
    # (the operations of the plain expression, done in place)
    z = _exp_minus_abs(x, 2.0)
    d = z + 1.0
    np.multiply(d, d, out=d)
    np.multiply(z, 4.0, out=z)
    np.divide(z, d, out=z)
    # the bound is exact; rounding alone could step past it near x = 0
    return np.minimum(z, _filled(z, 1.0), out=z)


# ---------------------------------------------------------------- the formulas
def _identity(x):
    return np.positive(x)


def _identity_grad(x):
    return _with_nan(x, np.ones_like(x))


def _sigmoid(x):
    # 1 / (1 + e^-x) keeps its relative accuracy on both sides: for x < 0, 1 + e^-x
    # is as accurate as e^-x. Where e^-x overflows, 1 / inf = 0 where the exact value
    # is a subnormal number: those elements are e^x (1 + e^x rounds to 1 there).
    s = np.negative(x)
    np.exp(s, out=s)
    s += 1.0
    np.divide(1.0, s, out=s)
    far = _below(x, _EXP_OVERFLOW[x.dtype])
    if far is not None:
        np.put(s, far, np.exp(x.reshape(-1)[far]))
    return s


# e^-x overflows below -log(largest float); one more, so that the float nearest the
# boundary, rounded either way, is on the safe side (e^x is exact there as well)
_EXP_OVERFLOW = {np.dtype(t): 1.0 - math.log(np.finfo(t).max) for t in (np.float32, np.float64)}


def _sigmoid_grad(x):
    # sigma(1 - sigma) = z / (1 + z)^2, symmetric, accurate in both tails.
    z = _exp_minus_abs(x)
    d = z + 1.0
    np.multiply(d, d, out=d)
    np.divide(z, d, out=z)
    return np.minimum(z, _filled(z, 0.25), out=z)


def _tanh(x):
    return np.tanh(x)


def _tanh_grad(x):
    return _sech2(x)


def _relu(x):
    return np.maximum(x, _zeros(x))


def _with_nan(x, g):
    """``g`` with NaN wherever ``x`` is NaN (a comparison alone would give 0 there)."""
    # the minimum is NaN if any element is (a cheaper test than isnan(x).any())
    if x.size and np.isnan(np.minimum.reduce(x, axis=None)):
        g[np.isnan(x)] = np.nan
    return g


def _relu_grad(x):
    # 0 at x = 0, PyTorch's convention
    return _with_nan(x, (x > _zeros(x)).astype(x.dtype))


def _leaky_relu(x, alpha):
    # max(x, 0) + alpha min(x, 0): plain arithmetic, faster than np.where
    zeros = _zeros(x)
    out = np.minimum(x, zeros)
    if alpha == 0:  # 0 * -inf would be NaN
        out.fill(0.0)
    else:
        out *= alpha
    out += np.maximum(x, zeros)
    return out


def _leaky_relu_grad(x, alpha):
    g = (x > _zeros(x)).astype(x.dtype)
    g *= 1.0 - alpha
    g += alpha
    return _with_nan(x, g)


def _elu(x, alpha):
    zeros = _zeros(x)
    out = np.expm1(np.minimum(x, zeros))
    out *= alpha
    out += np.maximum(x, zeros)
    return out


def _elu_grad(x, alpha):
    zeros = _zeros(x)
    g = np.exp(np.minimum(x, zeros))
    g *= alpha
    # 1 where x > 0: g * 0 + 1 there, g * 1 + 0 elsewhere (exact; a masked
    # copy would branch on every element)
    positive = (x > zeros).astype(g.dtype, copy=False)
    g *= 1.0 - positive
    g += positive
    return g


def _selu(x):
    out = _elu(x, SELU_ALPHA)
    out *= SELU_SCALE
    return out


def _selu_grad(x):
    g = _elu_grad(x, SELU_ALPHA)
    g *= SELU_SCALE
    return g


def _gelu(x, approximate):
    if approximate == "tanh":
        return _gelu_tanh(x)
    return _gelu_erf(x)


def _gelu_grad(x, approximate):
    if approximate == "tanh":
        return _gelu_tanh_grad(x)
    return _gelu_erf_grad(x)


def _gelu_erf(x):
    return _normal.gelu_array(x)


# The tanh GELU is x s(v), s the sigmoid, v = 2u = K x + KC x^3 with K = 2 sqrt(2/pi)
# and KC = 0.044715 K. Far left s(v) = e / (1 + e), e = exp(-|v|), and the relative
# error of e is the absolute error of v: |v| 2^-53 for a rounded v, 100 ulps at x = -9.5.
# In float64 v is therefore carried exactly, as S + L: a = |x| is split into xh, a
# multiple of 2^-9, plus xl, and each constant into a head (35 and 13 bits) plus a tail;
# then S = xh (K1 + KC1 xh^2) is exact for a <= 22 and L = v(a) - S, below 0.2, rounds
# at its own scale. With -|v| = hi + lo, e = exp(hi) (1 + lo).
_GELU_TANH_K = (1.5957691216057308, 1.5957691216026433, 3.0874305383944692e-12)  # K, head, tail
_GELU_TANH_KC = (0.07135481627260025, 0.07135009765625, 4.718616350248776e-06)
_GELU_TANH_GRID = 1.5 * 2.0**43  # a + grid - grid rounds 0 <= a < 2^42 to a multiple of 2^-9
_GELU_TANH_CLIP = 22.0  # exp(-v(22)) is 0 in float64: the clip changes no result


# a few temporaries of this size fit in the L2 cache
_blockwise = blockwise(1 << 18)


def _gelu_tanh_split(x):
    """``a = min(|x|, 22)``, ``xh`` and ``xl`` with ``a = xh + xl``: three new arrays."""
    a = np.abs(x)
    np.minimum(a, _filled(a, _GELU_TANH_CLIP), out=a)
    xh = a + _GELU_TANH_GRID
    xh -= _GELU_TANH_GRID
    return a, xh, a - xh


def _gelu_tanh_exponent(x):
    """``-|v| = hi + lo`` (float64)."""
    (_, k1, k2), (kc, kc1, kc2) = _GELU_TANH_K, _GELU_TANH_KC
    a, xh, xl = _gelu_tanh_split(x)
    # v = a (K + KC a^2) with a^2 = xh^2 + xl (a + xh) and K + KC xh^2 = q + (K2 + KC2 xh^2),
    # q = K1 + KC1 xh^2 exact: then S = xh q and L = xl q + a (K2 + KC2 xh^2 + KC xl (a + xh))
    b = a + xh
    b *= xl
    b *= -kc
    b -= k2
    q = np.multiply(xh, xh)
    t = q * -kc2
    b += t
    b *= a
    q *= -kc1
    q -= k1
    np.multiply(xl, q, out=t)
    b += t  # -L
    q *= xh  # -S, exact
    hi = np.add(q, b, out=xh)
    q -= hi
    q += b
    return hi, q


def _gelu_tanh_exponent_and_slope(x):
    """``-|v| = hi + lo`` and ``-a v'(a) = -(K a + 3 KC a^3) = sw + lw`` (float64),
    ``sw`` exact up to ``a = 16``."""
    (k, k1, k2), (kc, kc1, kc2) = _GELU_TANH_K, _GELU_TANH_KC
    a, xh, xl = _gelu_tanh_split(x)
    m = a + xh
    m *= xh
    a *= a
    m += a  # a^2 + a xh + xh^2, so that a^3 - xh^3 = xl m
    np.multiply(xh, xh, out=a)
    a *= xh
    sw = a * -kc1  # exact
    a *= -kc2
    m *= -kc
    m *= xl
    m += a  # the KC part of -L
    np.multiply(xh, -k1, out=a)
    a += sw  # -S, exact
    xl *= -k
    xh *= -k2
    xl += xh  # the K part of -L
    lw = np.multiply(m, 3.0, out=xh)
    lw += xl
    xl += m  # -L
    sw *= 2.0
    sw += a  # -(K1 xh + 3 KC1 xh^3)
    hi = np.add(a, xl, out=m)
    a -= hi
    a += xl
    return hi, a, sw, lw


@_blockwise
def _gelu_tanh(x):
    if x.dtype != np.float64:
        # float32 keeps the plain formula: 0.5 (1 + tanh(u)) = sigmoid(2u); the clip
        # keeps x**3 finite, and tanh is already +-1 far inside the clip.
        xc = np.clip(x, -1e3, 1e3)
        u = _SQRT_2_OVER_PI * (xc + _GELU_TANH_COEF * (xc * xc * xc))  # ** 3 calls pow: slow
        return x * _sigmoid(2.0 * u)
    hi, lo = _gelu_tanh_exponent(x)
    tail = _subnormal_exp(hi)
    if tail is not None:
        tail = tail[x.reshape(-1)[tail] < 0.0]  # far right the value is x
        big = _exp_times_2_64(hi.reshape(-1)[tail], lo.reshape(-1)[tail])
    e = np.exp(hi, out=hi)
    lo *= e
    e += lo
    # x s(v) = x / (1 + e) for x >= 0 and x e / (1 + e) below, where x e > x
    y = np.multiply(x, e, out=lo)
    np.maximum(y, x, out=y)
    e += 1.0
    y /= e
    if tail is not None:
        np.put(y, tail, x.reshape(-1)[tail] * big * 2.0**-64)
    return y


# The tanh GELU's derivative near its root: the Taylor series around the root r,
# g(r + t) = sum_k c_k t^k for k >= 1 (from mpmath)
_GELU_TANH_ROOT = (-0.7524614220710163, 3.635560509207687e-17)
_GELU_TANH_SERIES = (
    0.4304000910248585,
    0.38751844613578895,
    -0.01578285352184803,
    -0.11394448308095899,
    -0.01661932834305256,
    0.019682309459833118,
    0.005261059254921912,
    -0.0024227318458750974,
    -0.0009274420230205449,
    0.00026392764052681053,
    0.00012425227802639782,
    -3.4956171694436116e-05,
    -1.5950896871645105e-05,
    5.918611710894005e-06,
    2.4335516344299543e-06,
    -9.898647747433667e-07,
    -4.3102482988029016e-07,
    1.4157556987729473e-07,
    7.520740909289922e-08,
    -1.6978217459781023e-08,
    -1.196180847972441e-08,
)
# (window, terms): float32's plain formula needs the series out to |t| = 0.35, with
# every term; float64's exact one only to 0.1, where 13 terms leave under 2^-59
_GELU_TANH_NEAR_ROOT32 = (0.35, len(_GELU_TANH_SERIES))
_GELU_TANH_NEAR_ROOT64 = (0.1, 13)


@_blockwise
def _gelu_tanh_grad(x):
    if x.dtype != np.float64:
        return _gelu_tanh_grad_plain(x)
    # g(-a) = s(-v) (1 + e - w) / (1 + e) with w = a v'(a) (a = |x|), and
    # g(a) = 1 - g(-a) since x s(v) - (-x) s(-v) = x. Where 1 + e - w is small, near
    # the root and past it, w is carried as sw + lw with sw exact and sw <= -1:
    # 1 + sw is exact and F = (1 + sw) + (e + lw) rounds once.
    hi, lo, sw, lw = _gelu_tanh_exponent_and_slope(x)
    tail = _subnormal_exp(hi)
    if tail is not None:
        big = _exp_times_2_64(hi.reshape(-1)[tail], lo.reshape(-1)[tail])
    e = np.exp(hi, out=hi)
    lo *= e
    e += lo
    sw += 1.0
    lw += e
    f = np.add(sw, lw, out=sw)  # F = 1 + e - w
    if tail is not None:
        # there e is below 2^-1022 and (1 + e)^2 = 1
        np.put(lw, tail, big * f.reshape(-1)[tail] * 2.0**-64)
    d = np.add(e, 2.0, out=lo)
    d *= e
    d += 1.0  # (1 + e)^2 with a single rounding where e is small
    f *= e
    f /= d
    if tail is not None:
        np.put(f, tail, lw.reshape(-1)[tail])
    p = (x >= _zeros(x)).astype(f.dtype)
    q = np.add(p, p, out=d)
    q -= 1.0
    q *= f
    g = np.subtract(p, q, out=q)  # 1 - g(-a) for x >= 0, g(-a) below
    # F keeps its absolute error, not its relative one, where it vanishes: below
    # |x - r| = 0.1 the series around the root takes over, its first 13 terms
    return _gelu_tanh_near_root(x, g, *_GELU_TANH_NEAR_ROOT64)


def _gelu_tanh_near_root(x, g, window, terms):
    """``g`` with the first ``terms`` of the series around the root where ``|x - r| < window``."""
    near = _near(x, (_GELU_TANH_ROOT[0], window))
    if near.size:
        # t = x - r in float64 even for float32 input: it needs more digits of r
        t = _from_root(x.reshape(-1)[near].astype(np.float64, copy=False), _GELU_TANH_ROOT)
        series = _GELU_TANH_SERIES[:terms]
        poly = np.full_like(t, series[-1])
        for c in series[-2::-1]:
            poly *= t
            poly += c
        poly *= t
        np.put(g, near, poly)
    return g


def _gelu_tanh_grad_plain(x):
    xc = np.clip(x, -1e3, 1e3)
    xc2 = xc * xc
    u = _SQRT_2_OVER_PI * (xc + _GELU_TANH_COEF * (xc2 * xc))
    du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_COEF * xc2)
    # s(2u) + x/2 sech^2(u) du, with sech^2(u) = 4 s(2u) s(-2u): one exp for both
    v = 2.0 * u
    e = _exp_minus_abs(v)
    d = e + 1.0
    g = np.maximum(e, (v >= _zeros(v)).astype(e.dtype, copy=False))
    g /= d  # s(2u)
    np.multiply(d, d, out=d)
    np.divide(e, d, out=e)  # s(2u) s(-2u)
    e *= 2.0 * xc
    e *= du
    g += e
    return _gelu_tanh_near_root(x, g, *_GELU_TANH_NEAR_ROOT32)


def _gelu_erf_grad(x):
    return _normal.gelu_grad_array(x)


@_blockwise
def _silu(x, beta):
    z = x if beta == 1.0 else beta * x
    s = _sigmoid(z)
    s *= x
    # s(z) = e^z to the last bit where e^z is subnormal
    return _put_far_left(s, z, lambda tail, zt: x.reshape(-1)[tail])


# Roots of derivatives, as hi + lo (their sum is the root to about 32 digits).
# Near a root, a formula that adds terms of opposite sign keeps its absolute
# error but loses its relative one; there a second formula, written around
# the root so that its terms share their sign, replaces it.
_SILU_ROOT = (-1.2784645427610737, -1.0946994183093437e-16)
_SILU_EXP_ROOT = 0.2784645427610738  # e^r = -(1 + r)
_MISH_ROOT = (-1.1924312145154952, -4.8484829848031044e-17)
_MISH_W = 0.3034825352815289  # w_r = e^r
_MISH_C = 7.30603179034702  # w_r^2 + 4 w_r + 6
_SILU_WINDOW = (_SILU_ROOT[0], 0.35)  # centre, half-width
_MISH_WINDOW = (_MISH_ROOT[0] + 0.04, 0.2)

# Below log(2^-1022), e^z is subnormal and has lost digits, while x e^z (SiLU,
# mish and their derivatives far left) is still a normal number: there e^z is
# computed as e^(z + 64 ln 2) 2^-64. The high part of 64 ln 2 lies on the grid
# of every |z| in [512, 1024), so that z + hi is exact.
_EXP_SUBNORMAL = -708.3964185322641
_EXP_SHIFT = (44.361419555836505, -5.62123739673937e-15)  # 64 ln 2 = hi + lo


def _near(z, window):
    """Flat (C-order) indices of ``z`` within ``window = (centre, half-width)``."""
    d = z - window[0]
    np.abs(d, out=d)
    return np.flatnonzero(d < window[1])


def _from_root(z, root):
    """``z - root``, exactly rounded near the root (``z - hi`` is exact there)."""
    return (z - root[0]) - root[1]


def _subnormal_exp(z):
    """Flat indices of a float64 ``z`` below ``_EXP_SUBNORMAL``, or None (the usual case)."""
    return _below(z, _EXP_SUBNORMAL) if z.dtype == np.float64 else None


def _put_far_left(out, z, factor):
    """``out`` with ``factor(i, z[i]) e^z[i]`` put in at the flat indices ``i`` where a
    float64 ``e^z`` is subnormal, there computed as ``(factor e^(z + 64 ln 2)) 2^-64``:
    the product is a normal number with all its digits."""
    tail = _subnormal_exp(z)
    if tail is not None:
        zt = z.reshape(-1)[tail]
        np.put(out, tail, factor(tail, zt) * _exp_times_2_64(zt) * 2.0**-64)
    return out


def _exp_times_2_64(z, lo=0.0):
    """``e^(z + lo) 2^64`` for ``-1024 < z < -512`` and a small ``lo``: a normal number
    where ``e^z`` is not."""
    e = np.exp(z + _EXP_SHIFT[0])
    e += e * (lo + _EXP_SHIFT[1])  # e^l = 1 + l
    return e


@_blockwise
def _silu_grad(x, beta):
    if beta == 1.0:
        z = x
    else:  # beta x may overflow
        big = np.finfo(x.dtype).max
        z = np.clip(beta * x, -big, big)
    # s(z)(1 + z s(-z)) = N / (1 + e)^2 with e = exp(-|z|): N = 1 + e (1 + z) for
    # z >= 0 and e (1 + z + e) below, that is N = max(e^2, [z >= 0]) + e (1 + z).
    # Far left 1 + z is exact; the sum of e (1 + z) and e^2 cancels only near the root.
    e = _exp_minus_abs(z)
    n = z + 1.0
    n *= e
    p = (z >= _zeros(z)).astype(e.dtype)
    np.maximum(p, np.multiply(e, e), out=p)
    n += p
    # (1 + e)^2 as 1 + e (2 + e): a single rounding where e is small
    d = e + 2.0
    d *= e
    d += 1.0
    n /= d
    near = _near(z, _SILU_WINDOW)
    if near.size:
        # with 1 + r + e^r = 0, 1 + z + e^z = t + e^r expm1(t), t = z - r: two terms
        # of one sign (N = e (1 + z + e) there). In float64 even for float32 input:
        # z - r needs more digits of r than float32 holds.
        zn = z.reshape(-1)[near].astype(np.float64, copy=False)
        t = _from_root(zn, _SILU_ROOT)
        f = np.expm1(t)
        f *= _SILU_EXP_ROOT
        f += t
        en = np.exp(zn)
        f *= en
        dn = en + 2.0
        dn *= en
        dn += 1.0
        f /= dn
        np.put(n, near, f)
    return _put_far_left(n, z, lambda tail, zt: zt + 1.0)  # N / (1 + e)^2 = e^z (1 + z)


def _log1p_exp(z):
    """``log(1 + e^z)`` as ``max(z, 0) + log1p(e^-|z|)``: NumPy's ``logaddexp(0, z)``
    formula, at a third of its cost (the ufunc calls scalar exp and log1p)."""
    out = _exp_minus_abs(z)
    np.log1p(out, out=out)
    out += np.maximum(z, _zeros(z))
    return out


def _softplus(x, beta):
    if beta == 1.0:
        # Above x = 40, log1p(e^-x) is below half an ulp of x: the result is x.
        return _log1p_exp(x)
    # Above beta*x = 40, log(1 + e^(beta x)) / beta equals x to the last bit in
    # float64; the switch also keeps beta*x from overflowing for large beta.
    z = beta * x
    return np.where(z > 40.0, x, _log1p_exp(z) / beta)


def _softplus_grad(x, beta):
    return _sigmoid(x if beta == 1.0 else beta * x)


def _mish_parts(x):
    """``w = e^min(x, 20)``, ``n = w^2 + 2 w`` and ``D = n + 2``: with them
    ``tanh(softplus(x)) = n / D`` (above x = 20 both are 1 to the last bit)."""
    w = np.exp(np.minimum(x, _filled(x, 20.0)))
    # 2 w + w^2 rounds once where w is small; w (w + 2) would round twice
    n = w + w
    n += np.multiply(w, w)
    return w, n, n + 2.0


@_blockwise
def _mish(x):
    _, n, d = _mish_parts(x)
    n /= d
    n *= x
    # tanh(softplus(x)) = e^x to the last bit where e^x is subnormal
    return _put_far_left(n, x, lambda tail, xt: xt)


def _mish_denominator_squared(w):
    """``D^2 = (w^2 + 2 w + 2)^2`` by Horner in ``w``: fewer roundings than ``D * D``."""
    d = w + 4.0
    d *= w
    d += 8.0
    d *= w
    d += 8.0
    d *= w
    d += 4.0
    return d


@_blockwise
def _mish_grad(x):
    # tanh(sp) + x sech^2(sp) s(x) = w B / D^2 with w = e^x, D = w^2 + 2 w + 2 and
    # B = (w + 2) D + 4 x (1 + w), computed as w (B / D) / D with
    # B / D = 2 (1 + x) + w (1 - 2 x w / D): far left 2 (1 + x) is exact and leads,
    # for x > 0, 2 x w / D < 0.45; the two terms share their sign except near the root.
    # Above x = 30 the derivative rounds to 1 (which the formula gives at 30), below
    # -1e4 to 0 (where 2 x would overflow for the largest floats).
    xc = np.minimum(x, _filled(x, 30.0))
    np.maximum(xc, _filled(xc, -1e4), out=xc)
    w = np.exp(xc)
    d = w + 2.0
    d *= w
    d += 2.0
    x2 = xc + xc
    r = x2 * w
    r /= d
    np.subtract(1.0, r, out=r)
    r *= w
    x2 += 2.0
    r += x2
    g = np.multiply(r, w, out=r)  # before dividing: w may be subnormal, w B / D is not
    g /= d
    near = _near(x, _MISH_WINDOW)
    if near.size:
        # B vanishes at the root r; around it, with t = x - r, w_r = e^r and
        # dw = w - w_r = w_r expm1(t),
        # B = dw (w^2 + w w_r + 4 w + w_r^2 + 4 w_r + 6 + 4 x) + 4 t (1 + w_r):
        # terms of one sign.
        # (in float64 even for float32 input: x - r needs more digits of r)
        xn = x.reshape(-1)[near].astype(np.float64, copy=False)
        wn = np.exp(xn)
        t = _from_root(xn, _MISH_ROOT)
        b = wn + (_MISH_W + 4.0)
        b *= wn
        b += 4.0 * xn + _MISH_C
        b *= _MISH_W * np.expm1(t)
        b += (4.0 * (1.0 + _MISH_W)) * t
        b *= wn / _mish_denominator_squared(wn)
        np.put(g, near, b)
    return _put_far_left(g, x, lambda tail, xt: xt + 1.0)  # w B / D^2 = e^x (1 + x)


# ------------------------------------------------------------- parameter checks
def _approximate(name: str, value: Any) -> str:
    if value not in ("none", "tanh"):
        raise ValueError(f'{name} must be "none" or "tanh", got {value!r}')
    return value


# ------------------------------------------------------------------ Activation
@dataclass(frozen=True, eq=False)
class Activation:
    """An elementwise activation function and its derivative.

    Parameters
    ----------
    name : str
        The name it is registered under.
    value : callable
        ``value(x, **params)`` -> array of the same shape as ``x``.
    derivative : callable
        ``derivative(x, **params)`` -> elementwise ``dy/dx``.
    params : mapping, optional
        Keyword parameters passed to both functions (e.g. ``alpha``).
    kinks : tuple of float, optional
        Inputs where the derivative jumps (for ``relu``, ``(0.0,)``).
    limits : tuple or callable, optional
        ``(value(-inf), value(inf), grad(-inf), grad(inf))``, or a function of the
        parameters returning them; where given, they replace whatever the formulas
        give at infinite inputs.

    Examples
    --------
    >>> import actnet
    >>> act = actnet.get("leaky_relu", alpha=0.1)
    >>> act([-2.0, 0.0, 3.0])
    array([-0.2,  0. ,  3. ])
    >>> act.grad([-2.0, 0.0, 3.0])
    array([0.1, 0.1, 1. ])
    """

    name: str
    value: ArrayFunction = field(repr=False)
    derivative: ArrayFunction = field(repr=False)
    params: Mapping[str, Any] = field(default_factory=dict)
    kinks: tuple[float, ...] = ()
    limits: Limits | Callable[..., Limits] | None = field(default=None, repr=False)
    _checks: Mapping[str, Callable[[str, Any], Any]] | None = field(
        default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", dict(self.params))

    def __call__(self, x: Any) -> np.ndarray:
        """The value of the activation at ``x``, elementwise."""
        return self._apply(self.value, x, "value")

    def grad(self, x: Any) -> np.ndarray:
        """The elementwise derivative ``dy/dx`` at ``x``."""
        return self._apply(self.derivative, x, "derivative")

    def with_params(self, **params: Any) -> Activation:
        """A copy with some parameters changed (checked like :func:`get`'s)."""
        merged = dict(self.params)
        merged.update(_check_params(self.name, params, self.params, self._checks))
        return Activation(
            self.name, self.value, self.derivative, merged, self.kinks, self.limits, self._checks
        )

    def _apply(self, function: ArrayFunction, x: Any, what: str) -> np.ndarray:
        if type(x) is np.ndarray and x.ndim and x.dtype in _FAST_DTYPES:
            # the common case (a float array from a network): nothing to convert
            arr = x
            with np.errstate(all="ignore"):
                out = function(arr, **self.params)
            if type(out) is np.ndarray and out.shape == arr.shape and out.dtype == arr.dtype:
                return self._with_limits(out, arr, what)
        else:
            arr = _as_float_array(x)
            with np.errstate(all="ignore"):
                # 1-d at least, so that the formulas may work in place on arrays, never on scalars
                out = function(arr.reshape(1) if arr.ndim == 0 else arr, **self.params)
        if arr.ndim == 0:
            out = np.asarray(out).reshape(())
        out = np.asarray(out)
        if out.shape != arr.shape:
            try:
                out = np.broadcast_to(out, arr.shape).copy()
            except ValueError:
                raise ValueError(
                    f"the {what} function of activation {self.name!r} returned shape "
                    f"{out.shape} for an input of shape {arr.shape}; it must be elementwise"
                ) from None
        if out.dtype != arr.dtype:
            out = out.astype(arr.dtype)
        out = self._with_limits(out, arr, what)
        return out[()] if out.ndim == 0 else out

    def _with_limits(self, out: np.ndarray, arr: np.ndarray, what: str) -> np.ndarray:
        """``out`` with the given limits at infinite inputs (a copy if any is replaced)."""
        if self.limits is not None:
            infinite = np.isinf(arr)
            if infinite.any():
                limits = self.limits(**self.params) if callable(self.limits) else self.limits
                lo, hi = limits[:2] if what == "value" else limits[2:]
                out = np.array(out, copy=True)
                out[infinite] = np.where(arr[infinite] > 0, hi, lo)
        return out

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Activation({self.name!r}{args})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Activation):
            return NotImplemented
        return (
            self.name == other.name
            and self.value is other.value
            and self.derivative is other.derivative
            and self.params == other.params
        )

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))


def _check_params(name, params, defaults, checks):
    checked = {}
    for key, value in params.items():
        if key not in defaults:
            known = ", ".join(defaults) or "none"
            raise ValueError(
                f"activation {name!r} has no parameter {key!r}; its parameters are: {known}"
            )
        check = (checks or {}).get(key)
        checked[key] = check(key, value) if check else value
    return checked


_REGISTRY: dict[str, Activation] = {}
_ALIASES = {"linear": "identity", "swish": "silu", "logistic": "sigmoid"}


def _builtin(name, value, derivative, params=None, checks=None, kinks=(), limits=None):
    _REGISTRY[name] = Activation(name, value, derivative, params or {}, kinks, limits, checks)
    return _REGISTRY[name]


_builtin("identity", _identity, _identity_grad)
_builtin("sigmoid", _sigmoid, _sigmoid_grad)
_builtin("tanh", _tanh, _tanh_grad)
_builtin("relu", _relu, _relu_grad, kinks=(0.0,))
_builtin("leaky_relu", _leaky_relu, _leaky_relu_grad, {"alpha": 0.01}, {"alpha": _real}, (0.0,))
_builtin("prelu", _leaky_relu, _leaky_relu_grad, {"alpha": 0.25}, {"alpha": _real}, (0.0,))
_builtin("elu", _elu, _elu_grad, {"alpha": 1.0}, {"alpha": _positive}, (0.0,))
_builtin("selu", _selu, _selu_grad, kinks=(0.0,))
_builtin(
    "gelu",
    _gelu,
    _gelu_grad,
    {"approximate": "none"},
    {"approximate": _approximate},
    limits=(0.0, math.inf, 0.0, 1.0),
)


def _silu_limits(beta):
    """x s(beta x) at -inf and inf, and its derivative there: as ReLU's for beta > 0,
    as x / 2 for beta = 0, mirrored (-inf, 0; 1, 0) for beta < 0."""
    if beta > 0.0:
        return (0.0, math.inf, 0.0, 1.0)
    if beta == 0.0:
        return (-math.inf, math.inf, 0.5, 0.5)
    return (-math.inf, 0.0, 1.0, 0.0)


_builtin("silu", _silu, _silu_grad, {"beta": 1.0}, {"beta": _real}, limits=_silu_limits)
_builtin("softplus", _softplus, _softplus_grad, {"beta": 1.0}, {"beta": _positive})
_builtin("mish", _mish, _mish_grad, limits=(0.0, math.inf, 0.0, 1.0))
_BUILTINS = frozenset(_REGISTRY)


def available() -> list[str]:
    """The names of every registered activation, built-in ones first.

    >>> "relu" in available()
    True
    """
    return list(_REGISTRY)


def get(name: str | Activation, **params: Any) -> Activation:
    """The activation called ``name``, with ``params`` replacing its defaults.

    Parameters
    ----------
    name : str or Activation
        A registered name (see :func:`available`; ``"swish"`` and
        ``"linear"`` are accepted for ``"silu"`` and ``"identity"``), or an
        :class:`Activation`, which is returned (with ``params`` applied).
    **params
        Parameters of the activation, e.g. ``alpha`` for ``leaky_relu``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the available ones), an unknown
        parameter, or a parameter value out of range.
    TypeError
        For a name that is neither a string nor an Activation, or a parameter
        of the wrong type.

    Examples
    --------
    >>> get("softplus", beta=2.0)
    Activation('softplus', beta=2.0)
    >>> get("softmax")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'softmax'; available: identity, sigmoid, tanh, relu, leaky_relu, prelu, elu, selu, gelu, silu, softplus, mish
    """
    if isinstance(name, Activation):
        return name.with_params(**params) if params else name
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a name (str) or an Activation, got {type(name).__name__}"
        )
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _REGISTRY:
        raise ValueError(f"unknown activation {name!r}; available: {', '.join(_REGISTRY)}")
    act = _REGISTRY[key]
    return act.with_params(**params) if params else act


def register(
    name: str,
    value: ArrayFunction,
    grad: ArrayFunction,
    params: Mapping[str, Any] | None = None,
    kinks: tuple[float, ...] = (),
    overwrite: bool = False,
) -> Activation:
    """Register a user-defined activation and return it.

    Once registered, the name works everywhere a built-in name does:
    networks, experiments, report cards and explorers.

    Parameters
    ----------
    name : str
        A new name (lower case is used for look-up).
    value, grad : callable
        ``value(x, **params)`` and ``grad(x, **params)``, elementwise on an array.
    params : mapping, optional
        Default parameters; :func:`get` may override them by keyword.
    kinks : tuple of float, optional
        Inputs where the derivative jumps.
    overwrite : bool
        Replace an existing user-defined activation of the same name.

    Examples
    --------
    >>> import numpy as np
    >>> sq = register("squareplus", lambda x, b: (x + np.sqrt(x * x + b)) / 2,
    ...               lambda x, b: (1 + x / np.sqrt(x * x + b)) / 2, params={"b": 4.0})
    >>> float(sq(0.0)), float(get("squareplus", b=1.0).grad(0.0))
    (1.0, 0.5)
    >>> unregister("squareplus")
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    if not callable(value):
        raise TypeError(f"value must be callable, got {type(value).__name__}")
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    key = name.strip().lower()
    if key in _BUILTINS or key in _ALIASES:
        raise ValueError(f"name {name!r} is a built-in activation; choose another name")
    if key in _REGISTRY and not overwrite:
        raise ValueError(
            f"an activation named {name!r} is already registered; pass overwrite=True to replace it"
        )
    kinks = tuple(_real("kinks", k) for k in kinks)
    act = Activation(key, value, grad, dict(params or {}), kinks)
    _REGISTRY[key] = act
    return act


def unregister(name: str) -> None:
    """Remove a user-defined activation registered with :func:`register`."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key in _BUILTINS:
        raise ValueError(f"{name!r} is a built-in activation and cannot be removed")
    if key not in _REGISTRY:
        raise ValueError(f"no user-defined activation named {name!r} is registered")
    del _REGISTRY[key]


# ------------------------------------------------- the built-ins as functions
# Each function gives the value of the registered activation of the same name;
# its docstring is that activation's documentation.
def identity(x: Any) -> np.ndarray:
    r"""The identity, :math:`f(x) = x`.

    .. math:: f'(x) = 1

    No kink. A network whose activations are all the identity is one linear
    map, however deep; at a regression output it is the right choice.

    >>> identity([-1.5, 2.0])
    array([-1.5,  2. ])
    """
    return _REGISTRY["identity"](x)


def sigmoid(x: Any) -> np.ndarray:
    r"""The logistic sigmoid.

    .. math::
        \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad
        \sigma'(x) = \sigma(x)\,(1 - \sigma(x)) \le \tfrac14

    Smooth, no kink. Computed from :math:`e^{-|x|}`, so it never overflows:
    ``sigmoid(-1000)`` is exactly 0 with no warning. Outputs lie in (0, 1) and
    are not zero-centred (LeCun et al., 1998, *Efficient BackProp*).

    >>> sigmoid([-1000.0, 0.0, 2.0]).round(6)
    array([0.      , 0.5     , 0.880797])
    """
    return _REGISTRY["sigmoid"](x)


def tanh(x: Any) -> np.ndarray:
    r"""The hyperbolic tangent.

    .. math::
        \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1, \qquad
        \tanh'(x) = 1 - \tanh^2(x) \le 1

    Smooth, zero-centred, outputs in (-1, 1). The derivative is computed as
    :math:`4z/(1+z)^2` with :math:`z = e^{-2|x|}`, which stays accurate in the tails.

    >>> tanh([-1.0, 0.0, 1.0]).round(6)
    array([-0.761594,  0.      ,  0.761594])
    """
    return _REGISTRY["tanh"](x)


def relu(x: Any) -> np.ndarray:
    r"""The rectified linear unit (Nair and Hinton, 2010; Glorot et al., 2011).

    .. math::
        \operatorname{relu}(x) = \max(0, x), \qquad
        \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    Kink at 0, where the derivative is taken as 0 (PyTorch's convention).

    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return _REGISTRY["relu"](x)


def leaky_relu(x: Any, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU (Maas, Hannun and Ng, 2013).

    .. math::
        f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}, \qquad
        f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}

    Kink at 0, where the derivative is taken as ``alpha`` (PyTorch's convention).
    ``alpha`` is a hyper-parameter, fixed before training (default 0.01).

    >>> leaky_relu([-2.0, 3.0])
    array([-0.02,  3.  ])
    """
    return get("leaky_relu", alpha=alpha)(x)


def prelu(x: Any, alpha: float = 0.25) -> np.ndarray:
    r"""Parametric ReLU (He, Zhang, Ren and Sun, 2015).

    The same function as :func:`leaky_relu`, but ``alpha`` is a parameter that
    training learns (initialised at 0.25 in the paper); a network layer holds
    it, this function evaluates it for a given value.

    .. math::
        f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}, \qquad
        \frac{\partial f}{\partial \alpha} = \begin{cases} 0 & x > 0 \\ x & x \le 0 \end{cases}

    >>> prelu([-2.0, 3.0])
    array([-0.5,  3. ])
    """
    return get("prelu", alpha=alpha)(x)


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    r"""The exponential linear unit (Clevert, Unterthiner and Hochreiter, 2015).

    .. math::
        f(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}, \qquad
        f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

    ``alpha > 0``. With ``alpha = 1`` the derivative is continuous; otherwise it
    jumps at 0, where it is taken as ``alpha`` (PyTorch's convention).
    Computed with ``expm1`` for accuracy near 0.

    >>> elu([-1000.0, -1.0, 2.0]).round(6)
    array([-1.      , -0.632121,  2.      ])
    """
    return get("elu", alpha=alpha)(x)


def selu(x: Any) -> np.ndarray:
    r"""The scaled exponential linear unit (Klambauer et al., 2017).

    .. math::
        f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases},
        \qquad
        f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

    with the paper's exact constants :math:`\alpha \approx 1.6732632423543772`
    and :math:`\lambda \approx 1.0507009873554805` (``SELU_ALPHA``,
    ``SELU_SCALE``), which make zero mean and unit variance a fixed point.
    The derivative jumps at 0, where it is taken as :math:`\lambda\alpha`.

    >>> selu([-1.0, 1.0]).round(6)
    array([-1.111331,  1.050701])
    """
    return _REGISTRY["selu"](x)


def gelu(x: Any, approximate: str = "none") -> np.ndarray:
    r"""The Gaussian error linear unit (Hendrycks and Gimpel, 2016).

    .. math::
        f(x) = x\,\Phi(x), \qquad f'(x) = \Phi(x) + x\,\varphi(x)

    with :math:`\Phi` and :math:`\varphi` the standard normal distribution and
    density. ``approximate="tanh"`` uses the paper's approximation

    .. math::
        f(x) \approx \tfrac12 x \left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right).

    Smooth, no kink; not monotonic (its minimum is about -0.17 near x = -0.75).

    >>> gelu([-1.0, 0.0, 1.0]).round(6)
    array([-0.158655,  0.      ,  0.841345])
    >>> gelu([1.0], approximate="tanh").round(6)
    array([0.841192])
    """
    return get("gelu", approximate=approximate)(x)


def silu(x: Any, beta: float = 1.0) -> np.ndarray:
    r"""SiLU, or Swish (Elfwing et al., 2018; Ramachandran, Zoph and Le, 2017).

    .. math::
        f(x) = x\,\sigma(\beta x), \qquad
        f'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))

    ``beta = 1`` is SiLU; Swish lets ``beta`` vary. Smooth, no kink, not monotonic.

    >>> silu([-1.0, 0.0, 1.0]).round(6)
    array([-0.268941,  0.      ,  0.731059])
    """
    return get("silu", beta=beta)(x)


def softplus(x: Any, beta: float = 1.0) -> np.ndarray:
    r"""Softplus, a smooth ReLU (Dugas et al., 2001).

    .. math::
        f(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right), \qquad
        f'(x) = \sigma(\beta x)

    ``beta > 0``. Computed with ``logaddexp`` so ``softplus(1000)`` is 1000,
    exactly, with no overflow.

    >>> softplus([-1000.0, 1000.0])
    array([   0., 1000.])
    >>> round(float(softplus(0.0)), 6)
    0.693147
    """
    return get("softplus", beta=beta)(x)


def mish(x: Any) -> np.ndarray:
    r"""Mish (Misra, 2019).

    .. math::
        f(x) = x \tanh(\operatorname{softplus}(x)), \qquad
        f'(x) = \tanh(\operatorname{softplus}(x))
               + x\,\operatorname{sech}^2(\operatorname{softplus}(x))\,\sigma(x)

    Smooth, no kink, not monotonic (minimum about -0.31 near x = -1.19).

    >>> mish([-1.0, 0.0, 1.0]).round(6)
    array([-0.303401,  0.      ,  0.865098])
    """
    return _REGISTRY["mish"](x)
