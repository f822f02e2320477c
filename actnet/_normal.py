r"""The standard normal distribution function and GELU, vectorised in NumPy.

For :math:`a = |x|` everything is written with the Gaussian factor
:math:`E(a) = e^{-a^2/2}` and a smooth, bounded rational function of
:math:`a` (the structure of W. J. Cody, "Rational Chebyshev approximations
for the error function", *Math. Comp.* 23 (1969) 631-637):

.. math::
    \Phi(-a) = \frac{E(a)\,Z(a)}{a + 1}, \qquad
    \Phi(-a) - a\,\varphi(a) = -E(a)\,(a - r)\,U(a),

with :math:`r \approx 0.7518` the root of GELU's derivative
:math:`\Phi(x) + x\varphi(x)` at :math:`x = -r`. Both
:math:`Z(a) = (a + 1)\,e^{a^2/2}\,\Phi(-a)` (1/2 at 0, at most 0.53) and
:math:`U(a) = (a/\sqrt{2\pi} - e^{a^2/2}\Phi(-a)) / (a - r)` (0.665 at 0) tend
to :math:`1/\sqrt{2\pi}`; they are evaluated as continued fractions (J-fractions)
``k0 + c0/(a + d0 + c1/(a + d1 + ...))``, which round well at every ``a``
(a polynomial quotient in ``a`` loses up to 8 ulps to rounding at large ``a``,
and the J-fraction of :math:`e^{a^2/2}\Phi(-a)` itself up to 8 near 0).
Their coefficients are near-minimax fits of relative error made with mpmath
(256 bits) on ``[0, 38.5]`` for float64 (error below 5e-19) and on
``[0, 13.5]`` for float32 (below 8e-9); beyond, :math:`E` underflows.

Two details keep the float64 results within a few ulps everywhere:

* :math:`E` is ``exp(-p/2) * (1 - e/2)`` with ``p + e = a*a`` split exactly
  (Dekker), since ``exp`` of a rounded argument is off by ``a*a/2`` ulps;
* the factor :math:`a - r` is exact near the root, so the derivative keeps
  its relative accuracy where it crosses zero.

For float32 inputs ``E`` comes from float64 (a float32 square is exact there)
and the rest is float32 arithmetic. Large arrays are processed in blocks
that stay in the cache.
"""

from __future__ import annotations

import numpy as np

from actnet._arrays import below, blockwise, filled

__all__ = ["gelu", "gelu_grad", "normal_cdf"]

# J-fractions, as (k0, c, d): k0 + c0/(a + d0 + c1/(a + d1 + ... c_n/(a + d_n)))
_Z64 = (
    0.39894228040148655,
    (
        0.3989422803871635,
        2.0000003311114987,
        1.9996442254496802,
        3.8881443846500696,
        -8.577959499970136,
        196.38744432577388,
        -10.077849384623203,
        46.55928690277078,
        -3.480888090538762,
        54.213866675876304,
        16.486293048833968,
    ),
    (
        0.9999999956186334,
        8.855331333770366e-06,
        0.49447765143452055,
        0.8468814210520912,
        21.462303131196084,
        -5.878822312600334,
        3.195418064321969,
        4.248482926595703,
        -5.390885347765119,
        5.350463552414915,
        4.994308846592526,
    ),
)
_U64 = (
    0.39894228040146174,
    (
        0.29992142524053866,
        0.7693151516010991,
        1.6891734803481062,
        2.8323476342989315,
        -15.377376535822293,
        85.51655100754421,
        -12.00006231922009,
        50.098152716015115,
        1.1737859968351627,
        187.14087837257733,
    ),
    (
        0.5783644628325065,
        0.3988699513878755,
        0.3097981232046,
        1.5193346139902473,
        16.034529579906184,
        -0.3954575986174564,
        0.04305212583403783,
        6.809552627440691,
        14.642515030618952,
        -10.542799551178845,
    ),
)
_Z32 = (
    0.3989451825618744,
    (
        0.39875921607017517,
        2.2004129886627197,
        -5.595597267150879,
        25.723329544067383,
        1.7561798095703125,
    ),
    (
        0.9874041080474854,
        1.0319697856903076,
        6.960999011993408,
        -0.4324190318584442,
        0.7030144333839417,
    ),
)
_U32 = (
    0.39894503355026245,
    (0.2997722327709198, 0.936702311038971, -7.671199798583984, 15.124122619628906),
    (0.5664897561073303, 2.1214311122894287, 4.5717854499816895, 1.2067370414733887),
)
# the root r of Phi(-a) = a phi(a), as hi + lo (hi + lo is r to about 32 digits)
_ROOT64 = (0.7517915246935645, -1.4956759177009883e-17)
_ROOT32 = (0.7517915368080139, -1.211444988769017e-08)

