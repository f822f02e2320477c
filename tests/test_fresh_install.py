"""A chapter downloaded from the book runs top to bottom on a fresh Python, as on Colab.

The environment is what "Using this book" asks a Colab user to install, `actnet` from this
repository (`pip install .`), plus the Jupyter kernel Colab runs notebooks in; nothing
of the book's build (no myst-nb). It is kept in ``.venv-fresh/`` and made again only
when ``pyproject.toml`` changes; actnet is reinstalled (not editable) when its code
changes. Deselect with ``-m "not fresh_install"``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import venv
from pathlib import Path

import actnet_source
import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
FRESH = ROOT / ".venv-fresh"
# the shortest chapter, and one with explorers, figures, a timing and the sigmoid's code
CHAPTERS = ["glance", "sigmoid"]

pytestmark = pytest.mark.fresh_install


def fresh_environment() -> Path:
    """``.venv-fresh``: `pip install . ipykernel`, made again when its inputs change."""
    python = FRESH / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    stamp, wanted = FRESH / ".pyproject-sha256", actnet_source.digest([ROOT / "pyproject.toml"])
    if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(FRESH, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(FRESH)
        subprocess.run([*pip, "ipykernel"], check=True)
        stamp.write_text(wanted)
        (FRESH / ".actnet-sha256").unlink(missing_ok=True)
    code_stamp = FRESH / ".actnet-sha256"
    code = actnet_source.code_digest()
    if not (code_stamp.exists() and code_stamp.read_text() == code):
        with actnet_source.copied() as source:
            subprocess.run([*pip, "--force-reinstall", str(source)], check=True)
        # the first import of matplotlib builds its font cache: not in a chapter's output
        subprocess.run([str(python), "-c", "import matplotlib.pyplot"], check=True)
        code_stamp.write_text(code)
    return FRESH


@pytest.fixture
def fresh_kernel(tmp_path, monkeypatch):
    """The name of a kernel that runs the fresh environment's Python."""
    python = fresh_environment() / "bin" / "python"
    spec = tmp_path / "jupyter" / "kernels" / "actnet-fresh"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "fresh actnet",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "actnet-fresh"


@pytest.fixture(scope="module")
def tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fresh_environment_has_actnet_and_no_book_tools():
    python = fresh_environment() / "bin" / "python"
    assert subprocess.run([python, "-c", "import actnet.book"]).returncode == 0
    missing = subprocess.run([python, "-c", "import myst_nb"], capture_output=True, text=True)
    assert "No module named 'myst_nb'" in missing.stderr


# On Colab the first cell installs actnet with %pip: here google.colab is faked and %pip
# records what it is asked (there is no network), then the fake is taken away again.
_PRETEND_COLAB = """\
import sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")
pip_asked = []
get_ipython().register_magic_function(pip_asked.append, "line", "pip")"""
_STOP_PRETENDING = 'del sys.modules["google.colab"]\npip_asked'


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_runs_top_to_bottom_on_a_fresh_python(chapter, fresh_kernel, tasks, tmp_path):
    notebook = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    assert 'if "google.colab" in sys.modules:' in notebook.cells[first_code].source
    notebook.cells.insert(first_code + 1, new_code_cell(_STOP_PRETENDING))
    notebook.cells.insert(first_code, new_code_cell(_PRETEND_COLAB))

    tasks.execute_notebook(notebook, tmp_path, kernel_name=fresh_kernel)

    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    asked = notebook.cells[first_code + 2].outputs[0]["data"]["text/plain"]
    assert asked == repr([f'install --quiet "actnet @ git+{repository}"'])
    problems = [
        (i, o.get("ename") or o.get("text", "")[:300])
        for i, cell in enumerate(notebook.cells)
        for o in cell.get("outputs", [])
        if o["output_type"] == "error" or (o["output_type"] == "stream" and o["name"] == "stderr")
    ]
    assert problems == []
    for cell in notebook.cells:
        if "figure" in cell.metadata.get("mystnb", {}):
            assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
        if cell.cell_type == "markdown" and "{eval}" in cell.source:
            results = cell.metadata["user_expressions"]
            assert results and all(r["result"]["status"] == "ok" for r in results)
