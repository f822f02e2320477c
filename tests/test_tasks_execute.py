"""`python3 tasks.py execute`: every {eval} of a notebook gets its result stored, in order."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ok(text_plain: str) -> dict:
    return {"status": "ok", "data": {"text/plain": text_plain}, "metadata": {}}


def test_inline_expressions_are_found_once_each_in_order(tasks):
    cell = new_markdown_cell(
        'Kept {eval}`f"{kept:.1e}"` of it; {eval}`seeds` seeds, {eval}`seeds` again, '
        "and with a backtick inside, {eval}``f'{`x`}'``."
    )
    assert tasks.inline_expressions(cell) == ['f"{kept:.1e}"', "seeds", "f'{`x`}'"]


def test_a_figure_caption_has_its_expressions_too(tasks):
    cell = new_code_cell("plots.x(result)")
    cell.metadata["mystnb"] = {"figure": {"caption": "After {eval}`depth` layers.", "name": "f"}}
    assert tasks.inline_expressions(cell) == ["depth"]


def test_execute_stores_each_result_as_jupyterlab_myst_does(tasks, tmp_path):
    notebook = new_notebook(
        cells=[
            new_code_cell('from actnet.book import glue\nglue("depth", 10)'),
            new_markdown_cell('After {eval}`depth` layers, {eval}`f"{0.25 ** depth:.1e}"`.'),
            new_code_cell("depth = 3"),
            new_markdown_cell("Now {eval}`depth`."),
            new_markdown_cell("No expression here."),
        ]
    )
    notebook.cells[4].metadata["user_expressions"] = [{"expression": "stale", "result": _ok("1")}]
    tasks.execute_notebook(notebook, tmp_path)
    assert notebook.cells[0].outputs[0]["data"] == {"text/plain": "depth = 10"}
    # each cell is evaluated right after the cells above it ran
    assert notebook.cells[1].metadata["user_expressions"] == [
        {"expression": "depth", "result": _ok("10")},
        {"expression": 'f"{0.25 ** depth:.1e}"', "result": _ok("'9.5e-07'")},
    ]
    assert notebook.cells[3].metadata["user_expressions"] == [
        {"expression": "depth", "result": _ok("3")}
    ]
    assert "user_expressions" not in notebook.cells[4].metadata
    nbformat.validate(notebook)


def test_an_expression_that_fails_stops_the_run_and_names_it(tasks, tmp_path):
    notebook = new_notebook(
        cells=[new_markdown_cell("Too early: {eval}`race_seeds`."), new_code_cell("race_seeds = 5")]
    )
    with pytest.raises(RuntimeError, match=r"cell 0: \{eval\}`race_seeds`: NameError"):
        tasks.execute_notebook(notebook, tmp_path)


def test_the_tests_and_the_stored_outputs_compute_with_the_same_machine_code(tasks, tmp_path):
    """On an x86-64 machine with AVX2, `tasks.py test` and `execute` pin NumPy and OpenBLAS
    to their AVX2 code, so a chapter's stored numbers come out the same on any such
    machine: the maxout chapter's fit error (a least-squares solve, which OpenBLAS's
    AVX-512 kernels round differently: 2.8e-11 there) is reproduced to the last bit."""
    import json
    import os
    import subprocess
    import sys

    flags = Path("/proc/cpuinfo").read_text().split() if Path("/proc/cpuinfo").exists() else []
    if not {"avx2", "fma"} <= set(flags):
        pytest.skip("not an x86-64 machine with AVX2: nothing is pinned")
    script = (
        "import json, os, runpy; tasks = runpy.run_path(os.environ['TASKS']); "
        "tasks['same_numbers_on_every_machine'](); "
        "print(json.dumps({k: os.environ.get(k) for k in "
        "('OPENBLAS_CORETYPE', 'NPY_DISABLE_CPU_FEATURES')}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
    }
    pinned = json.loads(
        subprocess.run(
            [sys.executable, "-c", script],
            env={**clean, "TASKS": str(ROOT / "tasks.py")},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert pinned["OPENBLAS_CORETYPE"] == "Haswell"
    probe = (
        "from numpy._core._multiarray_umath import __cpu_features__ as f; "
        "from actnet import experiments; "
        "print(f['X86_V4'], repr(experiments.maxout_fit(k=3).max_error))"
    )
    env = {**clean, **{k: v for k, v in pinned.items() if v}}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "1.0063283539807344e-11"]
    notebook = (ROOT / "book" / "maxout.ipynb").read_text(encoding="utf-8")
    assert "1.0063283539807344e-11" in notebook  # the number the chapter stores
