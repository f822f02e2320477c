"""How much each activation costs to evaluate, relative to ReLU.

Two measures, taken together on one array:

* **passes per element**, counted: how many elementwise array operations
  (NumPy ufunc calls such as ``exp``, ``*``, ``>``, weighted by the fraction of
  the array each one covers) the value and the derivative make. It is the
  same on every machine and every run, so the chapters compare activations by it;
* **time per element**, measured with a clock: what the operations cost on
  the machine that runs them (a ``tanh`` pass costs more than a ``max`` pass).
  It changes from run to run.

The chapters quote one measurement, :func:`book_cost`, taken once and kept on
disk in the folder named by the environment variable ``ACTNET_CACHE`` (which
``tasks.py execute`` sets), so that every chapter shows the same numbers.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actnet.activations import Activation, available, get

__all__ = ["Cost", "cost", "count_passes", "book_cost", "CACHE_VARIABLE"]

CACHE_VARIABLE = "ACTNET_CACHE"
"""The environment variable naming the folder where :func:`book_cost` keeps its measurement."""


@dataclass(frozen=True)
class Cost:
    """Passes and time per element of the value and the derivative, measured in one run."""

    names: list[str]
    n_elements: int
    value_ns: np.ndarray
    """Nanoseconds per element for the value, best of ``repeats``."""
    grad_ns: np.ndarray
    """Nanoseconds per element for the derivative, best of ``repeats``."""
    value_ratio: np.ndarray
    """``value_ns`` divided by ReLU's, measured in the same run."""
    grad_ratio: np.ndarray
    value_passes: np.ndarray
    """Elementwise array operations per element for the value (see :func:`count_passes`)."""
    grad_passes: np.ndarray
    """Elementwise array operations per element for the derivative."""

    def _index(self, name: str | Activation) -> int:
        key = name if isinstance(name, str) and name in self.names else get(name).name
        if key not in self.names:
            raise ValueError(f"{key!r} was not measured; measured: {', '.join(self.names)}")
        return self.names.index(key)

    def ratio(self, name: str | Activation) -> float:
        """Value plus derivative time of ``name`` over ReLU's (a timing: it varies)."""
        i, j = self._index(name), self.names.index("relu")
        return float((self.value_ns[i] + self.grad_ns[i]) / (self.value_ns[j] + self.grad_ns[j]))

    def passes(self, name: str | Activation) -> float:
        """Value plus derivative passes per element of ``name`` (a count: it never varies)."""
        i = self._index(name)
        return float(self.value_passes[i] + self.grad_passes[i])

    def passes_ratio(self, name: str | Activation) -> float:
        """:meth:`passes` of ``name`` over ReLU's."""
        return self.passes(name) / self.passes("relu")

    def select(self, names: list[str | Activation]) -> Cost:
        """The rows of ``names`` (ReLU first, always kept), from the same measurement."""
        rows = [self.names.index("relu")]
        rows += [i for i in (self._index(n) for n in names) if i not in rows]
        pick = np.array(rows)
        return Cost(
            names=[self.names[i] for i in rows],
            n_elements=self.n_elements,
            value_ns=self.value_ns[pick],
            grad_ns=self.grad_ns[pick],
            value_ratio=self.value_ratio[pick],
            grad_ratio=self.grad_ratio[pick],
            value_passes=self.value_passes[pick],
            grad_passes=self.grad_passes[pick],
        )


# --------------------------------------------------------------- counting passes
class _Counted(np.ndarray):
    """An array that counts the elementwise operations made on it."""

    tally: list[float] = [0.0]  # elements written, shared by the arrays of one count
    depth: list[int] = [0]  # inside a NumPy function: its own ufunc calls are not counted again

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [i.view(np.ndarray) if isinstance(i, _Counted) else i for i in inputs]
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counted) else o for o in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if _Counted.depth[0] == 0:
            size = max(np.size(i) for i in plain) if method != "__call__" else np.size(result)
            _Counted.tally[0] += float(size if not isinstance(result, tuple) else size)
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        _Counted.depth[0] += 1
        try:
            result = func._implementation(*_unwrap(args), **_unwrap(kwargs))
        finally:
            _Counted.depth[0] -= 1
        if _Counted.depth[0] == 0 and isinstance(result, np.ndarray):
            _Counted.tally[0] += float(result.size)
        return _wrap(result)


def _unwrap(value):
    if isinstance(value, _Counted):
        return value.view(np.ndarray)
    if isinstance(value, tuple | list):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _wrap(value):
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, np.ndarray) and not isinstance(value, _Counted) and value.ndim > 0:
        return value.view(_Counted)
    return value


