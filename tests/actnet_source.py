"""actnet as ``pip install .`` builds it from this checkout, for the tests that install it
into an environment of their own (the fresh one that stands for Colab, Binder's)."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def digest(paths) -> str:
    """SHA-256 over the paths (relative to the checkout) and their contents."""
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def code_digest() -> str:
    """What an installed actnet is made of: its code, its Jupyter config and pyproject.toml."""
    return digest(
        sorted((ROOT / "actnet").rglob("*.py"))
        + sorted((ROOT / "jupyter-config").rglob("*.json"))
        + [ROOT / "pyproject.toml"]
    )


@contextlib.contextmanager
def copied():
    """A scratch folder holding what ``pip install .`` builds actnet from (the build
    happens there, outside the shared tree); removed afterwards."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "actnet-source"
        shutil.copytree(
            ROOT / "actnet",
            source / "actnet",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        shutil.copytree(ROOT / "jupyter-config", source / "jupyter-config")
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy(ROOT / name, source / name)
        yield source
