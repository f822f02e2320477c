"""What the browser tests share: the pages of the book, and where Chromium is.

The browser runs headless with no network beyond this machine: every request to
another host is aborted (and recorded) by a route. The book needs none: it
serves MathJax itself (``book/_ext/offline.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import actnet_source
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# a laptop's window and a phone's, in CSS pixels
WIDTHS = {"laptop": 1280, "phone": 390}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def toc_files() -> list[str]:
    """Every page of ``_toc.yml`` (root, chapters, sections), as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", [toc]):
        walk(part.get("chapters", []))
    return files


def notebook_files() -> list[str]:
    """The pages of ``_toc.yml`` that are notebooks."""
    return [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]


def chromium_executable() -> str:
    """The Chromium to drive, or a failure that says what to install (never a skip)."""
    chosen = os.environ.get("ACTNET_CHROMIUM")
    if chosen:
        if not Path(chosen).is_file():
            pytest.fail(f"ACTNET_CHROMIUM={chosen} is not a file", pytrace=False)
        return chosen
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "The browser tests need Chromium and none was found (looked for "
        f"{', '.join(CHROMIUM_NAMES)} on PATH and $ACTNET_CHROMIUM). Install it: on Debian "
        "`apt-get install chromium` (`python3 tasks.py test` does this itself when run as root "
        "on Debian), elsewhere any Chromium or Chrome, named by ACTNET_CHROMIUM=/path/to/it. "
        "To leave the browser tests out locally: python3 tasks.py test -m 'not browser'.",
        pytrace=False,
    )


BINDER_VENV = ROOT / ".venv-binder"
# what repo2docker's image holds before the repository's own pip step, and that step
REPO2DOCKER_BASE = ROOT / "benchmarks" / "repo2docker-base.txt"
BINDER_REQUIREMENTS = ROOT / ".binder" / "requirements.txt"


def binder_environment() -> Path:
    """A virtual environment made as Binder makes it: repo2docker's base environment
    (``benchmarks/repo2docker-base.txt``: JupyterLab, the Jupyter server, ipywidgets, ...),
    then ``.binder/requirements.txt`` installed into it.

    Kept in ``.venv-binder/`` and made again only when either list or ``pyproject.toml``
    changes (that takes minutes); actnet itself is installed as Binder installs it
    (``pip install .``, not editable), again whenever its code changes.
    """
    python = BINDER_VENV / "bin" / "python"
    requirements = actnet_source.digest(
        [REPO2DOCKER_BASE, BINDER_REQUIREMENTS, ROOT / "pyproject.toml"]
    )
    stamp = BINDER_VENV / ".requirements-sha256"
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    if not (python.exists() and stamp.exists() and stamp.read_text() == requirements):
        shutil.rmtree(BINDER_VENV, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(BINDER_VENV)
        subprocess.run([*pip, "-r", str(REPO2DOCKER_BASE)], check=True)
        # from the repository's root, as repo2docker runs it: its "." is actnet
        subprocess.run([*pip, "-r", str(BINDER_REQUIREMENTS)], cwd=ROOT, check=True)
        # the first import of matplotlib builds its font cache: not in a chapter's output
        subprocess.run([str(python), "-c", "import matplotlib.pyplot"], check=True)
        stamp.write_text(requirements)
        (BINDER_VENV / ".actnet-sha256").unlink(missing_ok=True)
    code = actnet_source.code_digest()
    actnet_stamp = BINDER_VENV / ".actnet-sha256"
    if not (actnet_stamp.exists() and actnet_stamp.read_text() == code):
        with actnet_source.copied() as source:
            subprocess.run([*pip, "--no-deps", "--force-reinstall", str(source)], check=True)
        actnet_stamp.write_text(code)
    return BINDER_VENV
