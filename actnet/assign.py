"""Student and instructor editions of exercise notebooks, without nbgrader.

::

    python -m actnet.assign SRC_DIR OUT_DIR [--force] [--edition student|instructor]

reads every ``*.ipynb`` directly in ``SRC_DIR`` (not its sub-folders) and writes

* ``OUT_DIR/student/<name>.ipynb``: every region between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` replaced, at the same indentation, by
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` (nbgrader's own
  stub, so both tools give students the same code); a markdown solution cell
  becomes ``YOUR ANSWER HERE``; ``### BEGIN HIDDEN TESTS`` regions removed;
* ``OUT_DIR/instructor/<name>.ipynb``: the notebook with its solutions;

both with outputs, execution counts and stored widget state cleared, and
without cells tagged ``remove-from-editions`` (e.g. a link that only makes
sense in the rendered book). The check cells are kept as they are.
``--edition`` writes one edition straight into ``OUT_DIR``.

The markers are nbgrader's, and so is the cell metadata (``"nbgrader":
{"solution": true, ...}``), so a course that uses nbgrader can import the same
source notebooks with ``nbgrader generate_assignment``.

Guarantees: the source is never written to (``OUT_DIR`` may not be ``SRC_DIR``
or one of its parents, and no output file may be a source file); a non-empty
output folder is refused unless ``--force`` is given (which overwrites the
editions' files and leaves other files alone); the same source always gives
byte-identical files. Bad arguments and malformed notebooks give a message and
exit status 2, not a traceback.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["AssignError", "EDITIONS", "edition", "main", "write_editions"]

EDITIONS = ("student", "instructor")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
ANSWER_STUB = "YOUR ANSWER HERE"
REMOVE_TAG = "remove-from-editions"


class AssignError(Exception):
    """A problem with the arguments or a notebook, said in one sentence."""


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _replace_regions(text: str, begin: str, end: str, where: str, stub: tuple[str, ...]) -> str:
    out: list[str] = []
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped == begin:
            if inside:
                raise AssignError(f"{where}, line {number}: {begin} inside another one")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + s for s in stub)
        elif stripped == end:
            if not inside:
                raise AssignError(f"{where}, line {number}: {end} without {begin}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise AssignError(f"{where}: {begin} without {end}")
    return "\n".join(out)


def _is_solution(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


def _student_cell(cell: dict, where: str) -> dict:
    text = _source(cell)
    if cell.get("cell_type") == "code":
        if BEGIN in text:
            text = _replace_regions(text, BEGIN, END, where, STUB)
        elif _is_solution(cell):
            text = "\n".join(STUB)
        text = _replace_regions(text, BEGIN_HIDDEN, END_HIDDEN, where, ())
    elif cell.get("cell_type") == "markdown" and _is_solution(cell):
        text = ANSWER_STUB
    cell["source"] = text
    return cell


def _split_sources(cells: list[dict]) -> None:
    # nbformat stores each source as a list of lines; doing the same keeps diffs small
    for cell in cells:
        cell["source"] = _source(cell).splitlines(True)


def _check_ids(cells: list[dict], name: str) -> None:
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            raise AssignError(f"{name}, cell {index}: nbgrader metadata without a grade_id")
        if grade_id in seen:
            raise AssignError(
                f"{name}, cells {seen[grade_id]} and {index}: the grade_id {grade_id!r} is used "
                "twice; every nbgrader cell needs its own"
            )
        seen[grade_id] = index


def edition(notebook: dict, which: str, name: str = "notebook") -> dict:
    """The ``which`` edition ("student" or "instructor") of a notebook (a JSON dict).

    >>> nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [1],
    ...        "execution_count": 3,
    ...        "source": "def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION"}],
    ...       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    >>> print("".join(edition(nb, "student")["cells"][0]["source"]))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> edition(nb, "instructor")["cells"][0]["outputs"]
    []
    """
    if which not in EDITIONS:
        raise AssignError(f"edition must be one of {', '.join(EDITIONS)}, got {which!r}")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise AssignError(f"{name} is not a Jupyter notebook (no list of cells)")
    if notebook.get("nbformat") != 4:
        raise AssignError(f"{name} has nbformat {notebook.get('nbformat')!r}; version 4 expected")
    nb = copy.deepcopy(notebook)
    nb.get("metadata", {}).pop("widgets", None)
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if REMOVE_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        where = f"{name}, cell {index}"
        if which == "student":
            cell = _student_cell(cell, where)
        else:
            # still validate the markers, so a broken notebook fails for both editions
            _student_cell(copy.deepcopy(cell), where)
            cell["source"] = _source(cell)
        cells.append(cell)
    _check_ids(cells, name)
    _split_sources(cells)
    nb["cells"] = cells
    return nb


def _dumps(notebook: dict) -> str:
    # nbformat's own layout, so an edition diffs cleanly against its source
    return json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AssignError(f"cannot read {path} as a notebook: {error}") from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


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
    src_abs, out_abs = src.resolve(), out.resolve()
    if _inside(src_abs, out_abs):
        raise AssignError(
            f"output folder {out} is the source folder or contains it; "
            "choose another folder, the source is never written to"
        )
    if out.exists() and not out.is_dir():
        raise AssignError(f"output {out} exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise AssignError(f"output folder {out} is not empty; pass --force to overwrite it")
    folders = {w: out if len(editions) == 1 else out / w for w in editions}
    sources = {p.resolve() for p in notebooks}
    # everything is computed before anything is written: a bad notebook writes nothing
    planned = []
    for path in notebooks:
        notebook = _read(path)
        for which, folder in folders.items():
            target = folder / path.name
            if target.resolve() in sources:
                raise AssignError(f"{target} would overwrite a source notebook")
            planned.append((target, _dumps(edition(notebook, which, path.name))))
    for target, text in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return [target for target, _ in planned]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m actnet.assign",
        description=(
            "Write a student edition (solutions replaced by stubs, outputs cleared) and an "
            "instructor edition of every exercise notebook in SRC_DIR."
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
    args = parser.parse_args(argv)
    editions = (args.edition,) if args.edition else EDITIONS
    try:
        written = write_editions(args.src, args.out, force=args.force, editions=editions)
    except AssignError as error:
        print(f"actnet.assign: error: {error}", file=sys.stderr)
        return 2
    for which in editions:
        count = sum(1 for p in written if p.parent.name == which or len(editions) == 1)
        print(f"wrote {count} {which} notebook(s)")
    return 0


# the marker lines of nbgrader, for tests and tools that look for leftover solutions
SOLUTION_MARKERS = re.compile(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)")

if __name__ == "__main__":
    sys.exit(main())
