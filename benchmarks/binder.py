"""What a student waits for before the first chapter runs: Binder's environment against the book's.

What Binder does: repo2docker's image already holds the notebook server's environment
(``repo2docker-base.txt`` beside this file: JupyterLab, the Jupyter server, ipywidgets),
and the build runs ``pip install --no-cache-dir -r .binder/requirements.txt`` into it.
So a fresh virtual environment gets that base first (not timed; its size noted), then
that step is timed, with the size it adds. Beside it, in fresh virtual environments:
``pip install -r`` of the base and ``.binder/requirements.txt`` together (all a Binder
environment holds), of the top-level ``requirements.txt`` (what the book's build needs),
and of the floor, what no JupyterLab of these notebooks can do without (JupyterLab, a
kernel, NumPy, matplotlib, ipywidgets). Every package is downloaded from the index (no
pip cache); sizes are on disk. Then, in Binder's environment: ``import actnet`` in a
fresh interpreter (``python -X importtime``, and the wall time), and the first chapter's
first code cell in a fresh kernel (kernel start, then that cell).

    .venv/bin/python benchmarks/binder.py                  # four environments, ~4 min
    .venv/bin/python benchmarks/binder.py --json binder.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / ".binder" / "requirements.txt"
BOOK = ROOT / "requirements.txt"
# what repo2docker's image holds before Binder's pip step: one list, which the test of
# Binder's environment (tests/browser/browser_support.py) builds from too
REPO2DOCKER_BASE = ROOT / "benchmarks" / "repo2docker-base.txt"
# what no Binder of these notebooks can do without: JupyterLab, a kernel, NumPy, matplotlib
# and the widgets (not SciPy, not jupyterlab-myst, not actnet)
FLOOR = ["jupyterlab", "ipykernel", "numpy", "matplotlib", "ipywidgets"]
FIRST_CHAPTER = ROOT / "book" / "nonlinearity.ipynb"


def size_mb(folder: Path) -> float:
    """Bytes of every file under ``folder`` (links not followed), in MB (10^6)."""
    total = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            total += os.lstat(os.path.join(directory, name)).st_size
    return total / 1e6


def pip_install(folder: Path, what: list[str]) -> float:
    """Seconds of ``pip install --no-cache-dir`` of ``what`` (``-r FILE``s or names) into
    the venv in ``folder``."""
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(
        [*pip, "--no-cache-dir", "--disable-pip-version-check", *what],
        cwd=ROOT,  # the files' "." is this repository, as repo2docker runs them
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"pip install {' '.join(what)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def install(what: list[str], folder: Path, on: list[str] | None = None) -> dict:
    """A fresh venv in ``folder``, with ``on`` installed first when given (not timed), then
    ``what``: seconds of pip for ``what``, MB in all, and the MB before ``what``."""
    venv.EnvBuilder(with_pip=True).create(folder)
    out = {"empty_venv_mb": size_mb(folder)}
    if on:
        out["base_pip_seconds"] = pip_install(folder, on)
    out["before_mb"] = size_mb(folder)
    out["pip_seconds"] = pip_install(folder, what)
    out["mb"] = size_mb(folder)
    out["added_mb"] = out["mb"] - out["before_mb"]
    return out


def _outside_this_checkout() -> dict:
    """This process's environment without what would point Python at this checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def import_actnet(python: Path, repeats: int = 5) -> dict:
    """``import actnet`` in a fresh interpreter: importtime's total and the wall time (ms)."""
    env = _outside_this_checkout()
    walls, totals = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [str(python), "-X", "importtime", "-c", "import actnet"],
            cwd=tempfile.gettempdir(),  # the installed actnet, not this checkout's
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        walls.append(1e3 * (time.perf_counter() - start))
        last = [line for line in done.stderr.splitlines() if line.rstrip().endswith("| actnet")]
        totals.append(int(last[-1].split("|")[1]) / 1e3)
    return {"importtime_ms": statistics.median(totals), "wall_ms": statistics.median(walls)}


