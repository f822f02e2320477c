"""The rendered book, in Chromium, as a reader sees it.

The built book (the ``html`` fixture) is served on 127.0.0.1; every page of
``_toc.yml`` is opened in a real browser with no network. MathJax comes from a
local copy; requests to any other host are aborted and must be to a known host.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from .browser_support import ROOT, notebook_files, toc_files

pytestmark = pytest.mark.browser

PAGES = toc_files()
NOTEBOOKS = notebook_files()
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"
# Hosts a page may ask for and is refused here (no network): MathJax's CDN (served
# locally instead when it is MathJax; a page with an explorer also asks it for the
# ipywidgets HTML manager, and cdnjs for require.js, which the kernel-free explorers
# do not need: refusing them checks that they work offline) and thebe's (on demand).
KNOWN_EXTERNAL_HOSTS = {"cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com"}
# Console errors of the themes themselves, harmless to a reader and not ours to fix:
# sphinx-thebe 0.3.1 under Sphinx 7.4 writes its one-line configuration script twice
# (the second `const` is refused; thebe is not used by the book), and the
# pydata-sphinx-theme reports its empty default colour mode before choosing "auto".
KNOWN_CONSOLE_ERRORS = (
    re.compile(r"^uncaught: Identifier 'THEBE_JS_URL' has already been declared$"),
    re.compile(r"^Got invalid theme mode: \. Resetting to auto\. \(at .*pydata-sphinx-theme\.js"),
)


def mathjax_dir() -> Path:
    """MathJax 3's files (``es5/tex-mml-chtml.js`` ...) from ``django-static-mathjax``."""
    spec = importlib.util.find_spec("mathjax")
    assert spec and spec.origin, "MathJax not installed: pip install -r requirements-test.txt"
    folder = Path(spec.origin).parent / "static" / "mathjax"
    assert (folder / "es5" / "tex-mml-chtml.js").exists(), folder
    return folder


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
    """One browser page of the book, with what went wrong while it loaded."""

    def __init__(self, context, site: str):
        self.site = site
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page = context.new_page()
        # only other hosts go through Python (the regex is matched in the browser's driver)
        self.page.route(re.compile(rf"^(?!{re.escape(site)})"), self._route)
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._error(f"uncaught: {error.message}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(MATHJAX_CDN):
            local = mathjax_dir() / urlsplit(url).path.removeprefix("/npm/mathjax@3/")
            if local.is_file():
                route.fulfill(path=local)
            else:
                self.failed.append(f"{url} (no local MathJax file {local})")
                route.abort()
        else:
            self.blocked.append(url)
            route.abort()

    def _request_failed(self, request):
        if request.url not in self.blocked:
            self.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def _console(self, message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if where in self.blocked:  # the refusal of a blocked request, reported already
            return
        self._error(f"{message.text} (at {where})")

    def _error(self, text: str):
        if not any(known.search(text) for known in KNOWN_CONSOLE_ERRORS):
            self.console_errors.append(text)

    def open(self, name: str, math: bool = False, settle: bool = False):
        """Load page ``name``; wait for MathJax to typeset (``math``), for quiet (``settle``)."""
        self.page.goto(f"{self.site}{name}.html", wait_until="load")
        if math and self.page.evaluate("() => !!document.querySelector('.math')"):
            self.page.wait_for_function("() => window.MathJax && MathJax.startup", timeout=15000)
            self.page.evaluate("() => MathJax.startup.promise.then(() => true)")
        if settle:
            self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def tab(context, site):
    tab = Tab(context, site)
    yield tab
    tab.page.close()


def _unexpected_hosts(urls):
    return sorted({urlsplit(u).hostname for u in urls} - KNOWN_EXTERNAL_HOSTS)


@pytest.fixture(scope="module")
def visit(context, site, artifacts):
    """``visit(name)``: what one load of page ``name`` showed (each page is loaded once)."""
    seen = {}

    def visit(name):
        if name not in seen:
            tab = Tab(context, site)
            page = tab.open(name, math=True, settle=True)
            shot = artifacts / "pages" / f"{name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=shot, full_page=True)
            seen[name] = {
                "titles": page.locator("article.bd-article h1").count(),
                "console_errors": tab.console_errors,
                "failed": tab.failed,
                "blocked": tab.blocked,
                "images": page.eval_on_selector_all(
                    "article.bd-article img",
                    "imgs => imgs.map(i => ({alt: i.getAttribute('alt') || '',"
                    " src: i.currentSrc.slice(0, 80), loaded: i.naturalWidth > 0}))",
                ),
                "links": page.eval_on_selector_all(
                    "a[href]", "links => links.map(a => [a.getAttribute('href'), a.href])"
                ),
                "math": page.locator("article.bd-article .math").count(),
                "untypeset": page.eval_on_selector_all(
                    "article.bd-article .math",
                    "els => els.filter(e => !e.querySelector('mjx-container'))"
                    ".map(e => e.textContent)",
                ),
                "math_errors": page.eval_on_selector_all(
                    "article.bd-article mjx-merror",
                    "els => els.map(e => e.getAttribute('data-mjx-error'))",
                ),
            }
            tab.page.close()
        return seen[name]

    return visit


def _unexpected_hosts(urls):
    return sorted({urlsplit(u).hostname for u in urls} - KNOWN_EXTERNAL_HOSTS)


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors_and_every_image_has_alt_text(visit, name):
    seen = visit(name)
    assert seen["titles"] >= 1, "the page has no title"
    assert seen["console_errors"] == []
    assert seen["failed"] == []
    assert _unexpected_hosts(seen["blocked"]) == [], seen["blocked"]
    assert [i["src"] for i in seen["images"] if not i["alt"].strip()] == []
    assert [i["src"] for i in seen["images"] if not i["loaded"]] == []


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


def _pages_holding(html, marker: str) -> list[str]:
    """The pages whose built file contains ``marker`` (the others need not be opened)."""
    return [n for n in PAGES if marker in (html / f"{n}.html").read_text(encoding="utf-8")]


def test_math_is_typeset_on_every_page_with_math(visit):
    with_math, problems = [], []
    for name in PAGES:
        seen = visit(name)
        if seen["math"]:
            with_math.append(name)
        if seen["untypeset"] or seen["math_errors"]:
            problems.append((name, seen["untypeset"][:5], seen["math_errors"][:5]))
    assert "book/glance" in with_math, "the glance has math, and it was not found"
    assert problems == []


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


def test_pages_ask_for_mathjax_at_the_address_served_locally(html):
    # otherwise the route above would refuse MathJax and the math test would say why only vaguely
    page = (html / "book" / "glance.html").read_text()
    sources = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', page)
    assert sources and all(s.startswith(MATHJAX_CDN) for s in sources), sources
    assert (mathjax_dir() / sources[0].removeprefix(MATHJAX_CDN)).is_file()
