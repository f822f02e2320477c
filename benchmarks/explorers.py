"""What a reader feels: the time from moving an explorer's control to seeing its new image.

Three measurements, each per explorer (median and 95th percentile over every move):

- ``--lab``: every chapter notebook that shows an explorer is opened in JupyterLab in
  headless Chromium and run from the top; then every control of every live explorer is
  moved through several values (slider keys, dropdown choices, toggles, buttons) and
  timed in the page from the input event to the ``load`` event of the new image.
- ``--in-process``: the same moves without a browser: from the widget's value change
  to the new PNG bytes in the image widget (what the kernel does; no messages, no page).
- ``--book``: the kernel-free face in the built book (``_build/html``): every slider of
  every explorer moved by key, from the key to the new frame loaded in the page.

The moves follow one another as soon as the new image is in (``--pause S``: a look of
S seconds before each). ``--walk EXPLORER`` moves one explorer in process as a reader
does, a seeded random walk with a look of ``--looks 1,4`` seconds before each move,
with the explorer's ``prefetch`` (images made ahead while the reader looks) and
without.

Each explorer is compared with a baseline of the same run: one bare matplotlib redraw
of a one-line figure of the explorer's size, drawn on Agg and encoded as PNG the way the
live face encodes (Pillow, compression level 1). The ratio is the explorer's median
over that baseline's.

    .venv/bin/python benchmarks/explorers.py --in-process
    .venv/bin/python benchmarks/explorers.py --lab --book --json results.json
    .venv/bin/python benchmarks/explorers.py --lab --chapters relu,variants
    .venv/bin/python benchmarks/explorers.py --walk signal_spread_explorer --looks 1,4

``--lab`` uses the JupyterLab of the Python running the script, and the kernel imports
actnet from ``--actnet`` (default: this checkout), so two versions can be compared on
the same machine. Chromium: ``$ACTNET_CHROMIUM`` or the first on PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_BOOK_MS = 50.0, 100.0, 16.0
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]


# ------------------------------------------------------------------ numbers
def percentile(values, q: float) -> float:
    """The ``q``-th percentile (linear interpolation), NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(times_ms) -> dict:
    return {
        "n": len(times_ms),
        "median": statistics.median(times_ms) if times_ms else float("nan"),
        "p95": percentile(times_ms, 95),
    }


def baseline_ms(figsize, dpi, repeats: int = 15) -> float:
    """Median ms of one bare redraw + PNG encode of a one-line figure of this size."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=figsize, dpi=dpi)
    ax = fig.add_subplot()
    x = np.linspace(-4, 4, 401)
    (line,) = ax.plot(x, np.tanh(x))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        line.set_ydata(np.tanh(x * (1 + k / 10)))
        canvas.draw()
        size = canvas.get_width_height()
        image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        image.save(io.BytesIO(), format="png", compress_level=1)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def explorer_factories() -> dict:
    from actnet import widgets

    return {
        name: getattr(widgets, name)
        for name in sorted(dir(widgets))
        if name.endswith("_explorer") and callable(getattr(widgets, name))
    }


def baselines() -> dict:
    """``{explorer name: baseline ms}`` for the size of each explorer's figure."""
    import inspect

    from actnet.widgets import explorers as module

    sizes = {}
    source = inspect.getsource(module)
    for name in explorer_factories():
        match = re.search(rf"def {name}\(.*?figsize=\(([\d.]+), ([\d.]+)\)", source, re.S)
        sizes[name] = (float(match[1]), float(match[2])) if match else (6.0, 3.0)
    dpi = getattr(module, "_DPI", 72)
    _SIZES.update(sizes)
    cache: dict = {}
    return {n: cache.setdefault(s, baseline_ms(s, dpi)) for n, s in sizes.items()}


