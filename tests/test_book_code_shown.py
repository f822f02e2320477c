"""The code a reader of the built book sees is the lesson: no plumbing, and it fits the column."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from docutils.nodes import make_id

# the chapters as the table of contents lists them; pytest puts tests/book on the path only
# for the tests collected there
sys.path.insert(0, str(Path(__file__).parent / "book"))
from book_pages import chapters, page  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# the opening glance, then every chapter of the course in the book's order
CHAPTERS = ["glance", *chapters()]
# shown code that does not fit the column yet: the test fails once it does (strict)
# what only the machinery needs: quoting numbers, test markers, installing on Colab
PLUMBING = ("glue(", "NBVAL", "myst_nb", "%pip", "google.colab", "%matplotlib")


class _CodeCells(HTMLParser):
    """The source of every code cell of a page, and whether it is folded away."""

    VOID = ("br", "img", "input", "meta", "link", "hr", "wbr", "source", "col")

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.cells: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        element = {"tag": tag, "classes": (dict(attrs).get("class") or "").split()}
        folded = any(e["tag"] == "details" or "tag_hide-input" in e["classes"] for e in self.stack)
        self.stack.append(element)
        if tag == "div" and "cell_input" in element["classes"]:
            self.cells.append({"folded": folded, "text": "", "element": element})

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        if self.cells and any(e is self.cells[-1]["element"] for e in self.stack):
            if any(e["tag"] == "pre" for e in self.stack):
                self.cells[-1]["text"] += data


def visible_code(page: str) -> list[str]:
    parser = _CodeCells()
    parser.feed(page)
    return [cell["text"] for cell in parser.cells if not cell["folded"]]


@pytest.mark.parametrize(
    "chapter",
    CHAPTERS,
)
def test_no_plumbing_is_shown_and_every_code_line_fits_80_characters(html, chapter):
    code = visible_code(page(html, chapter))
    assert code, "a chapter shows its code"
    lines = [line for cell in code for line in cell.splitlines()]
    assert [line for line in lines if any(p in line for p in PLUMBING)] == []
    assert [line for line in lines if len(line) > 80] == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_is_drawn_where_its_plot_is_called(html, chapter):
    notebook = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    figure_cells = [c for c in notebook.cells if "figure" in c.metadata.get("mystnb", {})]
    assert figure_cells
    for cell in figure_cells:
        assert "remove-cell" not in cell.metadata.get("tags", [])
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
    built = page(html, chapter)
    shown = visible_code(built)
    for cell in figure_cells:
        assert any(cell.source.strip() in code for code in shown), cell.source
        # Sphinx writes the name as an HTML id: lower case, "_" turned into "-"
        name = make_id(cell.metadata["mystnb"]["figure"]["name"])
        assert re.search(rf'<figure[^>]*id="{re.escape(name)}"', built), name


def test_the_prose_quotes_no_number_by_hand_glue_or_raw_role(html):
    for chapter in CHAPTERS:
        text = re.sub(r"<(script|style)\b.*?</\1>", "", page(html, chapter), flags=re.S)
        assert "{glue" not in text and "{eval}" not in text, chapter
