"""The live face redraws into the axes it drew last time: it must show what a fresh figure shows."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from actnet import widgets
from actnet.widgets import Control, Explorer


def _contents(fig) -> list:
    """What a reader reads off a figure: per axes its texts, limits, scales and lines."""
    shown = []
    for ax in fig.axes:
        legend = ax.get_legend()
        shown.append(
            {
                "title": ax.get_title(),
                "xlabel": ax.get_xlabel(),
                "ylabel": ax.get_ylabel(),
                "xlim": np.round(ax.get_xlim(), 9).tolist(),
                "ylim": np.round(ax.get_ylim(), 9).tolist(),
                "scales": (ax.get_xscale(), ax.get_yscale()),
                "lines": [
                    (
                        np.asarray(line.get_xdata(), float).round(9).tolist(),
                        np.asarray(line.get_ydata(), float).round(9).tolist(),
                        line.get_color(),
                        line.get_linestyle(),
                    )
                    for line in ax.lines
                ],
                "texts": [t.get_text() for t in ax.texts],
                "collections": len(ax.collections),
                "legend": [t.get_text() for t in legend.get_texts()] if legend else None,
            }
        )
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else None
    return [suptitle, shown]


def _fresh(explorer) -> Figure:
    fig = Figure(figsize=explorer.figsize, dpi=explorer.dpi, layout="constrained")
    explorer.draw(explorer.data, fig)
    return fig


SETTINGS = {
    "activation_explorer": [
        {"names": ("relu", "leaky_relu", "elu")},
        {"alpha": 0.5},
        {"names": ()},  # nothing to show: a text instead of a legend
        {"names": ("silu", "softplus"), "beta": 5.0},
        {"alpha": "own"},
    ],
    "maxout_explorer": [{"slope": 0.25}, {"intercept": 0.5}, {"slope": -0.5}],
    "zigzag_explorer": [{"lr": 1.0}, {"inputs": "zero-centred"}, {"lr": 0.05}],
    "vanishing_gradients_explorer": [{"depth": 2}, {"depth": 20}],
    "playground_explorer": [
        {"epochs": 20},
        {"dataset": "rings", "epochs": 20},
        {"activation_2": "tanh", "epochs": 40},
        {"init": "zeros"},
    ],
}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_live_figure_shows_what_a_fresh_one_shows(name):
    explorer = getattr(widgets, name)()
    explorer.png()
    for values in SETTINGS[name]:
        explorer.set(**values)
        explorer.png()
        assert explorer._grid is not None, "the live face stopped reusing its axes"
        assert _contents(explorer._figure) == _contents(_fresh(explorer)), values


def test_a_setting_seen_before_returns_the_image_kept_without_drawing_again():
    draws = []

    def draw(data, fig):
        draws.append(data)
        fig.subplots().plot([0, 1], [0, data])

    ex = Explorer("t", [Control("a", [1, 2, 3], "a")], lambda a: a, draw, lambda d, v: "")
    first = ex.png()
    second = ex.set(a=2).png()
    assert second != first and draws == [1, 2]
    assert ex.set(a=1).png() == first and draws == [1, 2]  # kept: no drawing
    ex.cache_size = 1
    ex.set(a=3).png()  # only the last one is kept now
    assert ex.set(a=2).png() == second and draws == [1, 2, 3, 2]


def test_a_draw_that_asks_for_other_axes_gets_a_fresh_figure():
    def draw(n, fig):
        axes = np.atleast_1d(fig.subplots(1, n))
        for k, ax in enumerate(axes):
            ax.plot([0, 1], [k, n])
            ax.set_title(f"{k} of {n}")

    ex = Explorer("t", [Control("n", [1, 2, 3], "n")], lambda n: n, draw, lambda d, v: "")
    for n in (1, 2, 3, 2, 1):
        ex.set(n=n)
        ex.cache_size = 0  # draw every time
        ex.png()
        assert [ax.get_title() for ax in ex._figure.axes] == [f"{k} of {n}" for k in range(n)]


def test_the_live_image_keeps_the_first_layout_and_the_frames_are_laid_out_anew():
    ex = widgets.maxout_explorer()
    ex.png()
    position = ex._figure.axes[0].get_position().bounds
    ex.set(slope=0.5).png()
    assert ex._figure.get_layout_engine() is not None
    assert ex._figure.axes[0].get_position().bounds == position
    # the kernel-free face draws every frame on fresh, laid-out axes
    ex.png(fresh=True)
    assert type(ex._figure.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