# --------------------------------------------------------------- in process
def moves(explorer, per_control: int):
    """(control name, value) pairs: each control forward through up to ``per_control``
    new values, then back to its start (values seen again)."""
    out = []
    for control in explorer.controls:
        if control.kind == "multiselect":
            start = explorer.values[control.name]
            chosen = list(start)
            for option in list(control.values)[:per_control]:
                chosen = (
                    [v for v in chosen if v != option] if option in chosen else chosen + [option]
                )
                out.append((control.name, control.check(tuple(chosen)), "forward"))
            out.append((control.name, start, "back"))
            continue
        values = list(control.values)
        i = values.index(explorer.values[control.name])
        forward = (values[i + 1 :] + values[:i])[:per_control]
        out += [(control.name, v, "forward") for v in forward]
        out += [(control.name, v, "back") for v in reversed([values[i], *forward][:-1])]
    return out


def in_process(per_control: int, pause: float = 0.0) -> dict:
    """Per explorer: ms from a control's value change to the new PNG in the image widget,
    ``pause`` seconds after the last."""
    results = {}
    for name, factory in explorer_factories().items():
        explorer = factory()
        explorer.widget()
        times, forward = [], []
        for control, value, direction in moves(explorer, per_control):
            time.sleep(pause)
            start = time.perf_counter()
            explorer._update(control, value)  # what the widget's observer calls
            elapsed = 1e3 * (time.perf_counter() - start)
            times.append(elapsed)
            if direction == "forward":
                forward.append(elapsed)
        results[name] = {"all": summary(times), "forward": summary(forward)}
        print(f"  {name}: {results[name]['all']}", flush=True)
    return results


def reader_walk(name: str, looks: tuple[float, float], n: int, seed: int = 0) -> dict:
    """One explorer moved as a reader moves it, in process: ``n`` moves of a random
    control (seeded), to the next or previous value 7 times in 10 and to any other value
    otherwise, each after a look of ``looks`` seconds (uniform); for an explorer with
    ``prefetch``, the same walk with it and without. Per run: ms per move, and how many
    moves found their image made (no computation in the kernel)."""
    import random

    factory = explorer_factories()[name]
    out = {}
    for prefetch in (True, False) if factory().prefetch else (False,):
        explorer = factory()
        explorer.prefetch = prefetch
        explorer.widget()
        rng = random.Random(seed)
        times, found = [], 0
        for _ in range(n):
            time.sleep(rng.uniform(*looks))
            control = rng.choice([c for c in explorer.controls if c.kind in ("slider", "dropdown")])
            options = list(control.values)
            here = options.index(explorer.values[control.name])
            there = (
                here + rng.choice((-1, 1)) if rng.random() < 0.7 else rng.randrange(len(options))
            )
            there = min(max(there, 0), len(options) - 1)
            if there == here:
                there = (here + 1) % len(options)
            computed = len(explorer.compute_seconds)
            start = time.perf_counter()
            explorer._update(control.name, options[there])
            times.append(1e3 * (time.perf_counter() - start))
            found += len(explorer.compute_seconds) == computed
        if explorer._worker is not None:  # its thread done before the next run starts
            explorer._idle.wait(timeout=120)
        out["prefetch" if prefetch else "no prefetch"] = {**summary(times), "found": found}
        print(f"  {name}, {'prefetch' if prefetch else 'no prefetch'}: {out[list(out)[-1]]}")
    return out


# ----------------------------------------------------------------- browser
_ARM = """([root, selector]) => {
    const a = window.__actnet = {t0: null, t1: null, src: null, armed: true};
    const img = root.querySelectorAll(selector)[0];
    const before = img.src;
    const observer = new MutationObserver(() => {
        if (a.src === null && img.src !== before) { a.src = performance.now(); observer.disconnect(); }
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
    img.addEventListener('load', () => {
        if (a.t1 === null && img.src !== before) a.t1 = performance.now();
    }, {once: true});
}"""

_LISTEN = """() => {
    for (const type of ['keydown', 'pointerdown', 'mousedown', 'input', 'change']) {
        document.addEventListener(type, () => {
            const a = window.__actnet;
            if (a && a.armed) { a.t0 = performance.now(); a.armed = false; }
        }, true);
    }
}"""

