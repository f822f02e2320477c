"""The bibliography labelled as the text cites: "Nair and Hinton, 2010".

The chapters cite author-year (``bibtex_reference_style: author_year``), but
pybtex's styles label the list of references alphabetically ("NH10"). This
registers a formatting style, ``author_year``, whose labels are built from the
same name style as the citations: one author by name, two joined by "and",
three or more as the first one "et al.". Entries are sorted by author, year
and title; two entries with the same label get "a", "b" after the year.
"""

from __future__ import annotations

from collections import Counter

import pybtex.plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle
from sphinxcontrib.bibtex.style.referencing import PersonStyle


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels "Cybenko, 1989", "Nair and Hinton, 2010", "He et al., 2015"."""

    # the citations' own person style, so that a label reads as its citation
    person = PersonStyle()

    def format_label(self, entry) -> str:
        authors = self.person.names("author", full=False).format_data(
            {"entry": entry, "style": self}
        )
        return f"{authors.render_as('text')}, {entry.fields['year']}"

    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        count, seen = Counter(labels), Counter()
        for label in labels:
            if count[label] == 1:
                yield label
            else:
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label]]
                seen[label] += 1


class AuthorYearStyle(AlphaStyle):
    """pybtex's alpha style (sorted by author, year, title) with author-year labels."""

    default_label_style = "author_year"


def setup(app):
    pybtex.plugin.register_plugin("pybtex.style.labels", "author_year", AuthorYearLabelStyle, True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle, True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
