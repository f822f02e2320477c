"""Student and instructor editions of exercise notebooks, made by nbgrader's own preprocessors.

::

    python -m actnet.assign SRC_DIR OUT_DIR [--force] [--edition student|instructor]

reads every ``*.ipynb`` directly in ``SRC_DIR`` (not its sub-folders) and writes

* ``OUT_DIR/student/<name>.ipynb``: the notebook as ``nbgrader generate_assignment``
  releases it, made by the same nbgrader preprocessors in the same order
  (``LockCells``, ``ClearSolutions``, ``ClearOutput``, ``ComputeChecksums``,
  ``ClearHiddenTests``, ``ClearMarkScheme``): every solution region, from a
  line containing ``BEGIN SOLUTION`` to one containing ``END SOLUTION``
  (``### BEGIN SOLUTION``, ``# BEGIN SOLUTION``, in code or markdown), is
  replaced at its indentation by nbgrader's stub (``# YOUR CODE HERE`` and
  ``raise NotImplementedError()``; ``YOUR ANSWER HERE`` in markdown), a
  solution cell without a region is replaced whole, hidden tests and mark
  schemes are removed, and test cells are locked;
* ``OUT_DIR/instructor/<name>.ipynb``: the whole notebook, solutions included;

both with outputs, execution counts and stored widget state cleared, and
without cells tagged ``remove-from-editions`` (e.g. a link that only makes
sense in the rendered book). ``--edition`` writes one edition straight into
``OUT_DIR``. The editions need nbgrader (``pip install nbgrader``).

Guarantees: the source is never written to or deleted: an output folder that
is the source folder or one of its parents, and an output file that is a
source notebook, are refused whatever path or link (symbolic or hard) leads to
them, since files are compared by identity, not by name; each file is written
to a new file beside it, then renamed over the old one. A non-empty output
folder is refused unless ``--force`` is given (which replaces the editions'
files and leaves other files alone). The same source always gives
byte-identical files. Every problem with the arguments or a notebook (not
JSON, cells that are not cells, nbgrader metadata that nbgrader refuses, an
``END SOLUTION`` without its ``BEGIN SOLUTION``, ...) gives one line on
stderr naming the file and what is wrong, exit status 2, and nothing written.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["AssignError", "EDITIONS", "SOLUTION_MARKERS", "edition", "main", "write_editions"]

EDITIONS = ("student", "instructor")
REMOVE_TAG = "remove-from-editions"
CELL_TYPES = ("code", "markdown", "raw")
USAGE = "python -m actnet.assign SRC_DIR OUT_DIR [--force] [--edition student|instructor]"

# nbgrader's preprocessors log an error before they raise; the exception says it in one line
_QUIET = logging.getLogger("actnet.assign.nbgrader")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class AssignError(Exception):
    """A problem with the arguments or a notebook, said in one line."""


def _one_line(text: Any, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    words = ((bool, "a boolean"), (dict, "an object"), (list, "an array"), (str, "a string"))
    for kind, word in (*words, (int | float, "a number")):
        if isinstance(value, kind):
            return word
    return type(value).__name__


def _nbgrader() -> tuple[Any, Any]:
    try:
        from nbgrader import preprocessors
        from nbgrader.nbgraderformat import MetadataValidator
    except ImportError:
        raise AssignError(
            "the editions are made by nbgrader's preprocessors, and nbgrader is not "
            "installed: pip install nbgrader"
        ) from None
    return preprocessors, MetadataValidator


# ------------------------------------------------------------------ validation
def _check_structure(notebook: Any, name: str) -> None:
    """What nbformat's schema says less kindly: one sentence for each common mistake."""
    if not isinstance(notebook, dict):
        raise AssignError(f"{name} is not a Jupyter notebook: its JSON is {_json_type(notebook)}")
    if notebook.get("nbformat") != 4:
        raise AssignError(f"{name} has nbformat {notebook.get('nbformat')!r}; version 4 expected")
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise AssignError(f"{name} is not a Jupyter notebook: its cells are {_json_type(cells)}")
    if not isinstance(notebook.get("metadata", {}), dict):
        raise AssignError(f"{name}: its metadata is {_json_type(notebook['metadata'])}")
    minor = notebook.get("nbformat_minor")
    for index, cell in enumerate(cells):
        where = f"{name}, cell {index}"
        if not isinstance(cell, dict):
            raise AssignError(f"{where} is {_json_type(cell)}, not a cell (an object)")
        if cell.get("cell_type") not in CELL_TYPES:
            raise AssignError(
                f"{where} has cell_type {cell.get('cell_type')!r}; code, markdown or raw expected"
            )
        source = cell.get("source")
        lines_ok = isinstance(source, list) and all(isinstance(s, str) for s in source)
        if not (isinstance(source, str) or lines_ok):
            raise AssignError(
                f"{where}: its source is {_json_type(source)}, not text "
                "(a string or an array of strings)"
            )
        metadata = cell.get("metadata", {})
        if not isinstance(metadata, dict):
            raise AssignError(f"{where}: its metadata is {_json_type(metadata)}, not an object")
        if "nbgrader" in metadata and not isinstance(metadata["nbgrader"], dict):
            raise AssignError(
                f"{where}: its nbgrader metadata is {_json_type(metadata['nbgrader'])}, not an "
                'object such as {"solution": true, "grade_id": "...", ...}'
            )
        tags = metadata.get("tags", [])
        if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            raise AssignError(f"{where}: its tags are {_json_type(tags)}, not an array of strings")
        # nbformat would invent random ids, and then no two runs would give the same file
        if isinstance(minor, int) and minor >= 5 and not isinstance(cell.get("id"), str):
            raise AssignError(
                f"{where} has no id, which nbformat 4.{minor} requires: open and save the "
                "notebook in Jupyter to give every cell one"
            )