_ELAPSED = "() => window.__actnet.t1 !== null && window.__actnet.t0 !== null"


def _chromium() -> str:
    chosen = os.environ.get("ACTNET_CHROMIUM")
    for candidate in ([chosen] if chosen else []) + [
        "chromium",
        "chromium-browser",
        "google-chrome",
    ]:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    sys.exit("Chromium not found: install it or set ACTNET_CHROMIUM")


def _timed(page, root, selector, act, timeout_ms=5000, pause=0.0):
    """ms from the input event of ``act()`` to the new image's load, or None if none came."""
    time.sleep(pause)
    page.evaluate(_ARM, [root, selector])
    act()
    try:
        page.wait_for_function(_ELAPSED, timeout=timeout_ms)
    except Exception:
        return None
    return page.evaluate(
        "() => [window.__actnet.t1 - window.__actnet.t0, window.__actnet.src - window.__actnet.t0]"
    )


def _disabled(handle) -> bool:
    """A live slider's handle that does not move (a counter's, moved by its buttons)."""
    return handle.get_attribute("aria-disabled") == "true" or handle.evaluate(
        "h => !!h.closest('[disabled], .mod-disabled')"
    )


def _move_controls(page, root, selector, per_control: int, live: bool, pause: float = 0.0):
    """Time every move of every control of one explorer (its root element), each
    ``pause`` seconds after the last image came."""
    samples = []
    if live:
        sliders = root.query_selector_all(".widget-slider .noUi-handle")
        selects = root.query_selector_all(".widget-dropdown select:not([disabled])")
        toggles = root.query_selector_all("button.widget-toggle-button")
        buttons = [
            b
            for b in root.query_selector_all("button.jupyter-button")
            if "widget-toggle-button" not in (b.get_attribute("class") or "")
        ]
    else:
        sliders = root.query_selector_all("input[type=range]")
        selects, toggles, buttons = [], [], []
    for handle in sliders:
        if live and _disabled(handle):
            continue
        if live:
            low = float(handle.get_attribute("aria-valuemin"))
            top = float(handle.get_attribute("aria-valuemax"))
            start = float(handle.get_attribute("aria-valuenow"))
        else:
            low, top = float(handle.get_attribute("min")), float(handle.get_attribute("max"))
            start = float(handle.evaluate("i => i.value"))
        # forward through new values (to the top, or down from it), then back to the start
        key = "ArrowRight" if start < top else "ArrowLeft"
        back = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        room = (top - start) if key == "ArrowRight" else (start - low)
        steps = int(min(per_control, room))
        for press in [key] * steps + [back] * steps:
            handle.focus()
            ms = _timed(page, root, selector, lambda p=press: page.keyboard.press(p), pause=pause)
            samples.append(("slider", ms))
    for select in selects:
        count = select.evaluate("s => s.options.length")
        start = select.evaluate("s => s.selectedIndex")
        order = [(start + k) % count for k in range(1, min(per_control, count - 1) + 1)] + [start]
        for index in order:
            ms = _timed(
                page,
                root,
                selector,
                lambda s=select, i=index: s.select_option(index=i),
                pause=pause,
            )
            samples.append(("dropdown", ms))
    for toggle in toggles[:per_control]:
        for _ in range(2):
            ms = _timed(page, root, selector, lambda t=toggle: t.click(), pause=pause)
            samples.append(("toggle", ms))
    for button in buttons:
        if button.is_disabled() or not button.is_visible():
            continue
        for _ in range(min(per_control, 3)):
            ms = _timed(page, root, selector, lambda b=button: b.click(), pause=pause)
            samples.append(("button", ms))
    return samples


_RECORD_LOADS = """([root, selector, handle]) => {
    const d = window.__drag = {loads: [], up: null, settled: null};
    const img = root.querySelectorAll(selector)[0];
    img.addEventListener('load', () => d.loads.push(performance.now()));
    document.addEventListener('pointerup', () => { d.up = performance.now(); },
                              {capture: true, once: true});
    // the handle's last new value: where the reader's sweep ends
    new MutationObserver(() => { d.settled = performance.now(); })
        .observe(handle, {attributes: true, attributeFilter: ['aria-valuenow']});
}"""


