"""The built exercise pages link their student editions, and the download is that edition."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STEMS = ["nonlinearity", "sigmoid", "tanh", "relu", "variants", "maxout", "choosing"]


@pytest.mark.parametrize("stem", STEMS)
def test_each_exercise_page_links_its_student_edition_for_download(html, stem):
    page = (html / "book" / "exercises" / f"{stem}.html").read_text()
    links = re.findall(r'<a class="reference download internal" download="" href="([^"]+)"', page)
    assert len(links) == 1
    assert links[0].startswith("../../_downloads/") and links[0].endswith(f"/{stem}.ipynb")
    downloaded = (html / "book" / "exercises" / links[0]).resolve()
    assert (
        downloaded.read_bytes() == (ROOT / "book/exercises/student" / f"{stem}.ipynb").read_bytes()
    )


@pytest.mark.parametrize("stem", STEMS)
def test_each_exercise_page_folds_its_solutions_and_shows_passing_checks(html, stem):
    page = (html / "book" / "exercises" / f"{stem}.html").read_text()
    answers = page.count("tag_hide-input")
    assert 2 <= answers <= 4
    assert page.count("✓ ") == answers


def test_the_student_editions_are_not_pages_of_the_book(html):
    assert not (html / "book" / "exercises" / "student").exists()
