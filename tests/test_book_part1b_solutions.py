"""The coding exercises of the tanh and ReLU chapters: their solutions pass their checks."""

import json
import re
from pathlib import Path

import numpy as np

BOOK = Path(__file__).resolve().parents[1] / "book"


def _directive(chapter: str, kind: str, label: str) -> str:
    """The body of the ``{exercise}`` or ``{solution}`` directive named ``label``."""
    notebook = json.loads((BOOK / f"{chapter}.ipynb").read_text())
    text = "\n".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    head = "{exercise}\n:label: " + label if kind == "exercise" else "{solution} " + label
    start = text.index(head)
    return text[start : text.index("\n````\n", start)]


def _python_blocks(body: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", body, re.S)


def test_tanh_coding_solution_passes_the_exercise_check():
    (solution,) = _python_blocks(_directive("tanh", "solution", "tanh-ex-code-scaled"))
    (check,) = _python_blocks(_directive("tanh", "exercise", "tanh-ex-code-scaled"))
    namespace: dict = {}
    exec(solution, namespace)
    exec(check, namespace)  # raises if the solution is wrong


def test_relu_coding_solution_passes_the_exercise_check():
    (solution,) = _python_blocks(_directive("relu", "solution", "relu-ex-code-dead"))
    (check,) = _python_blocks(_directive("relu", "exercise", "relu-ex-code-dead"))
    placeholder = "mine = ...  # your fraction of dead units, one number per hidden layer\n"
    assert placeholder in check
    namespace: dict = {}
    exec(check.replace(placeholder, solution), namespace)
    assert 0 < namespace["mine"][0] < namespace["mine"][1] < 1


def test_relu_check_rejects_the_share_of_zero_outputs():
    # the wrong answer the solution warns about must fail the check
    (check,) = _python_blocks(_directive("relu", "exercise", "relu-ex-code-dead"))
    wrong = "mine = [np.mean(h == 0) for h in outputs]\n"
    namespace: dict = {}
    placeholder = "mine = ...  # your fraction of dead units, one number per hidden layer\n"
    try:
        exec(check.replace(placeholder, wrong), namespace)
    except AssertionError:
        return
    raise AssertionError(f"the check accepted {np.round(namespace['mine'], 3)}")
