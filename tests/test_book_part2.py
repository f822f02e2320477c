"""The maxout and choosing chapters, the glossary, the API page and the references, as built."""

import json
import re
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"


def _page(html, name: str) -> str:
    return (html / "book" / f"{name}.html").read_text()


def _chapter_images(page: str) -> list[str]:
    return [img for img in re.findall(r"<img[^>]*>", page) if "_images/" in img]


def _pasted(page: str) -> list[str]:
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', page)


@pytest.mark.parametrize(("chapter", "n_figures"), [("maxout", 2), ("choosing", 1)])
def test_every_chapter_figure_has_alt_text_and_a_caption(html, chapter, n_figures):
    page = _page(html, chapter)
    images = _chapter_images(page)
    assert len(images) == n_figures
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, img[:200]
    assert page.count("<figcaption>") >= n_figures
    assert page.count(f'id="fig-{chapter}-') == n_figures


@pytest.mark.parametrize(("chapter", "n_exercises"), [("maxout", 4), ("choosing", 5)])
def test_exercises_have_namespaced_labels_and_hidden_solutions(html, chapter, n_exercises):
    page = _page(html, chapter)
    labels = re.findall(r'<div class="exercise admonition" id="([^"]+)"', page)
    assert len(labels) == n_exercises
    assert all(label.startswith(f"{chapter}-ex-") for label in labels)
    assert page.count('class="solution dropdown admonition"') == n_exercises


@pytest.mark.parametrize("chapter", ["maxout", "choosing"])
def test_chapter_shows_its_explorer_without_a_kernel(html, chapter):
    page = _page(html, chapter)
    assert "actnet-explorer" in page and "actnet-frames" in page


def test_maxout_is_exactly_relu_and_leaky_relu_and_costs_k_times(html):
    page = _page(html, "maxout")
    assert (
        'ReLU is\n<span class="pasted-text">0.0</span>' in page
        or 'ReLU is <span class="pasted-text">0.0</span>' in page
    )
    pasted = _pasted(page)
    assert "188400" in pasted and "942000" in pasted and "5" in pasted
    assert "Shuning Wang. General constructive representations" in page  # cited
    assert "Goodfellow" in page


def test_choosing_summary_table_has_a_row_per_activation(html):
    page = _page(html, "choosing")
    table = re.search(r'<table class="table actnet-summary">.*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr><td>([a-z_]+)</td>", table)
    assert rows == [
        "identity",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "prelu",
        "elu",
        "selu",
        "gelu",
        "silu",
        "softplus",
        "mish",
    ]
    assert "<th>race rank</th>" in table and "<th>cost ratio</th>" not in table


def test_choosing_glues_relu_winning_the_race_and_cites_the_gated_networks(html):
    page = _page(html, "choosing")
    assert 'ReLU ranks\n<span class="pasted-text">1</span>' in page or (
        'ReLU ranks <span class="pasted-text">1</span>' in page
    )
    assert "Hochreiter and Schmidhuber, 1997" in page and "Cho" in page
    # the user-defined activation's card is measured in the closing solution
    assert "smooth_leaky" in page


def test_glossary_defines_the_course_terms(html):
    page = _page(html, "glossary")
    terms = set(re.findall(r'id="term-([^"]+)"', page))
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


def test_chapters_link_their_terms_to_the_glossary(html):
    for chapter in ("maxout", "choosing"):
        assert 'href="glossary.html#term-' in _page(html, chapter)


def test_using_page_documents_the_api_from_docstrings(html):
    page = _page(html, "using")
    for target in (
        "actnet.activations.register",
        "actnet.nn.MLP",
        "actnet.nn.Maxout",
        "actnet.experiments.report_cards",
        "actnet.widgets.maxout_explorer",
    ):
        assert f'id="{target}"' in page, target
    text = re.sub(r"<[^>]+>", "", page)  # code blocks are split into highlighted spans
    assert "python -m actnet.assign book/exercises handout" in text
    assert "### BEGIN SOLUTION" in text and "### END SOLUTION" in text
    assert "python3 tasks.py lab" in text


def test_references_list_every_cited_paper(html):
    page = _page(html, "bibliography")
    for title in ("Maxout networks", "Long short-term memory", "continuous piecewise-linear"):
        assert title.lower() in page.lower(), title


@pytest.mark.parametrize("chapter", ["maxout", "choosing"])
def test_only_timing_cells_are_ignored_by_nbval(chapter):
    """nbval's marker is a cell tag; the timing table and the hidden cell quoting it both
    carry it (so up to two cells)."""
    notebook = nbformat.read(BOOK / f"{chapter}.ipynb", as_version=4)
    assert not any("NBVAL" in c.source for c in notebook.cells)
    ignored = [
        c.source for c in notebook.cells if "nbval-ignore-output" in c.metadata.get("tags", [])
    ]
    assert all("cost_ratio" in source for source in ignored)
    assert len(ignored) <= 2
    # widget state is stored, so the static page could render live widgets too
    assert "widgets" in json.dumps(notebook.metadata)
