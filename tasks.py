#!/usr/bin/env python3
"""Everyday commands for the course, runnable with nothing but Python 3.10+.

    python3 tasks.py book      build the book into _build/html
    python3 tasks.py test      run every test (package, doctests, notebooks, book build)
    python3 tasks.py execute   re-execute every chapter notebook in place (after actnet changes)
    python3 tasks.py execute glance exercises/relu   ... only these (chapter, exercises)
    python3 tasks.py lab       open the notebooks in JupyterLab

Each command creates the virtual environment `.venv` on first use and installs
what it needs there. The one thing installed outside it: the browser tests
drive Chromium, which `test` installs with apt-get when it is missing and it
runs as root on Debian (elsewhere it says what to install).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb")) + sorted(
    (ROOT / "book" / "exercises").glob("*.ipynb")
)


def notebook_names(path: Path) -> set[str]:
    """The names that choose ``path`` on the command line: ``relu`` is the chapter
    book/relu.ipynb, ``exercises/relu`` the exercise notebook of the same stem."""
    inside_book = path.relative_to(ROOT / "book")
    return {
        inside_book.with_suffix("").as_posix(),
        inside_book.as_posix(),
        path.relative_to(ROOT).as_posix(),
    }


def run(*args: object, **kwargs) -> None:
    command = [str(a) for a in args]
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_environment(requirements: str) -> None:
    """Create .venv and install ``requirements`` (and actnet, editable) unless done already."""
    if not PYTHON.exists():
        print(f"creating the virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp_text = "".join(
        (ROOT / name).read_text() for name in ("requirements.txt", requirements, "pyproject.toml")
    )
    digest = hashlib.sha256(stamp_text.encode()).hexdigest()
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    run(*pip, "-r", requirements)
    # editable, so that tests and notebook kernels see the working tree's actnet
    run(*pip, "--no-deps", "--editable", ".")
    # an editable install leaves pyproject's data-files out: put them where `pip install .`
    # does (jupyter-config/ enables actnet's Jupyter server extension)
    shutil.copytree(ROOT / "jupyter-config", VENV / "etc" / "jupyter", dirs_exist_ok=True)
    stamp.write_text(digest)


def same_numbers_on_every_machine() -> None:
    """Compute with the same machine code on every x86-64 processor with AVX2.

    NumPy and its OpenBLAS pick their code by processor (AVX2, AVX-512, ...), and the
    versions round differently in the last bit. Most numbers do not notice; a network
    trained at a large learning rate does, because its training is chaotic: one bit can
    decide whether a unit dies. So the chapters' stored outputs are made and tested with
    the AVX2 code of both (OpenBLAS's Haswell kernels; NumPy without its AVX-512 code),
    and a test on another machine reproduces them exactly. A reader's run on another
    processor may differ in such numbers; the book's claims rest on several seeds.
    """
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpuinfo.read_text().split() if cpuinfo.exists() else []
    if not {"avx2", "fma"} <= set(flags):
        return
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
    if "NPY_DISABLE_CPU_FEATURES" not in os.environ:
        found = subprocess.run(
            [PYTHON, "-c", "from numpy._core._multiarray_umath import __cpu_features__ as f, "
             "__cpu_dispatch__ as d; print(*[x for x in d if f.get(x) and x != 'X86_V3'])"],
            capture_output=True, text=True, check=False,
        ).stdout.split()  # fmt: skip
        if found:
            os.environ["NPY_DISABLE_CPU_FEATURES"] = " ".join(found)


def book() -> None:
    ensure_environment("requirements.txt")
    run(BIN / "jupyter-book", "build", ROOT, "--warningiserror", "--nitpick", "--keep-going")
    print(f"\nThe book is built. Open {ROOT / '_build' / 'html' / 'index.html'} in a browser.")


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser tests if it is missing and we may."""
    if os.environ.get("ACTNET_CHROMIUM") or any(shutil.which(n) for n in CHROMIUM_NAMES):
        return
    os_release = Path("/etc/os-release")
    debian = os_release.exists() and "ID=debian" in os_release.read_text().split()
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if debian and root and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", env=env)
        return
    print(
        "The browser tests (tests/browser) need Chromium and will fail without it: install it "
        "(Debian: apt-get install chromium) or set ACTNET_CHROMIUM=/path/to/chromium; "
        "or leave them out with: python3 tasks.py test -m 'not browser'",
        flush=True,
    )


def test() -> None:
    ensure_environment("requirements-test.txt")
    same_numbers_on_every_machine()
    if "not browser" not in " ".join(sys.argv[2:]):
        ensure_chromium()
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    run(
        PYTHON,
        "-m",
        "pytest",
        "tests",
        "actnet",
        *[p.relative_to(ROOT) for p in NOTEBOOKS],
        "--doctest-modules",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        "book/nbval-sanitize.cfg",
        *sys.argv[2:],
        env=env,
    )


def execute() -> None:
    ensure_environment("requirements-test.txt")
    same_numbers_on_every_machine()
    if sys.executable != str(PYTHON):
        run(PYTHON, __file__, "_execute", *sys.argv[2:])
        return
    _execute()


def _execute() -> None:
    import nbformat

    chosen = sys.argv[2:]
    known = set().union(*(notebook_names(p) for p in NOTEBOOKS))
    unknown = [name for name in chosen if name not in known]
    if unknown:
        print(f"no notebook called {', '.join(unknown)}; e.g. glance or exercises/relu")
        sys.exit(2)
    # measurements several chapters quote (actnet.experiments.book_cost) are taken once
    # and kept here, so that the chapters agree; a run of every notebook takes them anew
    cache = Path(os.environ.setdefault("ACTNET_CACHE", str(ROOT / "_build" / "actnet-cache")))
    if not chosen and cache.is_dir():
        shutil.rmtree(cache)
    for path in NOTEBOOKS:
        if chosen and not notebook_names(path) & set(chosen):
            continue
        print(f"executing {path.relative_to(ROOT)}", flush=True)
        notebook = nbformat.read(path, as_version=4)
        execute_notebook(notebook, path.parent)
        nbformat.write(notebook, path)


# {eval}`expression` (or with more backticks, if the expression holds one), as MyST writes it
EVAL_ROLE = re.compile(r"\{eval\}(`+)(.+?)\1", re.S)


def inline_expressions(cell) -> list[str]:
    """The expressions of the cell's {eval} roles, each once, in order: in a Markdown
    cell's text, or in the caption of the figure a code cell draws (``mystnb.figure``)."""
    if cell["cell_type"] == "markdown":
        text = cell["source"]
    else:
        text = cell["metadata"].get("mystnb", {}).get("figure", {}).get("caption", "")
    return list(dict.fromkeys(match.group(2) for match in EVAL_ROLE.finditer(text)))


def execute_notebook(notebook, directory: Path, **client_options) -> None:
    """Run ``notebook`` in place, top to bottom, in a kernel started in ``directory``
    (``client_options`` go to nbclient's NotebookClient, e.g. ``kernel_name``).

    Besides the outputs and the explorers' widget state, every cell with {eval} roles
    gets their results in its metadata, ``user_expressions``, as JupyterLab's
    jupyterlab-myst stores them, evaluated in order right after the cells above it
    ran: the book shows these results, and JupyterLab shows them until the cell is run.
    An expression that fails stops the run, naming the cell and the error.
    """
    from nbclient import NotebookClient

    class Client(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            cell = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            expressions = inline_expressions(cell)
            if not expressions:
                cell["metadata"].pop("user_expressions", None)
                return cell
            request = {str(i): expression for i, expression in enumerate(expressions)}
            msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions=request)
            reply = await self.async_wait_for_reply(msg_id, cell)
            results = reply["content"]["user_expressions"]
            failed = [
                f"{{eval}}`{request[key]}`: {result.get('ename')}: {result.get('evalue')}"
                for key, result in results.items()
                if result.get("status") != "ok"
            ]
            if failed:
                raise RuntimeError(f"cell {cell_index}: " + "; ".join(failed))
            cell["metadata"]["user_expressions"] = [
                {"expression": request[key], "result": results[key]} for key in request
            ]
            return cell

    options = {
        "timeout": 600,
        "kernel_name": "python3",
        "resources": {"metadata": {"path": str(directory)}},
        "store_widget_state": True,
        # no timestamps: re-executing an unchanged chapter leaves its file unchanged
        "record_timing": False,
    }
    Client(notebook, **{**options, **client_options}).execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def lab() -> None:
    ensure_environment("requirements.txt")
    # containers often run as root, which JupyterLab refuses without being told
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    run(BIN / "jupyter", "lab", "book", *as_root, *sys.argv[2:])


COMMANDS = {"book": book, "test": test, "execute": execute, "lab": lab, "_execute": _execute}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]]()
