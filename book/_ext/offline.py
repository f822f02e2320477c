"""The built book asks no other host for anything: it works opened from disk, offline.

- MathJax comes from the book's own ``_static/mathjax``: at the end of each build
  the files that MathJax 3 loads are copied there from the copy that the PyPI
  package ``django-static-mathjax`` ships (MathJax's licence, Apache 2.0, along
  with them), and ``mathjax_path`` points at them.
- Notebook pages embed no ipywidgets state. The book shows each explorer's
  kernel-free face (``nb_mime_priority_overrides`` in ``_config.yml``), so the
  state would be dead weight (30-110 KB a chapter), and for it myst-nb would load
  require.js and the widget manager from a CDN. myst-nb embeds the state of
  every notebook whose metadata holds it (``render_nb_finalise`` in
  ``myst_nb/core/render.py``) and has no setting against that, so the state is
  left out of the notebook as the book reads it; the notebook files keep it.
- Each script is written into a page once. Under Sphinx 7.4 an inline script
  that an extension registers before the build (sphinx-thebe's configuration,
  sphinx-togglebutton's selector) is listed twice, once with no file name and
  once with an empty one, so Sphinx does not see the two as one; the second
  ``const THEBE_JS_URL`` is a console error on every page.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

MATHJAX_COMPONENT = "tex-mml-chtml.js"
# What the component loads later, on demand: the fonts of its output, the TeX
# packages that autoload brings in for macros outside the core (\boldsymbol,
# \cancel, ...), and the menu's accessibility tools.
MATHJAX_ON_DEMAND = ("output/chtml/fonts", "input/tex/extensions", "ui", "a11y", "sre")
MATHJAX_TARGET = "mathjax"


def mathjax_source() -> Path:
    """MathJax 3's ``es5`` folder as installed by ``django-static-mathjax``."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "MathJax is not installed; the book serves its own copy of it: "
            "pip install django-static-mathjax (listed in requirements.txt)"
        )
    folder = Path(spec.origin).parent / "static" / "mathjax"
    if not (folder / "es5" / MATHJAX_COMPONENT).is_file():
        raise RuntimeError(f"no MathJax 3 component {MATHJAX_COMPONENT} under {folder}")
    return folder


def _serve_mathjax_locally(app, config) -> None:
    config.mathjax_path = f"{MATHJAX_TARGET}/{MATHJAX_COMPONENT}"


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.builder.outdir) / "_static" / MATHJAX_TARGET
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "es5" / MATHJAX_COMPONENT, target / MATHJAX_COMPONENT)
    shutil.copy2(source / "LICENSE", target / "LICENSE")
    for folder in MATHJAX_ON_DEMAND:
        shutil.copytree(source / "es5" / folder, target / folder, dirs_exist_ok=True)


def _without_widget_state(app, docname: str, source: list[str]) -> None:
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    notebook = json.loads(source[0])
    if notebook.get("metadata", {}).pop("widgets", None) is not None:
        source[0] = json.dumps(notebook)


def _each_script_once(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, once = set(), []
    for script in scripts:
        written = (script.filename or "", tuple(sorted(script.attributes.items())))
        if written not in seen:
            seen.add(written)
            once.append(script)
    scripts[:] = once  # the builder's own list, which later handlers extend


def setup(app):
    app.connect("config-inited", _serve_mathjax_locally)
    app.connect("build-finished", _copy_mathjax)
    app.connect("source-read", _without_widget_state)
    # after the other extensions have added their scripts to the page
    app.connect("html-page-context", _each_script_once, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
