"""The notebooks as Binder runs them: JupyterLab with jupyterlab-myst in Chromium.

JupyterLab runs from a virtual environment made as Binder makes it (repo2docker's base
environment, then ``.binder/requirements.txt``), on a copy of ``book/``. Every notebook page of ``_toc.yml`` (the
chapters and the student editions of the exercises) is opened as a student opens it and
must read as the book does: its numbers in the text, its figures, its exercises with the
solutions folded, no MyST markup left as text. Every chapter and solved exercise notebook
is then run from the top, its numbers computed again, and its explorers moved: every
control of every live explorer twice, as the benchmark of what a reader feels
(``benchmarks/explorers.py``) moves it, and every kind of control (slider, dropdown,
toggle, button) must change the image at least once (how long it takes is the
benchmark's business, not this test's).
Screenshots land in ``test-artifacts/binder-open/`` (as opened: top, first figure, first
solution) and ``test-artifacts/binder/`` (after the run).
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import time

import pytest

from .browser_support import ROOT, binder_environment, notebook_files

# the benchmark of the explorers starts JupyterLab as Binder does and runs a notebook's
# cells in it; both serve here too
_BENCHMARK = runpy.run_path(str(ROOT / "benchmarks" / "explorers.py"))
jupyterlab, RUN_ALL = _BENCHMARK["jupyterlab"], _BENCHMARK["RUN_ALL"]
_LISTEN, _move_controls, _kinds = (
    _BENCHMARK["_LISTEN"],
    _BENCHMARK["_move_controls"],
    _BENCHMARK["_kinds"],
)

pytestmark = pytest.mark.browser

NOTEBOOKS = notebook_files()
# what runs top to bottom: the chapters, and the exercise notebooks with their solutions
# (a student edition stops at its first unanswered exercise, by design)
RUN = [n for n in NOTEBOOKS if "/student/" not in n] + [
    n.replace("/student/", "/") for n in NOTEBOOKS if "/student/" in n
]
# MyST that only shows as text when it is not rendered
RAW_MYST = ("{glue", "{eval}", ":label:", ":class: dropdown", "{solution", "{exercise", "{figure")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artifacts):
    """JupyterLab on 127.0.0.1 over a copy of the book: (its address, its token, its folder)."""
    environment = binder_environment()
    (artifacts / "binder-run-seconds.txt").unlink(missing_ok=True)
    home = tmp_path_factory.mktemp("binder")
    shutil.copytree(
        ROOT / "book", home / "book", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("MPLBACKEND", None)  # Binder sets none; the chapters choose inline themselves
    with jupyterlab(home, environment / "bin", env, fail=pytest.fail) as (base, token):
        yield base, token, home


@pytest.fixture(scope="module")
def lab_context(browser, lab):
    base = lab[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60000)
    # no network beyond JupyterLab itself
    context.route(re.compile(rf"^(?!{re.escape(base)}/)"), lambda route: route.abort())
    yield context
    context.close()


_OUTPUTS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel.content.widgets
        .filter(cell => cell.model.type === 'code')
        .map(cell => ({count: cell.model.executionCount, outputs: cell.model.outputs.toJSON()}));
}"""

_KERNEL = "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status"


def test_binder_s_jupyter_server_sends_the_explorers_images_at_once(lab):
    """``pip install`` of actnet enables its server extension in the Binder environment:
    kernel messages go to the page without Nagle's wait (actnet/widgets/server.py)."""
    log = (lab[2] / "jupyterlab.log").read_text()
    assert "actnet.widgets.server | extension was successfully loaded" in log, log[-3000:]
    assert "actnet: kernel messages go to the page at once (TCP_NODELAY)" in log


