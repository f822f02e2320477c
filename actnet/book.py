"""What the chapter notebooks use to quote their numbers and to show actnet's code.

A chapter's prose quotes a number with MyST's inline expression,
``{eval}`f"{kept_sigmoid:.1e}"```: JupyterLab (with jupyterlab-myst) evaluates
it in the running kernel when the cell is run, and the book shows the result
stored in the notebook by the last ``python3 tasks.py execute``. :func:`glue`
gives a value the name that the prose uses; :func:`show_source` shows the code
of an actnet function beside the formula it computes.

Nothing here needs myst-nb or Sphinx: a chapter runs wherever Python runs
(Binder, Colab, a laptop).

>>> from actnet.book import glue, glued
>>> glue("answer", 42)
>>> glued["answer"]
42
"""

from __future__ import annotations

import inspect
import keyword
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

__all__ = ["Source", "glue", "glued", "show_source"]

glued: dict[str, Any] = {}
"""Every value glued in this Python session, by name."""


def glue(name: str, value: Any) -> None:
    """Give ``value`` the name ``name`` in the notebook, for the prose to quote.

    In a notebook the name becomes a variable of the notebook, so that a
    Markdown cell can show it with ``{eval}`name``` (or formatted,
    ``{eval}`f"{name:.1e}"```), and the cell shows ``name = value``: the
    stored output records every number the text quotes, and nbval compares
    it when the notebook is run again. Outside IPython the value is only
    kept in :data:`glued`.

    Parameters
    ----------
    name : str
        A Python identifier. It may name a variable of the notebook only if that
        variable holds ``value`` itself (gluing a variable under its own name), or
        was glued (a cell that runs again glues again).
    value : object
        What the prose quotes, usually a number.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not an identifier, or is a variable of the notebook's own.
    """
    if not isinstance(name, str):
        raise TypeError(f"glue: name must be a string, got {type(name).__name__}")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"glue: name must be a Python identifier, for {{eval}}`{name}` to find it; got {name!r}"
        )
    namespace = _notebook_namespace()
    if namespace is not None:
        if name in namespace and name not in glued and namespace[name] is not value:
            raise ValueError(
                f"glue: name {name!r} is already a variable of the notebook; "
                "glue the value under another name"
            )
        namespace[name] = value
    glued[name] = value
    if namespace is not None:
        from IPython.display import display

        display({"text/plain": f"{name} = {value!r}"}, raw=True)


def _notebook_namespace() -> dict[str, Any] | None:
    """The running IPython's user namespace, or None outside IPython."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return None if shell is None else shell.user_ns


@dataclass(frozen=True)
class Source:
    """The source code of some actnet objects, shown highlighted in a notebook and in the book.

    A notebook shows it as Markdown: the file it comes from, then the code in a
    fenced block, which JupyterLab and the book highlight as Python (the book's
    code blocks scroll sideways within the column on a narrow screen).
    """

    code: str
    path: str

    def _repr_markdown_(self) -> str:
        longest = max((len(run) for run in re.findall(r"`+", self.code)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"From `{self.path}`:\n\n{fence}python\n{self.code}\n{fence}\n"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.code)

    def __str__(self) -> str:
        return self.code


def show_source(obj: Any) -> Source:
    """The source code of ``obj``, to show in a notebook beside the formula it computes.

    Parameters
    ----------
    obj : function, class, module or object
        A function, method, class or module is shown as defined. A decorated
        function is followed to the function it wraps (``__wrapped__``); a
        :func:`functools.partial` to its function. Any other object is shown by
        the functions it holds as public attributes (an :class:`actnet.Activation`
        holds its value and its derivative), or, holding none, by its class.

    Returns
    -------
    Source
        The code, without common indentation, and the file it is in, relative
        to the folder of its top-level package (``actnet/activations.py``).

    Raises
    ------
    TypeError
        If ``obj``, or what it leads to, has no Python source (a built-in or
        compiled function, a class defined in C).

    Examples
    --------
    >>> from actnet.book import show_source
    >>> source = show_source(show_source)
    >>> source.path, source.code.splitlines()[0]
    ('actnet/book.py', 'def show_source(obj: Any) -> Source:')
    """
    parts = _defining_objects(obj)
    codes = []
    for part in parts:
        try:
            codes.append(textwrap.dedent(inspect.getsource(part)).rstrip())
        except (TypeError, OSError) as error:
            raise TypeError(
                f"show_source: obj must lead to Python source code; {part!r} has none ({error})"
            ) from None
    return Source("\n\n\n".join(codes), _relative_path(parts[0]))


def _defining_objects(obj: Any) -> list[Any]:
    """What defines ``obj``: itself, what it wraps, the functions it holds, or its class."""
    if isinstance(obj, partial):
        return _defining_objects(obj.func)
    if hasattr(obj, "__wrapped__"):
        obj = inspect.unwrap(obj)
    if (
        inspect.ismodule(obj)
        or inspect.isclass(obj)
        or inspect.isroutine(obj)
        or inspect.iscode(obj)
    ):
        return [obj]
    held: list[Callable[..., Any]] = []
    for attribute, value in getattr(obj, "__dict__", {}).items():
        if attribute.startswith("_"):
            continue
        if hasattr(value, "__wrapped__"):
            value = inspect.unwrap(value)
        if inspect.isfunction(value) and value not in held:
            held.append(value)
    return held or [type(obj)]


def _relative_path(obj: Any) -> str:
    """The file defining ``obj``, relative to the folder holding its top-level package."""
    try:
        file = Path(inspect.getsourcefile(obj) or inspect.getfile(obj)).resolve()
    except TypeError:
        return "?"
    module = inspect.getmodule(obj)
    top = sys.modules.get(module.__name__.split(".")[0]) if module else None
    top_file = getattr(top, "__file__", None)
    if top_file:
        root = Path(top_file).resolve().parent
        if Path(top_file).name == "__init__.py":
            root = root.parent
        if file.is_relative_to(root):
            return file.relative_to(root).as_posix()
    return file.name
