"""A live explorer's figure drawn in layers shows what one drawing of the whole figure shows."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from actnet import widgets
from actnet.widgets.layers import KEPT, LayeredCanvas, frames_key

MOVES = {
    "activation_explorer": [{"names": ("relu", "elu")}, {"alpha": 0.5}],
    "bias_kick_explorer": "first two values",
    "dying_relu_explorer": "first two values",
    "maxout_explorer": [{"slope": 0.25}, {"intercept": 0.5}],
    "normalisation_explorer": "first two values",
    "playground_explorer": [{"epochs": 20}, {"dataset": "rings"}, {"activation_2": "tanh"}],
    "report_card_explorer": "first two values",
    "saturation_explorer": "first two values",
    "signal_spread_explorer": [{"init": "large"}, {"depth": 5}],
    "softmax_temperature_explorer": [{"temperature": 0.5}, {"temperature": 2.0}],
    "vanishing_gradients_explorer": [{"depth": 2}, {"depth": 20}],
    "zigzag_explorer": [{"lr": 1.0}, {"inputs": "zero-centred"}],
}


def _moves(explorer, moves):
    if moves != "first two values":
        return moves
    found = []
    for control in explorer.controls:
        others = [v for v in control.values if v != control.start]
        if control.kind in ("slider", "dropdown") and others:
            found.append({control.name: others[0]})
    return found[:2]


def _pixels(canvas) -> np.ndarray:
    return np.asarray(canvas.buffer_rgba()).copy()


def _edges(figure, shape) -> np.ndarray:
    """The pixels within one of an axes' edge (where its spine lies)."""
    near = np.zeros(shape[:2], bool)
    rows = np.arange(shape[0])[:, None]
    columns = np.arange(shape[1])[None, :]
    for ax in figure.axes:
        x0, y0, x1, y1 = ax.bbox.extents
        top, bottom = shape[0] - y1, shape[0] - y0  # image rows run downwards
        inside_x = (columns >= x0 - 1.5) & (columns <= x1 + 1.5)
        inside_y = (rows >= top - 1.5) & (rows <= bottom + 1.5)
        on_x = (np.abs(columns - x0) <= 1.5) | (np.abs(columns - x1) <= 1.5)
        on_y = (np.abs(rows - top) <= 1.5) | (np.abs(rows - bottom) <= 1.5)
        near |= (on_x & inside_y) | (on_y & inside_x)
    return near


@pytest.mark.parametrize("name", sorted(MOVES))
def test_a_layered_image_is_the_whole_figure_drawn_at_once_but_at_an_axes_edge(name):
    explorer = getattr(widgets, name)()
    assert sorted(MOVES) == sorted(n for n in widgets.__all__ if n.endswith("_explorer"))
    explorer.png()
    for values in _moves(explorer, MOVES[name]):
        explorer.set(**values)
        explorer.png()  # drawn in layers
        figure, canvas = explorer._figure, explorer._layers.canvas
        layered = _pixels(canvas)
        canvas.draw()  # the same figure in one drawing
        whole = _pixels(canvas)
        differ = np.any(layered != whole, axis=-1)
        # where a tick mark's end meets a filled area, under the spine: a few pixels
        assert differ.sum() <= 24, (values, int(differ.sum()))
        assert not (differ & ~_edges(figure, whole.shape)).any(), values


def _count_text_drawings(monkeypatch) -> list:
    drawn = []
    original = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text():
            drawn.append(self.get_text())
        return original(self, renderer)

    monkeypatch.setattr(Text, "draw", draw)
    return drawn


def test_a_step_of_the_playground_draws_no_text(monkeypatch):
    explorer = widgets.playground_explorer()
    explorer.png()
    explorer.set(epochs=5).png()  # the layers are drawn and kept
    drawn = _count_text_drawings(monkeypatch)
    explorer.set(epochs=10).png()
    assert drawn == []
    explorer.set(dataset="rings").png()  # other axes' limits: drawn anew
    assert "Decision regions" in drawn and "Training loss" in drawn


def _figure_with_line():
    figure = Figure(figsize=(3, 2), dpi=80)
    ax = figure.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    return figure, ax, line


def test_a_new_title_or_new_ticks_are_drawn_anew_and_show():
    figure, ax, line = _figure_with_line()
    ax.set_title("one")
    canvas = LayeredCanvas(figure)
    assert canvas.draw() == "none"
    line.set_ydata([1, 0])
    assert canvas.draw() == "labels"
    ax.set_title("two")
    assert canvas.draw() == "frames"
    layered = _pixels(canvas.canvas)
    canvas.canvas.draw()
    assert np.array_equal(layered, _pixels(canvas.canvas))
    ax.set_xticks([0.0, 0.5, 1.0], ["a", "b", "c"])
    assert canvas.draw() == "none"
    layered = _pixels(canvas.canvas)
    canvas.canvas.draw()
    assert np.array_equal(layered, _pixels(canvas.canvas))
    ax.set_title("one")
    ax.set_xticks([0.0, 0.5, 1.0], ["a", "b", "c"], rotation=45)  # the labels' own setting
    assert canvas.draw() == "none"


@pytest.mark.parametrize(
    "change",
    [
        lambda figure, ax: ax.grid(True),
        lambda figure, ax: ax.tick_params(direction="in"),
        lambda figure, ax: figure.set_layout_engine("constrained"),
        lambda figure, ax: figure.figimage(np.zeros((2, 2))),
        lambda figure, ax: ax.inset_axes([0.5, 0.5, 0.4, 0.4]),
    ],
    ids=["grid", "inward ticks", "layout engine", "figure image", "inset axes"],
)
def test_what_lies_under_the_data_or_moves_at_each_drawing_is_drawn_in_one_pass(change):
    figure, ax, _line = _figure_with_line()
    change(figure, ax)
    assert frames_key(figure) is None
    assert LayeredCanvas(figure).draw() == "one pass"


def test_the_kept_layers_are_bounded():
    figure, ax, _line = _figure_with_line()
    canvas = LayeredCanvas(figure)
    for k in range(KEPT + 5):
        ax.set_xlim(0, k + 1)
        ax.set_title(str(k))
        assert canvas.draw() == "none"
    assert len(canvas._frames) == KEPT and len(canvas._labelled) == KEPT
    ax.set_xlim(0, KEPT + 5)
    ax.set_title(str(KEPT + 4))
    assert canvas.draw() == "labels"  # the most recent are the ones kept


def test_the_first_move_after_display_finds_the_frames_drawn(monkeypatch):
    started = []
    draw = LayeredCanvas.draw

    def recorded(self):
        started.append(draw(self))
        return started[-1]

    monkeypatch.setattr(LayeredCanvas, "draw", recorded)
    explorer = widgets.activation_explorer()
    explorer._repr_mimebundle_()  # the live widget, then the kernel-free frames
    assert started == ["none"]  # the setting shown, drawn in layers once more
    explorer._update("alpha", 0.3)
    assert started == ["none", "labels"]
