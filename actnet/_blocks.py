"""Elementwise array formulas applied block by block, so that their temporaries stay in the cache."""

from __future__ import annotations

import functools
from collections.abc import Callable

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
