"""The built tanh and ReLU chapters hold their figures, numbers, explorers, citations
and exercises."""

import html as html_module
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

FIGURES = {
    "tanh": ["forms", "zigzag", "saturated", "cost", "lecun"],
    "relu": ["race", "kick", "dying", "zeros", "born-dead"],
}
EXERCISES = {
    "tanh": ["derivative", "predict-zigzag", "code-scaled", "open-scaled"],
    "relu": ["dead-gradient", "predict-kick", "code-dead", "open-revive"],
}
CITATIONS = {
    "tanh": ["LeCun et al.", "Glorot and Bengio", "Krizhevsky et al."],
    "relu": [
        "Krizhevsky et al.",
        "Karpathy",
        "Lu et al.",
        "He et al.",
        "Ioffe and Szegedy",
        "Nair and Hinton",
        "Glorot et al.",
        "Srivastava et al.",
    ],
}
EXPLORERS = {"tanh": 2, "relu": 1}


def _page(html, chapter: str) -> str:
    return (html / "book" / f"{chapter}.html").read_text()


def _text(page: str) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", "", page))


def _glued(chapter: str) -> dict:
    """Every value the chapter glues, as its committed outputs show it (``name = value``)."""
    notebook = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    values = {}
    for cell in notebook.cells:
        if cell.cell_type != "code" or "glue(" not in cell.source:
            continue
        for output in cell.outputs:
            shown = re.fullmatch(
                r"(\w+) = (.*)", output.get("data", {}).get("text/plain", ""), re.S
            )
            if output.output_type == "display_data" and shown:
                values[shown.group(1)] = shown.group(2)
    return values


@pytest.mark.parametrize("chapter", ["tanh", "relu"])
def test_every_figure_is_named_captioned_and_has_alt_text(html, chapter):
    page = _page(html, chapter)
    for what in FIGURES[chapter]:
        assert f'id="fig-{chapter}-{what}"' in page
    images = [img for img in re.findall(r"<img[^>]*>", page) if "_images/" in img]
    assert len(images) == len(FIGURES[chapter])
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, img[:200]
    assert page.count("<figcaption>") >= len(FIGURES[chapter])


@pytest.mark.parametrize("chapter", ["tanh", "relu"])
def test_numbers_are_glued_and_every_glue_reference_resolved(html, chapter):
    page = _page(html, chapter)
    assert page.count('class="pasted-text"') >= 40
    assert "{glue" not in page
    assert "??" not in _text(page)


def test_tanh_prose_shows_lecun_f_of_one_and_the_wrong_sign_value(html):
    page = _page(html, "tanh")
    glued = _glued("tanh")
    assert f"{float(glued['lecun_f_one']):.5f}" == "1.00000"
    assert '<span class="pasted-text">1.00000</span>' in page
    assert '<span class="pasted-text">-0.7616</span>' in page
    assert '<span class="pasted-text">0.7616</span>' in page


def test_relu_prose_shows_the_race_and_the_zero_loss_difference(html):
    page = _page(html, "relu")
    glued = _glued("relu")
    speedup = float(glued["race_speedup"])
    assert speedup > 1
    assert f'<span class="pasted-text">{speedup:.1f}</span> times faster' in page
    assert float(glued["kink_loss_difference"]) == 0.0
    assert "not one bit" in page


@pytest.mark.parametrize("chapter", ["tanh", "relu"])
def test_exercises_have_namespaced_labels_and_hidden_solutions(html, chapter):
    page = _page(html, chapter)
    for name in EXERCISES[chapter]:
        assert f'<div class="exercise admonition" id="{chapter}-ex-{name}">' in page
    assert page.count('class="solution dropdown admonition"') == len(EXERCISES[chapter])


@pytest.mark.parametrize("chapter", ["tanh", "relu"])
def test_papers_box_cites_the_bibliography(html, chapter):
    page = _page(html, chapter)
    assert "What the papers found" in page
    text = _text(page)
    for author in CITATIONS[chapter]:
        assert author in text, author
    # each citation links to its entry, with the full reference as the link's title
    linked = re.findall(r'class="reference internal" href="[^"]*#id\d+" title="([^"]*)"', page)
    assert len(set(linked)) >= len(CITATIONS[chapter])


@pytest.mark.parametrize("chapter", ["tanh", "relu"])
def test_explorers_have_a_kernel_free_face_with_alt_text(html, chapter):
    page = _page(html, chapter)
    frames = re.findall(r"<img class='actnet-frame'[^>]*>", page)
    assert len(frames) == EXPLORERS[chapter]
    for frame in frames:
        alt = re.search(r"alt='([^']*)'", frame) or re.search(r'alt="([^"]*)"', frame)
        assert alt and len(alt.group(1)) > 20, frame[:200]


def test_relu_failure_table_has_the_three_failure_modes(html):
    page = _page(html, "relu")
    table = page[page.find("<table") : page.find("</table>")]
    for mode in ("vanishing gradients", "exploding gradients", "dying ReLUs"):
        assert mode in table
    assert table.count('class="pasted-text"') == 3
