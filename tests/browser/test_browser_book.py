"""The rendered book, in Chromium, as a reader sees it: on a laptop and a phone, offline.

The built book (the ``html`` fixture) is served on 127.0.0.1, and every page of
``_toc.yml`` is opened at a laptop's width (1280 px) and a phone's (390 px),
then once more straight from disk (file://). The browser has no network: every
request to another host is refused and recorded, and there must be none, not
even for MathJax, which the book serves itself. (These tests used to serve
MathJax from a local copy in place of its CDN and to let through the CDN
requests of the ipywidgets manager and two known console errors; the book no
longer makes those requests or errors, so any of them now fails.)
Screenshots of every page at both widths land in ``test-artifacts/pages/``.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from .browser_support import ROOT, WIDTHS, notebook_files, toc_files

pytestmark = pytest.mark.browser

PAGES = toc_files()
NOTEBOOKS = notebook_files()
SMALLEST_TEXT_PX = 10.0
MATHJAX = "_static/mathjax/tex-mml-chtml.js"


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # one connection for a page's many files

    def log_message(self, *args):  # the test reports failures itself
        pass


@pytest.fixture(scope="module")
def site(html):
    """The built book on http://127.0.0.1:<free port>/."""
    handler = functools.partial(_Quiet, directory=str(html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


class Tab:
    """One browser page of the book, with what went wrong while it loaded.

    ``home`` is the book's address (http://127.0.0.1:port/ or file:///.../html/);
    a request for anything outside it is refused and kept in ``outside``.
    """

    def __init__(self, context, home: str):
        self.home = home
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page = context.new_page()
        # only other addresses go through Python (the regex is matched in the browser's driver)
        self.page.route(re.compile(rf"^(?!{re.escape(home)})"), self._refuse)
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(error.message))

    def _refuse(self, route):
        self.outside.append(route.request.url)
        route.abort()

    def _request_failed(self, request):
        if request.url not in self.outside:
            self.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def _console(self, message):
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            self.console_errors.append(f"{message.text} (at {where})")

    def open(self, name: str, math: bool = False, settle: bool = False):
        """Load page ``name``; wait for MathJax to typeset (``math``), for quiet (``settle``)."""
        self.page.goto(f"{self.home}{name}.html", wait_until="load")
        if math and self.page.evaluate("() => !!document.querySelector('.math')"):
            self.page.wait_for_function("() => window.MathJax && MathJax.startup", timeout=15000)
            self.page.evaluate("() => MathJax.startup.promise.then(() => true)")
        if settle and self.home.startswith("http"):
            self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture(scope="module")
def contexts(browser):
    """A browser context per width in ``WIDTHS``."""
    made = {
        width: browser.new_context(viewport={"width": width, "height": 900})
        for width in WIDTHS.values()
    }
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def context(contexts):
    return contexts[WIDTHS["laptop"]]


@pytest.fixture
def tab(context, site):
    tab = Tab(context, site)
    yield tab
    tab.page.close()


# What a page shows, measured in the browser. "article" is the page's text column.
_MATH = """article => ({
    math: article.querySelectorAll('.math').length,
    untypeset: [...article.querySelectorAll('.math')]
        .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent),
    errors: [...article.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error')),
    // LaTeX left as text in the prose; a code listing (an activation's source, whose
    // docstring holds its formula in LaTeX) is meant to show it as written
    raw: (() => {
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        let text = '';
        while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (parent.closest('pre, code, script, style, mjx-container')) continue;
            if (!parent.checkVisibility()) continue;
            text += walker.currentNode.textContent;
        }
        return (text.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/g) || []).length;
    })(),
})"""

_FIT = """article => {
    const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + ' "' + (el.textContent || '').trim().slice(0, 50) + '"';
    const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const column = article.getBoundingClientRect();
    const clipped = [];
    for (const el of article.querySelectorAll('*')) {
        // inside a formula MathJax clips on purpose (its copy for screen readers,
        // the repeated pieces of a stretched bracket); the formula's own box counts
        if (el.parentElement.closest('mjx-container')) continue;
        const overflow = getComputedStyle(el).overflowX;
        if (['hidden', 'clip'].includes(overflow) && el.scrollWidth > el.clientWidth + 1)
            clipped.push(describe(el));
    }
    const tables = [];
    for (const table of article.querySelectorAll('table')) {
        const box = table.getBoundingClientRect();
        if (box.width === 0 || box.right <= column.right + 1) continue;
        let holder = table.parentElement;
        while (holder !== article && !scrolls(holder)) holder = holder.parentElement;
        const firsts = [...table.querySelectorAll('tr > :first-child')];
        const sticky = firsts.length > 0
            && firsts.every(c => getComputedStyle(c).position === 'sticky');
        if (holder === article || holder.getBoundingClientRect().right > column.right + 1)
            tables.push(describe(table) + ': wider than the column, in no box of its own');
        else if (!sticky)
            tables.push(describe(table) + ': scrolls, but its first column scrolls away');
    }
    const cells = [...article.querySelectorAll('table :is(td, th)')]
        .map(c => [parseFloat(getComputedStyle(c).fontSize), describe(c)]);
    return {
        article: article.scrollWidth - article.clientWidth,
        page: document.documentElement.scrollWidth - window.innerWidth,
        clipped, tables,
        small_table_text: cells.filter(([px]) => px < 10).map(([px, what]) => `${px}px ${what}`),
        table_cells: cells.length,
    };
}"""

_IMAGES = """article => [...article.querySelectorAll('img')].map(i => ({
    alt: i.getAttribute('alt') || '', src: i.currentSrc.slice(0, 80),
    file: i.currentSrc.startsWith('data:') ? '' : i.currentSrc,
    loaded: i.naturalWidth > 0, natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
}))"""


@pytest.fixture(scope="module")
def visit(contexts, site, artifacts):
    """``visit(name, width)``: what one load of page ``name`` showed (each loaded once)."""
    seen = {}

    def visit(name, width=WIDTHS["laptop"]):
        if (name, width) not in seen:
            tab = Tab(contexts[width], site)
            page = tab.open(name, math=True, settle=True)
            shot = artifacts / "pages" / str(width) / f"{name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=shot, full_page=True)
            article = page.locator("article.bd-article")
            seen[name, width] = {
                "titles": page.locator("article.bd-article h1").count(),
                "console_errors": tab.console_errors,
                "failed": tab.failed,
                "outside": tab.outside,
                "images": article.evaluate(_IMAGES),
                "links": page.eval_on_selector_all(
                    "a[href]", "links => links.map(a => [a.getAttribute('href'), a.href])"
                ),
                "math": article.evaluate(_MATH),
                "fit": article.evaluate(_FIT),
                "explorer_frames": page.eval_on_selector_all(
                    ".actnet-explorer img.actnet-frame",
                    """imgs => imgs.map(i => ({
                        text_px: parseFloat(i.dataset.actnetTextPx),
                        shown: i.getBoundingClientRect().width,
                        natural: i.naturalWidth,
                    }))""",
                ),
                "sidebar": page.evaluate(
                    """() => ({
                        brand: document.querySelector('.navbar-brand').textContent.trim(),
                        captions: [...document.querySelectorAll('nav.bd-docs-nav p.caption')]
                            .map(c => c.textContent.trim()),
                        entries: [...document.querySelectorAll('nav.bd-docs-nav a')]
                            .map(a => a.textContent.trim()),
                    })"""
                ),
            }
            tab.page.close()
        return seen[name, width]

    return visit


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors_and_every_image_has_alt_text(visit, name, width):
    seen = visit(name, width)
    assert seen["titles"] >= 1, "the page has no title"
    assert seen["outside"] == [], "the page asks another host for something"
    assert seen["console_errors"] == []
    assert seen["failed"] == []
    assert [i["src"] for i in seen["images"] if not i["alt"].strip()] == []
    assert [i["src"] for i in seen["images"] if not i["loaded"]] == []


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_nothing_runs_off_the_page_and_wide_tables_keep_their_first_column(visit, name, width):
    fit = visit(name, width)["fit"]
    assert fit["article"] == 0, "the text column scrolls sideways"
    assert fit["page"] <= 0, "the page scrolls sideways"
    assert fit["clipped"] == [], "content cut off at the right"
    assert fit["tables"] == []


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_table_text_is_at_least_10px(visit, width):
    cells, small = 0, []
    for name in PAGES:
        fit = visit(name, width)["fit"]
        cells += fit["table_cells"]
        small += [f"{name}: {what}" for what in fit["small_table_text"]]
    assert small == []
    assert cells > 100, "the chapters' tables were not found"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_math_is_typeset_on_every_page_with_math(visit, width):
    with_math, problems = [], []
    for name in PAGES:
        math = visit(name, width)["math"]
        if math["math"]:
            with_math.append(name)
        if math["untypeset"] or math["errors"] or math["raw"]:
            problems.append((name, math["untypeset"][:5], math["errors"][:5], math["raw"]))
    assert "book/glance" in with_math, "the glance has math, and it was not found"
    assert problems == []


def _gallery_as_a_notebook_saves_it(dpi: float):
    """plots.gallery()'s smallest text (pt) and its width in pixels, saved as
    IPython saves a figure (a tight box) at ``dpi``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from PIL import Image

    from actnet import plots

    fig = plots.gallery()
    FigureCanvasAgg(fig)
    saved = io.BytesIO()
    fig.savefig(saved, format="png", dpi=dpi, bbox_inches="tight")
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(t.get_fontsize() for t in texts), Image.open(saved).width


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_glance_gallery_text_is_at_least_10px_as_displayed(visit, html, width):
    from PIL import Image

    figures = [i for i in visit("book/glance", width)["images"] if "_images/" in i["file"]]
    assert len(figures) == 1, figures
    gallery = figures[0]
    name = urlsplit(gallery["file"]).path.rsplit("/", 1)[-1]
    with Image.open(html / "_images" / name) as png:
        dpi = png.info["dpi"][0]
        on_the_page = png.width
    smallest_pt, drawn_now = _gallery_as_a_notebook_saves_it(dpi)
    # the page shows the figure that plots.gallery() draws now (else: re-execute glance)
    assert abs(on_the_page - drawn_now) <= 2, (on_the_page, drawn_now)
    shown_px = smallest_pt / 72 * dpi * gallery["shown"] / gallery["natural"]
    assert shown_px >= SMALLEST_TEXT_PX, f"{shown_px:.1f} px at {width} px wide"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_explorer_figure_text_is_at_least_10px_as_displayed(visit, width):
    """Each kernel-free frame carries its smallest text in pixels at its own size
    (``data-actnet-text-px``, from the figure's text objects); shown scaled, it shrinks."""
    frames, small = 0, []
    for name in PAGES:
        for frame in visit(name, width)["explorer_frames"]:
            frames += 1
            shown_px = frame["text_px"] * frame["shown"] / frame["natural"]
            if not shown_px >= SMALLEST_TEXT_PX:  # NaN (no attribute) fails too
                small.append(f"{name}: {shown_px:.1f} px")
    assert small == [], f"at {width} px wide"
    assert frames > 5, "the explorers were not found"


def test_sidebar_lists_every_page_once(visit):
    sidebar = visit("book/intro")["sidebar"]
    entries = [e for e in sidebar["entries"] if e]
    assert len(entries) == len(set(entries)), sorted(entries)
    assert set(entries).isdisjoint(sidebar["captions"] + [sidebar["brand"]])
    # the API reference: its own entry, and one per module below it
    assert "API reference" in entries
    modules = [n for n in PAGES if n.startswith("book/api/") and n != "book/api/index"]
    assert len([e for e in entries if "actnet." in e]) == len(modules) > 0


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" or (tag == "a" and key == "name"):
                self.ids.add(value)


@functools.cache
def _ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


@pytest.mark.parametrize("name", PAGES)
def test_every_internal_link_and_cross_reference_resolves(visit, site, name, html):
    broken, internal = [], 0
    for written, url in visit(name)["links"]:
        if not url.startswith(site) or written.startswith(("javascript:", "mailto:")):
            continue
        internal += 1
        parts = urlsplit(url)
        path = unquote(parts.path).removeprefix("/")
        target = html / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{written} -> missing file {path}")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in _ids_of(target):
            broken.append(f"{written} -> no id {fragment!r} in {path}")
    assert internal > 0, "no internal link at all (not even the navigation)"
    assert broken == [], "\n".join(broken)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def _bibliography_labels(html) -> dict[str, str]:
    """The bibliography's entries: id -> label as shown, without its brackets."""
    page = (html / "book" / "bibliography.html").read_text(encoding="utf-8")
    entries = re.findall(
        r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">(.*?)</span>\s*</span>',
        page,
        re.S,
    )
    return {id_: _text(label).strip("[]") for id_, label in entries}


def test_bibliography_is_labelled_author_year_as_the_text_cites_it(html):
    labels = _bibliography_labels(html)
    assert len(labels) >= 20, labels
    author_year = re.compile(r"^\S.*?( and \S.*| et al\.)?, \d{4}[a-z]?$")
    assert [label for label in labels.values() if not author_year.match(label)] == []
    checked, problems = 0, []
    for name in PAGES:
        page = (html / f"{name}.html").read_text(encoding="utf-8")
        for citation in re.findall(r'<span class="bibtex-citation"[^>]*>(.*?</a>\]?)', page, re.S):
            shown = _text(citation)
            for target in re.findall(r'href="[^"]*bibliography\.html#([^"]+)"', citation):
                authors, year = labels[target].rsplit(", ", 1)
                if authors not in shown or year not in shown:
                    problems.append(f"{name}: {shown!r} cites [{labels[target]}]")
                checked += 1
    assert problems == []
    assert checked >= 20, "the chapters' citations were not found"


def test_pages_embed_no_widget_state_and_load_mathjax_from_the_book(html):
    mathjax = html / MATHJAX
    assert mathjax.is_file()
    assert "Apache License" in (mathjax.parent / "LICENSE").read_text()
    for name in PAGES:
        page = (html / f"{name}.html").read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-state+json" not in page, name
        sources = re.findall(r'<script[^>]*\ssrc="([^"]*)"', page)
        assert [s for s in sources if "://" in s] == [], name
        assert page.count("const THEBE_JS_URL") <= 1, name
        if 'class="math' in page:
            assert any(s.split("?")[0].endswith(MATHJAX) for s in sources), name


def test_book_opened_from_disk_shows_every_formula_and_explorer_offline(contexts, html, artifacts):
    problems, explorers, formulas = [], 0, 0
    for name in PAGES:
        tab = Tab(contexts[WIDTHS["phone"]], html.resolve().as_uri() + "/")
        page = tab.open(name, math=True)
        article = page.locator("article.bd-article")
        math = article.evaluate(_MATH)
        frames = page.eval_on_selector_all(
            ".actnet-explorer img.actnet-frame",
            "imgs => imgs.map(i => i.src.startsWith('data:image/png') && i.naturalWidth > 0)",
        )
        if tab.outside or tab.console_errors or tab.failed:
            problems.append((name, tab.outside, tab.console_errors, tab.failed))
        if math["untypeset"] or math["errors"] or math["raw"]:
            problems.append((name, "formulas", math["untypeset"][:3], math["errors"][:3]))
        if not all(frames):
            problems.append((name, "an explorer shows no figure"))
        formulas += math["math"]
        explorers += len(frames)
        tab.page.close()
    assert problems == []
    assert formulas > 100 and explorers > 5, (formulas, explorers)


def _pages_holding(html, marker: str) -> list[str]:
    """The pages whose built file contains ``marker`` (the others need not be opened)."""
    return [n for n in PAGES if marker in (html / f"{n}.html").read_text(encoding="utf-8")]


def _explorers(page):
    """Each kernel-free explorer's grid: the frame index of every combination of its sliders."""
    return page.eval_on_selector_all(
        ".actnet-explorer",
        """roots => roots.map(r => {
            const d = JSON.parse(r.querySelector('script.actnet-frames').textContent);
            return {sizes: d.sizes, index: d.index, title: r.querySelector('p').textContent};
        })""",
    )


def _flat(values, sizes):
    index = 0
    for value, size in zip(values, sizes):
        index = index * size + value
    return index


def _a_move_that_changes_the_frame(grid, k):
    """(state, step): moving slider ``k`` by ``step`` from ``state`` shows another frame."""
    sizes, index = grid["sizes"], grid["index"]
    for state in itertools.product(*[range(n) for n in sizes]):
        for step in (1, -1):
            moved = list(state)
            moved[k] += step
            if 0 <= moved[k] < sizes[k]:
                if index[_flat(state, sizes)] != index[_flat(moved, sizes)]:
                    return list(state), step
    return None


def test_every_kernel_free_explorer_slider_changes_the_frame_shown(tab, html):
    checked, problems = 0, []
    for name in _pages_holding(html, "actnet-explorer"):
        page = tab.open(name)
        for e, grid in enumerate(_explorers(page)):
            root = page.locator(".actnet-explorer").nth(e)
            sliders = root.locator("input[type=range][data-actnet-control]")
            assert sliders.count() == len(grid["sizes"])
            for k in range(len(grid["sizes"])):
                if grid["sizes"][k] == 1:  # one precomputed value: nothing to move
                    continue
                move = _a_move_that_changes_the_frame(grid, k)
                what = f"{name}: explorer {grid['title']!r}, slider {k}"
                if move is None:
                    problems.append(f"{what} never changes the figure")
                    continue
                state, step = move
                for j, value in enumerate(state):  # set the others up, as a reader would
                    sliders.nth(j).evaluate(
                        "(el, v) => { el.value = String(v);"
                        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
                        value,
                    )
                image = root.locator("img.actnet-frame")
                before = image.get_attribute("src")
                sliders.nth(k).focus()
                page.keyboard.press("ArrowRight" if step == 1 else "ArrowLeft")
                after = image.get_attribute("src")
                expected = root.evaluate(
                    "(r, i) => { const d = JSON.parse("
                    "r.querySelector('script.actnet-frames').textContent);"
                    " return ['data:image/png;base64,' + d.frames[d.index[i]], d.alts[i]]; }",
                    _flat(
                        [v + (step if j == k else 0) for j, v in enumerate(state)], grid["sizes"]
                    ),
                )
                if before == after or after != expected[0]:
                    problems.append(f"{what}: the frame did not switch")
                if image.get_attribute("alt") != expected[1]:
                    problems.append(f"{what}: the alt text did not follow the frame")
                checked += 1
    assert problems == [], "\n".join(problems)
    assert checked > 0, "no kernel-free explorer in the book: nothing was checked"


def test_exercise_solutions_are_hidden_until_clicked(tab, html):
    checked, problems = 0, []
    for name in _pages_holding(html, "solution"):
        page = tab.open(name)
        solutions = page.locator("article.bd-article .solution.dropdown")
        for i in range(solutions.count()):
            solution = solutions.nth(i)
            body = solution.locator("#solution-content, section").first
            label = solution.get_attribute("id")
            if body.is_visible():
                problems.append(f"{name}: solution {label} is visible before a click")
            solution.locator(".admonition-title, summary, button").first.click()
            try:
                body.wait_for(state="visible", timeout=3000)
            except Exception:
                problems.append(f"{name}: solution {label} stays hidden after a click")
            checked += 1
    assert problems == [], "\n".join(problems)
    assert checked > 0, "no exercise solution in the book: nothing was checked"


def test_exercise_pages_show_the_stubs_where_the_answers_go(tab, html):
    # the exercise pages are the student editions (no solution is on any page to fold
    # away): each answer cell is nbgrader's stub, in view without a click
    checked, problems = 0, []
    for name in [n for n in PAGES if n.startswith("book/exercises/")]:
        if not (ROOT / f"{name}.ipynb").exists():
            continue
        page = tab.open(name)
        stubs = page.locator(
            "article.bd-article .cell_input", has_text="raise NotImplementedError()"
        )
        if stubs.count() < 2:
            problems.append(f"{name}: {stubs.count()} answer stubs")
        for i in range(stubs.count()):
            if not stubs.nth(i).is_visible():
                problems.append(f"{name}: answer stub {i + 1} is not in view")
            checked += 1
    assert problems == [], "\n".join(problems)
    assert checked > 0, "no exercise page with answer stubs: nothing was checked"


def _repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    owner_name = urlsplit(repo["url"]).path.strip("/")
    return config, owner_name, repo.get("branch", "main"), repo.get("path_to_book", "")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_launch_and_download_buttons_point_at_this_notebook(tab, name):
    config, owner_name, branch, book_path = _repository()
    notebook = "/".join(p for p in (book_path.strip("/"), f"{name}.ipynb") if p)
    binder = config["launch_buttons"]["binderhub_url"].rstrip("/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    page = tab.open(name)

    page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
    # (Bootstrap moves each link's title into its tooltip: find them by what they say)
    items = page.locator(".dropdown-launch-buttons a.dropdown-item")
    binder_link = items.filter(has_text="Binder")
    colab_link = items.filter(has_text="Colab")
    binder_link.wait_for(state="visible")
    assert binder_link.get_attribute("href") == (
        f"{binder}/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/{notebook}"
    )
    assert colab_link.is_visible()
    assert colab_link.get_attribute("href") == (
        f"{colab}/github/{owner_name}/blob/{branch}/{notebook}"
    )

    page.keyboard.press("Escape")
    page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    download = page.locator(".dropdown-download-buttons a.btn-download-source-button")
    download.wait_for(state="visible")
    href = page.evaluate("a => a.href", download.element_handle())
    assert href.endswith(".ipynb"), href
    served = page.request.get(href)
    assert served.ok
    assert served.body() == (ROOT / f"{name}.ipynb").read_bytes()
