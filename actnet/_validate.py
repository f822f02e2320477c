"""Input checks shared by :mod:`actnet.nn`, :mod:`actnet.losses`, :mod:`actnet.optim`, ..."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


def float_array(name: str, value: Any, dtype: Any = np.float64, finite: bool = True) -> np.ndarray:
    """``value`` as a ``dtype`` array: TypeError if not numeric, ValueError if not finite."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    arr = arr.astype(dtype, copy=False)
    if finite and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return arr


def real_number(name: str, value: Any) -> float:
    """``value`` as a finite float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive_number(name: str, value: Any) -> float:
    """``value`` as a float, which must be finite and > 0."""
    value = real_number(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def integer_at_least(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, which must be >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def choice(kind: str, name: Any, valid: Iterable[str]) -> str:
    """``name`` lower-cased if it is one of ``valid``; else ``ValueError`` listing them."""
    valid = list(valid)
    if not isinstance(name, str):
        raise TypeError(f"{kind} must be a name (str), got {type(name).__name__}")
    key = name.strip().lower()
    if key not in valid:
        raise ValueError(f"unknown {kind} {name!r}; valid names: {', '.join(valid)}")
    return key


def rng_from(seed: Any, name: str = "seed") -> np.random.Generator:
    """A NumPy ``Generator`` from a seed (an integer >= 0; None draws fresh entropy) or
    an existing generator, which is returned as it is."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0 or a numpy.random.Generator, got {seed!r}")
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {seed}")
    return np.random.default_rng(int(seed))
