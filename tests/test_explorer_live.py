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
                "formatters": [
                    type(f).__name__
                    for f in (
                        ax.xaxis.get_major_formatter(),
                        ax.xaxis.get_minor_formatter(),
                        ax.yaxis.get_major_formatter(),
                        ax.yaxis.get_minor_formatter(),
                    )
                ],
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
    "signal_spread_explorer": [{"init": "large"}, {"depth": 5, "activation": "relu"}],
    "softmax_temperature_explorer": [{"temperature": 0.5}],
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


@pytest.fixture
def no_look(monkeypatch):
    """The thread making images ahead starts as soon as a move is answered."""
    from actnet.widgets import explorer as explorer_module

    monkeypatch.setattr(explorer_module, "_LOOK_SECONDS", 0.0)


def _prefetching_explorer(fail_at=None):
    """An explorer over a 3 x 4 grid whose compute records the thread it ran in."""
    import threading

    calls = []

    def compute(a, b):
        calls.append(((a, b), threading.current_thread() is threading.main_thread()))
        if (a, b) == fail_at:
            raise ValueError(f"no data at {fail_at}")
        return np.array([a, b], dtype=float)

    def draw(data, fig):
        fig.subplots().plot([0, 1], data)

    controls = [Control("a", [1, 2, 3], "a"), Control("b", [10, 20, 30, 40], "b", kind="dropdown")]
    ex = Explorer("t", controls, compute, draw, lambda d, v: "", prefetch=True)
    ex.widget()
    return ex, calls


def _wait_for(ex) -> None:
    if ex._worker is not None:
        assert ex._idle.wait(timeout=30), "the background thread did not finish"


def test_a_prefetching_explorer_computes_the_settings_one_move_away_in_another_thread(no_look):
    ex, calls = _prefetching_explorer()
    assert ex._worker is None and calls == [((1, 10), True)]  # nothing ahead before a move
    ex._update("a", 2)
    _wait_for(ex)
    ahead = sorted(values for values, main in calls if not main)
    # from (2, 10): the other a (1 is the start, shown already), the three other b
    assert ahead == [(2, 20), (2, 30), (2, 40), (3, 10)]
    for (a, b), main in calls:
        if not main:
            png, data = ex._prefetched[ex._key({"a": a, "b": b})]
            assert png.startswith(b"\x89PNG") and np.array_equal(data, [a, b])
    # the next move finds its data: the kernel draws, computes nothing
    ex._update("b", 40)
    assert [values for values, main in calls if main] == [(1, 10), (2, 10)]
    assert np.array_equal(ex.data, [2, 40]) and ex._status.value == ""
    _wait_for(ex)
    ahead = sorted(values for values, main in calls if not main)
    assert ahead == [(1, 40), (2, 20), (2, 30), (2, 40), (3, 10), (3, 40)]


def test_an_explorer_without_prefetch_or_set_from_code_computes_nothing_ahead():
    ex, calls = _prefetching_explorer()
    ex.set(a=3, b=20)  # a notebook's code, not a reader's move
    assert ex._worker is None
    ex.prefetch = False
    ex._update("a", 1)
    assert ex._worker is None and ex._prefetched == {}
    assert all(main for _, main in calls)


def test_the_thread_ends_when_idle_and_a_later_move_starts_another(monkeypatch, no_look):
    from actnet.widgets import explorer as explorer_module

    monkeypatch.setattr(explorer_module, "_IDLE_SECONDS", 0.2)
    ex, calls = _prefetching_explorer()
    ex._update("a", 2)
    first = ex._worker
    first.join(timeout=30)
    assert not first.is_alive() and ex._worker is None
    ex._update("b", 20)
    assert ex._worker is not None and ex._worker is not first
    _wait_for(ex)
    assert ex._key({"a": 3, "b": 20}) in ex._prefetched


def test_a_setting_that_fails_ahead_shows_its_error_when_the_reader_moves_to_it(no_look):
    ex, calls = _prefetching_explorer(fail_at=(1, 20))
    ex._update("b", 20)
    assert "no data at (1, 20)" in ex._status.value
    ex._update("b", 10)
    _wait_for(ex)
    assert ((1, 20), False) in calls and ex._key({"a": 1, "b": 20}) not in ex._prefetched
    ex._update("b", 20)
    assert "no data at (1, 20)" in ex._status.value  # computed again, in the kernel


def test_an_image_made_ahead_is_the_image_the_live_face_draws(no_look):
    ex = widgets.signal_spread_explorer(
        depths=(5, 10), inits=("he", "large"), activations=("tanh", "relu")
    )
    ex.widget()  # draws (tanh, he, 5)
    ex._update("depth", 10)
    _wait_for(ex)
    made = {key: png for key, (png, _) in ex._prefetched.items()}
    # one move from (tanh, he, 10): the other activation, the other init ((tanh, he, 5)
    # was drawn already)
    here = dict(ex.values)
    assert sorted(made) == sorted(
        ex._key({**here, name: value})
        for name, value in (("activation", "relu"), ("init", "large"))
    )
    ex._prefetched.clear()
    ex.prefetch = False
    for key, png in made.items():
        changed = next(name for name, value in key if value != here[name])
        ex._update(changed, dict(key)[changed])  # drawn by the live face now
        assert ex._png_cache[key][0] == png, key
        ex._update(changed, here[changed])


def test_showing_the_explorer_keeps_the_live_layout_that_images_made_ahead_share():
    """The kernel-free frames, drawn when the explorer is shown, are laid out on a figure
    of their own: the live figure keeps its first drawing's layout, as the copy that
    makes images ahead does (else an image made ahead sat a few pixels off)."""
    ex = widgets.signal_spread_explorer()
    ex.widget()
    first = [ax.get_position().bounds for ax in ex._figure.axes]
    ex._repr_mimebundle_()
    assert [ax.get_position().bounds for ax in ex._figure.axes] == first
    twin = ex._twin()
    assert [ax.get_position().bounds for ax in twin._figure.axes] == first
    ex._update("depth", 5)
    assert [ax.get_position().bounds for ax in ex._figure.axes] == first


def test_nothing_is_made_ahead_while_the_reader_moves_faster_than_a_look(monkeypatch):
    import time

    from actnet.widgets import explorer as explorer_module

    monkeypatch.setattr(explorer_module, "_LOOK_SECONDS", 0.6)
    ex, calls = _prefetching_explorer()
    for b in (20, 30, 40):
        ex._update("b", b)
        time.sleep(0.1)
    assert all(main for _, main in calls)  # every move answered alone
    _wait_for(ex)
    assert any(not main for _, main in calls)  # then, the reader looking, the thread works