def _drag_sliders(page, root, selector, sweeps: int = 3, quiet_s: float = 1.5):
    """Drag every live slider's handle with the mouse to the far end of its track and
    back, ``sweeps`` times, as a reader sweeping it: ms from letting go to the last new
    image loaded (0 if it came before), and from the handle's last new value; how many
    images came in all and after letting go."""
    samples = []
    for handle in root.query_selector_all(".widget-slider .noUi-handle"):
        if _disabled(handle):
            continue
        track = handle.evaluate_handle("h => h.closest('.noUi-target')").as_element()
        box = track.bounding_box()
        start = handle.bounding_box()
        x0, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
        far = box["x"] + box["width"] - 1 if x0 < box["x"] + box["width"] / 2 else box["x"] + 1
        for x_from, x_to in ((x0, far), (far, x0)) * sweeps:
            page.evaluate(_RECORD_LOADS, [root, selector, handle])
            page.mouse.move(x_from, y)
            page.mouse.down()
            for k in range(1, 13):  # a quick sweep, a few tenths of a second
                page.mouse.move(x_from + (x_to - x_from) * k / 12, y)
                time.sleep(0.01)
            page.mouse.up()
            waited, last = 0.0, -1
            while waited < 15.0:  # until no new image for quiet_s
                time.sleep(quiet_s)
                waited += quiet_s
                loads = page.evaluate("() => window.__drag.loads.length")
                if loads == last:
                    break
                last = loads
            drag = page.evaluate("() => window.__drag")
            last = max(drag["loads"], default=drag["up"])
            samples.append(
                {
                    "after_letting_go_ms": max(0.0, last - drag["up"]),
                    "last_value_to_last_image_ms": last - (drag["settled"] or drag["up"]),
                    "images": len(drag["loads"]),
                    "images_after_release": sum(t >= drag["up"] for t in drag["loads"]),
                }
            )
    return samples


def _kinds(samples) -> dict:
    """``{kind of control: [moves that changed the image, moves]}``."""
    kinds: dict = {}
    for kind, ms in samples:
        counts = kinds.setdefault(kind, [0, 0])
        counts[0] += ms is not None
        counts[1] += 1
    return kinds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(home: Path, bin_dir: Path, env: dict[str, str], fail=sys.exit):
    """JupyterLab from ``bin_dir`` (first on its PATH, so that its kernel is the environment's
    own python3) serving ``home`` on 127.0.0.1 only, its configuration,
    data, settings and IPython folders inside ``home``: yields ``(address, token)`` once
    it answers, and stops it afterwards. Its log is ``home/jupyterlab.log``.

    The page exposes ``window.jupyterapp`` (to run every cell from a test), puts every
    cell in the page, and asks no questions about news or updates. If it has not answered
    within two minutes, ``fail`` is called with the end of its log (and must raise).
    """
    token, port = secrets.token_hex(16), _free_port()
    env = {**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    for variable, folder in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),  # no user kernels: the environment's own python3
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[variable] = str(home / folder)
    for extension, name, text in (
        ("apputils-extension", "notification", '{"fetchNews": "false"}'),
        ("notebook-extension", "tracker", '{"windowingMode": "none"}'),
    ):
        folder = home / "settings" / "@jupyterlab" / extension
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(text)
    log_path = home / "jupyterlab.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            bin_dir / "jupyter-lab",
            "--no-browser",
            "--allow-root",
            f"--ServerApp.token={token}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={home}",
            "--LabApp.expose_app_in_browser=True",
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
                    fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


