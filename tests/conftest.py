"""Test settings: Hypothesis runs derandomized, so every run draws the same examples.

The book is built once per test run (the ``html`` fixture) and shared by every test of a page.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

settings.register_profile("actnet", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("actnet")


@pytest.fixture(scope="session")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [jupyter_book, "build", ROOT, "--path-output", out, "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out / "_build" / "html"
