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