# |x| is clipped where E(a) is 0 (and a*a, a*2**27 stay finite)
_CLIP = {np.dtype(np.float64): 40.0, np.dtype(np.float32): 20.0}
# Past these, E(a) is subnormal while the derivative is not: those elements
# are redone with E scaled by e**64 (float64) or in float64 (float32).
_TAIL64 = 37.5
_TAIL32 = 13.0
_EXP_MINUS_64 = 1.603810890548638e-28  # e**-64
_blockwise = blockwise(1 << 20)  # per array of a block: the few arrays of a block stay in L2


def _jfraction(a: np.ndarray, fraction) -> np.ndarray:
    """``k0 + c0/(a + d0 + c1/(a + d1 + ...))`` in one new array."""
    k0, c, d = fraction
    y = a + d[-1]
    for k in range(len(c) - 2, -1, -1):
        np.divide(c[k + 1], y, out=y)
        y += a
        y += d[k]
    np.divide(c[0], y, out=y)
    y += k0
    return y


def _gauss64(a: np.ndarray, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``(exp(shift - p/2), -e/2)`` for float64 ``a``, with ``p + e = a*a`` exactly,
    so that ``E = exp(shift - p/2) * (1 - e/2)`` to within its last bits."""
    p = a * a
    hi = a * 134217729.0  # 2**27 + 1: Dekker's split into two 26-bit halves
    lo = hi - a
    hi -= lo  # hi: the top half of a
    lo = np.subtract(a, hi, out=lo)
    e = hi * hi
    e -= p
    hi += a
    hi *= lo
    e += hi  # e = a*a - p, exactly
    e *= -0.5
    p *= -0.5
    if shift:
        p += shift  # exact for the large a it is used at
    return np.exp(p, out=p), e


def _gauss32(x: np.ndarray) -> np.ndarray:
    """``exp(-x*x/2)`` for float32 ``x``, from float64 (where ``x*x`` is exact)."""
    q = x.astype(np.float64)
    np.multiply(q, q, out=q)
    q *= -0.5
    np.exp(q, out=q)
    return q.astype(np.float32)


def _lower_tail(x: np.ndarray, times_a: bool) -> np.ndarray:
    """``Phi(-a)``, or ``a Phi(-a)`` with ``times_a``, for ``a = |x|`` (a new array)."""
    a = np.abs(x)
    np.minimum(a, filled(a, _CLIP[a.dtype]), out=a)
    if x.dtype == np.float32:
        t = _gauss32(x)
        if times_a:
            t *= a
        t *= _jfraction(a, _Z32)
    else:
        t, e = _gauss64(a)
        if times_a:
            t *= a  # first: a E is normal wherever the result is
        t *= _jfraction(a, _Z64)
        e *= t
        t += e
    a += 1.0
    t /= a
    return t


@_blockwise
def _cdf_kernel(x: np.ndarray) -> np.ndarray:
    """Phi(x) for a float32/float64 array."""
    t = _lower_tail(x, times_a=False)  # Phi(-|x|) <= 1/2
    # Phi(x) = |[x > 0] - Phi(-|x|)|: 1 - Phi(-x) above 0, without a branch
    h = (x > filled(x, 0.0)).astype(x.dtype)
    np.subtract(h, t, out=t)
    return np.abs(t, out=t)


@_blockwise
def _gelu_kernel(x: np.ndarray) -> np.ndarray:
    """x Phi(x) for a float32/float64 array."""
    v = _lower_tail(x, times_a=True)  # |x| Phi(-|x|)
    # x Phi(x) = max(x, 0) - |x| Phi(-|x|) on both sides of 0
    out = np.maximum(x, filled(x, 0.0))
    out -= v
    return out


def _gelu_grad_parts(x: np.ndarray, shift: float = 0.0) -> np.ndarray:
    """Phi(x) + x phi(x); in float64, ``shift`` scales ``E`` by ``e**shift`` inside and
    back at the end, for the far tail where ``E`` itself is subnormal."""
    a = np.abs(x)
    np.minimum(a, filled(a, _CLIP[a.dtype]), out=a)
    if x.dtype == np.float32:
        w = _gauss32(x)
        w *= _jfraction(a, _U32)
        a -= _ROOT32[0]
        a -= _ROOT32[1]
        w *= a
    else:
        w, e = _gauss64(a, shift)
        w *= _jfraction(a, _U64)
        a -= _ROOT64[0]
        a -= _ROOT64[1]  # a - r, exact near the root
        w *= a
        e *= w
        w += e  # w = E (a - r) U = -(Phi(-|x|) - |x| phi(x))
        if shift:
            w *= _EXP_MINUS_64
    return _combine_grad(x, w)


def _combine_grad(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``F = -w`` below 0 and ``1 - F`` above, as ``[x > 0] (1 + 2w) - w`` (no branch)."""
    h = (x > filled(x, 0.0)).astype(x.dtype)
    g = w + w
    g += 1.0
    g *= h
    g -= w
    return g


@_blockwise
def _gelu_grad_kernel(x: np.ndarray) -> np.ndarray:
    """Phi(x) + x phi(x) for a float32/float64 array."""
    g = _gelu_grad_parts(x)
    # only below -tail can E be subnormal where the derivative is not
    far = below(x, -_TAIL32 if x.dtype == np.float32 else -_TAIL64)
    if far is not None:
        xf = x.reshape(-1)[far]
        if x.dtype == np.float32:
            fixed = _gelu_grad_parts(xf.astype(np.float64)).astype(np.float32)
        else:
            fixed = _gelu_grad_parts(xf, 64.0)  # the shift is exact for |x| > 32
        np.put(g, far, fixed)
    return g


def _as_array(x) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype != np.float32 and arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    return arr.reshape(1) if arr.ndim == 0 else arr


def _apply(kernel, x):
    arr = _as_array(x)
    with np.errstate(all="ignore"):  # exp underflows; inner divisions may meet 0
        out = kernel(arr)
    return out.reshape(np.shape(x)) if np.ndim(x) == 0 else out


# For a float32/float64 array of at least one dimension, under
# np.errstate(all="ignore") (what actnet.activations calls).
gelu_array = _gelu_kernel
gelu_grad_array = _gelu_grad_kernel


def normal_cdf(x) -> np.ndarray:
    r"""The standard normal distribution function :math:`\Phi(x)`, elementwise.

    Parameters
    ----------
    x : array_like
        float32 stays float32; anything else is computed in float64.

    Returns
    -------
    ndarray
        :math:`\Phi(x) = \tfrac12 \operatorname{erfc}(-x/\sqrt2)`, within a few
        ulps in float64, down to where it underflows.

    Examples
    --------
    >>> normal_cdf([-1.0, 0.0, 1.0]).round(6)
    array([0.158655, 0.5     , 0.841345])
    """
    return _apply(_cdf_kernel, x)


def gelu(x) -> np.ndarray:
    r""":math:`x\,\Phi(x)`, elementwise (see :func:`normal_cdf`).

    >>> gelu([-1.0, 1.0]).round(6)
    array([-0.158655,  0.841345])
    """
    return _apply(_gelu_kernel, x)


def gelu_grad(x) -> np.ndarray:
    r""":math:`\Phi(x) + x\,\varphi(x)`, the derivative of :func:`gelu`, elementwise.

    >>> gelu_grad([-1.0, 1.0]).round(6)
    array([-0.083315,  1.083315])
    """
    return _apply(_gelu_grad_kernel, x)
