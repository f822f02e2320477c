"""Benchmarks of actnet: speed against plain NumPy and PyTorch, the course's run times,
and the numerical error of every activation against mpmath.

    python benchmarks/run.py [--quick] [--with-test-command] [--threads N] [--only SECTIONS]

Prints one table. Every row is a ratio measured in this run: actnet's time over a
reference's time (plain NumPy, PyTorch CPU), a run time over its budget, or an
error over its allowance; ``ok`` says whether the row meets its target.

Timings are noisy on a shared machine, so every comparison is measured in the same
process, the contenders are interleaved (A, B, C, A, B, C, ...) and the best of
several repeats is kept. PyTorch is optional (``requirements-bench.txt``): without
it the PyTorch rows are skipped.
"""

from __future__ import annotations

import argparse
import glob
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("activations", "training", "accuracy", "explorers", "notebooks", "book", "test")


# ------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Row:
    """One line of the table: ``measured / reference`` against ``target``."""

    section: str
    case: str
    measured: float
    reference: float
    unit: str
    target: float | None = None
    """The ratio must be at most this (None: reported, no target)."""
    note: str = ""

    @property
    def ratio(self) -> float:
        if self.reference == 0:
            return math.inf if self.measured else 1.0
        return self.measured / self.reference

    @property
    def ok(self) -> bool | None:
        if self.target is None or math.isnan(self.ratio):
            return None
        return self.ratio <= self.target


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value == math.inf:
        return "inf"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.2g}"


def format_table(rows: Sequence[Row]) -> str:
    """The rows as one Markdown table (also readable as plain text)."""
    header = ["section", "case", "measured", "reference", "unit", "ratio", "target", "ok"]
    lines = [
        [
            r.section,
            r.case,
            _number(r.measured),
            _number(r.reference),
            r.unit,
            _number(r.ratio),
            "-" if r.target is None else f"<= {r.target:.3g}",
            {True: "yes", False: "NO", None: "-"}[r.ok] + (f" ({r.note})" if r.note else ""),
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    numeric = {2, 3, 5}

    def fmt(cells):
        return (
            "| "
            + " | ".join(
                c.rjust(w) if i in numeric else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths))
            )
            + " |"
        )

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines)])


# ------------------------------------------------------------------ timing
def best_times(
    contenders: dict[str, Callable[[], object]], repeats: int, number: int = 1
) -> dict[str, float]:
    """Seconds per call of each contender, best of ``repeats``, the contenders interleaved."""
    best = dict.fromkeys(contenders, math.inf)
    for function in contenders.values():  # warm up
        function()
    for _ in range(repeats):
        for name, function in contenders.items():
            start = time.perf_counter()
            for _ in range(number):
                function()
            best[name] = min(best[name], (time.perf_counter() - start) / number)
    return best


def set_threads(n: int) -> str:
    """Limit NumPy's BLAS (and PyTorch, if present) to ``n`` threads; describe the result."""
    described = []
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        threadpool_limits(n)
        described += [f"{p['internal_api']} {p['num_threads']}" for p in threadpool_info()]
    except ImportError:
        described.append("threadpoolctl missing: BLAS threads from the environment")
    torch = _torch()
    if torch is not None:
        torch.set_num_threads(n)
        described.append(f"torch {torch.get_num_threads()}")
    return ", ".join(described)


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