def _validated(notebook: dict, name: str) -> Any:
    """The notebook as an nbformat node, checked by nbformat's schema and nbgrader's."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    _check_structure(notebook, name)
    node = rejoin_lines(nbformat.from_dict(copy.deepcopy(notebook)))
    try:
        nbformat.validate(node)
    except nbformat.ValidationError as error:
        where = "/".join(str(p) for p in error.path)
        raise AssignError(
            f"{name} is not a valid notebook: {_one_line(error.message)}"
            + (f" (at {where})" if where else "")
        ) from None
    _, MetadataValidator = _nbgrader()
    validator = MetadataValidator()
    validator.log = _QUIET
    for index, cell in enumerate(node.cells):
        try:
            validator.validate_cell(cell)
        except Exception as error:  # jsonschema's ValidationError or nbgrader's schema errors
            key = "".join(f"[{p!r}]" for p in getattr(error, "path", ()))
            message = getattr(error, "message", str(error))
            raise AssignError(
                f"{name}, cell {index}: nbgrader metadata{key}: {_one_line(message)}"
            ) from None
    try:
        validator.validate_nb(node)
    except Exception as error:
        raise AssignError(
            f"{name}: nbgrader metadata: {_one_line(getattr(error, 'message', error))}"
        ) from None
    return node


def _check_unmatched_ends(node: Any, name: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Refuse an end delimiter without its begin: nbgrader drops such a line and keeps
    what precedes it, so a forgotten ``BEGIN SOLUTION`` would hand out the solution.
    (nbgrader itself refuses a begin without its end, and nested begins.)"""
    for index, cell in enumerate(node.cells):
        lines = cell.source.split("\n")
        for begin, end in pairs:
            opened = sum(begin in line for line in lines)
            closed = sum(end in line and begin not in line for line in lines)
            if closed > opened:
                raise AssignError(
                    f"{name}, cell {index}: a line with {end!r} has no {begin!r} before it "
                    f"({closed} against {opened}); mark where the region begins"
                )


