"""The built exercise pages are the student editions; no solution is published.

(The pages used to show the solved notebooks with their solutions folded, and linked the
student edition for download; since the launch buttons and the download of a page hand
out the page's own notebook, the pages are now the student editions themselves.)
"""

import html as html_module
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
STEMS = ["nonlinearity", "sigmoid", "tanh", "relu", "variants", "maxout", "choosing"]


def _solution_lines(stem: str) -> list[str]:
    """The lines of code between nbgrader's solution markers in the solved notebook."""
    notebook = nbformat.read(ROOT / "book/exercises" / f"{stem}.ipynb", as_version=4)
    regions = [
        region
        for cell in notebook.cells
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
    ]
    return [line.strip() for region in regions for line in region.splitlines() if len(line) > 16]


@pytest.mark.parametrize("stem", STEMS)
def test_each_exercise_page_is_the_student_edition_and_hands_out_that_notebook(html, stem):
    page = (html / "book" / "exercises" / "student" / f"{stem}.html").read_text()
    source = html / "_sources" / "book" / "exercises" / "student" / f"{stem}.ipynb"
    assert source.read_bytes() == (ROOT / "book/exercises/student" / f"{stem}.ipynb").read_bytes()
    assert f"_sources/book/exercises/student/{stem}.ipynb" in page
    text = html_module.unescape(re.sub(r"<[^>]+>", "", page))
    assert "raise NotImplementedError()" in text  # the stubs for the answers
    assert text.count("check.") >= 2  # the checks that follow each answer


@pytest.mark.parametrize("stem", STEMS)
def test_no_exercise_page_shows_a_line_of_a_solution(html, stem):
    solutions = _solution_lines(stem)
    assert solutions, "the solved notebook has solution regions to look for"
    page = (html / "book" / "exercises" / "student" / f"{stem}.html").read_text()
    text = html_module.unescape(re.sub(r"<[^>]+>", "", page))
    assert [line for line in solutions if line in text] == []


def test_the_solved_notebooks_are_not_in_the_book(html):
    for stem in STEMS:
        assert not (html / "book" / "exercises" / f"{stem}.html").exists()
    notebooks = [p for p in html.rglob("*.ipynb")]
    assert notebooks, "the book hands out notebooks"
    holding = [str(p.relative_to(html)) for p in notebooks if "BEGIN SOLUTION" in p.read_text()]
    assert holding == []
