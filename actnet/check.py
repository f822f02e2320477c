"""Checks for the course's exercises: call a student's answer, compare it with actnet, explain.

A student calls a check in a notebook cell, right after writing an answer::

    from actnet import check
    check.derivative(sigmoid_grad, "sigmoid")

Every check compares the answer with the reference in :mod:`actnet` on many
inputs, edge cases included (0, large inputs, +-inf, NaN, float32 arrays, a
2-d array), and says what it found:

* a right answer gives a :class:`Result` (``passed=True``), which a notebook
  shows as one line starting with a tick;
* a wrong one raises :class:`CheckFailed`, an :class:`AssertionError` carrying
  the same kind of :class:`Result` (``passed=False``): which input failed, what
  was expected and what came back, and a hint. In IPython and Jupyter only
  that message is shown, not a traceback. Raising is deliberate: nbgrader's
  autograder counts a check cell that raises as failed, and gives its points
  otherwise. (So "Run All" stops at the first wrong answer, as at any error;
  nbclient's ``allow_errors=True`` runs on.) Pass ``raise_on_failure=False``
  to get the failing :class:`Result` back instead.

A check never lets a student's answer crash the kernel or fool it: an answer
that raises (``NotImplementedError`` from an unanswered exercise included),
returns the wrong shape, dtype or type, changes its input in place, or never
returns is reported like a wrong value.

Each call of the answer runs in a child process, forked from the notebook's
(so it sees every name the notebook defined), and the check waits for its
reply for at most ``TIME_LIMIT`` seconds (or ``time_limit=``, a positive
number), then kills it, with every process it started: the verdict comes back
within the limit, plus the milliseconds a process takes to start and end,
whatever the answer does (a loop that swallows every
exception, a long computation inside NumPy or a C function, ``sys.exit``,
``os._exit``, a crash, endless printing), and the caller's signal handlers and
timers are left alone. The child may allocate ``MEMORY_LIMIT`` bytes more
than the notebook and print ``OUTPUT_LIMIT`` characters (shown after the
check); it sends back only plain data (numbers, arrays, strings, lists,
tuples, dicts). The reference values are computed in the notebook's process
before the answer runs, and nothing the answer changes (``np.isclose``,
``np.seterr``, actnet's registry, ...) reaches the verdict or outlives the call.

Without ``os.fork`` (Windows), the answer runs in a thread of the notebook's
own process instead: the check still returns after the time limit, but an
answer that overruns keeps running in the background until the kernel
restarts (a thread cannot be stopped, and a long call inside C holds up even
the check), and what the answer changes in the process stays changed.

>>> import numpy as np
>>> from actnet import check
>>> check.activation(lambda x: np.maximum(x, 0.0), "relu")
✓ relu: right on all 179 inputs (edge cases, a 2-d array and float32 included).
>>> result = check.activation(lambda x: x, "relu", raise_on_failure=False)
>>> result.passed
False
"""

from __future__ import annotations

import io
import math
import os
import pickle
import selectors
import signal
import sys
import textwrap
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from actnet._validate import positive_number
from actnet.activations import Activation, get, register

__all__ = [
    "MEMORY_LIMIT",
    "OUTPUT_LIMIT",
    "TIME_LIMIT",
    "CheckFailed",
    "Result",
    "activation",
    "batchnorm_backward",
    "batchnorm_eval",
    "batchnorm_forward",
    "chain_product",
    "dead_unit_gradient",
    "cross_entropy_gradient",
    "derivative",
    "distinct_units",
    "init_std",
    "kill_relu",
    "layernorm_forward",
    "linear_collapse",
    "log_softmax",
    "lsuv_scale",
    "maxout",
    "maxout_forward",
    "own_activation",
    "report_card",
    "softmax",
]

TIME_LIMIT = 5.0
"""Seconds one call of a student's function may take before the check gives up on it."""


# ------------------------------------------------------------------- results
@dataclass(frozen=True)
class Result:
    """What a check found: ``passed``, the thing checked (``title``) and a ``message``."""

    passed: bool
    title: str
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "✓" if self.passed else "✗"
        # short lines: a notebook shows them whole, without a scroll bar
        lines = f"{mark} {self.title}: {self.message}".split("\n")
        wrapped = [textwrap.fill(line, 76, subsequent_indent="  ") for line in lines]
        return "\n".join(wrapped)

    __repr__ = __str__


class CheckFailed(AssertionError):
    """A wrong answer: an AssertionError whose message is the check's feedback."""

    def __init__(self, result: Result) -> None:
        super().__init__(str(result))
        self.result = result

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the feedback is the point
        return str(self.result).splitlines()


def _finish(result: Result, raise_on_failure: bool) -> Result:
    if result.passed or not raise_on_failure:
        return result
    raise CheckFailed(result)


class _Failure(Exception):
    """Raised inside a check to stop at the first problem; carries the feedback."""


# -------------------------------------------------------- calling the student
_CAN_FORK = hasattr(os, "fork")

MEMORY_LIMIT = 2**30
"""Bytes of memory an answer may allocate (its process's address space grows by at most this)."""
OUTPUT_LIMIT = 2_000
"""Characters of what an answer prints that are shown; the rest is cut."""
REPLY_LIMIT = 64 * 2**20
"""Bytes of the value an answer returns (pickled): far more than any right answer."""


@dataclass(frozen=True)
class _Raised:
    """An exception an answer raised, as text: the exception object may not survive a pickle,
    and its ``__str__`` may raise."""

    kind: str
    message: str
    family: tuple[str, ...]
    """The names of its class and of every base class."""


@dataclass(frozen=True)
class _Unportable:
    """Stands for a returned object that is neither numbers nor a container of them."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass
class _Call:
    value: Any = None
    args: tuple = ()
    """The arguments as the answer left them (an answer may change them in place)."""
    error: _Raised | None = None
    timed_out: bool = False
    ended: str = ""
    """How the answer's process ended without a reply ("" if it replied)."""
    warnings: tuple[str, ...] = ()
    printed: str = ""


