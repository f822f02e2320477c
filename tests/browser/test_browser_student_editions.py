"""What an exercise page hands out, followed in Chromium: never a solution.

Every exercise page of the built book is opened; every launch button (Binder, Colab,
JupyterHub, as configured) and the download of its notebook are followed to the
notebook they give, which must be the student edition: nbgrader's stubs where the
answers go, no solution. The repository's files stand for what Binder and Colab would
fetch from it.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from .browser_support import ROOT, toc_files

pytestmark = pytest.mark.browser

EXERCISE_PAGES = [
    name
    for name in toc_files()
    if name.startswith("book/exercises/") and (ROOT / f"{name}.ipynb").exists()
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(html):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def _repository_path(url: str) -> str:
    """The path inside the repository that a launch link opens."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    owner_name = urlsplit(repo["url"]).path.strip("/")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "urlpath" in query:  # Binder and JupyterHub: .../lab/tree/<path>
        path = unquote(query["urlpath"][0])
        path = re.sub(r"^(lab|tree)/tree/", "", re.sub(r"^/", "", path))
        return path.removeprefix(owner_name.split("/")[1] + "/")
    match = re.search(rf"/github/{re.escape(owner_name)}/blob/[^/]+/(.+)$", parts.path)
    assert match, f"a launch link of an unknown kind: {url}"
    return match.group(1)


def _solutions(solved: dict) -> list[str]:
    """The lines of code between nbgrader's solution markers of a solved notebook."""
    found = []
    for cell in solved["cells"]:
        source = "".join(cell["source"])
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S):
            found += [line.strip() for line in region.splitlines() if len(line.strip()) > 12]
    return found


def _assert_student_edition(
    text: str, solutions: list[str], what: str, notebook: bool = True
) -> None:
    assert "BEGIN SOLUTION" not in text, f"{what} holds a solution region"
    if notebook:
        assert "raise NotImplementedError()" in text, f"{what} has no stub for the answers"
    leaked = [line for line in solutions if line in text]
    assert leaked == [], f"{what} holds solution code: {leaked[:3]}"


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.mark.parametrize("name", EXERCISE_PAGES)
def test_every_button_of_an_exercise_page_hands_out_the_student_edition(context, site, name):
    stem = Path(name).name
    solutions = _solutions(json.loads((ROOT / "book/exercises" / f"{stem}.ipynb").read_text()))
    assert solutions, f"the solved notebook of {stem} has solution regions to look for"
    page = context.new_page()
    page.route(re.compile(rf"^(?!{re.escape(site)})"), lambda route: route.abort())
    try:
        page.goto(f"{site}{name}.html", wait_until="load")
        body = page.locator("article.bd-article").inner_text()
        _assert_student_edition(body, solutions, f"{name} page", notebook=False)

        page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
        launches = page.locator(".dropdown-launch-buttons a.dropdown-item")
        launches.first.wait_for(state="visible")
        hrefs = [launches.nth(i).get_attribute("href") for i in range(launches.count())]
        assert hrefs, f"{name} has no launch button"
        for href in hrefs:
            path = _repository_path(href)
            assert path == f"{name}.ipynb", (href, path)
            _assert_student_edition((ROOT / path).read_text(), solutions, href)

        page.keyboard.press("Escape")
        page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
        download = page.locator(".dropdown-download-buttons a.btn-download-source-button")
        download.wait_for(state="visible")
        href = page.evaluate("a => a.href", download.element_handle())
        assert href.endswith(".ipynb"), href
        served = page.request.get(href)
        assert served.ok, href
        _assert_student_edition(served.text(), solutions, href)

        for link in page.eval_on_selector_all("a[href$='.ipynb']", "as => as.map(a => a.href)"):
            if link.startswith(site):
                _assert_student_edition(page.request.get(link).text(), solutions, link)
            else:
                _assert_student_edition(
                    (ROOT / _repository_path(link)).read_text(), solutions, link
                )
    finally:
        page.close()