RUN_ALL = """async () => {
    const app = window.jupyterapp;
    await app.restored;
    const panel = app.shell.currentWidget;
    await panel.context.ready;
    await panel.sessionContext.ready;
    // resolves once the last cell has finished (false if one failed), or 'timed out'
    const limit = new Promise(done => setTimeout(() => done('timed out'), 300000));
    return await Promise.race([app.commands.execute('notebook:run-all-cells'), limit]);
}"""
_KERNEL_IDLE = (
    "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'"
)


def chapters_with_explorers(only=None) -> list[str]:
    names = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        if only and path.stem not in only:
            continue
        if "application/vnd.jupyter.widget-view+json" in path.read_text(encoding="utf-8"):
            names.append(path.stem)
    return names


def explorer_of_title(title: str) -> str:
    """The factory name of the explorer whose title is ``title`` (or the title itself)."""
    titles = {}
    for name, source in _titles().items():
        titles.setdefault(source, []).append(name)
    return "/".join(titles.get(title, [title]))


def _titles() -> dict:
    import inspect

    from actnet.widgets import explorers as module

    source = inspect.getsource(module)
    found = {}
    for name in explorer_factories():
        match = re.search(
            rf"def {name}\(.*?return (?:Explorer|_explorer)\(\s*\"([^\"]+)\"", source, re.S
        )
        if match:
            found[name] = match[1]
    return found


@contextlib.contextmanager
def _browser(given=None):
    """``given``, a Playwright browser already open (the tests share one for the whole
    session: Playwright's sync API cannot be started twice in one thread), or Chromium
    launched here and closed after."""
    if given is not None:
        yield given
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), args=CHROMIUM_ARGS, chromium_sandbox=False
        )
        try:
            yield browser
        finally:
            browser.close()


def lab(
    per_control: int,
    chapters: list[str],
    actnet_root: Path,
    shots: Path | None,
    extra: list[Path] = (),
    browser=None,
    pause: float = 0.0,
    drag: bool = False,
) -> dict:
    """Per chapter and explorer: ms from input event to the new image loaded, in JupyterLab.

    ``extra`` notebooks are run too (after the chapters), e.g. the floor: a widget that
    only swaps two PNGs already made, which is what JupyterLab and the messages cost.
    ``browser``: a Playwright browser to use (default: Chromium launched here)."""
    home = Path(tempfile.mkdtemp(prefix="actnet-lab-"))
    shutil.copytree(ROOT / "book", home / "book", ignore=shutil.ignore_patterns(".ipynb_*"))
    for notebook in extra:
        shutil.copy(notebook, home / "book" / notebook.name)
    chapters = [*chapters, *(n.stem for n in extra)]
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MPLBACKEND")}
    env["PYTHONPATH"] = str(actnet_root)
    env["OPENBLAS_NUM_THREADS"] = "1"
    results: dict = {}
    try:
        with (
            jupyterlab(home, bin_dir, env, fail=sys.exit) as (base, token),
            _browser(browser) as chromium,
        ):
            context = chromium.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(60000)
            context.route(re.compile(rf"^(?!{re.escape(base)}/)"), lambda route: route.abort())
            for chapter in chapters:
                page = context.new_page()
                try:
                    page.goto(f"{base}/lab/tree/book/{chapter}.ipynb?reset&token={token}")
                    page.wait_for_function(
                        "() => window.jupyterapp?.shell.currentWidget?.sessionContext",
                        timeout=90000,
                    )
                    started = time.monotonic()
                    page.evaluate(RUN_ALL)
                    page.wait_for_function(_KERNEL_IDLE, timeout=120000)
                    ran = time.monotonic() - started
                    page.evaluate(_LISTEN)
                    selector = "img.widget-image"
                    try:  # the views are drawn once the kernel has sent their models
                        page.wait_for_selector(
                            f".jp-OutputArea-output {selector}", state="attached", timeout=30000
                        )
                    except Exception:
                        print(f"{chapter}: no live explorer appeared", flush=True)
                        if shots is not None:
                            shots.mkdir(parents=True, exist_ok=True)
                            page.screenshot(path=shots / f"{chapter}-page.png")
                    roots = page.query_selector_all(".jp-OutputArea-output:has(img.widget-image)")
                    print(f"{chapter}: ran in {ran:.1f} s, {len(roots)} live explorers", flush=True)
                    for k, root in enumerate(roots):
                        root.scroll_into_view_if_needed()
                        title = root.evaluate(
                            "r => (r.querySelector('.widget-html-content b') || {}).textContent"
                            " || ''"
                        )
                        key = f"{chapter} #{k + 1} {explorer_of_title(title)}"
                        if drag:
                            results[key] = {"drags": _drag_sliders(page, root, selector)}
                            print(f"  {key}: {results[key]}", flush=True)
                            continue
                        samples = _move_controls(
                            page, root, selector, per_control, live=True, pause=pause
                        )
                        times = [ms[0] for _, ms in samples if ms is not None]
                        src = [ms[1] for _, ms in samples if ms is not None]
                        results[key] = {
                            **summary(times),
                            "kinds": _kinds(samples),
                            "moves": len(samples),
                            "baseline_ms": _baseline_now(key),
                            "to_src_median": statistics.median(src) if src else None,
                            "unchanged": len(samples) - len(times),
                            "samples": [[kind, *(ms or [None, None])] for kind, ms in samples],
                            "chapter": chapter,
                            "title": title,
                        }
                        print(f"  {key}: {results[key]}", flush=True)
                        if shots is not None:
                            shots.mkdir(parents=True, exist_ok=True)
                            root.screenshot(path=shots / f"{chapter}-{k + 1}.png")
                finally:
                    page.evaluate(
                        "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()"
                    )
                    page.close()
            context.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return results