class _Printed(io.StringIO):
    """Stands for ``sys.stdout`` and ``sys.stderr`` of an answer: keeps the first
    ``OUTPUT_LIMIT`` characters, counts the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def write(self, text: str) -> int:
        text = str(text)
        self.total += len(text)
        room = OUTPUT_LIMIT - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)

    def shown(self) -> str:
        cut = self.total - self.tell()
        return self.getvalue() + (f"\n[{cut} more characters of output cut]\n" if cut else "")


def _text_of(thing: Any) -> str:
    try:
        return str(thing)
    except BaseException as error:  # an answer's object may fail in __str__ too
        return f"(its message could not be shown: str() raised {type(error).__name__})"


def _raised(error: BaseException) -> _Raised:
    kind = type(error)
    return _Raised(kind.__name__, _text_of(error)[:2000], tuple(c.__name__ for c in kind.__mro__))


def _portable(value: Any, depth: int = 0) -> Any:
    """``value`` as plain numbers, arrays, strings and containers of them, which cross
    from the answer's process to the checker's without running any of the answer's code."""
    if value is None or type(value) in (bool, int, float, complex, str):
        return value
    if isinstance(value, np.generic | np.ndarray):
        if value.dtype.kind in "biufc" and value.dtype.fields is None:
            return value if isinstance(value, np.generic) else np.array(value)
        return _Unportable(type(value).__name__, _short(value))
    if depth < 20 and isinstance(value, list | tuple):
        items = [_portable(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if depth < 20 and isinstance(value, Mapping):
        return {_portable(k, depth + 1): _portable(v, depth + 1) for k, v in value.items()}
    for plain in (int, float, complex, str):
        if isinstance(value, plain):  # a subclass (an enum, a named float) as the plain type
            return plain(value)
    try:
        arr = np.asarray(value)
        if arr.dtype.kind in "biufc" and arr.dtype.fields is None:
            return np.array(arr)
    except BaseException:  # an object may fail to become an array in any way
        pass
    return _Unportable(type(value).__name__, _short(value))


def _answer(function: Callable, args: tuple, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Call the answer; everything it did, as plain data."""
    reply: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reply["value"] = _portable(function(*args, **kwargs))
        except BaseException as error:  # an answer may raise anything, SystemExit included
            reply["error"] = _raised(error)
    reply["args"] = tuple(_portable(a) for a in args)
    reply["warnings"] = tuple(dict.fromkeys(_text_of(w.message) for w in caught))
    return reply


def _lower_rlimit(resource: Any, which: int, wanted: int, slack: int = 0) -> None:
    """Lower a resource limit of this process to ``wanted`` (its hard limit to ``wanted +
    slack``), never above what the system already allows."""
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
        slack = min(slack, hard - wanted)
    resource.setrlimit(which, (wanted, wanted + slack))


def _confine(time_limit: float) -> _Printed:
    """In the answer's process: its own process group (killed as one), no terminal,
    limited CPU time and memory, no core files, NumPy's default error handling, its
    printing captured."""
    import faulthandler
    import resource  # POSIX only, as fork is

    try:
        os.setpgid(0, 0)
    except OSError:  # the checker has done it already
        pass
    # a crash is the verdict; its traceback would land on the caller's stderr
    faulthandler.disable()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    # a process whose checker has gone (its kernel killed) still ends, after this much CPU
    _lower_rlimit(resource, resource.RLIMIT_CPU, math.ceil(time_limit) + 1, slack=1)
    _lower_rlimit(resource, resource.RLIMIT_CORE, 0)
    if os.path.exists("/proc/self/statm"):
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * resource.getpagesize()
        _lower_rlimit(resource, resource.RLIMIT_AS, size + MEMORY_LIMIT)
    np.seterr(all="warn", under="ignore")
    printed = _Printed()
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), printed, printed
    return printed


def _in_child(
    function: Callable, args: tuple, kwargs: Mapping[str, Any], pipe: int, time_limit: float
) -> None:
    status = 70
    try:
        printed = _confine(time_limit)
        reply = _answer(function, args, kwargs)
        reply["printed"] = printed.shown()
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > REPLY_LIMIT:
            data = pickle.dumps({"too_big": len(data)})
        with open(pipe, "wb") as stream:
            stream.write(data)
        status = 0
    finally:
        # never return into the caller's code, never run its exit handlers
        os._exit(status)


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles numbers, arrays, strings and containers, and nothing that could run code."""

    ALLOWED = {
        ("builtins", "complex"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        # NumPy 1 and NumPy 2 spell the home of these two ways
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        (__name__, "_Raised"),
        (__name__, "_Unportable"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")
        return super().find_class(module, name)


def _receive(pipe: int, deadline: float) -> bytes | None:
    """Everything the child writes before it closes the pipe; None past the deadline."""
    chunks, size = [], 0
    with selectors.DefaultSelector() as selector:
        selector.register(pipe, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if not selector.select(remaining):
                continue
            chunk = os.read(pipe, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > REPLY_LIMIT + (1 << 16):
                return pickle.dumps({"too_big": size})
            chunks.append(chunk)


def _ended(pid: int, deadline: float) -> str:
    """How the child ended, waiting for it until ``deadline``; then it is killed, with
    every process it started."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done or time.monotonic() >= deadline:
            break
        time.sleep(0.001)
    if not done:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:  # its group is not there yet
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return "killed"
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return f"exit status {os.WEXITSTATUS(status)}"


def _call_in_child(
    function: Callable, args: tuple, kwargs: Mapping[str, Any], time_limit: float
) -> _Call:
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that a child of a threaded process may deadlock on a lock
        # another thread held; the child runs only the answer, and a deadlock is a time-out
        warnings.filterwarnings("ignore", ".*fork", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _in_child(function, args, kwargs, write_end, time_limit)
    os.close(write_end)
    deadline = time.monotonic() + time_limit
    data = None
    try:
        try:
            os.setpgid(pid, pid)
        except OSError:  # the child has done it already
            pass
        data = _receive(read_end, deadline)
    finally:
        os.close(read_end)
        # a child that closed the pipe without a reply is ending: wait for its status;
        # any other (replied, overran, or the caller interrupted) is killed at once
        ended = _ended(pid, deadline if data == b"" else 0.0)
    if data is None:
        return _Call(timed_out=True)
    if not data:
        # "killed": it closed the pipe and ran on; SIGXCPU: it used up its CPU time
        if ended in ("killed", "SIGXCPU"):
            return _Call(timed_out=True)
        if ended.startswith("exit status"):
            return _Call(ended=f"ended the process that ran it ({ended}) instead of returning")
        return _Call(ended=f"crashed the process that ran it ({ended})")
    try:
        reply = _PlainUnpickler(io.BytesIO(data)).load()
    except Exception:  # a reply damaged by the answer (it wrote to the checker's pipe)
        return _Call(ended="sent back something that is not a value")
    if "too_big" in reply:
        size = reply["too_big"] / 2**20
        return _Call(ended=f"returned {size:.0f} MB, far more than the answer to this check")
    return _Call(
        value=reply.get("value"),
        args=reply["args"],
        error=reply.get("error"),
        warnings=reply["warnings"],
        printed=reply["printed"],
    )


def _call_in_thread(
    function: Callable, args: tuple, kwargs: Mapping[str, Any], time_limit: float
) -> _Call:
    """Without fork: the answer runs in a thread of this process, abandoned if it overruns."""
    out = _Call(args=args)

    def run() -> None:
        reply = _answer(function, args, kwargs)
        out.value, out.error = reply.get("value"), reply.get("error")
        out.warnings = reply["warnings"]

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(time_limit)
    return _Call(timed_out=True) if worker.is_alive() else out


def _call(function: Callable, args: tuple, kwargs: Mapping[str, Any], time_limit: float) -> _Call:
    """Call ``function(*args, **kwargs)``, never letting it raise or run past ``time_limit``."""
    if _CAN_FORK:
        return _call_in_child(function, args, kwargs, time_limit)
    return _call_in_thread(function, args, kwargs, time_limit)


def _name(function: Any) -> str:
    name = getattr(function, "__name__", None)
    return name if isinstance(name, str) and name else type(function).__name__


_HINTS = {
    "NameError": "Is a name misspelt, or is it defined in a cell you have not run yet?",
    "TypeError": "Check the number and kind of arguments, and that you return numbers.",
    "ZeroDivisionError": "NumPy arrays divide by zero without raising; Python floats do not.",
    "IndexError": "Indexing went past the end of an array: check the shapes.",
    "RecursionError": "The function calls itself without end.",
    "MemoryError": (
        f"It asked for more memory than the {MEMORY_LIMIT // 2**20} MB a check allows: does "
        "it build a list or array that keeps growing?"
    ),
    "SystemExit": "The function called exit(); return a value instead.",
}


def _describe_error(name: str, error: _Raised, call_text: str) -> str:
    if "NotImplementedError" in error.family:
        return (
            f"`{name}` is not written yet: it raises NotImplementedError. Replace the line "
            "`raise NotImplementedError()` by your code, run that cell, then run this one again."
        )
    hint = next((h for kind, h in _HINTS.items() if kind in error.family), "")
    return f"{call_text} raised {error.kind}: {error.message}. {hint}".rstrip()


@dataclass(frozen=True)
class _Returned:
    value: Any
    args: tuple
    warnings: tuple[str, ...]


def _returned(
    function: Callable, args: tuple, kwargs: Mapping[str, Any], time_limit: float, call_text: str
) -> _Returned:
    """What ``function`` returned (and left of its arguments), or :class:`_Failure` saying
    what went wrong."""
    name = _name(function)
    out = _call(function, args, kwargs, time_limit)
    if out.printed:
        # the student's own print() calls, shown as they would be without the check
        sys.stdout.write(out.printed)
    if out.timed_out:
        raise _Failure(
            f"{call_text} did not return within {time_limit:g} s, so the check stopped waiting. "
            "Is there a loop that never ends (a `while` whose condition stays true)?"
        )
    if out.ended:
        raise _Failure(f"{call_text} {out.ended}. A function should return its answer.")
    if out.error is not None:
        raise _Failure(_describe_error(name, out.error, call_text))
    if out.value is None:
        raise _Failure(f"{call_text} returned None. Did you forget the `return`?")
    return _Returned(out.value, out.args, out.warnings)


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, _Unportable) else type(value).__name__


def _numeric_array(value: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception:  # any object may be returned
        arr = np.asarray(None)
    if arr.dtype.kind not in "biuf":
        raise _Failure(
            f"{what} returned {_type_name(value)} {_short(value)}, not numbers: "
            "return a NumPy array (or a number)."
        )
    return arr


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # an answer's object may fail in __repr__
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt(value: Any) -> str:
    value = float(value)
    if math.isnan(value) or math.isinf(value) or value == 0:
        return str(value)
    return f"{value:.6g}"


def _warning_note(found: Sequence[str]) -> str:
    if not found:
        return ""
    return (
        f" NumPy warned while computing it ({found[0]}): the answer is right, but a stable "
        "formula would not overflow (compute exp only of numbers <= 0, e.g. from exp(-|x|))."
    )


# ------------------------------------------------------ elementwise functions
_ORDINARY = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 5.0, -5.0])
_EDGES = np.array([20.0, -20.0, 50.0, -50.0, 100.0, -100.0, 1000.0, -1000.0, 1e300, -1e300])
_SPECIAL = np.array([np.inf, -np.inf, np.nan])
_GRID = np.linspace(-6.0, 6.0, 121)


def _inputs_1d() -> np.ndarray:
    # simplest first: the first failure reported is the easiest one to understand
    return np.concatenate([_ORDINARY, _GRID, _EDGES, _SPECIAL])


def _inputs_2d() -> np.ndarray:
    return np.linspace(-4.0, 4.0, 12).reshape(3, 4)


def _inputs_float32() -> np.ndarray:
    return np.concatenate([_ORDINARY, _EDGES[:8], _SPECIAL]).astype(np.float32)


def _value_hint(x: float, expected: float, got: float, reference: Activation, what: str) -> str:
    if math.isnan(x):
        return (
            "NaN in should give NaN out. A comparison with NaN is False, so "
            "`np.where(x > 0, ...)` picks the other branch there; "
            "`np.where(np.isnan(x), x, ...)` keeps the NaN."
        )
    if math.isnan(got) and math.isinf(x):
        return (
            "At an infinite input the answer is the limit. Expressions such as "
            "inf - inf, inf / inf or 0 * inf give NaN: find a form that avoids them."
        )
    if math.isinf(x):
        return f"At x = {_fmt(x)} the answer is the limit of the {what} as x goes there."
    if (math.isnan(got) or math.isinf(got)) and abs(x) >= 20:
        return (
            f"At x = {_fmt(x)} something overflowed: exp(1000) is inf in floating point, and "
            "inf / inf is NaN. Rewrite the formula so that exp only sees numbers <= 0, "
            "for example with exp(-|x|)."
        )
    if x in reference.kinks:
        return (
            f"x = {_fmt(x)} is the kink. The course takes PyTorch's value there: relu'(0) = 0, "
            "leaky_relu'(0) = alpha (the left-hand slope for ReLU, alpha for leaky ReLU)."
        )
    return (
        f"Try your function on this one number and compare with the formula of the {what} "
        "in the chapter."
    )


def _first_change(before: np.ndarray, after: Any) -> int | None:
    """The first position at which an argument differs after the call (NaN equals NaN);
    None if it is unchanged."""
    after = np.asarray(after)
    if after.shape != before.shape or after.dtype != before.dtype:
        return 0
    same = (after == before) | (np.isnan(after) & np.isnan(before))
    changed = np.flatnonzero(~same.ravel())
    return int(changed[0]) if changed.size else None


def _compare(
    function: Callable,
    reference: Activation,
    which: str,
    params: Mapping[str, Any],
    time_limit: float,
) -> tuple[int, tuple[str, ...]]:
    """Check ``function`` against ``reference`` (``which`` = "value" or "derivative")."""
    ref = reference if which == "value" else reference.grad
    what = f"{reference.name}{' derivative' if which == 'derivative' else ''}"
    name = _name(function)
    found: list[str] = []
    checked = 0
    for x in (_inputs_1d(), _inputs_2d(), _inputs_float32()):
        expected = ref(x)
        call_text = f"`{name}(x)` for x of shape {x.shape} and dtype {x.dtype}"
        answer = _returned(function, (x.copy(),), params, time_limit, call_text)
        found.extend(answer.warnings)
        i = _first_change(x, answer.args[0])
        if i is not None:
            raise _Failure(
                f"`{name}` changed its input in place (x = {_fmt(x.flat[i])} became "
                f"{_fmt(np.asarray(answer.args[0]).flat[i])}). A function must leave its "
                "argument alone: write `x = np.array(x, dtype=float)` first, or avoid in-place "
                "operations such as `x[x < 0] = 0` and `x *= alpha`."
            )
        got = _numeric_array(answer.value, call_text)
        if got.shape != x.shape:
            raise _Failure(
                f"{call_text} returned an array of shape {got.shape}. An activation works "
                f"elementwise, so its output has its input's shape, {x.shape}: avoid sums, "
                "`np.array([...])` around a scalar, or loops that build a flat list."
            )
        if got.dtype != x.dtype:
            raise _Failure(
                f"{call_text} returned dtype {got.dtype}. Float32 in should give float32 "
                f"out (networks are often trained in float32): "
                "`np.where(x > 0, 1.0, alpha)` is float64 whatever x is; "
                "`.astype(x.dtype)` at the end fixes it."
            )
        single = x.dtype == np.float32
        rtol, atol = (1e-5, 1e-6) if single else (1e-7, 1e-10)
        good = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
        if not good.all():
            bad = np.flatnonzero(~good.ravel())
            i = int(bad[0])
            xi, ei, gi = float(x.flat[i]), float(expected.flat[i]), float(got.flat[i])
            raise _Failure(
                f"at x = {_fmt(xi)} ({x.dtype}) the {what} is {_fmt(ei)}, your `{name}` gave "
                f"{_fmt(gi)} ({len(bad)} of {x.size} inputs of this call differ). "
                + _value_hint(xi, ei, gi, reference, what)
            )
        checked += x.size
    return checked, tuple(dict.fromkeys(found))


def _elementwise(
    function: Any,
    name: str | Activation,
    which: str,
    params: dict[str, Any],
    time_limit: float | None,
    raise_on_failure: bool,
) -> Result:
    limit = _limit(time_limit)
    reference = get(name, **params)
    title = f"{reference.name}{' derivative' if which == 'derivative' else ''}"
    if params:
        title += " (" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
    if not callable(function):
        result = Result(False, title, f"expected a function, got {_short(function)}.")
        return _finish(result, raise_on_failure)
    try:
        # the comparison is immune to np.seterr("raise") in the caller; the answer runs
        # with NumPy's defaults, so its warnings are reported
        with np.errstate(all="ignore"):
            checked, found = _compare(function, reference, which, params, limit)
    except _Failure as failure:
        return _finish(Result(False, title, str(failure)), raise_on_failure)
    message = (
        f"right on all {checked} inputs (edge cases, a 2-d array and float32 included)."
        + _warning_note(found)
    )
    return Result(True, title, message)


def activation(
    function: Callable,
    name: str | Activation,
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
    **params: Any,
) -> Result:
    """Check ``function(x, **params)`` against the value of actnet's activation ``name``.

    Parameters
    ----------
    function : callable
        The student's activation; called as ``function(x, **params)`` on arrays.
    name : str or Activation
        The reference (``"sigmoid"``, ``"leaky_relu"``, ...).
    time_limit : float, optional
        Seconds a call may take (default ``TIME_LIMIT``).
    raise_on_failure : bool
        Raise :class:`CheckFailed` on a wrong answer (default) or return the Result.
    **params
        The activation's parameters (``alpha=0.1``), given to both.
    """
    return _elementwise(function, name, "value", params, time_limit, raise_on_failure)


def derivative(
    function: Callable,
    name: str | Activation,
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
    **params: Any,
) -> Result:
    """Check ``function(x, **params)`` against the derivative of actnet's activation ``name``.

    Same inputs and feedback as :func:`activation`; at a kink the expected value
    is actnet's (PyTorch's) convention, ``relu'(0) = 0``, ``leaky_relu'(0) = alpha``.

    >>> import numpy as np
    >>> from actnet import check
    >>> check.derivative(lambda x: np.where(x > 0, 1.0, 0.0), "relu", raise_on_failure=False)
    ✗ relu derivative: at x = nan (float64) the relu derivative is nan, your `<lambda>` gave 0.0 (1 of 145 inputs of this call differ). NaN in should give NaN out. A comparison with NaN is False, so `np.where(x > 0, ...)` picks the other branch there; `np.where(np.isnan(x), x, ...)` keeps the NaN.
    """
    return _elementwise(function, name, "derivative", params, time_limit, raise_on_failure)


# ------------------------------------------------------- the other exercises
def _guarded(
    title: str, body: Callable[[], str], raise_on_failure: bool, found: list[str] | None = None
) -> Result:
    try:
        with np.errstate(all="ignore"):
            message = body()
    except _Failure as failure:
        return _finish(Result(False, title, str(failure)), raise_on_failure)
    return Result(True, title, message + _warning_note(found or []))


def _limit(time_limit: Any) -> float:
    """``time_limit`` checked: None (``TIME_LIMIT``) or a finite number of seconds > 0."""
    return TIME_LIMIT if time_limit is None else positive_number("time_limit", time_limit)


def _require_callable(function: Any) -> None:
    if not callable(function):
        raise _Failure(f"expected a function, got {_short(function)}.")


def chain_product(
    function: Callable,
    name: str = "sigmoid",
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
) -> Result:
    """Check ``function(z)``: the product of ``f'(z_l)`` over the layers' pre-activations ``z``.

    Backpropagation through ``L`` layers multiplies the gradient by one
    activation derivative a layer (the weights aside); ``function`` gets the
    ``L`` pre-activations as a 1-d array and returns that product, a number.
    """
    limit = _limit(time_limit)
    act = get(name)
    title = f"chain-rule product of {act.name} derivatives"
    found: list[str] = []

    def body() -> str:
        _require_callable(function)
        rng = np.random.default_rng(0)
        cases = [np.zeros(10), rng.normal(size=10), rng.normal(scale=3.0, size=10), np.zeros(1)]
        cases.append(np.array([0.0, 2.0, -2.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 0.0]))
        for z in cases:
            per_layer = act.grad(z)
            expected = float(np.prod(per_layer))
            call_text = f"`{_name(function)}(z)` for z = {np.round(z, 3).tolist()}"
            answer = _returned(function, (z.copy(),), {}, limit, call_text)
            found.extend(answer.warnings)
            if _first_change(z, answer.args[0]) is not None:
                raise _Failure(f"`{_name(function)}` changed its input z in place: work on a copy.")
            got = _numeric_array(answer.value, call_text)
            if got.size != 1:
                raise _Failure(
                    f"{call_text} returned {got.size} numbers; the product over the layers is "
                    "one number (`np.prod` multiplies them all)."
                )
            if not math.isclose(float(got.ravel()[0]), expected, rel_tol=1e-9, abs_tol=1e-300):
                if math.isclose(float(got.ravel()[0]), float(per_layer.sum()), rel_tol=1e-9):
                    hint = "Multiply the derivatives, do not add them."
                else:
                    hint = (
                        f"Each layer contributes its derivative {act.name}'(z_l): compute them "
                        "all in one call and multiply them (np.prod)."
                    )
                raise _Failure(
                    f"{call_text}: expected {_fmt(expected)}, got {_fmt(got.ravel()[0])}. {hint}"
                )
        best = float(act.grad(0.0)) ** 10
        return (
            f"right on {len(cases)} chains. Through 10 layers at z = 0, the best case for "
            f"{act.name}, the gradient is multiplied by {_fmt(best)}."
        )

    return _guarded(title, body, raise_on_failure, found)


def linear_collapse(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(W1, b1, W2, b2) -> (W, b)``: two linear layers made one.

    Layers act on row vectors, as :class:`actnet.nn.Dense` does:
    ``(x W1 + b1) W2 + b2 = x W + b``.
    """
    limit = _limit(time_limit)
    title = "two linear layers as one"

    def body() -> str:
        _require_callable(function)
        rng = np.random.default_rng(1)
        for n_in, n_hidden, n_out in ((3, 4, 2), (1, 5, 1), (2, 2, 3)):
            W1, b1 = rng.normal(size=(n_in, n_hidden)), rng.normal(size=n_hidden)
            W2, b2 = rng.normal(size=(n_hidden, n_out)), rng.normal(size=n_out)
            x = rng.normal(size=(5, n_in))
            two = (x @ W1 + b1) @ W2 + b2
            args = tuple(a.copy() for a in (W1, b1, W2, b2))
            call_text = (
                f"`{_name(function)}(W1, b1, W2, b2)` with W1 of shape {W1.shape} and W2 of "
                f"shape {W2.shape}"
            )
            answer = _returned(function, args, {}, limit, call_text)
            value = answer.value
            if any(_first_change(a, b) is not None for a, b in zip((W1, b1, W2, b2), answer.args)):
                raise _Failure(f"`{_name(function)}` changed its inputs in place: use copies.")
            if not isinstance(value, tuple | list) or len(value) != 2:
                raise _Failure(f"{call_text} returned {_short(value)}; return the pair `W, b`.")
            W = _numeric_array(value[0], call_text + " (its W)")
            b = _numeric_array(value[1], call_text + " (its b)")
            if W.shape != (n_in, n_out) or b.shape != (n_out,):
                raise _Failure(
                    f"{call_text} returned W of shape {W.shape} and b of shape {b.shape}; "
                    f"the single layer maps {n_in} inputs to {n_out} outputs, so W is "
                    f"{(n_in, n_out)} and b is {(n_out,)}."
                )
            if not np.allclose(x @ W + b, two, rtol=1e-9, atol=1e-9):
                hint = "W is W1 @ W2." if not np.allclose(W, W1 @ W2) else "b1 passes through W2."
                raise _Failure(
                    f"{call_text}: x @ W + b differs from (x @ W1 + b1) @ W2 + b2 "
                    f"(largest difference {_fmt(np.abs(x @ W + b - two).max())}). {hint}"
                )
        return "right on 3 pairs of layers: without a non-linearity, depth adds nothing."

    return _guarded(title, body, raise_on_failure)


def dead_unit_gradient(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(x, w, b, upstream) -> (dL/dw, dL/db)`` for one ReLU unit.

    The unit computes ``y = relu(w x + b)`` on a batch ``x``; ``upstream`` is
    ``dL/dy`` for each example; both gradients are sums over the batch.
    """
    limit = _limit(time_limit)
    title = "gradient of one ReLU unit"
    relu = get("relu")

    def body() -> str:
        _require_callable(function)
        rng = np.random.default_rng(2)
        x_dead = np.linspace(-1.0, 1.0, 101)
        cases = [
            (rng.normal(size=20), 1.5, 0.3, rng.normal(size=20)),
            (rng.normal(size=20), -0.7, -0.2, rng.normal(size=20)),
            (np.array([-1.0, 0.0, 1.0]), 1.0, 0.0, np.ones(3)),
            (x_dead, 1.0, -3.0, rng.normal(size=101)),
        ]
        for x, w, b, up in cases:
            gate = relu.grad(w * x + b)
            want_w, want_b = float(np.sum(up * gate * x)), float(np.sum(up * gate))
            args = (x.copy(), w, b, up.copy())
            call_text = f"`{_name(function)}(x, w={w}, b={b}, upstream)`"
            answer = _returned(function, args, {}, limit, call_text)
            value = answer.value
            after_x, after_up = answer.args[0], answer.args[3]
            if _first_change(x, after_x) is not None or _first_change(up, after_up) is not None:
                raise _Failure(f"`{_name(function)}` changed x or upstream in place: use copies.")
            if not isinstance(value, tuple | list) or len(value) != 2:
                raise _Failure(f"{call_text} returned {_short(value)}; return the pair dw, db.")
            dw, db = (_numeric_array(v, call_text) for v in value)
            if dw.size != 1 or db.size != 1:
                raise _Failure(
                    f"{call_text} returned arrays of sizes {dw.size} and {db.size}: w and b are "
                    "single numbers, so each gradient is a sum over the batch."
                )
            for label, got, want in (("dL/dw", dw, want_w), ("dL/db", db, want_b)):
                if not math.isclose(float(got.ravel()[0]), want, rel_tol=1e-9, abs_tol=1e-12):
                    raise _Failure(
                        f"{call_text}: {label} should be {_fmt(want)}, got "
                        f"{_fmt(got.ravel()[0])}. Chain rule: dy/d(wx + b) is relu'(wx + b), "
                        "1 where wx + b > 0 and 0 elsewhere (0 at 0 too)."
                    )
        return (
            "right on 4 batches. With w = 1 and b = -3 every input of [-1, 1] gives "
            "w x + b < 0, so both gradients are exactly 0: gradient descent never moves "
            "w or b again, and the unit never recovers."
        )

    return _guarded(title, body, raise_on_failure)


def kill_relu(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function() -> kick``: a bias after which a ReLU unit is dead for good.

    Runs ``actnet.experiments.bias_kick`` with that kick, for ReLU and for
    leaky ReLU, and reports whether either unit ever became active again.
    """
    from actnet.experiments import bias_kick

    limit = _limit(time_limit)
    title = "a dead ReLU unit"

    def body() -> str:
        _require_callable(function)
        call_text = f"`{_name(function)}()`"
        value = _returned(function, (), {}, limit, call_text).value
        kick = _numeric_array(value, call_text)
        if kick.size != 1 or not np.isfinite(kick).all():
            raise _Failure(f"{call_text} returned {_short(value)}; return one finite number.")
        kick = float(kick.ravel()[0])
        dead = bias_kick("relu", kick=kick, steps=500)
        if dead.recovered or dead.active_fraction[0] > 0:
            share = float(dead.active_fraction[0])
            raise _Failure(
                f"with b = {_fmt(kick)} the unit relu(x + b) is still active on "
                f"{share:.0%} of the inputs x in [-1, 1] right after the kick, so it still "
                "gets a gradient and training brings it back. Push the bias further down."
            )
        leaky = bias_kick("leaky_relu", kick=kick, steps=500)
        fate = "became active again" if leaky.recovered else "has not become active yet (it will)"
        return (
            f"after a kick to b = {_fmt(kick)} the ReLU unit's gradient stayed exactly "
            f"{_fmt(dead.gradient_norm.max())} for 500 steps and it never recovered; the same "
            f"unit with leaky ReLU {fate}."
        )

    return _guarded(title, body, raise_on_failure)


def _pieces(value: Any, call_text: str) -> np.ndarray:
    arr = _numeric_array(value, call_text)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 2:
        raise _Failure(
            f"{call_text} returned {_short(value)}; return a list of at least two pieces, "
            "each a pair (slope, intercept), e.g. [(1.0, 0.0), (0.0, 0.0)]."
        )
    if not np.isfinite(arr).all():
        raise _Failure(f"{call_text} returned a slope or intercept that is not finite.")
    return arr.astype(np.float64)


def maxout(
    function: Callable,
    target: str | Callable,
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
    **params: Any,
) -> Result:
    """Check ``function() -> [(slope, intercept), ...]``: a maxout unit equal to ``target``.

    The pieces become the weights of a one-input :class:`actnet.nn.Maxout`
    unit, ``max_p(slope_p x + intercept_p)``, compared with ``target`` (an
    activation name with ``params``, or a function of x) on [-5, 5].
    """
    from actnet.nn import Maxout

    limit = _limit(time_limit)
    if isinstance(target, str | Activation):
        reference = get(target, **params)
        label, want = reference.name, reference
    else:
        label, want = _name(target), target
    title = f"maxout as {label}" + "".join(f", {k}={v!r}" for k, v in params.items())

    def body() -> str:
        _require_callable(function)
        x = np.linspace(-5.0, 5.0, 1001)
        expected = np.asarray(want(x), dtype=np.float64)
        call_text = f"`{_name(function)}()`"
        value = _returned(function, (), {}, limit, call_text).value
        pieces = _pieces(value, call_text)
        unit = Maxout(1, 1, k=len(pieces))
        unit.W[...] = pieces[:, 0].reshape(-1, 1, 1)
        unit.b[...] = pieces[:, 1].reshape(-1, 1)
        got = unit.forward(x[:, None])[:, 0]
        bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=1e-9))
        if bad.size:
            i = int(bad[np.argmin(np.abs(x[bad]))])
            side = "negative" if x[i] < 0 else "positive"
            raise _Failure(
                f"at x = {_fmt(x[i])} your unit gives {_fmt(got[i])}, {label} gives "
                f"{_fmt(expected[i])} ({bad.size} of {x.size} points on [-5, 5] differ). "
                f"For {side} x the largest piece wins: which line should that be?"
            )
        return f"your {len(pieces)} pieces give {label} exactly on [-5, 5]."

    return _guarded(title, body, raise_on_failure)


def maxout_forward(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(x, W, b)``, the forward pass of a maxout layer.

    ``x`` is ``(n, n_in)``, ``W`` is ``(k, n_in, n_out)``, ``b`` is ``(k, n_out)``;
    the answer is ``(n, n_out)``, compared with :class:`actnet.nn.Maxout`.
    """
    from actnet.nn import Maxout

    limit = _limit(time_limit)
    title = "maxout forward pass"

    def body() -> str:
        _require_callable(function)
        for n, n_in, n_out, k in ((6, 3, 2, 2), (4, 1, 1, 3), (5, 2, 4, 4)):
            layer = Maxout(n_in, n_out, k=k, rng=k)
            layer.b[...] = np.random.default_rng(k).normal(size=layer.b.shape)
            x = np.random.default_rng(10 + k).normal(size=(n, n_in))
            expected = layer.forward(x)
            args = (x.copy(), layer.W.copy(), layer.b.copy())
            call_text = f"`{_name(function)}(x, W, b)` with k = {k}, x {x.shape}, W {layer.W.shape}"
            answer = _returned(function, args, {}, limit, call_text)
            if any(_first_change(a, b) is not None for a, b in zip(args, answer.args)):
                raise _Failure(f"`{_name(function)}` changed x, W or b in place: use copies.")
            got = _numeric_array(answer.value, call_text)
            if got.shape != (n, n_out):
                raise _Failure(
                    f"{call_text} returned shape {got.shape}; one output per example and unit "
                    f"is shape {(n, n_out)}. Take the maximum over the k pieces (axis 0 of "
                    "x @ W + b[:, None, :])."
                )
            if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
                i = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
                raise _Failure(
                    f"{call_text}: output {tuple(int(j) for j in i)} should be "
                    f"{_fmt(expected[i])}, got {_fmt(got[i])}. Each piece p is x @ W[p] + b[p]; "
                    "the unit outputs the largest piece."
                )
        return "right on 3 layers (k = 2, 3, 4)."

    return _guarded(title, body, raise_on_failure)


def own_activation(
    name: str,
    value: Callable,
    grad: Callable,
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
) -> Result:
    """Check a new activation (its derivative against central differences) and register it.

    ``value`` must be elementwise, keep float32, stay finite at finite inputs
    (``+-1000`` included) and leave its input alone; ``grad`` must match
    ``(value(x + h) - value(x - h)) / 2h`` away from 0. On success the pair is
    registered under ``name`` (replacing an earlier registration of that name),
    so ``actnet.report_card`` and every network accept it.
    """
    limit = _limit(time_limit)
    title = f"your activation {name!r}"

    def body() -> str:
        for label, function in (("value", value), ("grad", grad)):
            if not callable(function):
                raise _Failure(f"its {label} must be a function, got {_short(function)}.")
        probe = _inputs_1d()[:-3]
        outputs = {}
        for label, function in (("value", value), ("grad", grad)):
            for x in (probe, _inputs_2d(), _inputs_float32()[:-3]):
                call_text = f"`{_name(function)}(x)` for x of shape {x.shape} and dtype {x.dtype}"
                answer = _returned(function, (x.copy(),), {}, limit, call_text)
                if _first_change(x, answer.args[0]) is not None:
                    raise _Failure(f"`{_name(function)}` changed its input in place: use a copy.")
                got = _numeric_array(answer.value, call_text)
                if got.shape != x.shape or got.dtype != x.dtype:
                    raise _Failure(
                        f"{call_text} returned shape {got.shape} and dtype {got.dtype}: an "
                        "activation keeps its input's shape and dtype."
                    )
                if not np.isfinite(got).all():
                    i = int(np.flatnonzero(~np.isfinite(got).ravel())[0])
                    raise _Failure(
                        f"{call_text} gave {_fmt(got.flat[i])} at x = {_fmt(x.flat[i])}: every "
                        "finite input should give a finite number (watch for overflow)."
                    )
                outputs[label, x.shape, x.dtype] = got
        h = 1e-5
        x = _GRID[np.abs(_GRID) > 1e-3]
        call_text = f"`{_name(value)}(x + h)`"
        plus = _returned(value, (x + h,), {}, limit, call_text).value
        minus = _returned(value, (x - h,), {}, limit, call_text).value
        numeric = (np.asarray(plus, float) - np.asarray(minus, float)) / (2 * h)
        analytic = np.asarray(outputs["grad", probe.shape, probe.dtype][11 : 11 + _GRID.size])
        analytic = analytic[np.abs(_GRID) > 1e-3]
        bad = np.flatnonzero(~np.isclose(analytic, numeric, rtol=1e-4, atol=1e-6))
        if bad.size:
            i = int(bad[0])
            raise _Failure(
                f"at x = {_fmt(x[i])} `{_name(grad)}` gives {_fmt(analytic[i])}, but the slope of "
                f"`{_name(value)}` there is {_fmt(numeric[i])} (central difference, h = 1e-5). "
                "Differentiate the value once more, by hand."
            )
        try:
            register(name, value, grad, overwrite=True)
        except (TypeError, ValueError) as error:
            raise _Failure(f"it could not be registered: {error}") from None
        return (
            f"derivative right (central differences on {x.size} points), finite and "
            f"float32-safe; registered as {name!r}: actnet.report_card({name!r}) measures it now."
        )

    return _guarded(title, body, raise_on_failure)


_CARDS: dict[tuple[str, int, int], Any] = {}


def _shown(measured: Any) -> str:
    # three decimals: Monte-Carlo means and training results vary in later digits by platform
    return f"{round(measured, 3):g}" if isinstance(measured, float) else repr(measured)


def report_card(
    name: str,
    prediction: Callable,
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
) -> Result:
    """Check ``prediction() -> {field: value}`` against ``actnet.report_card(name)``.

    Numbers count as right within 0.05 (or 5 %), names and booleans exactly. The
    message shows the measured value of every field predicted, so it is also
    the way to read the card. ``cost_ratio`` is a timing and cannot be predicted.
    """
    from actnet.activations import available
    from actnet.experiments import ReportCard
    from actnet.experiments import report_card as measure

    limit = _limit(time_limit)
    title = f"report card of {name!r}"
    fields = [f for f in ReportCard.__dataclass_fields__ if f not in ("name", "cost_ratio")]

    def body() -> str:
        _require_callable(prediction)
        if name not in available():
            raise _Failure(
                f"no activation named {name!r} is registered yet: pass the check of the "
                "exercise that registers it first."
            )
        act = get(name)
        key = (act.name, id(act.value), id(act.derivative))
        if key not in _CARDS:
            try:
                _CARDS[key] = measure(act)
            except ValueError as error:  # an activation with nothing to measure
                raise _Failure(str(error)) from None
        card = _CARDS[key]
        call_text = f"`{_name(prediction)}()`"
        guess = _returned(prediction, (), {}, limit, call_text).value
        if not isinstance(guess, Mapping) or not guess:
            raise _Failure(
                f"{call_text} returned {_short(guess)}; return a dict such as "
                '{"saturates": "both", "monotonic": True}.'
            )
        unknown = [k for k in guess if k not in fields]
        if unknown:
            raise _Failure(
                f"the card has no field {unknown[0]!r}; its fields are: {', '.join(fields)}."
            )
        lines, wrong = [], []
        for field_name, guessed in guess.items():
            measured = getattr(card, field_name)
            if isinstance(measured, bool | str):
                right = guessed == measured
            else:
                try:
                    right = math.isclose(float(guessed), measured, rel_tol=0.05, abs_tol=0.05)
                except (TypeError, ValueError):
                    right = False
            shown = _shown(measured)
            lines.append(f"  {field_name}: measured {shown}, you said {guessed!r}")
            if not right:
                wrong.append(field_name)
        table = "\n".join(lines)
        if wrong:
            raise _Failure(
                f"{len(wrong)} of {len(guess)} predictions differ from the card "
                f"({', '.join(wrong)}):\n{table}\nRead the measured values and think why."
            )
        rest = [f for f in fields if f not in guess]
        others = "\n".join(f"  {f}: {_shown(getattr(card, f))}" for f in rest)
        return (
            f"all {len(guess)} predictions match the card.\n{table}\n"
            f"The rest of the card (see actnet.experiments.ReportCard for each field):\n{others}"
        )

    return _guarded(title, body, raise_on_failure)


# ------------------------------------------------------ initialisation, normalisation
def _same_array(
    function: Callable,
    title: str,
    cases: Sequence[tuple[tuple, Any]],
    call: str | Callable[[tuple], str],
    hint_of: Callable[[tuple, np.ndarray, np.ndarray], str],
    done: Callable[[], str],
    time_limit: float | None,
    raise_on_failure: bool,
    rtol: float = 1e-7,
    atol: float = 1e-10,
) -> Result:
    """The check that ``function(*args)`` returns ``expected`` for each ``(args, expected)``
    of ``cases`` without changing its inputs; ``done()`` says what passing shows.

    ``call`` is the argument list as the messages show it (``"x, gamma, beta"``: the first
    argument's shape is added), or a function of the arguments giving the whole call. Where
    ``expected`` is one number, an answer holding one number of any shape will do.
    """
    limit = _limit(time_limit)

    def call_text_of(args: tuple) -> str:
        if callable(call):
            return call(args)
        first = call.split(",")[0]
        return f"`{_name(function)}({call})` for {first} of shape {args[0].shape}"

    def body() -> str:
        _require_callable(function)
        for args, expected in cases:
            expected = np.asarray(expected, dtype=np.float64)
            call_text = call_text_of(args)
            copies = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
            answer = _returned(function, copies, {}, limit, call_text)
            for before, after in zip(args, answer.args, strict=True):
                if isinstance(before, np.ndarray) and _first_change(before, after) is not None:
                    raise _Failure(f"`{_name(function)}` changed its input in place: use a copy.")
            got = _numeric_array(answer.value, call_text)
            if expected.ndim == 0 and got.size != 1:
                raise _Failure(f"{call_text} returned {got.size} numbers; return one number.")
            if expected.ndim == 0:
                got = got.reshape(())
            elif got.shape != expected.shape:
                raise _Failure(
                    f"{call_text} returned shape {got.shape}; expected shape {expected.shape}."
                )
            if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
                worst = int(np.argmax(np.abs(got - expected).ravel()))
                where = f" (element {worst})" if expected.ndim else ""
                raise _Failure(
                    f"{call_text}: expected {_fmt(expected.ravel()[worst])}, got "
                    f"{_fmt(got.ravel()[worst])}{where}. {hint_of(args, got, expected)}"
                )
        return done()

    return _guarded(title, body, raise_on_failure)


_INIT_RULES = {
    "xavier_normal": (
        "Xavier (Glorot) standard deviation",
        lambda n_in, n_out: math.sqrt(2.0 / (n_in + n_out)),
        "tanh",
        "Glorot and Bengio average the two conditions: Var(W) = 2 / (n_in + n_out).",
    ),
    "he": (
        "He standard deviation",
        lambda n_in, n_out: math.sqrt(2.0 / n_in),
        "relu",
        "ReLU keeps half of the second moment, so Var(W) = 2 / n_in makes up for it.",
    ),
}


def init_std(
    function: Callable,
    rule: str,
    *,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
) -> Result:
    """Check ``function(n_in, n_out) -> std``: the standard deviation of the normal
    initial weights of ``rule`` (``"xavier_normal"`` or ``"he"``); then send a signal
    through 30 layers of 100 units drawn with it."""
    from actnet.experiments import signal_spread

    if rule not in _INIT_RULES:
        raise ValueError(f"rule must be one of {sorted(_INIT_RULES)}, got {rule!r}")
    title, reference, activation, hint = _INIT_RULES[rule]
    shapes = ((100, 100), (2, 32), (784, 10), (1, 1))

    def hint_of(args: tuple, got: np.ndarray, want: np.ndarray) -> str:
        if math.isclose(float(got), float(want) ** 2, rel_tol=1e-9):
            return f"That is the variance: return its square root. {hint}"
        return hint

    def done() -> str:
        r = signal_spread(30, "normal", activation, init_scale=reference(100, 100))
        ratio = float(np.median(r.forward_ratio()))
        return (
            f"right for {len(shapes)} layer shapes. Through 30 {activation} layers of 100 "
            f"units with this standard deviation, Var(z) at the last layer is {ratio:.2g} "
            "times that at the first (median over 5 seeds)."
        )

    return _same_array(
        function,
        title,
        [(shape, reference(*shape)) for shape in shapes],
        lambda args: f"`{_name(function)}({args[0]}, {args[1]})`",
        hint_of,
        done,
        time_limit,
        raise_on_failure,
        rtol=1e-9,
        atol=0.0,
    )


def lsuv_scale(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(z) -> s``: the number by which LSUV divides a layer's weights so
    that its weighted sums ``z`` (examples x units, one batch) get variance 1."""
    rng = np.random.default_rng(3)
    batches = [rng.normal(0.0, s, size=(200, 50)) for s in (0.1, 1.0, 7.0)]
    batches.append(rng.normal(2.0, 3.0, size=(64, 8)))
    cases = [((z,), np.std(z)) for z in batches]
    z = batches[-1]
    return _same_array(
        function,
        "LSUV's rescaling factor",
        cases,
        "z",
        lambda args, got, want: (
            "Dividing z by s must leave it with variance 1 over all its entries: s is the "
            "standard deviation of z (np.std over every example and unit), not the variance."
        ),
        lambda: (
            f"right on {len(cases)} batches: divided by s, the weighted sums of shape "
            f"{z.shape} have variance {np.var(z / np.std(z)):.3g}; LSUV repeats this layer "
            "after layer, from the input up."
        ),
        time_limit,
        raise_on_failure,
        rtol=1e-9,
    )


def distinct_units(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(W, b) -> count``: how many different units a dense layer has
    (unit ``j`` is column ``W[:, j]`` with bias ``b[j]``)."""
    limit = _limit(time_limit)
    title = "distinct units of a layer"

    def body() -> str:
        _require_callable(function)
        rng = np.random.default_rng(4)
        same = np.full((3, 5), 0.5), np.zeros(5)
        mixed = np.repeat(rng.normal(size=(4, 2)), [3, 1], axis=1), np.zeros(4)
        bias_differs = np.ones((2, 3)), np.array([0.0, 1.0, 0.0])
        random = rng.normal(size=(2, 16)), rng.normal(size=16)
        layers = [(same, 1), (mixed, 2), (bias_differs, 2), (random, 16)]
        for (W, b), want in layers:
            call_text = f"`{_name(function)}(W, b)` with W of shape {W.shape}"
            answer = _returned(function, (W.copy(), b.copy()), {}, limit, call_text)
            got = _numeric_array(answer.value, call_text)
            if got.size != 1 or float(got.ravel()[0]) != want:
                raise _Failure(
                    f"{call_text}: expected {want} different units, got {_short(answer.value)}. "
                    "A unit is a column of W together with its bias; two units are the same "
                    "if all of these numbers are equal (np.unique(..., axis=0) on the rows of "
                    "np.vstack([W, b]).T)."
                )
        return (
            f"right on {len(layers)} layers. Started with every weight equal, a layer of 16 "
            "units keeps 1 distinct unit however long it trains."
        )

    return _guarded(title, body, raise_on_failure)


def _norm_cases(rng: np.random.Generator) -> list[np.ndarray]:
    return [
        rng.normal(size=(8, 3)),
        rng.normal(5.0, 10.0, size=(32, 4)),
        np.array([[1.0, 10.0], [3.0, 30.0]]),
        np.vstack([np.zeros(2), np.ones(2), np.full(2, 2.0)]),
    ]


def _normalisation_forward(
    function: Callable,
    layer_class: type,
    seed: int,
    mode: str,
    title: str,
    hint: str,
    done: str,
    time_limit: float | None,
    raise_on_failure: bool,
) -> Result:
    """Check ``function(x, gamma, beta[, running_mean, running_var])`` against a forward
    pass of ``layer_class`` (``mode``: ``"train"``, ``"eval"`` with running averages
    passed too, or ``"any"`` for a layer without modes) with random ``gamma``, ``beta``."""
    rng = np.random.default_rng(seed)
    inputs = _norm_cases(rng) + ([] if mode == "train" else [rng.normal(size=(1, 3))])
    cases = []
    for x in inputs:
        layer = layer_class(x.shape[1])
        layer.gamma[...] = rng.uniform(0.5, 2.0, x.shape[1])
        layer.beta[...] = rng.normal(size=x.shape[1])
        args = (x, layer.gamma.copy(), layer.beta.copy())
        if mode == "eval":
            layer.running_mean[...] = rng.normal(size=x.shape[1])
            layer.running_var[...] = rng.uniform(0.5, 4.0, x.shape[1])
            args += (layer.running_mean.copy(), layer.running_var.copy())
            layer.training = False
        cases.append((args, layer.forward(x)))
    names = "x, gamma, beta" + (", running_mean, running_var" if mode == "eval" else "")
    return _same_array(
        function,
        title,
        cases,
        names,
        lambda args, got, want: hint,
        lambda: f"right on {len(cases)} inputs. {done}",
        time_limit,
        raise_on_failure,
    )


def batchnorm_forward(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(x, gamma, beta) -> y``: batch normalisation in training mode,
    with ``eps = 1e-5``, against :class:`actnet.nn.BatchNorm`."""
    from actnet.nn import BatchNorm

    return _normalisation_forward(
        function,
        BatchNorm,
        5,
        "train",
        "batch normalisation, forward",
        "Each column (feature) is standardised over the rows (the batch): x.mean(axis=0), "
        "x.var(axis=0) (the biased variance, dividing by N), (x - mean) / sqrt(var + 1e-5), "
        "then times gamma plus beta.",
        "Every feature of the output has mean beta and standard deviation gamma over the "
        "batch, whatever the scale of x.",
        time_limit,
        raise_on_failure,
    )


def batchnorm_backward(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(x, gamma, upstream) -> dx``: the gradient of the loss with respect
    to the input of batch normalisation in training mode (``eps = 1e-5``), given
    ``upstream = dL/dy``, against :class:`actnet.nn.BatchNorm`."""
    from actnet.nn import BatchNorm

    rng = np.random.default_rng(6)
    cases = []
    for x in _norm_cases(rng):
        layer = BatchNorm(x.shape[1])
        layer.gamma[...] = rng.uniform(0.5, 2.0, x.shape[1])
        upstream = rng.normal(size=x.shape)
        layer.forward(x)
        cases.append(((x, layer.gamma.copy(), upstream), layer.backward(upstream)))

    def hint(args, got, want) -> str:
        x, gamma, upstream = args
        naive = np.allclose(got, gamma * upstream / np.sqrt(x.var(axis=0) + 1e-5))
        return (
            "The mean and variance depend on every example, so dx_i has three terms: with "
            "g = gamma * upstream and xhat the standardised x, dx = (N g - g.sum(0) - xhat * "
            "(g * xhat).sum(0)) / (N sqrt(var + eps))."
        ) + (
            " Yours is gamma * upstream / sqrt(var + eps): the batch statistics' own terms "
            "are missing."
            if naive
            else ""
        )

    sums = np.abs(cases[0][1].sum(axis=0)).max()
    return _same_array(
        function,
        "batch normalisation, backward",
        cases,
        "x, gamma, upstream",
        hint,
        lambda: (
            f"right on {len(cases)} batches. Summed over the batch, dx is {sums:.1e} in every "
            "column: a bias added just before batch normalisation gets no gradient."
        ),
        time_limit,
        raise_on_failure,
        atol=1e-9,
    )


def layernorm_forward(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(x, gamma, beta) -> y``: layer normalisation (``eps = 1e-5``)
    against :class:`actnet.nn.LayerNorm`."""
    from actnet.nn import LayerNorm

    return _normalisation_forward(
        function,
        LayerNorm,
        7,
        "any",
        "layer normalisation, forward",
        "Layer normalisation standardises each row (one example over its features): mean "
        "and variance over axis=1 with keepdims=True, not over the batch.",
        "One example alone included: layer normalisation needs no batch, so it computes "
        "the same in training and in prediction.",
        time_limit,
        raise_on_failure,
    )


def batchnorm_eval(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(x, gamma, beta, running_mean, running_var) -> y``: batch
    normalisation in eval mode (``eps = 1e-5``), against :class:`actnet.nn.BatchNorm`."""
    from actnet.nn import BatchNorm

    return _normalisation_forward(
        function,
        BatchNorm,
        8,
        "eval",
        "batch normalisation, eval mode",
        "In eval mode the running averages replace the batch's own statistics: "
        "(x - running_mean) / sqrt(running_var + 1e-5), times gamma plus beta.",
        "A single example included: with the running averages, an example's prediction "
        "does not depend on the others in its batch.",
        time_limit,
        raise_on_failure,
    )


# ------------------------------------------------------------ the output layer
def _logit_batches() -> list[np.ndarray]:
    """Batches of logits ``(n, C)``: ordinary, shifted far up and down, a tie, one row."""
    rng = np.random.default_rng(7)
    ordinary = 2.0 * rng.standard_normal((5, 3))
    return [
        ordinary,
        np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]]),
        np.array([[0.0, 0.0, 0.0, 0.0], [800.0, -800.0, 0.0, 5.0]]),
        rng.standard_normal((1, 2)),
    ]


def _rowwise(
    function: Any,
    title: str,
    extra: tuple,
    extra_text: str,
    reference: Callable[[np.ndarray], np.ndarray],
    hint: str,
    time_limit: Any,
    raise_on_failure: bool,
    targets: bool = False,
) -> Result:
    """Check ``function(z, *extra)`` (or ``function(z, y)`` with one-hot ``y`` if
    ``targets``) against ``reference`` on every batch of :func:`_logit_batches`."""
    limit = _limit(time_limit)
    found: list[str] = []

    def body() -> str:
        _require_callable(function)
        for z in _logit_batches():
            y = np.eye(z.shape[1])[np.arange(z.shape[0]) % z.shape[1]]
            args = (z.copy(), y.copy()) if targets else (z.copy(), *extra)
            shown = "(z, y)" if targets else f"(z{extra_text})"
            call_text = f"`{_name(function)}{shown}` for logits z of shape {z.shape}"
            expected = reference(z, y) if targets else reference(z)
            answer = _returned(function, args, {}, limit, call_text)
            found.extend(answer.warnings)
            if _first_change(z, answer.args[0]) is not None:
                raise _Failure(f"`{_name(function)}` changed z in place: work on a copy.")
            got = _numeric_array(answer.value, call_text)
            if got.shape != z.shape:
                raise _Failure(
                    f"{call_text} returned shape {got.shape}; one value per example and "
                    f"class is shape {z.shape}. Sum or take the maximum over axis=1 with "
                    "keepdims=True, so that a row's result lines up with the row."
                )
            good = np.isclose(got, expected, rtol=1e-9, atol=1e-12)
            if not good.all():
                i = np.unravel_index(int(np.argmin(good)), got.shape)
                raise _Failure(
                    f"{call_text}: entry {tuple(int(j) for j in i)} should be "
                    f"{_fmt(expected[i])}, got {_fmt(got[i])} (row {i[0]} of z is "
                    f"{z[i[0]].tolist()}). " + hint
                )
        return "right on 4 batches of logits, from ordinary ones to +-1000."

    return _guarded(title, body, raise_on_failure, found)


_SHIFT_HINT = (
    "Large logits overflow e^z (above 709.78) and very negative ones underflow to 0: "
    "subtract each row's largest logit first, which changes nothing in exact arithmetic."
)


def softmax(
    function: Callable,
    *,
    temperature: float | None = None,
    time_limit: float | None = None,
    raise_on_failure: bool = True,
) -> Result:
    """Check ``function(z)``, the softmax of each row of the logits ``z`` (shape ``(n, C)``),
    or ``function(z, temperature)``, the softmax of ``z / temperature``, against
    :func:`actnet.losses.softmax`, on logits as large as 1000 in size.
    """
    from actnet.losses import softmax as reference

    if temperature is None:
        return _rowwise(
            function, "softmax", (), "", reference, _SHIFT_HINT, time_limit, raise_on_failure
        )
    t = positive_number("temperature", temperature)
    return _rowwise(
        function,
        f"softmax at temperature {t:g}",
        (t,),
        f", {t:g}",
        lambda z: reference(z / t),
        "Divide the logits by the temperature, then take the softmax. " + _SHIFT_HINT,
        time_limit,
        raise_on_failure,
    )


def log_softmax(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(z)``, the logarithm of the softmax of each row of ``z``.

    The reference is ``z - m - log(sum(exp(z - m)))`` with ``m`` the row's largest
    logit, finite wherever ``z`` is; ``np.log(softmax(z))`` is ``-inf`` where a
    probability underflows to 0, and the check says so.
    """

    def reference(z: np.ndarray) -> np.ndarray:
        m = z.max(axis=1, keepdims=True)
        return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))

    hint = (
        "Compute it from the logits, z - m - log(sum(exp(z - m))) with m the row's "
        "maximum (the log-sum-exp): the log of a probability that underflowed to 0 is -inf."
    )
    return _rowwise(function, "log-softmax", (), "", reference, hint, time_limit, raise_on_failure)


def cross_entropy_gradient(
    function: Callable, *, time_limit: float | None = None, raise_on_failure: bool = True
) -> Result:
    """Check ``function(z, y)``: the gradient of the mean softmax cross-entropy of the
    logits ``z`` against one-hot targets ``y`` (both ``(n, C)``), ``(softmax(z) - y) / n``.
    """
    from actnet.losses import softmax as probabilities

    def reference(z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (probabilities(z) - y) / z.shape[0]

    hint = (
        "The gradient of the mean loss is (p - y) / n, with p the softmax of each row "
        "(computed stably) and n the number of examples."
    )
    return _rowwise(
        function,
        "gradient of the softmax cross-entropy",
        (),
        "",
        reference,
        hint,
        time_limit,
        raise_on_failure,
        targets=True,
    )