def first_cell(python: Path) -> dict:
    """Seconds to start a kernel of ``python`` and to run the first chapter's first cell."""
    from jupyter_client.manager import KernelManager

    source = next(
        "".join(cell["source"])
        for cell in json.loads(FIRST_CHAPTER.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    )
    env = _outside_this_checkout()
    env.pop("MPLBACKEND", None)
    manager = KernelManager(
        kernel_cmd=[str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    )
    start = time.perf_counter()
    manager.start_kernel(env=env, cwd=str(FIRST_CHAPTER.parent))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        ready = time.perf_counter()
        reply = client.execute_interactive(source, timeout=120, store_history=False)
        ran = time.perf_counter()
        if reply["content"]["status"] != "ok":
            sys.exit(f"the first cell failed: {reply['content']}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"kernel_start_s": ready - start, "first_cell_s": ran - ready}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="write every number to this file")
    args = parser.parse_args(argv)
    out: dict = {}
    scratch = Path(tempfile.mkdtemp(prefix="actnet-binder-"))
    try:
        environments = {
            # Binder: the image's base (not timed), then the repository's pip step
            "binder_layer": (["-r", str(BINDER)], ["-r", str(REPO2DOCKER_BASE)]),
            "binder": (["-r", str(REPO2DOCKER_BASE), "-r", str(BINDER)], None),
            "book": (["-r", str(BOOK)], None),
            "floor": (FLOOR, None),
        }
        for name, (what, on) in environments.items():
            out[name] = install(what, scratch / name, on)
            print(name, {k: round(v, 1) for k, v in out[name].items()}, flush=True)
        python = scratch / "binder_layer" / "bin" / "python"
        out["binder_layer"].update(import_actnet(python))
        out["binder_layer"].update(first_cell(python))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    layer, binder, book, floor = (out[k] for k in ("binder_layer", "binder", "book", "floor"))
    out["ratios"] = {
        "pip_seconds": layer["pip_seconds"] / book["pip_seconds"],
        "mb": layer["added_mb"] / book["mb"],
    }
    layer["base_mb"] = base_mb = layer["before_mb"] - layer["empty_venv_mb"]

    def versus_book(row: dict, mb: float) -> str:
        return f"{row['pip_seconds'] / book['pip_seconds']:.2f} | {mb / book['mb']:.2f}"

    rows = [
        "| environment | pip install -r (s) | size (MB) |",
        "|---|---:|---:|",
        f"| Binder's step: `.binder/requirements.txt` on repo2docker's base "
        f"({base_mb:.0f} MB, in the image) | {layer['pip_seconds']:.1f} | "
        f"+{layer['added_mb']:.0f} |",
        f"| `requirements.txt`, fresh | {book['pip_seconds']:.1f} | {book['mb']:.0f} |",
        f"| Binder's step / `requirements.txt` (target <= 0.5) | "
        f"{versus_book(layer, layer['added_mb'])} |",
        f"| repo2docker's base + `.binder/requirements.txt`, fresh | "
        f"{binder['pip_seconds']:.1f} | {binder['mb']:.0f} |",
        f"| base + `.binder` / `requirements.txt` | {versus_book(binder, binder['mb'])} |",
        f"| floor: {', '.join(FLOOR)}, fresh | {floor['pip_seconds']:.1f} | {floor['mb']:.0f} |",
        f"| floor / `requirements.txt` | {versus_book(floor, floor['mb'])} |",
    ]
    print("\n".join(rows))
    print(
        f"\nimport actnet (Binder's environment, fresh interpreter): "
        f"{layer['importtime_ms']:.0f} ms by -X importtime, {layer['wall_ms']:.0f} ms wall "
        f"(target <= 300 ms)\nfirst chapter's first cell in a fresh kernel: "
        f"{layer['first_cell_s']:.2f} s after a kernel start of {layer['kernel_start_s']:.2f} s "
        f"(target <= 2 s)"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