# --------------------------------------------------------- 1. activations
def numpy_expressions(dtype) -> dict[str, tuple[Callable, Callable]]:
    """The fastest plain NumPy (value, derivative) we could write for each activation,
    for information: the textbook formulas, right for moderate inputs (the benchmark's
    normal(0, 3) data) but not stable: they may overflow, warn or cancel in the tails.
    SciPy's ``ndtr`` is the normal distribution function.
    """
    from scipy.special import ndtr

    from actnet.activations import SELU_ALPHA, SELU_SCALE

    one = dtype(1)
    k = math.sqrt(2.0 / math.pi)
    inv = 1.0 / math.sqrt(2.0 * math.pi)

    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

    def sigmoid_grad(x):
        s = sigmoid(x)
        return s * (1.0 - s)

    def tanh_grad(x):
        t = np.tanh(x)
        return 1.0 - t * t

    def leaky(x, a):
        return np.where(x > 0, x, a * x)

    def leaky_grad(x, a):
        return np.where(x > 0, one, dtype(a))

    def elu(x, a=1.0):
        return np.where(x > 0, x, a * np.expm1(x))

    def elu_grad(x, a=1.0):
        return np.where(x > 0, one, a * np.exp(x))

    def softplus(x):  # logaddexp(0, x), at a third of its cost
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

    def gelu_tanh(x):
        return 0.5 * x * (1.0 + np.tanh(k * (x + 0.044715 * (x * x * x))))

    def gelu_tanh_grad(x):
        t = np.tanh(k * (x + 0.044715 * (x * x * x)))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x)

    def silu_grad(x):
        s = sigmoid(x)
        return s * (1.0 + x * (1.0 - s))

    def mish_grad(x):
        t = np.tanh(softplus(x))
        return t + x * (1.0 - t * t) * sigmoid(x)

    return {
        "identity": (lambda x: x.copy(), lambda x: np.ones_like(x)),
        "sigmoid": (sigmoid, sigmoid_grad),
        "tanh": (np.tanh, tanh_grad),
        "relu": (lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(dtype)),
        "leaky_relu": (lambda x: leaky(x, 0.01), lambda x: leaky_grad(x, 0.01)),
        "prelu": (lambda x: leaky(x, 0.25), lambda x: leaky_grad(x, 0.25)),
        "elu": (elu, elu_grad),
        "selu": (
            lambda x: SELU_SCALE * elu(x, SELU_ALPHA),
            lambda x: SELU_SCALE * elu_grad(x, SELU_ALPHA),
        ),
        "gelu": (lambda x: x * ndtr(x), lambda x: ndtr(x) + x * (inv * np.exp(-0.5 * x * x))),
        "gelu_tanh": (gelu_tanh, gelu_tanh_grad),
        "silu": (lambda x: x * sigmoid(x), silu_grad),
        "softplus": (softplus, sigmoid),
        "mish": (lambda x: x * np.tanh(softplus(x)), mish_grad),
        "relu6": (
            lambda x: np.clip(x, 0.0, 6.0),
            lambda x: ((x > 0) & (x < 6)).astype(dtype),
        ),
        "hard_sigmoid": (
            lambda x: np.clip(x + 3.0, 0.0, 6.0) / 6.0,
            lambda x: ((x > -3) & (x < 3)).astype(dtype) / 6.0,
        ),
        "hard_swish": (
            lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0,
            lambda x: (
                np.clip(x + 3.0, 0.0, 6.0) / 6.0 + x * ((x > -3) & (x < 3)).astype(dtype) / 6.0
            ),
        ),
    }


def actnet_activations():
    """``{label: Activation}``: every built-in with its defaults, and GELU's tanh form."""
    import actnet

    acts = {name: actnet.get(name) for name in actnet.activations._BUILTINS}
    acts["gelu_tanh"] = actnet.get("gelu", approximate="tanh")
    order = [*actnet.available(), "gelu_tanh"]
    return {name: acts[name] for name in order if name in acts}


def torch_functions():
    """``{label: function}`` of PyTorch's own activations (None where it has none)."""
    torch = _torch()
    if torch is None:
        return {}
    F = torch.nn.functional
    return {
        "identity": lambda x: x * 1,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
        "prelu": lambda x: F.leaky_relu(x, 0.25),  # PReLU's function with a fixed slope
        "elu": F.elu,
        "selu": F.selu,
        "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "silu": F.silu,
        "softplus": F.softplus,
        "mish": F.mish,
    }


