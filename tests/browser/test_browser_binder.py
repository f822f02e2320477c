"""The chapter notebooks as Binder runs them: JupyterLab in Chromium, explorers live.

JupyterLab runs from a virtual environment made from ``requirements.txt`` alone
(what Binder installs), on a copy of ``book/``; every chapter notebook of
``_toc.yml`` is opened, run from the top, and its first explorer is moved.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from .browser_support import ROOT, binder_environment, notebook_files

pytestmark = pytest.mark.browser

NOTEBOOKS = notebook_files()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artifacts):
    """JupyterLab on 127.0.0.1 over a copy of the book: (its address, its token, its folder)."""
    environment = binder_environment()
    (artifacts / "binder-run-seconds.txt").unlink(missing_ok=True)
    home = tmp_path_factory.mktemp("binder")
    shutil.copytree(
        ROOT / "book", home / "book", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    token, port = secrets.token_hex(16), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("MPLBACKEND", None)  # Binder sets none; the chapters choose inline themselves
    env["PATH"] = f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for variable, folder in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),  # no user kernels: the environment's own python3
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[variable] = str(home / folder)
    # no "would you like news?" prompt over the notebook
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    log = (home / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [
            environment / "bin" / "jupyter-lab",
            "--no-browser",
            "--allow-root",
            f"--ServerApp.token={token}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={home}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run all cells
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "JupyterLab did not start:\n"
                        + (home / "jupyterlab.log").read_text()[-3000:]
                    )
                time.sleep(0.5)
        yield base, token, home
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def lab_context(browser, lab):
    base = lab[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60000)
    # no network beyond JupyterLab itself
    context.route(re.compile(rf"^(?!{re.escape(base)}/)"), lambda route: route.abort())
    yield context
    context.close()


_RUN_ALL = """async () => {
    const app = window.jupyterapp;
    await app.restored;
    const panel = app.shell.currentWidget;
    await panel.context.ready;
    await panel.sessionContext.ready;
    // resolves once the last cell has finished (false if one failed); a hang fails the test
    const limit = new Promise(done => setTimeout(() => done('timed out'), 300000));
    return await Promise.race([app.commands.execute('notebook:run-all-cells'), limit]);
}"""

_OUTPUTS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel.content.widgets
        .filter(cell => cell.model.type === 'code')
        .map(cell => ({count: cell.model.executionCount, outputs: cell.model.outputs.toJSON()}));
}"""

_KERNEL = "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status"


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


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_and_its_first_explorer_is_live(
    lab, lab_context, name, artifacts
):
    base, token, home = lab
    page = lab_context.new_page()
    try:
        # ?reset: a fresh workspace, with no notebook of the previous test open beside it
        page.goto(f"{base}/lab/tree/{name}.ipynb?reset&token={token}")
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=90000,
        )
        started = time.monotonic()
        outcome = page.evaluate(_RUN_ALL)
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
            explorer = widgets.first
            explorer.scroll_into_view_if_needed()
            _move_and_see_the_image_change(page, explorer, name)
        page.screenshot(path=shot)
    finally:
        page.evaluate(  # the next chapter gets the machine to itself
            "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()"
        )
        page.close()


def _has_explorer(path) -> bool:
    """Whether a chapter displays an explorer (its committed outputs hold a widget view)."""
    return "application/vnd.jupyter.widget-view+json" in path.read_text(encoding="utf-8")


def _move_and_see_the_image_change(page, explorer, name):
    image = explorer.locator("img.widget-image").first
    page.wait_for_function("img => img.src && img.src.length > 0", arg=image.element_handle())
    before = image.get_attribute("src")
    tried = []
    handles = explorer.locator(".widget-slider .noUi-handle")
    dropdowns = explorer.locator(".widget-dropdown select:not([disabled])")
    buttons = explorer.locator("button.jupyter-button:not([disabled])")
    moves = []
    for i in range(handles.count()):
        moves.append(("slider", handles.nth(i)))
    for i in range(dropdowns.count()):
        moves.append(("dropdown", dropdowns.nth(i)))
    for i in range(buttons.count()):
        moves.append(("button", buttons.nth(i)))
    for kind, control in moves:
        if kind == "slider":
            if control.get_attribute("aria-disabled") == "true" or control.evaluate(
                "h => !!h.closest('[disabled]')"
            ):
                continue
            now, top = (
                control.get_attribute("aria-valuenow"),
                control.get_attribute("aria-valuemax"),
            )
            control.focus()
            page.keyboard.press("ArrowLeft" if now == top else "ArrowRight")
        elif kind == "dropdown":
            options = control.locator("option")
            current = control.evaluate("s => s.selectedIndex")
            control.select_option(index=(current + 1) % options.count())
        else:
            control.click()
        tried.append(kind)
        try:
            page.wait_for_function(
                "([img, before]) => img.src !== before",
                arg=[image.element_handle(), before],
                timeout=20000,
            )
            return
        except Exception:
            continue
    pytest.fail(f"{name}: the first explorer's image did not change (tried {tried or 'nothing'})")