def _problems(cells):
    problems = []
    for number, cell in enumerate(cells, 1):
        if cell["count"] is None:
            problems.append(f"code cell {number} did not run")
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                problems.append(f"code cell {number}: {output['ename']}: {output['evalue']}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                text = (
                    "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                )
                problems.append(f"code cell {number} wrote to stderr: {text[:500]}")
    return problems


_OPEN = """async () => {
    const app = window.jupyterapp;
    await app.restored;
    const panel = app.shell.currentWidget;
    await panel.context.ready;
    await panel.revealed;
    return panel.content.widgets.length;
}"""

# jupyterlab-myst draws each Markdown cell in a `.myst` element beside the (hidden) editor
_RENDERED = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'markdown' && c.model.sharedModel.getSource().trim())
    .every(c => c.node.querySelector('.jp-Cell-inputWrapper .myst')?.childElementCount > 0)"""

# every cell as shown: a Markdown cell's text in view and all it holds (folded parts too)
_READ = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(c => {
    const shown = c.node.querySelector('.jp-Cell-inputWrapper .myst');
    return {
        type: c.model.type,
        myst: !!shown,
        shown: shown ? shown.innerText : '',
        held: shown ? shown.textContent : '',
        folded: shown ? shown.querySelectorAll('details:not([open])').length : 0,
        expressionErrors: shown ? shown.querySelectorAll(
            '[data-mime-type="application/vnd.jupyter.stderr"], .myst-RenderedExpressionError'
        ).length : 0,
        images: Array.from(c.node.querySelectorAll('.jp-OutputArea-output img'))
            .filter(i => i.naturalWidth > 0).length,
    };
})"""

# a cell into view: its first folded part (a solution) if it has one, else its top
_SCROLL_TO = """i => {
    const node = window.jupyterapp.shell.currentWidget.content.widgets[i].node;
    (node.querySelector('details') || node).scrollIntoView({block: 'center'});
}"""


def _words(text: str) -> str:
    return " ".join(text.split())


def _stored_texts(cell: dict) -> list[str]:
    """What the book shows for each {eval} of a cell: the stored result, quotes removed."""
    texts = []
    for entry in cell.get("metadata", {}).get("user_expressions", []):
        text = entry["result"]["data"]["text/plain"]
        texts.append(re.sub(r"""^(["'])(.*)\1$""", r"\2", text))
    return texts


def _solution_snippets(source: str) -> list[str]:
    """A run of plain words from the body of each dropdown solution of a Markdown cell."""
    snippets = []
    for body in re.findall(r"^(`{3,}|:{3,})\{solution\}[^\n]*\n(.*?)^\1\s*$", source, re.S | re.M):
        if ":class: dropdown" not in body[1]:
            continue
        prose = re.sub(r"^:\w+:.*$", "", body[1], flags=re.M)
        prose = re.sub(r"^(`{3,}).*?^\1", "", prose, flags=re.S | re.M)  # code blocks
        # words with no markup between them render as they are written
        runs = re.findall(r"[A-Za-z][A-Za-z ,;]{24,}", prose.replace("\n", " "))
        snippets.append(_words(max(runs, key=len)) if runs else "")
    return snippets


def _open(page, base, token, name):
    # ?reset: a fresh workspace, with no notebook of the previous test open beside it
    page.goto(f"{base}/lab/tree/{name}.ipynb?reset&token={token}")
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext",
        timeout=90000,
    )
    page.evaluate(_OPEN)
    page.wait_for_function(_RENDERED, timeout=60000)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_opened_in_jupyterlab_reads_as_the_book(lab, lab_context, name, artifacts):
    base, token, home = lab
    notebook = json.loads((home / f"{name}.ipynb").read_text(encoding="utf-8"))
    page = lab_context.new_page()
    shots = artifacts / "binder-open" / name
    shots.mkdir(parents=True, exist_ok=True)
    try:
        _open(page, base, token, name)
        page.wait_for_load_state("networkidle")  # the figures' images
        seen = page.evaluate(_READ)
        assert len(seen) == len(notebook["cells"])
        problems = []
        first_figure = first_solution = None
        for i, (cell, shown) in enumerate(zip(notebook["cells"], seen)):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and source.strip():
                if not shown["myst"]:
                    problems.append(f"cell {i}: not rendered by jupyterlab-myst")
                raw = [m for m in RAW_MYST if m in shown["shown"]]
                if raw:
                    problems.append(f"cell {i} shows MyST as text: {raw}")
                held = _words(shown["held"])
                missing = [t for t in _stored_texts(cell) if _words(t) not in held]
                if missing:
                    problems.append(f"cell {i}: numbers not shown: {missing}")
                if shown["expressionErrors"]:
                    problems.append(f"cell {i}: {shown['expressionErrors']} expressions failed")
                snippets = _solution_snippets(source)
                if shown["folded"] < len(snippets):
                    problems.append(
                        f"cell {i}: {len(snippets)} solutions, {shown['folded']} folded"
                    )
                for snippet in snippets:
                    first_solution = i if first_solution is None else first_solution
                    if snippet and snippet in _words(shown["shown"]):
                        problems.append(f"cell {i}: a solution is in view: {snippet!r}")
                    if snippet and snippet not in held:
                        problems.append(f"cell {i}: a solution is missing: {snippet!r}")
            elif "figure" in cell.get("metadata", {}).get("mystnb", {}):
                first_figure = i if first_figure is None else first_figure
                if shown["images"] < 1:
                    problems.append(f"cell {i}: the figure of `{source}` is not shown")
        page.screenshot(path=shots / "top.png")
        for what, index in (("figure", first_figure), ("solution", first_solution)):
            if index is not None:
                page.evaluate(_SCROLL_TO, index)
                page.screenshot(path=shots / f"{what}.png")
        assert problems == [], "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("name", RUN)
