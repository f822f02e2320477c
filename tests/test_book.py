"""The book builds with warnings as errors, and the built pages hold what they should."""

import re


def test_book_builds_with_every_page(html):
    assert (html / "index.html").exists()
    assert (html / "book" / "intro.html").exists()
    assert (html / "book" / "glance.html").exists()
    assert (html / "book" / "bibliography.html").exists()


def test_glance_figure_has_alt_text_and_glued_numbers(html):
    page = (html / "book" / "glance.html").read_text()
    # the chapter's own figures (the theme's logos are not the chapter's)
    images = [img for img in re.findall(r"<img[^>]*>", page) if "_images/" in img]
    assert len(images) == 1
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, img[:200]
    # the glued count of activations and the sigmoid's largest slope
    assert 'knows <span class="pasted-text">12</span> activations' in page
    assert 'never exceeds <span class="pasted-text">0.25</span>' in page


def test_launch_and_download_buttons_point_at_the_notebook(html):
    page = (html / "book" / "glance.html").read_text()
    assert "mybinder.org/v2/gh/actnet-course/actnet/main?urlpath=lab/tree/book/glance.ipynb" in page
    assert (
        "colab.research.google.com/github/actnet-course/actnet/blob/main/book/glance.ipynb" in page
    )
    assert "_sources/book/glance.ipynb" in page
