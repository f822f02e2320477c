"""The book as a whole: it builds with warnings as errors, and its pages other than the
chapters (the glance, the glossary, the API page, the references, the exercises) hold
what they should."""

import html as html_module
import re
from pathlib import Path

import actnet
import nbformat
import pytest
from book_pages import chapters, images, page

ROOT = Path(__file__).resolve().parents[2]
STEMS = chapters()  # each chapter has an exercise notebook of the same name


def test_book_builds_with_every_page(html):
    assert (html / "index.html").exists()
    assert (html / "book" / "intro.html").exists()
    assert (html / "book" / "glance.html").exists()
    assert (html / "book" / "bibliography.html").exists()


# ------------------------------------------------------------------------ glance
def test_glance_figure_has_alt_text_and_glued_numbers(html):
    built = page(html, "glance")
    shown = images(built)
    assert len(shown) == 1
    for img in shown:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, img[:200]
    # the glued count of activations (every one actnet has) and the sigmoid's largest slope
    count = len(actnet.available())
    assert f'knows <span class="pasted-text">{count}</span> activations' in built
    assert 'never exceeds <span class="pasted-text">0.25</span>' in built


def test_launch_and_download_buttons_point_at_the_notebook(html):
    built = page(html, "glance")
    assert (
        "mybinder.org/v2/gh/actnet-course/actnet/main?urlpath=lab/tree/book/glance.ipynb" in built
    )
    assert (
        "colab.research.google.com/github/actnet-course/actnet/blob/main/book/glance.ipynb" in built
    )
    assert "_sources/book/glance.ipynb" in built


# ---------------------------------------------------------------------- glossary
def test_glossary_defines_the_course_terms(html):
    terms = set(re.findall(r'id="term-([^"]+)"', page(html, "glossary")))
    for term in (
        "saturation",
        "vanishing-gradient",
        "exploding-gradient",
        "zero-centred",
        "dead-unit",
        "born-dead",
        "parameter",
        "hyper-parameter",
        "activation-function",
        "pre-activation",
        "maxout-unit",
        "leaky-ReLU",
        "report-card",
    ):
        assert term in terms, term


# ---------------------------------------------------------------------- API page
def test_api_pages_document_each_module_from_its_docstrings(html):
    # one page per module, under book/api/ (the "Using this book" page links there)
    for target in (
        "actnet.activations.register",
        "actnet.nn.MLP",
        "actnet.nn.Maxout",
        "actnet.experiments.report_cards",
        "actnet.widgets.maxout_explorer",
    ):
        module = target.split(".")[1]
        assert f'id="{target}"' in page(html, f"api/{module}"), target
    assert 'href="api/index.html"' in page(html, "using")


def test_using_page_says_how_to_run_and_assign_the_course(html):
    built = page(html, "using")
    text = re.sub(r"<[^>]+>", "", built)  # code blocks are split into highlighted spans
    assert "python -m actnet.assign book/exercises handout" in text
    assert "### BEGIN SOLUTION" in text and "### END SOLUTION" in text
    assert "python3 tasks.py lab" in text


# -------------------------------------------------------------------- references
def test_references_list_every_cited_paper(html):
    built = page(html, "bibliography")
    for title in ("Maxout networks", "Long short-term memory", "continuous piecewise-linear"):
        assert title.lower() in built.lower(), title


# --------------------------------------------------------------------- exercises
# The exercise pages are the student editions: the launch buttons and the download of a
# page hand out the page's own notebook, so no page may be a solved notebook.
def _solution_lines(stem: str) -> list[str]:
    """The lines of code between nbgrader's solution markers in the solved notebook."""
    solved = nbformat.read(ROOT / "book/exercises" / f"{stem}.ipynb", as_version=4)
    regions = [
        region
        for cell in solved.cells
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
    ]
    return [line.strip() for region in regions for line in region.splitlines() if len(line) > 16]


@pytest.mark.parametrize("stem", STEMS)
def test_each_exercise_page_is_the_student_edition_and_hands_out_that_notebook(html, stem):
    built = (html / "book" / "exercises" / "student" / f"{stem}.html").read_text()
    source = html / "_sources" / "book" / "exercises" / "student" / f"{stem}.ipynb"
    assert source.read_bytes() == (ROOT / "book/exercises/student" / f"{stem}.ipynb").read_bytes()
    assert f"_sources/book/exercises/student/{stem}.ipynb" in built
    text = html_module.unescape(re.sub(r"<[^>]+>", "", built))
    assert "raise NotImplementedError()" in text  # the stubs for the answers
    assert text.count("check.") >= 2  # the checks that follow each answer


@pytest.mark.parametrize("stem", STEMS)
def test_no_exercise_page_shows_a_line_of_a_solution(html, stem):
    solutions = _solution_lines(stem)
    assert solutions, "the solved notebook has solution regions to look for"
    built = (html / "book" / "exercises" / "student" / f"{stem}.html").read_text()
    text = html_module.unescape(re.sub(r"<[^>]+>", "", built))
    assert [line for line in solutions if line in text] == []


def test_the_solved_notebooks_are_not_in_the_book(html):
    for stem in STEMS:
        assert not (html / "book" / "exercises" / f"{stem}.html").exists()
    notebooks = list(html.rglob("*.ipynb"))
    assert notebooks, "the book hands out notebooks"
    holding = [str(p.relative_to(html)) for p in notebooks if "BEGIN SOLUTION" in p.read_text()]
    assert holding == []