def test_notebook_runs_in_jupyterlab_and_its_explorers_answer_every_control(
    lab, lab_context, name, artifacts
):
    base, token, home = lab
    page = lab_context.new_page()
    try:
        _open(page, base, token, name)
        started = time.monotonic()
        outcome = page.evaluate(RUN_ALL)
        assert outcome is True or _problems(page.evaluate(_OUTPUTS)) == [], outcome
        # run-all resolves when the last cell finishes; then the kernel must settle idle
        page.wait_for_function(f"() => ({_KERNEL})() === 'idle'", timeout=60000)
        ran = time.monotonic() - started
        cells = page.evaluate(_OUTPUTS)
        assert _problems(cells) == []
        stderr = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        assert stderr.count() == 0, stderr.all_inner_texts()
        # running a Markdown cell computed its numbers again, in this kernel
        notebook = json.loads((home / f"{name}.ipynb").read_text(encoding="utf-8"))
        seen = page.evaluate(_READ)
        failed = [i for i, cell in enumerate(seen) if cell["expressionErrors"]]
        assert failed == [], f"cells whose numbers failed when run: {failed}"
        for i, cell in enumerate(notebook["cells"]):
            if cell.get("metadata", {}).get("user_expressions"):
                assert "{eval}" not in seen[i]["shown"], f"cell {i}"
        with (artifacts / "binder-run-seconds.txt").open("a") as times:
            times.write(f"{name}\t{ran:.1f}\n")

        shot = artifacts / "binder" / f"{name}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        widgets = page.locator(".jp-OutputArea-output:has(img.widget-image)")
        if _has_explorer(home / f"{name}.ipynb"):
            try:  # the views are drawn once the kernel has sent their models
                widgets.first.wait_for(state="attached", timeout=30000)
            except Exception:
                page.screenshot(path=shot)
                pytest.fail(f"{name} displays an explorer but JupyterLab shows no live widget")
            _every_control_changes_the_image(page, name)
        page.screenshot(path=shot)
    finally:
        page.evaluate(  # the next chapter gets the machine to itself
            "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()"
        )
        page.close()


def _has_explorer(path) -> bool:
    """Whether a chapter displays an explorer (its committed outputs hold a widget view)."""
    return "application/vnd.jupyter.widget-view+json" in path.read_text(encoding="utf-8")


def _every_control_changes_the_image(page, name):
    page.evaluate(_LISTEN)
    roots = page.query_selector_all(".jp-OutputArea-output:has(img.widget-image)")
    for k, root in enumerate(roots, start=1):
        root.scroll_into_view_if_needed()
        samples = _move_controls(page, root, "img.widget-image", 2, live=True)
        assert samples, f"{name}, explorer {k}: no control was found to move"
        dead = [kind for kind, (changed, _) in _kinds(samples).items() if changed == 0]
        assert dead == [], f"{name}, explorer {k}: moving its {dead} never changed the image"
