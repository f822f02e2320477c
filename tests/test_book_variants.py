"""The built chapter on ReLU variants holds its figures, glued numbers, tables and exercises."""

import re

import pytest

from actnet.activations import SELU_ALPHA, SELU_SCALE

EXERCISES = ("selu-lambda", "half", "prelu-zero", "softsign", "open")


@pytest.fixture(scope="module")
def page(html):
    return (html / "book" / "variants.html").read_text()


def test_every_figure_of_the_chapter_has_alt_text_and_a_caption(page):
    images = [img for img in re.findall(r"<img[^>]*>", page) if "_images/" in img]
    assert len(images) == 5
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, img[:200]
    for name in ("gallery", "kick", "prelu", "selfnorm", "gelu"):
        assert f'id="fig-variants-{name}"' in page
    assert page.count("<figcaption>") >= 5


def test_selu_constants_are_glued_from_actnet(page):
    assert f'<span class="pasted-text">{SELU_SCALE:.4f}</span>' in page
    assert f'<span class="pasted-text">{SELU_ALPHA:.4f}</span>' in page


def test_the_dead_relu_unit_gets_a_glued_gradient_of_zero(page):
    assert re.search(
        r'all those steps is\s*<span class="pasted-text">0\.0</span>: it is dead', page
    )
    assert '<span class="pasted-text">0.01</span> by default' in page


def test_both_measured_tables_are_on_the_page(page):
    assert page.count('class="actnet-table table"') == 2
    assert "<th>kicked unit active again</th>" in page
    assert "<th>cost / ReLU&#x27;s</th>" in page or "<th>cost / ReLU's</th>" in page


def test_both_explorers_have_a_kernel_free_face(page):
    assert "Kick the bias" in page and "Activations side by side" in page


def test_exercises_have_namespaced_labels_and_hidden_solutions(page):
    for name in EXERCISES:
        assert f'id="variants-ex-{name}"' in page
    assert page.count("solution dropdown") >= len(EXERCISES)


PAPERS = (
    "Rectifier nonlinearities improve",  # Maas et al., 2013: leaky ReLU
    "Delving deep into rectifiers",  # He et al., 2015: PReLU
    "exponential linear units",  # Clevert et al., 2015: ELU
    "Self-normalizing neural networks",  # Klambauer et al., 2017: SELU
    "Gaussian error linear units",  # Hendrycks and Gimpel, 2016: GELU
    "Sigmoid-weighted linear units",  # Elfwing et al., 2018: SiLU
    "Searching for activation functions",  # Ramachandran et al., 2017: Swish
    "Mish: a self regularized",  # Misra, 2019: Mish
)


def test_papers_box_cites_the_paper_of_every_variant(page):
    assert "What the papers found" in page
    box = page[page.index("What the papers found") : page.index('id="exercises"')]
    cited = " ".join(re.findall(r'href="bibliography.html#[^"]*" title="([^"]*)"', box)).lower()
    for title in PAPERS:
        assert title.lower() in cited, title
    assert "??" not in page