# --------------------------------------------------------------- the editions
def _preprocessors(which: str) -> list[Any]:
    from nbconvert.preprocessors import TagRemovePreprocessor

    nbg, _ = _nbgrader()
    quiet = {"log": _QUIET}
    drop = TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}, **quiet)
    # "execution" holds the timing metadata of the last run, an output like any other
    clear_output = nbg.ClearOutput(
        remove_metadata_fields={"collapsed", "scrolled", "execution"}, **quiet
    )
    if which == "instructor":
        return [drop, clear_output]
    # generate_assignment's order, without its header, test templates and database
    return [
        drop,
        nbg.LockCells(**quiet),
        nbg.ClearSolutions(**quiet),
        clear_output,
        nbg.ComputeChecksums(**quiet),
        nbg.ClearHiddenTests(**quiet),
        nbg.ClearMarkScheme(**quiet),
        nbg.ComputeChecksums(**quiet),
        nbg.CheckCellMetadata(**quiet),
    ]


def _delimiters(preprocessors: list[Any]) -> list[tuple[str, str]]:
    pairs = []
    for pre in preprocessors:
        for begin, end in (
            ("begin_solution_delimeter", "end_solution_delimeter"),
            ("begin_test_delimeter", "end_test_delimeter"),
            ("begin_mark_scheme_delimeter", "end_mark_scheme_delimeter"),
        ):
            if hasattr(pre, begin):
                pairs.append((getattr(pre, begin), getattr(pre, end)))
    return pairs


def _failing_cell(pre: Any, node: Any, resources: dict, error: Exception) -> str:
    """The first cell on which ``pre`` fails as it did on the notebook, as ", cell i"."""
    for index, cell in enumerate(node.cells):
        try:
            pre.preprocess_cell(copy.deepcopy(cell), dict(resources), index)
        except Exception as again:
            if type(again) is type(error) and str(again) == str(error):
                return f", cell {index}"
            return ""
    return ""


def _apply(preprocessors: list[Any], node: Any, name: str) -> Any:
    resources: dict[str, Any] = {"language": node.metadata.get("kernelspec", {}).get("language")}
    resources["language"] = resources["language"] or "python"
    for pre in preprocessors:
        # a preprocessor changes the cells it has passed, the failing one included
        before = copy.deepcopy(node)
        try:
            node, resources = pre.preprocess(node, resources)
        except Exception as error:  # nbgrader raises RuntimeError, ValueError, ValidationError
            cell = _failing_cell(pre, before, resources, error)
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            raise AssignError(f"{name}{cell}: {_one_line(message)}") from None
    node.metadata.pop("widgets", None)
    return node


def _edition_text(notebook: dict, which: str, name: str) -> str:
    import nbformat

    if which not in EDITIONS:
        raise AssignError(f"edition must be one of {', '.join(EDITIONS)}, got {which!r}")
    node = _validated(notebook, name)
    student = _preprocessors("student")
    _check_unmatched_ends(node, name, _delimiters(student))
    # the student edition is made for the instructor's too, so that a notebook
    # nbgrader refuses is refused for both
    made = _apply(student, copy.deepcopy(node), name)
    if which == "instructor":
        made = _apply(_preprocessors("instructor"), node, name)
    return nbformat.writes(made, version=4) + "\n"


def edition(notebook: dict, which: str, name: str = "notebook") -> dict:
    """The ``which`` edition ("student" or "instructor") of a notebook (a JSON dict).

    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"nbgrader": {
    ...        "grade": False, "grade_id": "answer", "locked": False, "schema_version": 3,
    ...        "solution": True}}, "outputs": [], "execution_count": 3,
    ...        "source": "def f(x):\\n    # BEGIN SOLUTION\\n    return x\\n    # END SOLUTION"}],
    ...       "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    >>> print("".join(edition(nb, "student")["cells"][0]["source"]))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> edition(nb, "instructor")["cells"][0]["execution_count"] is None
    True
    """
    return json.loads(_edition_text(notebook, which, name))


