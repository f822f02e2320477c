"""What every chapter must hold, checked from one table: an experiments module and a
test file of its name; a built page with its named figures, captions and alt text, its
explorers' kernel-free faces, its exercises with hidden solutions, its citations and its
glued numbers; and a notebook that nbval compares in full but for the timing cells.
Each chapter's own claims are in ``test_<chapter>.py``."""

import importlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from actnet import experiments
from book_pages import chapters, directive, images, notebook, page, python_blocks, text

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Chapter:
    figures: tuple[str, ...]
    """The names of its figures, ``fig-<chapter>-<name>``, in page order."""
    explorers: tuple[str, ...]
    """The titles of its explorers."""
    exercises: tuple[str, ...]
    """The names of its exercises, ``<chapter>-ex-<name>``, in page order."""
    cites: tuple[str, ...]
    """Authors or titles the page must show (in its text or a reference's title)."""
    glued_at_least: int
    """A lower bound on the numbers glued into the page."""
    timing_cells: int = 0
    """Cells whose output nbval ignores: they time the activations, and times vary."""
    coding_exercise: str | None = None
    """The exercise whose solution, run with its check, must pass it."""
    links_glossary: bool = False


def words(text: str) -> tuple[str, ...]:
    """Names written one after another: ``"race kick dying"``."""
    return tuple(text.split())


def items(text: str) -> tuple[str, ...]:
    """Titles or authors, which hold spaces, written with ``"; "`` between them."""
    return tuple(text.split("; "))


CHAPTERS = {
    "nonlinearity": Chapter(
        figures=words("collapse rings relu-step relu-approximation regression-output"),
        explorers=items("Network playground"),
        exercises=words("affine predict-identity step-code polynomial depth"),
        cites=items("Cybenko; Hornik; Leshno"),
        glued_at_least=20,
        coding_exercise="step-code",
    ),
    "sigmoid": Chapter(
        figures=words("curve vanishing race saturation zigzag cost"),
        explorers=items("Vanishing gradients; Saturation at initialisation; Zig-zagging weights"),
        exercises=words("derivative predict-tanh stable-code gates"),
        cites=items("LeCun; Glorot; Karpathy"),
        glued_at_least=25,
        timing_cells=1,
        coding_exercise="stable-code",
    ),
    "tanh": Chapter(
        figures=words("forms zigzag saturated cost lecun"),
        explorers=items("Zig-zagging weights; Vanishing gradients"),
        exercises=words("derivative predict-zigzag code-scaled open-scaled"),
        cites=items("LeCun et al.; Glorot and Bengio; Krizhevsky et al."),
        glued_at_least=40,
        timing_cells=1,
        coding_exercise="code-scaled",
    ),
    "relu": Chapter(
        figures=words("race kick dying zeros born-dead"),
        explorers=items("Kick the bias"),
        exercises=words("dead-gradient predict-kick code-dead open-revive"),
        cites=items(
            "Krizhevsky et al.; Karpathy; Lu et al.; He et al.; Ioffe and Szegedy; "
            "Nair and Hinton; Glorot et al.; Srivastava et al."
        ),
        glued_at_least=40,
        timing_cells=1,
        coding_exercise="code-dead",
    ),
    "initialisation": Chapter(
        figures=words("symmetry tanh relu lsuv"),
        explorers=items("The signal through the layers"),
        exercises=words("uniform predict-sigmoid code-he open-batch"),
        cites=items(
            "Glorot and Bengio; He et al.; Klambauer et al.; Mishkin and Matas; Lu et al.; "
            "Saxe et al."
        ),
        glued_at_least=40,
        coding_exercise="code-he",
        links_glossary=True,
    ),
    "normalisation": Chapter(
        figures=words("relu sigmoid bias"),
        explorers=items("Learning rate, with and without batch normalisation"),
        exercises=words("shift predict-eval code-layernorm open-order"),
        cites=items("Ioffe and Szegedy; Ba et al.; He et al.; Glorot and Bengio"),
        glued_at_least=30,
        coding_exercise="code-layernorm",
        links_glossary=True,
    ),
    "variants": Chapter(
        figures=words("gallery kick prelu selfnorm gelu"),
        explorers=items("Kick the bias; Activations side by side"),
        exercises=words("selu-lambda half prelu-zero softsign open"),
        cites=items("Maas; Clevert; Klambauer; Hendrycks and Gimpel; Elfwing; Misra"),
        glued_at_least=80,
        timing_cells=1,
    ),
    "maxout": Chapter(
        figures=words("fit difference"),
        explorers=items("Maxout: the maximum of two lines"),
        exercises=words("slopes rounding abs budget"),
        cites=items("Shuning Wang. General constructive representations; Goodfellow"),
        glued_at_least=20,
        links_glossary=True,
    ),
    "output_layer": Chapter(
        figures=words("gradient two-class overflow temperature labels"),
        explorers=items("Softmax temperature"),
        exercises=words("soft-targets predict-shift code-logsumexp open-labels"),
        cites=items("Bridle; LeCun et al.; Hinton et al."),
        glued_at_least=50,
        coding_exercise="code-logsumexp",
    ),
    "choosing": Chapter(
        figures=words("cards"),
        explorers=items("Activation report card"),
        exercises=words("gates born-dead output design open"),
        cites=items("Hochreiter and Schmidhuber, 1997; Cho"),
        glued_at_least=25,
        timing_cells=1,
        links_glossary=True,
    ),
    "modern": Chapter(
        figures=words("widths glu mobile"),
        explorers=items("Activations side by side"),
        exercises=words("width predict-cap code-hard-swish open"),
        cites=items(
            "Hendrycks and Gimpel; Devlin et al.; Radford et al.; Dauphin et al.; Shazeer; "
            "Howard et al.; Ramachandran et al."
        ),
        glued_at_least=35,
        timing_cells=1,
        coding_exercise="code-hard-swish",
    ),
}