def bench_activations(sizes, dtypes, repeats, names=None) -> list[Row]:
    """Value plus derivative: ``act(x), act.grad(x)`` against the same formula called
    directly in plain NumPy (``act.value``, ``act.derivative``: the target, at most 2x,
    is on the validation layer) and, for information, against the textbook NumPy
    expressions of :func:`numpy_expressions` and PyTorch (forward + autograd)."""
    torch = _torch()
    acts = actnet_activations()
    tfun = torch_functions()
    rows = []
    for dtype in dtypes:
        plain = numpy_expressions(dtype)
        for n in sizes:
            x = np.random.default_rng(0).normal(0.0, 3.0, n).astype(dtype)
            # short timed windows, many of them: on a loaded machine a long window is
            # rarely left alone, and one slow window of a contender skews its row
            number = max(1, 20_000 // n)
            if torch is not None:
                xt = torch.from_numpy(x.copy()).requires_grad_(True)
                ones = torch.ones_like(xt)
            for name in names or acts:
                act, (pv, pg) = acts[name], plain[name]
                fv, fg, params = act.value, act.derivative, dict(act.params)
                contenders = {
                    "actnet": lambda act=act, x=x: (act(x), act.grad(x)),
                    "formula": lambda fv=fv, fg=fg, p=params, x=x: (fv(x, **p), fg(x, **p)),
                    "numpy": lambda pv=pv, pg=pg, x=x: (pv(x), pg(x)),
                }
                if torch is not None:

                    def torch_step(f=tfun[name], xt=xt, ones=ones):
                        xt.grad = None
                        f(xt).backward(ones)

                    contenders["torch"] = torch_step
                best = best_times(contenders, 3 * repeats, number)
                case = f"{name} value+grad {np.dtype(dtype).name} n={n:.0e}".replace("e+0", "e")
                us = {k: v * 1e6 for k, v in best.items()}
                for reference, target in (("formula", 2.0), ("numpy", None), ("torch", None)):
                    if reference in us:
                        rows.append(Row("activations", f"{case} vs {reference}", us["actnet"],
                                        us[reference], "us", target))  # fmt: skip
    return rows


# --------------------------------------------------------- 2. training steps
@dataclass(frozen=True)
class Network:
    label: str
    sizes: tuple[int, ...]
    activation: str
    output: str
    loss: str
    n: int
    optimizer: str
    lr: float
    target: float
    """actnet's step time over PyTorch's must be at most this."""


def course_networks() -> list[Network]:
    """The explorer-sized network and the largest one of the book.

    The largest: :func:`actnet.experiments.vanishing_gradients` at the deepest
    setting of its explorer (20 hidden layers of 32 units, 256 examples, 21 dense
    layers, 21 153 parameters) -- more parameters than any other network of the
    course (``saturation``: 4 x 64, 16 705; ``born_dead``: at most 30 x 10).
    """
    return [
        Network("2-16-16-1 relu, 500 points, bce, adam", (2, 16, 16, 1), "relu", "sigmoid",
                "bce", 500, "adam", 0.01, 1 / 3),
        Network("32-(32x20)-1 tanh, 256 points, mse, sgd", (32,) * 21 + (1,), "tanh",
                "identity", "mse", 256, "sgd", 0.01, 1.25),
        Network("64-(64x4)-1 sigmoid, 500 points, mse, sgd", (64,) * 5 + (1,), "sigmoid",
                "identity", "mse", 500, "sgd", 0.01, 1.25),
    ]  # fmt: skip


def actnet_step(net_spec: Network, seed: int = 0):
    """One full-batch training step of actnet: forward, backward, update."""
    from actnet.losses import get_loss
    from actnet.nn import MLP
    from actnet.optim import get_optimizer

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((net_spec.n, net_spec.sizes[0]))
    y = (rng.random((net_spec.n, 1)) < 0.5).astype(float)
    net = MLP(list(net_spec.sizes), activation=net_spec.activation, output=net_spec.output,
              seed=seed)  # fmt: skip
    loss = get_loss(net_spec.loss)
    opt = get_optimizer(net_spec.optimizer, net_spec.lr)
    Y = net._check_y(y, loss, X.shape[0])

    def step():
        _, grads, _ = net._loss_and_grads(X, Y, loss)
        opt.step(net.params, grads)

    return step, net, X, y


def torch_step(net_spec: Network, net, X, y):
    """The same step in PyTorch eager mode, from the same initial weights."""
    torch = _torch()
    layers = []
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    dense = [layer for layer in net.layers if hasattr(layer, "W")]
    for i, layer in enumerate(dense):
        lin = torch.nn.Linear(layer.n_in, layer.n_out, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(layer.W.T.copy()))
            lin.bias.copy_(torch.from_numpy(layer.b.copy()))
        layers.append(lin)
        if i < len(dense) - 1:
            layers.append(acts[net_spec.activation]())
    model = torch.nn.Sequential(*layers)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    loss_fn = torch.nn.BCEWithLogitsLoss() if net_spec.loss == "bce" else torch.nn.MSELoss()
    opt_cls = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[net_spec.optimizer]
    opt = opt_cls(model.parameters(), lr=net_spec.lr)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()

    return step, model


def bench_training(repeats: int) -> list[Row]:
    torch = _torch()
    rows = []
    if torch is None:
        return [Row("training", "PyTorch not installed", math.nan, math.nan, "ms")]
    for spec in course_networks():
        ours, net, X, y = actnet_step(spec)
        theirs, _ = torch_step(spec, net, X, y)
        number = 20 if spec.n * sum(spec.sizes) < 50_000 else 5
        best = best_times({"actnet": ours, "torch": theirs}, repeats, number)
        rows.append(
            Row("training", spec.label, best["actnet"] * 1e3, best["torch"] * 1e3, "ms",
                note="for information: PyTorch races have no target")
        )  # fmt: skip
    return rows


# --------------------------------------------------------- 3. run times
def explorer_factories() -> dict[str, Callable]:
    """Every ``*_explorer`` function of :mod:`actnet.widgets` (found, not listed by hand)."""
    import actnet.widgets as widgets

    return {
        name: getattr(widgets, name)
        for name in sorted(getattr(widgets, "__all__", dir(widgets)))
        if name.endswith("_explorer") and callable(getattr(widgets, name))
    }


def control_settings(explorer) -> list[tuple[str, object]]:
    """``(control, value)`` pairs to time: every value of every control, in order.

    A multiselect control is set to each of its precomputed selections.
    """
    settings = []
    for control in explorer.controls:
        values = control.frames if control.kind == "multiselect" else list(control.values)
        for value in values:
            settings.append((control.name, value))
    return settings


def time_explorer(factory) -> tuple[list[float], list[float], float]:
    """Seconds of each ``explorer.set(...)`` (the experiment, first time for each value)
    and of the redraw that follows it in the live widget (figure drawn and PNG-encoded),
    and the seconds to build the explorer."""
    start = time.perf_counter()
    explorer = factory()
    built = time.perf_counter() - start
    sets, draws = [], []
    for name, value in control_settings(explorer):
        start = time.perf_counter()
        explorer.set(**{name: value})
        sets.append(time.perf_counter() - start)
        start = time.perf_counter()
        explorer.png()
        draws.append(time.perf_counter() - start)
    return sets, draws, built


def bench_explorers() -> list[Row]:
    import matplotlib

    matplotlib.use("Agg")
    rows = []
    for name, factory in explorer_factories().items():
        try:
            sets, draws, built = time_explorer(factory)
        except Exception as error:  # another chapter's explorer half-written: report it
            rows.append(Row("explorers", f"{name}: failed {error!r:.60}", math.nan, 50, "ms", 1))
            continue
        ms = [s * 1e3 for s in sets]
        note = f"{len(ms)} updates, built in {built:.1f} s"
        rows.append(Row("explorers", f"{name} set() max", max(ms), 50, "ms", 1, note))
        rows.append(Row("explorers", f"{name} set() median", statistics.median(ms), 50, "ms", 1))
        live = [(s + d) * 1e3 for s, d in zip(sets, draws)]
        rows.append(
            Row("explorers", f"{name} set() + redraw, median", statistics.median(live), 50, "ms",
                1, note="in process; benchmarks/explorers.py times it in JupyterLab")
        )  # fmt: skip
    return rows


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook that exists now (chapters are being added)."""
    found = glob.glob(str(ROOT / "book" / "**" / "*.ipynb"), recursive=True)
    return sorted(Path(p) for p in found if ".ipynb_checkpoints" not in p and "_build" not in p)


def time_notebook(path: Path) -> tuple[float, int]:
    """Seconds to run the notebook top to bottom, and how many cells raised.

    Cells that raise do not stop the run: the students' copies of the exercises
    raise ``NotImplementedError`` where the reader is to write the code.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    errors = sum(
        any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        for cell in nb.cells
        if cell.cell_type == "code"
    )
    return seconds, errors


def bench_notebooks() -> list[Row]:
    rows = []
    for path in chapter_notebooks():
        name = path.relative_to(ROOT).as_posix()
        try:
            seconds, errors = time_notebook(path)
        except Exception as error:
            rows.append(Row("notebooks", f"{name}: failed {type(error).__name__}", math.nan, 30,
                            "s", 1))  # fmt: skip
            continue
        note = f"{errors} cells raised" if errors else ""
        rows.append(Row("notebooks", name, seconds, 30, "s", 1, note))
    return rows


def _timed_command(command: list[str], env=None) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result.returncode


def bench_book() -> list[Row]:
    jb = Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory(prefix="actnet-bench-book-") as out:
        seconds, code = _timed_command(
            [str(jb), "build", str(ROOT), "--path-output", out, "-W", "-n", "--keep-going"]
        )
    note = "" if code == 0 else f"exit status {code}"
    return [Row("book", "jupyter-book build (-W -n, fresh temp dir)", seconds, 120, "s", 1, note)]


def bench_test_command() -> list[Row]:
    env = dict(os.environ, MPLBACKEND="Agg")
    seconds, code = _timed_command([sys.executable, "tasks.py", "test"], env=env)
    note = "" if code == 0 else f"exit status {code}"
    return [Row("test", "python3 tasks.py test", seconds / 60, 20, "min", 1, note)]


# --------------------------------------------------------- 4. accuracy
ACCURACY_RANGE = 30.0
"""The relative target holds for ``|x| <= ACCURACY_RANGE``."""
RELATIVE_TARGET = 1e-13
"""Relative error in float64, where the exact result is a normal float64 number."""
NEAR_ROOT = 0.01
NEAR_ROOT_TARGET = 5e-16
"""Absolute error of a derivative within ``NEAR_ROOT`` of one of its roots."""


def exact_values(function: Callable, points, prec: int = 200) -> list:
    """An mpmath ``function`` at each float64 point, as mpmath numbers of ``prec`` bits."""
    import mpmath

    with mpmath.workprec(prec):
        return [function(mpmath.mpf(float(x))) for x in np.asarray(points, np.float64)]


def errors(computed, exact, prec: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Absolute and relative errors of ``computed`` against the mpmath numbers ``exact``;
    the relative one is NaN where the exact value is not a normal float64 number (0,
    subnormal, where a float64 holds fewer than 53 bits, or beyond the largest)."""
    import mpmath

    info = np.finfo(np.float64)
    absolute, relative = [], []
    with mpmath.workprec(prec):
        for c, e in zip(np.asarray(computed, np.float64), exact):
            a = abs(mpmath.mpf(float(c)) - e) if math.isfinite(c) else mpmath.inf
            absolute.append(float(a))
            normal = info.tiny <= abs(e) <= info.max
            relative.append(float(a / abs(e)) if normal else math.nan)
    return np.array(absolute), np.array(relative)


def condition_number(function: Callable, x: float, prec: int = 200) -> float:
    """``|x f'(x) / f(x)|`` of an mpmath ``function``: how much ``f`` amplifies a relative
    change of ``x`` (a few ulps of ``x`` move ``f`` by that many times as many)."""
    import mpmath

    with mpmath.workprec(prec):
        x = mpmath.mpf(x)
        value = function(x)
        return float(abs(x * mpmath.diff(function, x) / value)) if value else math.inf


def allowed_relative_error(function: Callable, x: float) -> float:
    """The target, ``RELATIVE_TARGET``, or where ``f`` amplifies the rounding of its
    argument more than that allows, ``4 eps kappa`` (``kappa`` the condition number):
    what a formula that rounds ``x``'s powers and its constants a few times can reach."""
    eps = np.finfo(np.float64).eps
    return max(RELATIVE_TARGET, 4 * eps * condition_number(function, x))


def references():
    """High-precision value and derivative of every activation (mpmath).

    Written so that nothing cancels that need not (GELU through ``erfc``, the
    sigmoid's derivative from ``exp(-|x|)``), at the working precision of the caller
    (200 bits in :func:`exact_values`).
    """
    import mpmath as M

    from actnet.activations import SELU_ALPHA, SELU_SCALE

    def sig(x):
        return 1 / (1 + M.exp(-x))

    def dsig(x):
        z = M.exp(-abs(x))
        return z / (1 + z) ** 2

    def softplus(x):
        return M.log1p(M.exp(x))

    def elu(x, a=1):
        return x if x > 0 else a * M.expm1(x)

    def delu(x, a=1):
        return M.mpf(1) if x > 0 else a * M.exp(x)

    def phi_cdf(x):
        return M.erfc(-x / M.sqrt(2)) / 2

    def phi(x):
        return M.exp(-x * x / 2) / M.sqrt(2 * M.pi)

    def gelu_tanh_constants():  # exact sqrt(2/pi) and the decimal 0.044715, at the working precision
        return M.sqrt(2 / M.pi), M.mpf("0.044715")

    def gt(x):
        k, c = gelu_tanh_constants()
        u = k * (x + c * x**3)
        return x * sig(2 * u)

    def dgt(x):
        k, c = gelu_tanh_constants()
        u = k * (x + c * x**3)
        du = k * (1 + 3 * c * x * x)
        return sig(2 * u) + x * 2 * dsig(2 * u) * du

    def mish(x):
        return x * M.tanh(softplus(x))

    def dmish(x):
        sp = softplus(x)
        return M.tanh(sp) + x * M.sech(sp) ** 2 * sig(x)

    sa, ss = M.mpf(SELU_ALPHA), M.mpf(SELU_SCALE)
    return {
        "sigmoid": (sig, dsig),
        "tanh": (M.tanh, lambda x: M.sech(x) ** 2),
        "elu": (elu, delu),
        "selu": (lambda x: ss * elu(x, sa), lambda x: ss * delu(x, sa)),
        "gelu": (lambda x: x * phi_cdf(x), lambda x: phi_cdf(x) + x * phi(x)),
        "gelu_tanh": (gt, dgt),
        "silu": (lambda x: x * sig(x), lambda x: sig(x) * (1 + x * sig(-x))),
        "softplus": (softplus, sig),
        "mish": (mish, dmish),
    }


# roots of the derivatives (where only an absolute error can be small), to 17 digits
DERIVATIVE_ROOTS = {
    "gelu": -0.7517915246935645,
    "gelu_tanh": -0.7524614220710163,
    "silu": -1.2784645427610737,
    "mish": -1.1924312145154952,
}


def floats_around(x: float, n: int) -> np.ndarray:
    """``x`` and the ``n`` float64 numbers on either side of it, in increasing order."""
    below, above = [x], [x]
    for _ in range(n):
        below.append(np.nextafter(below[-1], -np.inf))
        above.append(np.nextafter(above[-1], np.inf))
    return np.array(below[:0:-1] + above)


def accuracy_points(quick: bool = False, seed: int = 0) -> np.ndarray:
    """Float64 inputs in [-30, 30]: a grid, uniform points, tiny values down to 1e-300,
    and around each root of a derivative the 40 nearest floats and points up to 0.01
    away."""
    rng = np.random.default_rng(seed)
    n = 400 if quick else 2000
    r = ACCURACY_RANGE
    parts = [
        np.linspace(-r, r, n + 1),
        rng.uniform(-r, r, n),
        np.geomspace(1e-300, 1e-2, n // 20),
        -np.geomspace(1e-300, 1e-2, n // 20),
    ]
    for root in DERIVATIVE_ROOTS.values():
        offsets = np.geomspace(1e-15, 0.9 * NEAR_ROOT, 15 if quick else 57)
        parts += [floats_around(root, 20), root + offsets, root - offsets]
    return np.unique(np.concatenate(parts))


@dataclass(frozen=True)
class Accuracy:
    """The largest error of one activation's value or derivative over some points."""

    name: str
    what: str
    """``value`` or ``grad``."""
    measure: str
    """``relative`` (|x| <= 30, away from the derivative's roots) or ``near root`` (absolute)."""
    error: float
    at: float
    points: int
    allowed: float
    """The target, or where the function amplifies rounding more, 4 eps kappa at ``at``."""


def max_errors(points: np.ndarray, names=None, prec: int = 200) -> list[Accuracy]:
    """The largest relative error, over ``|x| <= 30`` where the exact result is a normal
    float64 (for a derivative: more than 0.01 from its roots), and the largest absolute
    error of a derivative within 0.01 of its roots, of every activation with a reference."""
    acts = actnet_activations()
    results = []
    for name, (fv, fg) in references().items():
        if names is not None and name not in names:
            continue
        act = acts[name]
        for what, f, ours in (("value", fv, act(points)), ("grad", fg, act.grad(points))):
            absolute, relative = errors(ours, exact_values(f, points, prec), prec)
            near = np.zeros(points.shape, bool)
            if what == "grad" and name in DERIVATIVE_ROOTS:
                near = np.abs(points - DERIVATIVE_ROOTS[name]) < NEAR_ROOT
            inside = (np.abs(points) <= ACCURACY_RANGE) & ~near & ~np.isnan(relative)
            i = int(np.argmax(np.where(inside, relative, -1.0)))
            allowed = allowed_relative_error(f, points[i])
            results.append(Accuracy(name, what, "relative", float(relative[i]), float(points[i]),
                                    int(inside.sum()), allowed))  # fmt: skip
            if near.any():
                j = int(np.argmax(np.where(near, absolute, -1.0)))
                results.append(Accuracy(name, what, "near root", float(absolute[j]),
                                        float(points[j]), int(near.sum()), NEAR_ROOT_TARGET))  # fmt: skip
    return results


def bench_accuracy(quick: bool) -> list[Row]:
    rows = []
    for a in max_errors(accuracy_points(quick)):
        where = "|x|<=30" if a.measure == "relative" else "within 0.01 of a root"
        case = f"{a.name} {a.what} {a.measure}, {where}: max at x={a.at:.6g} ({a.points} points)"
        target = RELATIVE_TARGET if a.measure == "relative" else NEAR_ROOT_TARGET
        note = f"4 eps kappa = {a.allowed:.2g} there" if a.error > target else ""
        rows.append(Row("accuracy", case, a.error, target, "", 1, note))
    return rows


# ------------------------------------------------------------------ main
def machine() -> str:
    import numpy

    parts = [platform.platform(), f"{os.cpu_count()} cores", f"Python {platform.python_version()}",
             f"NumPy {numpy.__version__}"]  # fmt: skip
    torch = _torch()
    if torch is not None:
        parts.append(f"PyTorch {torch.__version__}")
    return ", ".join(parts)


def check_actnet_is_this_checkout(actnet_file: str | None = None) -> None:
    """Stop unless Python imports the actnet of this checkout (the notebooks' kernels
    import it too): a copy installed without ``--editable`` would be measured instead."""
    if actnet_file is None:
        import actnet

        actnet_file = actnet.__file__
    where = Path(actnet_file).resolve().parent
    if where != ROOT / "actnet":
        raise SystemExit(
            f"benchmarks/run.py measures the actnet of this checkout, {ROOT / 'actnet'}, "
            f"but Python imports the one in {where}: install the checkout's with "
            "`.venv/bin/pip install --no-deps --editable .`"
        )


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    parser.add_argument("--with-test-command", action="store_true",
                        help="also time `python3 tasks.py test` (takes minutes)")  # fmt: skip
    parser.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads")
    parser.add_argument("--only", default=",".join(s for s in SECTIONS if s != "test"),
                        help=f"comma-separated sections of {', '.join(SECTIONS)}")  # fmt: skip
    args = parser.parse_args(argv)
    sections = set(args.only.split(","))
    if args.with_test_command:
        sections.add("test")
    unknown = sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    check_actnet_is_this_checkout()
    threads = set_threads(args.threads)
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}")
    print(f"# threads: {threads}; best of repeats, contenders interleaved\n", flush=True)
    repeats = 3 if args.quick else 9
    sizes = (100, 10_000) if args.quick else (100, 10_000, 100_000)  # the course's
    runs = {
        "activations": lambda: bench_activations(sizes, (np.float32, np.float64), repeats),
        "training": lambda: bench_training(repeats),
        "accuracy": lambda: bench_accuracy(args.quick),
        "explorers": bench_explorers,
        "notebooks": bench_notebooks,
        "book": bench_book,
        "test": bench_test_command,
    }
    rows: list[Row] = []
    for section in SECTIONS:
        if section in sections:
            start = time.perf_counter()
            rows += runs[section]()
            print(f"{section}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print(format_table(rows))
    failed = [r for r in rows if r.ok is False]
    print(f"\n{len(rows)} rows, {len(failed)} miss their target.")
    return rows


if __name__ == "__main__":
    main()
