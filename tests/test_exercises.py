"""The exercise notebooks: nbgrader-shaped, their student editions current, solution-free,
failing kindly, and their instructor editions passing every check.

Each edition's notebooks, one per chapter, run in one kernel (reset between notebooks) to keep
the file quick; nbval runs each source notebook in a kernel of its own.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from actnet.assign import SOLUTION_MARKERS, edition, write_editions

# the chapters as the table of contents lists them; pytest puts tests/book on the path only
# for the tests collected there
sys.path.insert(0, str(Path(__file__).parent / "book"))
from book_pages import chapters  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "book" / "exercises"
STUDENT = EXERCISES / "student"
# one exercise notebook per chapter of the course, in the book's order
STEMS = chapters()


def source(stem):
    return json.loads((EXERCISES / f"{stem}.ipynb").read_text())


def meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell):
    return cell["cell_type"] == "code" and meta(cell).get("solution") is True


def is_check(cell):
    return cell["cell_type"] == "code" and meta(cell).get("grade") is True


def solution_lines(nb):
    """Every line strictly inside a solution region, comments stripped."""
    lines = []
    for cell in filter(is_answer, nb["cells"]):
        text = "".join(cell["source"])
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", text, re.S):
            lines += [line.split("#")[0].strip() for line in region.splitlines()]
    return [line for line in lines if re.search(r"\w", line)]


def test_every_exercise_page_of_the_toc_is_a_notebook_and_no_placeholder_is_left():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p["caption"] == "Exercises to hand in")
    files = [s["file"] for s in part["chapters"][0]["sections"]]
    # the pages are the student editions: what a page's buttons hand out holds no solution
    assert files == [f"book/exercises/student/{stem}" for stem in STEMS]
    for stem in STEMS:
        assert (EXERCISES / f"{stem}.ipynb").exists()
        assert (STUDENT / f"{stem}.ipynb").exists()
        assert not (EXERCISES / f"{stem}.md").exists()


@pytest.mark.parametrize("stem", STEMS)
def test_each_notebook_is_an_intro_then_two_to_four_task_answer_check_triples(stem):
    cells = source(stem)["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    answers = [i for i, c in enumerate(cells) if is_answer(c)]
    assert 2 <= len(answers) <= 4
    for i in answers:
        task, answer, check = cells[i - 1], cells[i], cells[i + 1]
        assert task["cell_type"] == "markdown" and "## Exercise" in "".join(task["source"])
        assert "### BEGIN SOLUTION" in "".join(answer["source"])
        assert meta(answer) == {
            "grade": False,
            "grade_id": meta(answer)["grade_id"],
            "locked": False,
            "schema_version": 3,
            "solution": True,
            "task": False,
        }
        assert is_check(check) and meta(check)["locked"] is True
        assert meta(check)["solution"] is False and meta(check)["points"] > 0
        assert "".join(check["source"]).startswith("check.")


def test_grade_ids_are_unique_across_all_exercise_notebooks():
    ids = [meta(c)["grade_id"] for s in STEMS for c in source(s)["cells"] if meta(c)]
    assert (
        len(ids)
        == len(set(ids))
        == 2 * sum(is_answer(c) for s in STEMS for c in source(s)["cells"])
    )


@pytest.mark.parametrize("stem", STEMS)
def test_each_notebook_and_its_student_edition_install_actnet_first_on_colab(stem):
    """(The second cell used to link the student edition for download from a page showing
    the solved notebook; the pages are the student editions now, and that cell is gone.)"""
    for notebook in (source(stem), json.loads((STUDENT / f"{stem}.ipynb").read_text())):
        cell = notebook["cells"][1]
        assert cell["cell_type"] == "code" and "remove-cell" in cell["metadata"]["tags"]
        assert 'if "google.colab" in sys.modules:\n' in "".join(cell["source"])
        assert "%pip install" in "".join(cell["source"])
        assert not any("{download}" in "".join(c["source"]) for c in notebook["cells"])


def test_the_committed_student_editions_are_exactly_what_actnet_assign_writes(tmp_path):
    write_editions(EXERCISES, tmp_path, editions=("student",))
    fresh = {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}
    committed = {p.name: p.read_bytes() for p in STUDENT.glob("*.ipynb")}
    assert sorted(committed) == sorted(f"{stem}.ipynb" for stem in STEMS)
    stale = [name for name in fresh if committed.get(name) != fresh[name]]
    assert not stale, (
        f"{stale} are out of date: python -m actnet.assign book/exercises "
        "book/exercises/student --edition student --force"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_the_student_edition_contains_no_solution_text(stem):
    lines = solution_lines(source(stem))
    assert lines
    raw = (STUDENT / f"{stem}.ipynb").read_text()
    student = "\n".join("".join(c["source"]) for c in json.loads(raw)["cells"])
    assert not SOLUTION_MARKERS.search(raw)
    assert [line for line in lines if line in student] == []
    assert student.count("raise NotImplementedError()") == raw.count("NotImplementedError")


def run_in_one_kernel(notebooks):
    """Execute ``notebooks`` one after another in one kernel, errors allowed."""
    first = notebooks[0]
    client = NotebookClient(
        first,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(EXERCISES)}},
    )
    reset = nbformat.v4.new_code_cell("get_ipython().run_line_magic('reset', '-f')")
    # nbclient stores an executed cell back into client.nb, so the reset gets its own notebook
    scratch = nbformat.v4.new_notebook(cells=[reset])
    with client.setup_kernel():
        for nb in notebooks:
            client.nb = scratch
            client.execute_cell(reset, 0)
            client.nb = nb
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
    return notebooks


def flat(text):
    """``text`` with its line breaks (the feedback is wrapped) as single spaces."""
    return " ".join(text.split())


def outputs(cell):
    return [o for o in cell.outputs if o.output_type in ("stream", "error", "execute_result")]


@pytest.fixture(scope="module")
def runs():
    """Both editions of every notebook, executed (one kernel start for all fourteen)."""
    student = [nbformat.read(STUDENT / f"{stem}.ipynb", as_version=4) for stem in STEMS]
    instructor = [
        nbformat.reads(json.dumps(edition(source(stem), "instructor", stem)), as_version=4)
        for stem in STEMS
    ]
    never_returns = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(SETUP_NEVER_RETURNS),
            nbformat.v4.new_code_cell("check.activation(relu, 'relu', time_limit=0.5)"),
            nbformat.v4.new_code_cell("print('the kernel is alive')"),
        ]
    )
    run_in_one_kernel(student + instructor + [never_returns])
    return {
        "student": dict(zip(STEMS, student)),
        "instructor": dict(zip(STEMS, instructor)),
        "never_returns": never_returns,
    }


SETUP_NEVER_RETURNS = """from actnet import check


