"""actnet.assign: student and instructor editions, never touching the source, repeatable."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from actnet.assign import AssignError, edition, main, write_editions

SOLUTION = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x  # the secret\n    ### END SOLUTION"


def code_cell(source, nbgrader=None, tags=None, outputs=None):
    metadata = {}
    if nbgrader:
        metadata["nbgrader"] = nbgrader
    if tags:
        metadata["tags"] = tags
    return {
        "cell_type": "code",
        "execution_count": 7,
        "id": f"c{abs(hash(source)) % 10**8}",
        "metadata": metadata,
        "outputs": outputs or [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
        "source": source,
    }


def answer(grade_id="ex-answer"):
    meta = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3}
    return {**meta, "solution": True, "task": False}


def notebook(*cells):
    return {
        "cells": list(cells),
        "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}},
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


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "src"
    nb = notebook(
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# Task"},
        {
            "cell_type": "markdown",
            "id": "m2",
            "metadata": {"tags": ["remove-from-editions"]},
            "source": "{download}`x <student/a.ipynb>`",
        },
        code_cell(SOLUTION, answer()),
        code_cell("check(f)", {"grade": True, "grade_id": "ex-check", "points": 1}),
    )
    write(src, "a.ipynb", nb)
    write(src, "b.ipynb", notebook(code_cell("x = 1")))
    return src


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_student_edition_replaces_the_solution_by_nbgraders_stub_at_its_indentation():
    nb = edition(notebook(code_cell(SOLUTION, answer())), "student")
    assert (
        text(nb["cells"][0]) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    )


def test_a_solution_cell_without_markers_is_replaced_whole_and_a_markdown_one_by_a_prompt():
    md = {"cell_type": "markdown", "id": "m", "metadata": {"nbgrader": answer("m")}, "source": "42"}
    nb = edition(notebook(code_cell("y = 42", answer()), md), "student")
    assert text(nb["cells"][0]) == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert text(nb["cells"][1]) == "YOUR ANSWER HERE"


def test_hidden_tests_are_removed_from_the_student_edition_only():
    src = "check(f)\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS"
    student = edition(notebook(code_cell(src)), "student")
    instructor = edition(notebook(code_cell(src)), "instructor")
    assert text(student["cells"][0]) == "check(f)"
    assert text(instructor["cells"][0]) == src


def test_both_editions_clear_outputs_counts_and_widget_state_and_drop_book_only_cells(source):
    nb = json.loads((source / "a.ipynb").read_text())
    for which in ("student", "instructor"):
        out = edition(nb, which)
        assert len(out["cells"]) == 3
        assert "widgets" not in out["metadata"]
        for cell in out["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
    instructor = edition(nb, "instructor")
    assert "the secret" in text(instructor["cells"][1])
    assert text(instructor["cells"][2]) == "check(f)"


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


@pytest.mark.parametrize("where", ["same", "parent"])
def test_the_source_folder_is_never_an_output(source, capsys, where):
    out = source if where == "same" else source.parent
    assert main([str(source), str(out), "--force"]) == 2
    assert "the source is never written to" in capsys.readouterr().err


def test_an_output_inside_the_source_is_allowed_and_not_read_back(source):
    write_editions(source, source / "student", editions=("student",))
    write_editions(source, source / "student", force=True, editions=("student",))
    assert sorted(p.name for p in (source / "student").iterdir()) == ["a.ipynb", "b.ipynb"]


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda src: None, "does not exist or is not a folder"),
        (lambda src: src.mkdir(), "holds no .ipynb notebook"),
        (lambda src: write(src, "x.ipynb", "{not json"), "cannot read"),
        (lambda src: write(src, "x.ipynb", {"cells": []}), "has nbformat None; version 4 expected"),
        (
            lambda src: write(
                src, "x.ipynb", notebook(code_cell("### BEGIN SOLUTION\nx = 1", answer()))
            ),
            "x.ipynb, cell 0: ### BEGIN SOLUTION without ### END SOLUTION",
        ),
        (
            lambda src: write(
                src, "x.ipynb", notebook(code_cell("a", answer("id")), code_cell("b", answer("id")))
            ),
            "x.ipynb, cells 0 and 1: the grade_id 'id' is used twice",
        ),
    ],
)
def test_bad_input_gives_a_message_and_exit_status_2_and_writes_nothing(
    tmp_path, capsys, setup, message
):
    src = tmp_path / "src"
    setup(src)
    assert main([str(src), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("actnet.assign: error: ") and message in err
    assert not (tmp_path / "out").exists()


def test_write_editions_raises_assign_error_for_an_unknown_edition(source, tmp_path):
    with pytest.raises(AssignError, match="edition must be one of student, instructor"):
        write_editions(source, tmp_path / "out", editions=("teacher",))


def test_python_dash_m_runs_it_and_bad_arguments_give_no_traceback(source, tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "actnet.assign", source, tmp_path / "out"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "wrote 2 student notebook(s)\nwrote 2 instructor notebook(s)\n"
    for args in ([], [str(tmp_path / "nowhere"), str(tmp_path / "o")]):
        bad = subprocess.run(
            [sys.executable, "-m", "actnet.assign", *args], capture_output=True, text=True
        )
        assert bad.returncode == 2
        assert "Traceback" not in bad.stderr and "error" in bad.stderr


def test_the_edition_of_a_real_exercise_notebook_holds_no_solution_text():
    root = Path(__file__).resolve().parents[1]
    nb = json.loads((root / "book" / "exercises" / "sigmoid.ipynb").read_text())
    student = json.dumps(edition(nb, "student"))
    assert "np.exp(-np.abs(x))" in json.dumps(nb)
    assert "np.exp(-np.abs(x))" not in student and "SOLUTION" not in student