def book(
    per_control: int, html_root: Path, chapters: list[str], browser=None, pause: float = 0.0
) -> dict:
    """Per page and explorer: ms from a key on a slider to the new frame loaded (no kernel).
    ``browser``: a Playwright browser to use (default: Chromium launched here)."""
    results = {}
    with _browser(browser) as chromium:
        context = chromium.new_context(viewport={"width": 390, "height": 800})
        context.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
        for chapter in chapters:
            path = html_root / "book" / f"{chapter}.html"
            if not path.exists():
                path = html_root / f"{chapter}.html"
            if not path.exists():
                continue
            page = context.new_page()
            page.goto(path.as_uri())
            page.evaluate(_LISTEN)
            roots = page.query_selector_all(".actnet-explorer")
            for k, root in enumerate(roots):
                root.scroll_into_view_if_needed()
                title = root.evaluate("r => r.querySelector('p').textContent")
                samples = _move_controls(
                    page, root, "img.actnet-frame", per_control, live=False, pause=pause
                )
                times = [ms[0] for _, ms in samples if ms is not None]
                src = [ms[1] for _, ms in samples if ms is not None]
                key = f"{chapter} #{k + 1} {explorer_of_title(title)}"
                results[key] = {
                    **summary(times),
                    "moves": len(samples),
                    "to_src_median": statistics.median(src) if src else None,
                    "unchanged": len(samples) - len(times),
                }
                print(f"  {key}: {results[key]}", flush=True)
            page.close()
        context.close()
    return results


def _baseline_now(key: str) -> float:
    """The baseline measured now, for the figure size of the explorer named in ``key``."""
    name = key.split()[-1].split("/")[0]
    return baseline_ms(_SIZES.get(name, (6.0, 3.0)), _DPI)


_SIZES: dict = {}
_DPI = 72


