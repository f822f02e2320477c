"""The book as the tests read it: a built page, its text, the numbers a chapter glues,
and the exercise and solution directives of a chapter notebook."""

import html as html_module
import json
import re
from pathlib import Path

import yaml

BOOK = Path(__file__).resolve().parents[2] / "book"


def chapters() -> list[str]:
    """The course's chapters in the book's order, as the table of contents numbers them."""
    toc = yaml.safe_load((BOOK.parent / "_toc.yml").read_text())
    (course,) = [part for part in toc["parts"] if part.get("numbered")]
    return [Path(chapter["file"]).name for chapter in course["chapters"]]


def page(html: Path, name: str) -> str:
    """The built HTML of ``book/<name>``; ``html`` is the build's output folder."""
    return (html / "book" / f"{name}.html").read_text()


def text(page: str) -> str:
    """What a reader reads: the page without its tags, entities decoded."""
    return html_module.unescape(re.sub(r"<[^>]+>", "", page))


def images(page: str) -> list[str]:
    """The ``<img>`` tags of the chapter's own figures (the theme's logos are not)."""
    return [img for img in re.findall(r"<img[^>]*>", page) if "_images/" in img]


def pasted(page: str) -> list[str]:
    """Every glued value as it appears in the page."""
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', page)


def notebook(chapter: str) -> dict:
    return json.loads((BOOK / f"{chapter}.ipynb").read_text())


def glued(chapter: str) -> dict[str, str]:
    """Every value the chapter glues, as its committed outputs show it (``name = value``)."""
    values = {}
    for cell in notebook(chapter)["cells"]:
        if cell["cell_type"] != "code" or "glue(" not in "".join(cell["source"]):
            continue
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            shown = re.fullmatch(r"(\w+) = (.*)", "".join(text), re.S)
            if output["output_type"] == "display_data" and shown:
                values[shown.group(1)] = shown.group(2)
    return values


def markdown(chapter: str) -> str:
    """The chapter's prose: its markdown cells, joined."""
    cells = notebook(chapter)["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def directive(chapter: str, kind: str, label: str) -> str:
    """The body of the ``{exercise}`` or ``{solution}`` directive named ``label``."""
    prose = markdown(chapter)
    head = "{exercise}\n:label: " + label if kind == "exercise" else "{solution} " + label
    start = prose.index(head)
    return prose[start : prose.index("\n````\n", start)]


def python_blocks(body: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", body, re.S)
