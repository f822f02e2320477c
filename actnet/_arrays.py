"""Array helpers shared by the formulas of actnet.activations and actnet._normal:
block-by-block evaluation, cached constant arrays, and the rare elements below a limit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np


def blockwise(block_bytes: int) -> Callable[[Callable], Callable]:
    """A decorator: ``f(x, ...)`` for a large array ``x`` computed on flat blocks of
    ``block_bytes`` and put together (the same results, bit for bit, since ``f`` is
    elementwise: its output has ``x``'s shape and dtype)."""

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def blocks(x: np.ndarray, *args, **params) -> np.ndarray:
            block = block_bytes // x.dtype.itemsize
            if x.size <= block:
                return f(x, *args, **params)
            out = np.empty(x.shape, x.dtype)
            flat, flat_out = x.reshape(-1), out.reshape(-1)
            for i in range(0, flat.size, block):
                flat_out[i : i + block] = f(flat[i : i + block], *args, **params)
            return out

        return blocks

    return decorate


# Constants to compare with or clip at: NumPy's comparisons and max/min against a
# Python scalar take a slower loop than against a contiguous array of the same
# value (same results, bit for bit). Up to 1 MiB (2**17 float64 elements, in cache)
# a read-only view of one buffer per dtype and value; above, the scalar itself.
FILLED_MAX_BYTES = 1 << 20
_FILLED: dict[tuple[np.dtype, float], np.ndarray] = {}


def filled(x: np.ndarray, value: float) -> Any:
    """``value`` in ``x``'s shape and dtype (a read-only view), or ``value`` for a large ``x``."""
    size = x.size
    if size * x.dtype.itemsize > FILLED_MAX_BYTES:
        return value
    key = (x.dtype, value)
    buf = _FILLED.get(key)
    if buf is None or buf.size < size:
        buf = np.full(max(size, 1024), value, x.dtype)
        buf.flags.writeable = False
        _FILLED[key] = buf
    return buf[:size].reshape(x.shape)


def zeros(x: np.ndarray) -> Any:
    """Zeros of ``x``'s shape and dtype (a read-only view), or 0.0 for a large ``x``."""
    return filled(x, 0.0)


def below(x: np.ndarray, limit: float) -> np.ndarray | None:
    """The flat indices of the elements of ``x`` below ``limit``, or None when there are
    none (the usual case, ruled out in one pass; ``fmin`` skips NaN, which would hide
    the others)."""
    if not x.size or not np.fmin.reduce(x, axis=None) < limit:
        return None
    return np.flatnonzero(x < limit)