def count_passes(act: str | Activation, x: np.ndarray, what: str = "value") -> float:
    """Elementwise array operations per element that ``act``'s value (or, with
    ``what="derivative"``, its derivative) makes on ``x``.

    Every NumPy ufunc call (``np.exp``, ``*``, ``>``, SciPy's ``ndtr``...) and
    every NumPy function (``np.where``...) counts the elements it writes; the
    total is divided by ``x.size``. A pass over half the array counts a half.
    Indexing and copies are not counted. The count depends only on the formula
    and the signs of ``x``, not on the machine.

    >>> x = np.linspace(-3.0, 3.0, 1000)
    >>> count_passes("relu", x), count_passes("relu", x, "derivative")
    (1.0, 2.0)
    """
    act = get(act)
    if what not in ("value", "derivative"):
        raise ValueError(f"what must be 'value' or 'derivative', got {what!r}")
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("x must hold at least one element")
    function = act.value if what == "value" else act.derivative
    _Counted.tally[0], _Counted.depth[0] = 0.0, 0
    with np.errstate(all="ignore"):
        function(x.view(_Counted), **dict(act.params))
    return _Counted.tally[0] / x.size


# ---------------------------------------------------------------------- timing
def _best_time(function, x: np.ndarray, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function(x)
        best = min(best, time.perf_counter() - start)
    return best


def cost(
    names: list[str | Activation] | None = None,
    n_elements: int = 200_000,
    repeats: int = 15,
    dtype: type = np.float64,
    seed: int = 0,
) -> Cost:
    """Count the passes and time every activation in ``names`` (default: all
    registered) on one array.

    Times vary from machine to machine and run to run; the ratios to ReLU,
    measured in the same run on the same array, are what carries over, and
    the passes (:func:`count_passes`) do not vary at all. ReLU is always
    measured, first.

    >>> c = cost(["relu", "sigmoid"], n_elements=10_000, repeats=3)
    >>> c.names, float(c.value_ratio[0]), c.passes("relu")
    (['relu', 'sigmoid'], 1.0, 3.0)
    """
    if int(n_elements) < 1 or int(repeats) < 1:
        raise ValueError(f"n_elements and repeats must be >= 1, got {n_elements}, {repeats}")
    acts = [get(n) for n in (available() if names is None else names)]
    acts = [get("relu")] + [a for a in acts if a != get("relu")]
    x = np.random.default_rng(seed).normal(0.0, 3.0, int(n_elements)).astype(dtype)
    for act in acts:  # warm up: first calls pay for imports and caches
        act(x[:100])
        act.grad(x[:100])
    value_ns = np.array([_best_time(a, x, repeats) for a in acts]) / n_elements * 1e9
    grad_ns = np.array([_best_time(a.grad, x, repeats) for a in acts]) / n_elements * 1e9
    return Cost(
        names=[a.name for a in acts],
        n_elements=int(n_elements),
        value_ns=value_ns,
        grad_ns=grad_ns,
        value_ratio=value_ns / value_ns[0],
        grad_ratio=grad_ns / grad_ns[0],
        value_passes=np.array([count_passes(a, x, "value") for a in acts]),
        grad_passes=np.array([count_passes(a, x, "derivative") for a in acts]),
    )


# ------------------------------------------------------------ the book's measurement
_BOOK: dict[str, Cost] = {}


def _builtin_names() -> list[str]:
    return [n for n in available() if get(n).formula is not None]


def _key(names: list[str], n_elements: int, repeats: int) -> str:
    import actnet.activations

    source = inspect.getsource(actnet.activations)
    text = json.dumps([names, n_elements, repeats, source, np.__version__])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def book_cost(n_elements: int = 200_000, repeats: int = 15) -> Cost:
    """The one measurement of every built-in activation that all the chapters quote.

    Measured once per process; if the environment variable ``ACTNET_CACHE``
    names a folder, once per folder: the first chapter to ask stores it there
    and the others read it, so that a number quoted by two chapters is the
    same number. A change to the activations' code measures again.
    """
    names = _builtin_names()
    key = _key(names, n_elements, repeats)
    if key in _BOOK:
        return _BOOK[key]
    folder = os.environ.get(CACHE_VARIABLE)
    path = Path(folder) / f"cost-{key}.json" if folder else None
    if path is not None and path.exists():
        stored = json.loads(path.read_text())
        result = Cost(
            names=stored["names"],
            n_elements=stored["n_elements"],
            **{k: np.array(stored[k]) for k in _ARRAYS},
        )
    else:
        result = cost(names, n_elements=n_elements, repeats=repeats)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            stored = {"names": result.names, "n_elements": result.n_elements}
            stored |= {k: getattr(result, k).tolist() for k in _ARRAYS}
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(stored))
            partial.replace(path)  # atomic: a chapter never reads half a file
    _BOOK[key] = result
    return result


_ARRAYS = ("value_ns", "grad_ns", "value_ratio", "grad_ratio", "value_passes", "grad_passes")
