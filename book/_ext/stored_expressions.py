"""The book shows a notebook's inline expressions, ``{eval}`expr```, from the results stored in it.

JupyterLab (with jupyterlab-myst) evaluates each ``{eval}`` of a Markdown cell in the
running kernel when the cell is run, and stores the results in the cell's metadata,
``user_expressions``; ``python3 tasks.py execute`` does the same for every cell (and for
a figure's caption, in the metadata of the code cell that draws the figure). myst-nb
evaluates ``{eval}`` only while it executes a notebook itself, and the book is built
from the stored outputs without a kernel: this role shows the stored result instead,
as plain text (strings without their quotes, as jupyterlab-myst shows them), in the
same ``pasted-text`` span that myst-nb gives a glued value.

An expression with no stored result, an expression that failed, or one expression
stored with two different results in one notebook is a build warning (an error with
``-W``): run ``python3 tasks.py execute`` after changing a notebook's prose.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

# jupyterlab-myst shows a string result without the quotes of its repr; so does the book
_QUOTED = re.compile(r"""^(["'])(.*)\1$""")


def stored_results(notebook: dict) -> dict[str, dict | None]:
    """Every stored inline expression of ``notebook`` and its result (a kernel's reply).

    An expression stored by two cells with different results maps to None: which of
    the two a role means cannot be told from the expression alone.
    """
    results: dict[str, dict | None] = {}
    for cell in notebook.get("cells", []):
        for entry in cell.get("metadata", {}).get("user_expressions", []):
            expression, result = entry["expression"], entry["result"]
            if expression in results and results[expression] != result:
                results[expression] = None
            else:
                results[expression] = result
    return results


def result_text(result: dict) -> str:
    """The text a stored result shows: its ``text/plain``, a string without its quotes."""
    if result.get("status") != "ok":
        raise ValueError(f"{result.get('ename', 'error')}: {result.get('evalue', '')}")
    text = result.get("data", {}).get("text/plain")
    if text is None:
        raise ValueError(f"no text/plain in the result (only {sorted(result.get('data', {}))})")
    return _QUOTED.sub(r"\2", text)


@functools.lru_cache(maxsize=64)
def _results_of(path: str, modified: int) -> dict[str, dict | None]:
    return stored_results(json.loads(Path(path).read_text(encoding="utf-8")))


class StoredExpression(SphinxRole):
    """``{eval}`expr```: the result stored for ``expr`` in this notebook."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        path = Path(self.env.doc2path(self.env.docname))
        where = (self.env.docname, self.lineno)
        if path.suffix != ".ipynb":
            logger.warning("{eval} has stored results only in notebooks", location=where)
            return [nodes.literal(self.rawtext, self.text)], []
        results = _results_of(str(path), path.stat().st_mtime_ns)
        if self.text not in results:
            logger.warning(
                f"no stored result for {{eval}}`{self.text}`: "
                "run `python3 tasks.py execute` on this notebook",
                location=where,
            )
            return [nodes.literal(self.rawtext, self.text)], []
        result = results[self.text]
        if result is None:
            logger.warning(
                f"{{eval}}`{self.text}` is stored with two different results in this "
                "notebook: quote a value under one name per value",
                location=where,
            )
            return [nodes.literal(self.rawtext, self.text)], []
        try:
            text = result_text(result)
        except ValueError as error:
            logger.warning(f"{{eval}}`{self.text}` failed: {error}", location=where)
            return [nodes.literal(self.rawtext, self.text)], []
        return [nodes.inline(text, text, classes=["pasted-text"])], []


def setup(app: Sphinx) -> dict:
    # replaces myst-nb's own {eval}, which needs a kernel (this extension loads after it)
    app.add_role("eval", StoredExpression(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