def relu(x):
    while True:
        pass
"""


def test_in_a_kernel_an_answer_that_never_returns_is_stopped_and_the_kernel_lives_on(runs):
    _, stopped, alive = runs["never_returns"].cells
    (error,) = outputs(stopped)
    assert error.ename == "CheckFailed" and "did not return within 0.5 s" in flat(error.evalue)
    assert [o.text for o in outputs(alive)] == ["the kernel is alive\n"]


@pytest.fixture(scope="module")
def student_run(runs):
    return runs["student"]


@pytest.fixture(scope="module")
def instructor_run(runs):
    return runs["instructor"]


@pytest.mark.parametrize("stem", STEMS)
def test_in_the_student_edition_every_check_fails_kindly_and_nothing_else_breaks(student_run, stem):
    for cell in student_run[stem].cells:
        if cell.cell_type != "code":
            continue
        if is_check(cell):
            (out,) = outputs(cell)
            assert out.output_type == "error" and out.ename == "CheckFailed"
            assert out.traceback[0].startswith("✗ ")
            assert "is not written yet" in flat(out.evalue) or "registered yet" in flat(out.evalue)
        else:
            assert outputs(cell) == [], "".join(cell.source)


@pytest.mark.parametrize("stem", STEMS)
def test_the_instructor_edition_passes_every_check(instructor_run, stem):
    checks = [c for c in instructor_run[stem].cells if is_check(c)]
    for cell in instructor_run[stem].cells:
        if cell.cell_type != "code":
            continue
        shown = outputs(cell)
        if is_check(cell):
            assert [o.output_type for o in shown] == ["execute_result"], shown
            assert shown[0].data["text/plain"].startswith("✓ ")
        else:
            assert shown == [], "".join(cell.source)
    assert checks


def nbgrader_command(course, *args):
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(
        [bin_dir / "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[ERROR]" not in result.stderr and "| ERROR]" not in result.stderr
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course holding the exercise notebooks as assignment ps1, released
    with its gradebook."""
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "actnet"\n'
    )
    assignment = course / "source" / "ps1"
    assignment.mkdir(parents=True)
    for stem in STEMS:
        (assignment / f"{stem}.ipynb").write_bytes((EXERCISES / f"{stem}.ipynb").read_bytes())
    nbgrader_command(course, "generate_assignment", "ps1")
    return course