def test_the_table_has_a_row_for_every_chapter_in_the_book_s_order():
    assert list(CHAPTERS) == chapters()


def test_every_chapter_has_its_experiments_module_and_its_test_file():
    for number, chapter in enumerate(chapters(), start=1):
        module = importlib.import_module(f"actnet.experiments.{chapter}")
        assert module.__doc__.startswith(f"Chapter {number}, "), chapter
        assert (HERE / f"test_{chapter}.py").exists(), chapter


def test_each_experiment_is_exported_once_from_the_module_of_its_chapter():
    modules = [
        *(getattr(experiments, c) for c in chapters()),
        importlib.import_module("actnet.experiments.cost"),
        importlib.import_module("actnet.experiments.seeds"),
    ]
    owners = [(name, m) for m in modules for name in m.__all__]
    names = [name for name, _ in owners]
    assert sorted(names) == sorted(set(names)) == sorted(experiments.__all__)
    for name, module in owners:
        assert getattr(experiments, name) is getattr(module, name), name


def _alt(img: str) -> str:
    found = re.search(r'alt="([^"]*)"', img) or re.search(r"alt='([^']*)'", img)
    return found.group(1) if found else ""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_is_named_captioned_numbered_and_has_alt_text(html, chapter):
    built, figures = page(html, chapter), CHAPTERS[chapter].figures
    # docutils turns the figure's name into an id without underscores
    ident = chapter.replace("_", "-")
    named = re.findall(rf'<figure[^>]*id="fig-{ident}-([a-z-]+)"', built)
    assert tuple(named) == figures
    assert built.count(f'id="fig-{ident}-') == len(figures)
    shown = images(built)
    assert len(shown) == len(figures)
    for img in shown:
        assert len(_alt(img)) > 20, img[:200]
    numbered = re.findall(r'<figcaption>\s*<p><span class="caption-number">', built)
    assert len(numbered) == built.count("<figcaption>") == len(figures)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_explorer_has_a_kernel_free_face_with_alt_text(html, chapter):
    built, explorers = page(html, chapter), CHAPTERS[chapter].explorers
    assert built.count("class='actnet-explorer'") == len(explorers)
    assert built.count("class='actnet-frames'") == len(explorers)
    frames = re.findall(r"<img class='actnet-frame'[^>]*>", built)
    assert len(frames) == len(explorers)
    for frame in frames:
        assert len(_alt(frame)) > 20, frame[:200]
    for title in explorers:
        assert title in built, title


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_exercises_have_namespaced_labels_and_hidden_solutions(html, chapter):
    built, exercises = page(html, chapter), CHAPTERS[chapter].exercises
    labels = re.findall(r'<div class="exercise admonition" id="([^"]+)"', built)
    assert labels == [f"{chapter}-ex-{name}" for name in exercises]
    assert len(re.findall(rf'id="{chapter}-ex-[a-z-]+"', built)) == len(exercises)
    assert built.count('class="solution dropdown admonition"') == len(exercises)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_papers_box_cites_the_bibliography(html, chapter):
    built, cites = page(html, chapter), CHAPTERS[chapter].cites
    assert "What the papers found" in built
    assert len(re.findall(r'href="bibliography.html#', built)) >= 3
    # each citation links to its entry, with the full reference as the link's title
    titles = re.findall(r'class="reference internal" href="[^"]*#id\d+" title="([^"]*)"', built)
    assert len(set(titles)) >= len(cites)
    readable = text(built) + "\n" + "\n".join(titles)
    for cite in cites:
        assert cite in readable, cite


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_numbers_are_glued_and_every_reference_resolves(html, chapter):
    built = page(html, chapter)
    assert built.count('class="pasted-text"') >= CHAPTERS[chapter].glued_at_least
    assert "{glue" not in built
    assert "??" not in built


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if CHAPTERS[c].links_glossary])
def test_the_chapter_links_its_terms_to_the_glossary(html, chapter):
    assert 'href="glossary.html#term-' in page(html, chapter)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_nbval_ignores_only_the_timing_cells_and_widget_state_is_stored(chapter):
    """nbval's marker is a cell tag, not a comment a reader would see; a timing is measured
    in one cell and may be quoted from a hidden one, both tagged."""
    cells = notebook(chapter)["cells"]
    assert not any("NBVAL" in "".join(c["source"]) for c in cells)
    ignored = [
        "".join(c["source"])
        for c in cells
        if "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])
    ]
    timing = CHAPTERS[chapter].timing_cells
    assert timing <= len(ignored) <= 2 * timing
    for source in ignored:
        assert "cost" in source or "timing" in source, source
    # the explorers' widget state is stored, so the static page could render them live too
    assert "widgets" in json.dumps(notebook(chapter)["metadata"])


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if CHAPTERS[c].coding_exercise])
def test_the_coding_exercise_s_solution_passes_its_check(chapter):
    label = f"{chapter}-ex-{CHAPTERS[chapter].coding_exercise}"
    solution = "\n".join(python_blocks(directive(chapter, "solution", label)))
    (check,) = python_blocks(directive(chapter, "exercise", label))
    # a check with a line "name = ...  # your ..." is completed by the solution; any
    # other check runs after it, on what it defined
    blank = re.compile(r"^\w+ = \.\.\.  # your .*\n", re.M)
    if blank.search(check):
        code = blank.sub(lambda _: solution, check, count=1)
    else:
        code = solution + "\n" + check
    exec(compile(code, label, "exec"), {})  # raises if the solution fails its check
