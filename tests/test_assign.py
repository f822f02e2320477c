"""actnet.assign: student editions by nbgrader's preprocessors, never touching the source,
repeatable, and one line with exit status 2 for anything malformed."""

import copy
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actnet.assign import AssignError, edition, main, write_editions

SECRET = "return 2 * x  # the secret"
SOLUTION = f"def f(x):\n    ### BEGIN SOLUTION\n    {SECRET}\n    ### END SOLUTION"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def nbgrader(grade_id, *, solution=False, grade=False, points=None, locked=False, task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    meta.update(solution=solution, task=task)
    if points is not None:
        meta["points"] = points
    return meta


def answer(grade_id="ex-answer"):
    return nbgrader(grade_id, solution=True)


def graded_meta(grade_id="ex-check", points=1):
    return nbgrader(grade_id, grade=True, points=points, locked=True)


def code_cell(source, meta=None, tags=None, outputs=None, cell_id=None):
    metadata = {}
    if meta:
        metadata["nbgrader"] = meta
    if tags:
        metadata["tags"] = tags
    return {
        "cell_type": "code",
        "execution_count": 7,
        "id": cell_id or f"c{hashlib.sha256(source.encode()).hexdigest()[:8]}",
        "metadata": metadata,
        "outputs": outputs or [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
        "source": source,
    }


def markdown_cell(source, meta=None, cell_id="m"):
    metadata = {"nbgrader": meta} if meta else {}
    return {"cell_type": "markdown", "id": cell_id, "metadata": metadata, "source": source}


def notebook(*cells):
    return {
        "cells": list(cells),
        "metadata": {"kernelspec": dict(KERNELSPEC), "widgets": {"state": {}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write(folder, name, nb):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(nb) if not isinstance(nb, str) else nb)
    return path


def text(cell):
    return "".join(cell["source"])


def sources(nb):
    return "\n".join(text(c) for c in nb["cells"])


def valid_notebook():
    return notebook(
        markdown_cell("# Task", cell_id="m1"),
        {
            "cell_type": "markdown",
            "id": "m2",
            "metadata": {"tags": ["remove-from-editions"]},
            "source": "{download}`x <student/a.ipynb>`",
        },
        code_cell(SOLUTION, answer()),
        code_cell("check(f)", graded_meta()),
    )


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "src"
    write(src, "a.ipynb", valid_notebook())
    write(src, "b.ipynb", notebook(code_cell("x = 1")))
    return src


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ------------------------------------------------------------- what is stripped
def test_the_student_edition_replaces_the_solution_by_nbgraders_stub_at_its_indentation():
    nb = edition(notebook(code_cell(SOLUTION, answer())), "student")
    assert (
        text(nb["cells"][0]) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    )


@pytest.mark.parametrize(
    "begin, end",
    [
        ("### BEGIN SOLUTION", "### END SOLUTION"),
        ("# BEGIN SOLUTION", "# END SOLUTION"),
        ("## BEGIN SOLUTION", "## END SOLUTION"),
        ("#BEGIN SOLUTION", "#END SOLUTION"),
        ("# BEGIN SOLUTION: a clamp", "# END SOLUTION (clamp)"),
    ],
)
def test_a_solution_region_goes_whatever_comment_marks_it(begin, end):
    source = f"def f(x):\n    {begin}\n    {SECRET}\n    {end}\n\nf(1)"
    student = edition(notebook(code_cell(source, answer())), "student")
    assert SECRET not in sources(student) and "SOLUTION" not in sources(student)
    assert text(student["cells"][0]) == (
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\nf(1)"
    )


def test_a_solution_cell_without_markers_is_replaced_whole_and_a_markdown_one_by_a_prompt():
    md = markdown_cell("It is 42.", nbgrader("m", solution=True, grade=True, points=1))
    nb = edition(notebook(code_cell("y = 42", answer()), md), "student")
    assert text(nb["cells"][0]) == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert text(nb["cells"][1]) == "YOUR ANSWER HERE"


def test_a_markdown_solution_region_is_replaced_and_the_question_kept():
    md = markdown_cell(
        "Why does ReLU die?\n\n<!-- BEGIN SOLUTION -->\nIts bias went negative.\n"
        "<!-- END SOLUTION -->",
        nbgrader("why", solution=True, grade=True, points=2),
    )
    nb = edition(notebook(md), "student")
    assert text(nb["cells"][0]) == "Why does ReLU die?\n\nYOUR ANSWER HERE"


@pytest.mark.parametrize("cell_type", ["code", "markdown"])
def test_hidden_tests_are_removed_from_the_student_edition_only(cell_type):
    src = "check(f)\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS"
    if cell_type == "code":
        cell = code_cell(src, graded_meta())
    else:
        cell = markdown_cell(src, nbgrader("md", solution=True, grade=True, points=1))
    student = edition(notebook(cell), "student")
    instructor = edition(notebook(cell), "instructor")
    assert "assert f(2) == 4" not in sources(student) and "HIDDEN" not in sources(student)
    assert text(instructor["cells"][0]) == src


def test_a_mark_scheme_is_removed_from_a_task_cell():
    task = markdown_cell(
        "Plot it.\n=== BEGIN MARK SCHEME ===\nAxes labelled: 1 point\n=== END MARK SCHEME ===",
        nbgrader("plot", task=True, points=1),
    )
    assert text(edition(notebook(task), "student")["cells"][0]) == "Plot it."


def test_test_cells_are_locked_and_every_graded_cell_gets_nbgraders_checksum():
    nb = edition(valid_notebook(), "student")
    answer_cell, check_cell = nb["cells"][1], nb["cells"][2]
    assert check_cell["metadata"]["editable"] is False
    assert check_cell["metadata"]["deletable"] is False
    for cell in (answer_cell, check_cell):
        assert len(cell["metadata"]["nbgrader"]["checksum"]) == 32


def test_both_editions_clear_outputs_counts_and_widget_state_and_drop_book_only_cells():
    nb = valid_notebook()
    nb["cells"][2]["metadata"]["execution"] = {"iopub.status.busy": "2026-01-01"}
    for which in ("student", "instructor"):
        out = edition(nb, which)
        assert len(out["cells"]) == 3
        assert "widgets" not in out["metadata"]
        for cell in out["cells"]:
            assert "execution" not in cell["metadata"]
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
    instructor = edition(nb, "instructor")
    assert SECRET in text(instructor["cells"][1])
    assert text(instructor["cells"][2]) == "check(f)"


def test_the_edition_of_a_real_exercise_notebook_holds_no_solution_text():
    root = Path(__file__).resolve().parents[1]
    nb = json.loads((root / "book" / "exercises" / "sigmoid.ipynb").read_text())
    student = json.dumps(edition(nb, "student"))
    assert "np.exp(-np.abs(x))" in json.dumps(nb)
    assert "np.exp(-np.abs(x))" not in student and "SOLUTION" not in student


# ----------------------------------------------------------------- the command
def test_the_command_writes_both_editions_and_leaves_the_source_alone(source, tmp_path):
    before = digest(source)
    assert main([str(source), str(tmp_path / "out")]) == 0
    assert digest(source) == before
    student = (tmp_path / "out" / "student" / "a.ipynb").read_text()
    instructor = (tmp_path / "out" / "instructor" / "a.ipynb").read_text()
    assert "the secret" not in student and "BEGIN SOLUTION" not in student
    assert "the secret" in instructor
    assert sorted(p.name for p in (tmp_path / "out" / "student").iterdir()) == [
        "a.ipynb",
        "b.ipynb",
    ]


def test_two_runs_give_byte_identical_files(source, tmp_path):
    main([str(source), str(tmp_path / "one")])
    main([str(source), str(tmp_path / "two")])
    main([str(source), str(tmp_path / "one"), "--force"])
    for which in ("student", "instructor"):
        assert digest(tmp_path / "one" / which) == digest(tmp_path / "two" / which)


def test_the_files_are_nbformat_json_with_sources_as_lines(source, tmp_path):
    write_editions(source, tmp_path / "out")
    raw = (tmp_path / "out" / "student" / "a.ipynb").read_text()
    assert raw.endswith("}\n") and raw.startswith('{\n "cells": [\n')
    cell = json.loads(raw)["cells"][1]
    assert cell["source"] == [
        "def f(x):\n",
        "    # YOUR CODE HERE\n",
        "    raise NotImplementedError()",
    ]
    assert oct((tmp_path / "out" / "student" / "a.ipynb").stat().st_mode & 0o777) == "0o644"


def test_one_edition_goes_straight_into_the_output_folder(source, tmp_path):
    assert main([str(source), str(tmp_path / "s"), "--edition", "student"]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["a.ipynb", "b.ipynb"]


def test_a_non_empty_output_is_refused_without_force_and_other_files_survive_force(
    source, tmp_path, capsys
):
    out = tmp_path / "out"
    write(out, "notes.txt", "mine")
    assert main([str(source), str(out)]) == 2
    assert "is not empty; pass --force to overwrite it" in capsys.readouterr().err
    assert not (out / "student").exists()
    assert main([str(source), str(out), "--force"]) == 0
    assert (out / "notes.txt").read_text() == "mine"


def test_an_output_inside_the_source_is_allowed_and_not_read_back(source):
    write_editions(source, source / "student", editions=("student",))
    write_editions(source, source / "student", force=True, editions=("student",))
    assert sorted(p.name for p in (source / "student").iterdir()) == ["a.ipynb", "b.ipynb"]


def test_write_editions_raises_assign_error_for_an_unknown_edition(source, tmp_path):
    with pytest.raises(AssignError, match="edition must be one of student, instructor"):
        write_editions(source, tmp_path / "out", editions=("teacher",))


def test_python_dash_m_runs_it_and_bad_arguments_give_one_line_and_no_traceback(source, tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "actnet.assign", source, tmp_path / "out"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "wrote 2 student notebook(s)\nwrote 2 instructor notebook(s)\n"
    for args in ([], [str(tmp_path / "nowhere"), str(tmp_path / "o")], ["a", "b", "--edition"]):
        bad = subprocess.run(
            [sys.executable, "-m", "actnet.assign", *args], capture_output=True, text=True
        )
        assert bad.returncode == 2
        assert bad.stderr.startswith("actnet.assign: error: ") and bad.stderr.count("\n") == 1


# ------------------------------------------------ the source is never written to
def refused(capsys, args, message):
    assert main([str(a) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("actnet.assign: error: ") and err.count("\n") == 1, err
    assert message in err
    return err


@pytest.mark.parametrize("where", ["same", "parent"])
def test_the_source_folder_is_never_an_output(source, capsys, where):
    out = source if where == "same" else source.parent
    refused(capsys, [source, out, "--force"], "the source is never written to")


def test_an_output_file_hard_linked_to_a_source_is_refused_and_the_source_survives(
    source, tmp_path, capsys
):
    out = tmp_path / "out"
    (out / "student").mkdir(parents=True)
    os.link(source / "a.ipynb", out / "student" / "a.ipynb")
    before = digest(source)
    refused(capsys, [source, out, "--force"], "is the source notebook")
    assert digest(source) == before and "the secret" in (source / "a.ipynb").read_text()


def test_an_output_file_that_is_a_symbolic_link_to_a_source_is_refused(source, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.ipynb").symlink_to(source / "a.ipynb")
    before = digest(source)
    refused(capsys, [source, out, "--force", "--edition", "student"], "is the source notebook")
    assert digest(source) == before


@pytest.mark.parametrize("link", ["out", "out/student"])
def test_an_output_folder_that_links_to_the_source_folder_is_refused(
    source, tmp_path, capsys, link
):
    (tmp_path / link).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / link).symlink_to(source, target_is_directory=True)
    before = digest(source)
    refused(capsys, [source, tmp_path / "out", "--force"], "the source is never written to")
    assert digest(source) == before


def test_an_output_folder_reached_through_a_linked_parent_is_refused(source, tmp_path, capsys):
    (tmp_path / "alias").symlink_to(tmp_path, target_is_directory=True)
    refused(capsys, [source, tmp_path / "alias", "--force"], "the source is never written to")


def test_a_link_to_another_file_is_replaced_not_written_through(source, tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    out.mkdir()
    (out / "a.ipynb").symlink_to(elsewhere)
    assert main([str(source), str(out), "--force", "--edition", "student"]) == 0
    assert elsewhere.read_text() == "keep me"
    assert not (out / "a.ipynb").is_symlink()


@pytest.mark.parametrize("what", ["out", "out/student"])
def test_an_output_that_is_a_file_gets_one_line(source, tmp_path, capsys, what):
    (tmp_path / what).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / what).write_text("not a folder")
    refused(capsys, [source, tmp_path / "out", "--force"], "exists and is not a folder")


# ---------------------------------------------------------- malformed notebooks
def with_cell(cell):
    return notebook(code_cell("x = 1", cell_id="first"), cell)


MALFORMED = {
    "not JSON": ("{not json", "x.ipynb is not JSON: Expecting property name"),
    "not UTF-8": (b"\xff\xfe{}", "x.ipynb is not UTF-8 text"),
    "a JSON array": ("[1, 2]", "x.ipynb is not a Jupyter notebook: its JSON is an array"),
    "nbformat 3": ({"cells": [], "nbformat": 3}, "has nbformat 3; version 4 expected"),
    "no cells": ({"nbformat": 4, "cells": "none"}, "its cells are a string"),
    "a cell that is a number": (
        notebook(code_cell("x = 1"), 5),
        "x.ipynb, cell 1 is a number, not a cell (an object)",
    ),
    "a cell that is a list": (notebook(["x"]), "x.ipynb, cell 0 is an array, not a cell"),
    "an unknown cell type": (
        notebook({**code_cell("x"), "cell_type": "python"}),
        "x.ipynb, cell 0 has cell_type 'python'; code, markdown or raw expected",
    ),
    "an int source": (
        with_cell({**code_cell("x"), "source": 5}),
        "x.ipynb, cell 1: its source is a number, not text",
    ),
    "a source list of ints": (
        with_cell({**code_cell("x"), "source": ["a", 2]}),
        "cell 1: its source is an array, not text",
    ),
    "string metadata": (
        with_cell({**code_cell("x"), "metadata": "solution"}),
        "cell 1: its metadata is a string, not an object",
    ),
    "string nbgrader metadata": (
        with_cell(code_cell("x", meta="solution")),
        "cell 1: its nbgrader metadata is a string, not an object",
    ),
    "tags that are not strings": (
        with_cell({**code_cell("x"), "metadata": {"tags": [1]}}),
        "cell 1: its tags are an array, not an array of strings",
    ),
    "a cell without id": (
        with_cell({k: v for k, v in code_cell("x").items() if k != "id"}),
        "x.ipynb, cell 1 has no id, which nbformat 4.5 requires",
    ),
    "a schema error": (
        {**notebook(), "metadata": {"kernelspec": {"name": "python3"}}},
        "x.ipynb is not a valid notebook: 'display_name' is a required property",
    ),
    "an outdated nbgrader schema": (
        with_cell(code_cell("x", meta={"grade": True, "grade_id": "g", "points": 1})),
        "x.ipynb, cell 1: nbgrader metadata: Outdated schema version: 0 (expected 3)",
    ),
    "negative points": (
        with_cell(code_cell("check(f)", graded_meta(points=-1))),
        "cell 1: nbgrader metadata['points']: -1 is less than the minimum of 0",
    ),
    "a solution cell without grade_id": (
        with_cell(code_cell(SOLUTION, {k: v for k, v in answer().items() if k != "grade_id"})),
        "cell 1: nbgrader metadata: nbgrader cell does not have a grade_id",
    ),
    "a grade_id used twice": (
        notebook(code_cell("a", answer("id")), code_cell("b", answer("id"))),
        "x.ipynb: nbgrader metadata: Duplicate grade id: id",
    ),
    "BEGIN without END": (
        with_cell(code_cell("### BEGIN SOLUTION\nx = 1", answer())),
        "x.ipynb, cell 1: no end solution statement found",
    ),
    "a lone END": (
        with_cell(code_cell("def f(x):\n    " + SECRET + "\n    ### END SOLUTION", answer())),
        "x.ipynb, cell 1: a line with 'END SOLUTION' has no 'BEGIN SOLUTION' before it",
    ),
    "an extra END after a region": (
        with_cell(code_cell(SOLUTION + "\nleak = 1\n# END SOLUTION", answer())),
        "cell 1: a line with 'END SOLUTION' has no 'BEGIN SOLUTION' before it (2 against 1)",
    ),
    "a lone END of hidden tests": (
        with_cell(code_cell("check(f)\nassert f(2) == 4\n# END HIDDEN TESTS", graded_meta())),
        "cell 1: a line with 'END HIDDEN TESTS' has no 'BEGIN HIDDEN TESTS' before it",
    ),
    "nested BEGIN": (
        with_cell(code_cell("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", answer())),
        "cell 1: encountered nested begin solution statements",
    ),
    "a region outside a solution cell": (
        with_cell(code_cell(SOLUTION)),
        "cell 1: Solution region detected in a non-solution cell",
    ),
    "an unknown kernel language": (
        {**valid_notebook(), "metadata": {"kernelspec": {**KERNELSPEC, "language": "julia"}}},
        "x.ipynb: language 'julia' has not been specified in ClearSolutions.code_stub",
    ),
}


@pytest.mark.parametrize("content, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_notebook_gets_one_line_naming_it_exit_2_and_nothing_written(
    tmp_path, capsys, content, message
):
    src = tmp_path / "src"
    src.mkdir()
    path = src / "x.ipynb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    before = path.read_bytes()
    err = refused(capsys, [src, tmp_path / "out"], message)
    assert str(path) in err
    assert not (tmp_path / "out").exists()
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda src: None, "does not exist or is not a folder"),
        (lambda src: src.mkdir(), "holds no .ipynb notebook"),
    ],
)
def test_a_missing_or_empty_source_folder_gets_one_line(tmp_path, capsys, setup, message):
    setup(tmp_path / "src")
    refused(capsys, [tmp_path / "src", tmp_path / "out"], message)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def damaged(draw, value):
    """``value`` with one node, anywhere in it, replaced by arbitrary JSON."""
    if not isinstance(value, dict | list) or not value or draw(st.integers(0, 4)) == 0:
        return draw(JSON | st.sampled_from(["### END SOLUTION", "# BEGIN SOLUTION", "5"]))
    keys = sorted(value) if isinstance(value, dict) else range(len(value))
    key = draw(st.sampled_from(list(keys)))
    copied = copy.copy(value)
    copied[key] = draw(damaged(value[key]))
    return copied


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(nb=damaged(valid_notebook()))
def test_a_damaged_notebook_is_refused_in_one_line_or_edited_without_leaking(tmp_path_factory, nb):
    """Any one node of a valid notebook replaced by arbitrary JSON: the command either
    writes editions, and then the student edition holds no solution text, or answers
    with exit status 2, one line and nothing written. Never a traceback."""
    tmp = tmp_path_factory.mktemp("damaged")
    write(tmp / "src", "x.ipynb", nb)
    err = sys.stderr
    try:
        sys.stderr = captured = io.StringIO()
        status = main([str(tmp / "src"), str(tmp / "out")])
    finally:
        sys.stderr = err
    if status == 0:
        assert "the secret" not in (tmp / "out" / "student" / "x.ipynb").read_text()
    else:
        assert status == 2 and captured.getvalue().count("\n") == 1
        assert not (tmp / "out").exists()
