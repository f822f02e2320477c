"""What a student waits for before the first chapter runs: Binder's environment against the book's.

For ``.binder/requirements.txt`` (what Binder installs) and the top-level
``requirements.txt`` (what the book's build needs): the time of ``pip install -r`` into a
fresh virtual environment, every package downloaded from the index (no pip cache), and
the environment's size on disk; the same for the floor, what no Binder of these
notebooks can do without (JupyterLab, a kernel, NumPy, matplotlib, ipywidgets). Then, in Binder's environment: ``import actnet`` in a
fresh interpreter (``python -X importtime``, and the wall time), and the first chapter's
first code cell in a fresh kernel (kernel start, then that cell).

    .venv/bin/python benchmarks/binder.py                  # three environments, ~3 min
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
FILES = {"binder": ROOT / ".binder" / "requirements.txt", "book": ROOT / "requirements.txt"}
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


def install(requirements: Path, folder: Path) -> dict:
    """A fresh venv in ``folder`` with ``requirements`` (a file, or a list of names)
    installed: seconds of pip, MB."""
    venv.EnvBuilder(with_pip=True).create(folder)
    before = size_mb(folder)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    what = list(requirements) if isinstance(requirements, list) else ["-r", str(requirements)]
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
    return {"pip_seconds": seconds, "mb": size_mb(folder), "empty_venv_mb": before}


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
        for name, requirements in {**FILES, "floor": FLOOR}.items():
            out[name] = install(requirements, scratch / name)
            print(name, {k: round(v, 1) for k, v in out[name].items()}, flush=True)
        python = scratch / "binder" / "bin" / "python"
        out["binder"].update(import_actnet(python))
        out["binder"].update(first_cell(python))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    binder, book, floor = out["binder"], out["book"], out["floor"]
    out["ratios"] = {
        "pip_seconds": binder["pip_seconds"] / book["pip_seconds"],
        "mb": binder["mb"] / book["mb"],
    }
    rows = [
        "| environment | pip install -r (s) | size (MB) |",
        "|---|---:|---:|",
        f"| `.binder/requirements.txt` | {binder['pip_seconds']:.1f} | {binder['mb']:.0f} |",
        f"| `requirements.txt` | {book['pip_seconds']:.1f} | {book['mb']:.0f} |",
        f"| ratio (target <= 0.5) | {out['ratios']['pip_seconds']:.2f} | "
        f"{out['ratios']['mb']:.2f} |",
        f"| floor: {', '.join(FLOOR)} | {floor['pip_seconds']:.1f} | {floor['mb']:.0f} |",
        f"| floor / `requirements.txt` | {floor['pip_seconds'] / book['pip_seconds']:.2f} | "
        f"{floor['mb'] / book['mb']:.2f} |",
    ]
    print("\n".join(rows))
    print(
        f"\nimport actnet (Binder's environment, fresh interpreter): "
        f"{binder['importtime_ms']:.0f} ms by -X importtime, {binder['wall_ms']:.0f} ms wall "
        f"(target <= 300 ms)\nfirst chapter's first cell in a fresh kernel: "
        f"{binder['first_cell_s']:.2f} s after a kernel start of {binder['kernel_start_s']:.2f} s "
        f"(target <= 2 s)"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
