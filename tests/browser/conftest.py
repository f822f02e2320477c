"""Chromium, driven by Playwright, for the tests of what readers and students see.

The browser runs headless; the tests give it no network beyond this machine.
"""

from __future__ import annotations

import pytest

from .browser_support import ARTIFACTS, CHROMIUM_ARGS, chromium_executable


@pytest.fixture(scope="session")
def browser():
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, chromium_sandbox=False
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts():
    """``test-artifacts/`` (git-ignored): screenshots for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