# ------------------------------------------------------------------- writing
def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise AssignError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise AssignError(f"{path} is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise AssignError(
            f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise AssignError(f"{path} is not a notebook: its JSON is nested too deeply") from None


def _made(notebook: Any, which: str, name: str) -> str:
    try:
        return _edition_text(notebook, which, name)
    except AssignError:
        raise
    # whatever else a malformed notebook makes nbformat or nbgrader raise
    except Exception as error:
        raise AssignError(
            f"{name}: cannot make its {which} edition: {type(error).__name__}: {_one_line(error)}"
        ) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (a dangling link included)
        return False


def _check_outputs(
    src: Path, out: Path, folders: Sequence[Path], targets: Sequence[Path], sources: Sequence[Path]
) -> None:
    """Refuse any output that is, contains or leads to a source, compared by file identity."""
    ancestry = [src.resolve(), *src.resolve().parents]
    for folder in (out, *folders):
        if folder.exists() and not folder.is_dir():
            raise AssignError(f"output {folder} exists and is not a folder")
        if any(_same_file(folder, a) for a in ancestry):
            raise AssignError(
                f"output folder {folder} is the source folder or contains it; choose "
                "another folder, the source is never written to"
            )
    for target in targets:
        if target.is_dir():
            raise AssignError(f"output {target} is a folder, not a file")
        for source in sources:
            if _same_file(target, source):
                raise AssignError(
                    f"output {target} is the source notebook {source} (the same file, "
                    "through a link); the source is never written to"
                )


def _write(target: Path, text: str) -> None:
    """Write a new file beside ``target`` and rename it over: a link at ``target`` is
    replaced, never written through."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with open(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_editions(
    src: str | Path, out: str | Path, force: bool = False, editions: Sequence[str] = EDITIONS
) -> list[Path]:
    """Write the editions of every notebook of ``src`` under ``out``; return the paths written.

    With one edition it is written straight into ``out``, with several each
    goes into ``out/<edition>/``.
    """
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise AssignError(f"source folder {src} does not exist or is not a folder")
    for which in editions:
        if which not in EDITIONS:
            raise AssignError(f"edition must be one of {', '.join(EDITIONS)}, got {which!r}")
    notebooks = sorted(p for p in src.glob("*.ipynb") if p.is_file())
    if not notebooks:
        raise AssignError(f"source folder {src} holds no .ipynb notebook")
    folders = {w: out if len(editions) == 1 else out / w for w in editions}
    targets = [folder / path.name for folder in folders.values() for path in notebooks]
    _check_outputs(src, out, list(folders.values()), targets, notebooks)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise AssignError(f"output folder {out} is not empty; pass --force to overwrite it")
    # everything is computed before anything is written: a bad notebook writes nothing
    planned = []
    for path in notebooks:
        notebook = _read(path)
        for which, folder in folders.items():
            planned.append((folder / path.name, _made(notebook, which, str(path))))
    for target, text in planned:
        try:
            _write(target, text)
        except OSError as error:
            raise AssignError(f"cannot write {target}: {error.strerror or error}") from None
    return [target for target, _ in planned]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise AssignError(f"{message} (usage: {USAGE})")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = _Parser(
        prog="python -m actnet.assign",
        description=(
            "Write a student edition (solutions replaced by stubs, outputs cleared, by "
            "nbgrader's preprocessors) and an instructor edition of every exercise notebook "
            "in SRC_DIR."
        ),
    )
    parser.add_argument("src", metavar="SRC_DIR", help="folder of source notebooks")
    parser.add_argument("out", metavar="OUT_DIR", help="folder to write the editions into")
    parser.add_argument(
        "--force", action="store_true", help="write into OUT_DIR even if it is not empty"
    )
    parser.add_argument(
        "--edition",
        choices=EDITIONS,
        help="write only this edition, straight into OUT_DIR (default: both, in sub-folders)",
    )
    try:
        args = parser.parse_args(argv)
        editions = (args.edition,) if args.edition else EDITIONS
        written = write_editions(args.src, args.out, force=args.force, editions=editions)
    except AssignError as error:
        print(f"actnet.assign: error: {error}", file=sys.stderr)
        return 2
    for which in editions:
        count = sum(1 for p in written if p.parent.name == which or len(editions) == 1)
        print(f"wrote {count} {which} notebook(s)")
    return 0


#: Lines nbgrader treats as delimiters, for tests and tools that look for leftover solutions.
SOLUTION_MARKERS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)")

if __name__ == "__main__":
    sys.exit(main())
