"""Every control of every live explorer changes its image in JupyterLab (times are not asserted).

The chapters run in JupyterLab in Chromium through ``benchmarks/explorers.py`` (the
benchmark of what a reader feels), with two moves per control: every kind of control
of every explorer (slider, dropdown, toggle, button) must have changed the image at
least once. How long it took is the benchmark's business, not this test's.
"""

from __future__ import annotations

import importlib.util

import pytest

from .browser_support import ROOT

pytestmark = pytest.mark.browser


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "explorers_benchmark", ROOT / "benchmarks" / "explorers.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _benchmark()
CHAPTERS = BENCH.chapters_with_explorers()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_control_of_every_live_explorer_changes_its_image(chapter, browser):
    """Runs in the session's one browser: Playwright's sync API cannot be started a
    second time while the session's is open."""
    results = BENCH.lab(2, [chapter], ROOT, None, browser=browser)
    assert results, f"{chapter} shows no live explorer in JupyterLab"
    for name, result in results.items():
        assert result["moves"] > 0, f"{name}: no control was found to move"
        dead = [kind for kind, (changed, _) in result["kinds"].items() if changed == 0]
        assert dead == [], f"{name}: moving its {dead} never changed the image"