def test_nbgraders_release_is_our_student_edition_but_for_the_book_only_cell(course):
    for stem in STEMS:
        released = json.loads((course / "release" / "ps1" / f"{stem}.ipynb").read_text())
        released["cells"] = [
            c
            for c in released["cells"]
            if "remove-from-editions" not in c["metadata"].get("tags", [])
        ]
        released["metadata"].pop("widgets", None)
        assert released == json.loads((STUDENT / f"{stem}.ipynb").read_text()), stem


def submit(course, student, notebook):
    folder = course / "submitted" / student / "ps1"
    folder.mkdir(parents=True)
    (folder / "relu.ipynb").write_text(json.dumps(notebook))


def test_autograde_gives_the_solutions_full_marks_the_student_edition_none_and_a_wrong_answer_loses_its_points(
    course,
):
    """nbgrader's autograder on the relu notebook (three exercises of 2 points), submitted
    three times: the student edition as handed out, with every solution filled in, and with
    a derivative that is 1 at the kink (relu'(0) is 0 in the course)."""
    from nbgrader.api import Gradebook

    blank = json.loads((STUDENT / "relu.ipynb").read_text())
    solutions = {meta(c)["grade_id"]: c["source"] for c in source("relu")["cells"] if is_answer(c)}
    perfect = json.loads(json.dumps(blank))
    for cell in perfect["cells"]:
        if meta(cell).get("grade_id") in solutions:
            cell["source"] = solutions[meta(cell)["grade_id"]]
    wrong = json.loads(json.dumps(perfect))
    (cell,) = [c for c in wrong["cells"] if meta(c).get("grade_id") == "relu-derivative-answer"]
    cell["source"] = (
        "def relu_grad(x):\n    return np.where(np.isnan(x), x, (x >= 0).astype(x.dtype))"
    )
    for student, notebook in (("blank", blank), ("perfect", perfect), ("wrong", wrong)):
        submit(course, student, notebook)
    nbgrader_command(course, "autograde", "ps1")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "actnet") as gradebook:
        scores = {
            student: {
                grade.name: grade.score
                for grade in gradebook.find_submission_notebook("relu", "ps1", student).grades
            }
            for student in ("blank", "perfect", "wrong")
        }
    checks = ["relu-derivative-check", "relu-unit-gradient-check", "relu-kill-check"]
    assert scores["perfect"] == dict.fromkeys(checks, 2.0)
    assert scores["blank"] == dict.fromkeys(checks, 0.0)
    assert scores["wrong"] == {**dict.fromkeys(checks, 2.0), "relu-derivative-check": 0.0}


def test_tasks_execute_tells_an_exercise_notebook_from_the_chapter_of_the_same_stem():
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    exercise = EXERCISES / "relu.ipynb"
    assert exercise in tasks.NOTEBOOKS
    assert {"exercises/relu", "exercises/relu.ipynb"} <= tasks.notebook_names(exercise)
    assert "relu" not in tasks.notebook_names(exercise)
    assert "relu" in tasks.notebook_names(ROOT / "book" / "relu.ipynb")
    assert not any(p.parent == STUDENT for p in tasks.NOTEBOOKS)