def table(results: dict, base: dict, target_median: float, target_p95: float | None) -> str:
    rows = [
        "| explorer | moves | median ms | p95 ms | baseline ms | ratio | target met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key, r in results.items():
        stats = r.get("all", r)
        name = key.split()[-1].split("/")[0]
        reference = r.get("baseline_ms") or base.get(name, float("nan"))
        ratio = stats["median"] / reference
        met = stats["median"] <= target_median and (
            target_p95 is None or stats["p95"] <= target_p95
        )
        rows.append(
            f"| {key} | {stats['n']} | {stats['median']:.1f} | {stats['p95']:.1f} | "
            f"{reference:.1f} | {ratio:.1f} | {'yes' if met else 'no'} |"
        )
    return "\n".join(rows)


def drag_table(results: dict) -> str:
    """Per explorer: the drags' median ms to the last image, and their images."""
    lines = [
        "| explorer | drags | median ms, letting go -> last image | median ms, last value "
        "-> last image | images per drag (after letting go) |",
        "|---|---:|---:|---:|---|",
    ]
    for name, result in results.items():
        drags = result.get("drags", [])
        if not drags:
            continue
        after = statistics.median(d["after_letting_go_ms"] for d in drags)
        settled = statistics.median(d["last_value_to_last_image_ms"] for d in drags)
        images = ", ".join(f"{d['images']} ({d['images_after_release']})" for d in drags)
        lines.append(f"| {name} | {len(drags)} | {after:.1f} | {settled:.1f} | {images} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--lab", action="store_true")
    parser.add_argument("--book", action="store_true")
    parser.add_argument("--chapters", help="comma-separated chapter names (default: all)")
    parser.add_argument("--moves", type=int, default=4, help="new values per control")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds a reader looks at each new image before the next move (default 0)",
    )
    parser.add_argument(
        "--actnet",
        type=Path,
        default=ROOT,
        help="folder holding the actnet package the kernel imports",
    )
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time benchmarks/floor.ipynb in JupyterLab (two PNGs swapped)",
    )
    parser.add_argument(
        "--walk",
        metavar="EXPLORER",
        help="in process, a reader's seeded random walk over one explorer's controls "
        "(e.g. signal_spread_explorer), with its prefetch and without",
    )
    parser.add_argument("--looks", default="1,4", help="--walk: a look's range in seconds")
    parser.add_argument("--walk-moves", type=int, default=30, help="--walk: moves")
    parser.add_argument(
        "--drag",
        action="store_true",
        help="--lab: drag each slider across its track with the mouse and back, three "
        "times; time from letting go (and from the last value) to the last image",
    )
    parser.add_argument("--shots", type=Path, help="folder for screenshots of the explorers")
    parser.add_argument("--json", type=Path, help="write every number to this file")
    args = parser.parse_args(argv)
    if args.walk:
        looks = tuple(float(v) for v in args.looks.split(","))
        out = {"walk": reader_walk(args.walk, looks, args.walk_moves), "looks_s": looks}
        if args.json:
            args.json.write_text(json.dumps(out, indent=1))
        return
    if not (args.in_process or args.lab or args.book):
        args.in_process = True
    only = set(args.chapters.split(",")) if args.chapters else None
    base = baselines()
    print("baseline (bare redraw + PNG) ms:", {k: round(v, 1) for k, v in base.items()})
    out = {"baseline_ms": base}
    if args.in_process:
        out["in_process"] = in_process(args.moves, args.pause)
        print("\nIn process (value change -> PNG in the image widget)\n")
        print(table(out["in_process"], base, TARGET_MEDIAN_MS, TARGET_P95_MS))
    if args.lab:
        out["lab"] = lab(
            args.moves,
            chapters_with_explorers(only),
            args.actnet,
            args.shots,
            [ROOT / "benchmarks" / "floor.ipynb"] if args.floor else [],
            pause=args.pause,
            drag=args.drag,
        )
        if args.drag:
            print("\nJupyterLab, sliders dragged (letting go -> last image loaded)\n")
            print(drag_table(out["lab"]))
        else:
            print("\nJupyterLab in Chromium (input event -> new image loaded)\n")
            print(table(out["lab"], base, TARGET_MEDIAN_MS, TARGET_P95_MS))
    if args.book:
        out["book"] = book(args.moves, args.html, chapters_with_explorers(only), pause=args.pause)
        print("\nBuilt book, no kernel (key -> new frame loaded)\n")
        print(table(out["book"], base, TARGET_BOOK_MS, None))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
