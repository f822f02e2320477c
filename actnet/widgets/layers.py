"""A live explorer's figure drawn in layers: what stays is drawn once, what moves each time.

Most of a redraw's time goes to text: every glyph of every tick label, axis label and
title laid out and rendered. Yet from one setting to the next the axes rarely change (a
slider moves a curve, not the axes) and a title often stays the same. So a figure whose
layout is fixed is drawn in three layers, each over a copy of the one below:

1. the *frames*: the figure's and the axes' backgrounds and their axis objects (tick
   marks, tick labels, axis labels), kept per :func:`frames_key`;
2. the *labels*: the texts outside every axes (titles, a figure's title), kept per
   frames and texts;
3. the *data*: every other artist (lines, collections, spines, legends, texts inside
   the axes), drawn each time in the order the axes would draw them.

Tick marks point out of the axes and gridlines are off in every figure drawn so (the
others are drawn in one pass), so what the data cover is what one pass would cover:
the images are the same, but for a few pixels where a tick mark's end meets the data
at an axes' edge, under its spine.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

__all__ = ["LayeredCanvas", "frames_key", "keep_recent"]

KEPT = 8
"""How many images of each lower layer a figure keeps (the most recently used)."""


def keep_recent(kept: dict, key, entry, size: int) -> None:
    """``entry`` kept in ``kept`` as the most recently used; the oldest beyond ``size``
    dropped (``pop`` with a default: another thread may have taken it)."""
    kept[key] = entry
    while len(kept) > size:
        kept.pop(next(iter(kept)), None)


def _axis_key(axis) -> list | None:
    """What an axis draws, as a list (None: it draws inside its axes)."""
    import matplotlib as mpl

    parts: list[Any] = []
    for which, ticker in (("major", axis.major), ("minor", axis.minor)):
        params = axis.get_tick_params(which=which)
        direction = params.get("direction", mpl.rcParams[f"{axis.axis_name}tick.direction"])
        if params.get("gridOn") or direction != "out":
            return None  # a grid or inward ticks lie inside the axes, under its data
        locations = list(ticker.locator())
        parts += [sorted(params.items()), locations, ticker.formatter.format_ticks(locations)]
    parts.append(axis.major.formatter.get_offset())
    ticks = axis.get_major_ticks(1)  # a label's own settings (set_xticks(..., rotation=45))
    for text in (ticks[0].label1, ticks[0].label2, axis.label):
        parts.append(
            (
                text.get_visible(),
                text.get_text() if text is axis.label else "",
                text.get_fontsize(),
                text.get_color(),
                text.get_rotation(),
                text.get_horizontalalignment(),
            )
        )
    parts += [axis.get_visible(), axis.get_label_position(), axis.get_ticks_position()]
    return parts


def frames_key(figure) -> str | None:
    """What the frames layer of ``figure`` shows, as a string; None if it cannot be layered.

    Places each axes for its data (its aspect), as a drawing would. Two figures with
    the same key have the same frames.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = figure.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        return None  # a layout engine moves the axes at each drawing
    if figure.subfigs or figure.images:
        return None
    parts: list[Any] = [tuple(figure.bbox.bounds), figure.patch.get_facecolor()]
    for ax in figure.axes:
        if not ax.get_visible() or ax.get_axes_locator() is not None or ax.child_axes:
            return None
        ax.apply_aspect()
        parts.append(
            (
                tuple(ax.bbox.bounds),
                tuple(ax.viewLim.bounds),
                ax.get_xscale(),
                ax.get_yscale(),
                ax.axison,
                ax.get_frame_on(),
                ax.patch.get_facecolor(),
                [(name, spine.get_position()) for name, spine in ax.spines.items()],
            )
        )
        for axis in (ax.xaxis, ax.yaxis):
            drawn = _axis_key(axis)
            if drawn is None:
                return None
            parts.append(drawn)
    return repr(parts)


def _text_key(text, renderer) -> tuple:
    """What a text draws: its string, where, and how."""
    font = text.get_fontproperties()
    return (
        text.get_text(),
        tuple(text.get_window_extent(renderer).bounds),
        text.get_color(),
        text.get_alpha(),
        text.get_rotation(),
        font.get_family(),
        font.get_size(),
        font.get_weight(),
        font.get_style(),
        text.get_bbox_patch() is None,
    )


class LayeredCanvas:
    """Draws a figure whose layout is fixed in three layers, the two lower ones kept.

    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(3, 2), dpi=80)
    >>> ax = figure.subplots()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> _ = ax.set_title("a line")
    >>> canvas = LayeredCanvas(figure)
    >>> canvas.draw()     # first time: every layer drawn
    'none'
    >>> line.set_ydata([1, 0])
    >>> canvas.draw()     # the same axes and title: only the line drawn
    'labels'
    >>> _ = ax.set_title("the other line")
    >>> canvas.draw()     # another title: the frames reused, the title drawn
    'frames'
    """

    def __init__(self, figure) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = figure
        canvas = figure.canvas
        self.canvas = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        self._frames: dict[str, Any] = {}
        self._labelled: dict[str, Any] = {}

    def draw(self) -> str:
        """Draw the figure; say which kept layer it started from: "labels", "frames" or
        "none" (drawn in layers from the start), or "one pass" (a figure that cannot be
        layered, see :func:`frames_key`)."""
        key = frames_key(self.figure)
        if key is None:
            self.canvas.draw()
            return "one pass"
        renderer = self.canvas.get_renderer()
        self._place_titles(renderer)
        labels, data = self._split(renderer)
        labels_key = key + repr([_text_key(t, renderer) for t in labels])
        start = "labels"
        below = self._labelled.pop(labels_key, None)
        if below is None:
            start = "frames"
            frames = self._frames.pop(key, None)
            if frames is None:
                start = "none"
                frames = self._draw_frames([*labels, *(a for _p, group in data for a in group)])
                self._place_titles(renderer)  # placed while hidden: placed again
            keep_recent(self._frames, key, frames, KEPT)
            self.canvas.restore_region(frames)
            for text in labels:
                text.draw(renderer)
            below = self.canvas.copy_from_bbox(self.figure.bbox)
        keep_recent(self._labelled, labels_key, below, KEPT)
        self.canvas.restore_region(below)
        for _parent, group in data:
            for artist in group:
                artist.draw(renderer)
        return start

    def _place_titles(self, renderer) -> None:
        """Place each axes' titles as its drawing does: above what the axes show on top
        (matplotlib's own step of ``Axes.draw``, there since matplotlib 3.0)."""
        for ax in self.figure.axes:
            ax._update_title_position(renderer)

    def _split(self, renderer) -> tuple[list, list[tuple[Any, list]]]:
        """The labels layer's texts, and the data layer's artists per axes and then the
        figure's own, each in drawing order (animated artists are left out, as a drawing
        leaves them)."""
        from matplotlib.text import Text

        figure = self.figure
        frames = {id(figure.patch)}
        for ax in figure.axes:
            frames |= {id(ax), id(ax.patch), id(ax.xaxis), id(ax.yaxis)}
        boxes = [ax.bbox for ax in figure.axes]

        def outside(artist) -> bool:  # a text clear of every axes: no data can cover it
            if not isinstance(artist, Text) or not artist.get_visible():
                return False
            extent = artist.get_window_extent(renderer)
            return not any(extent.overlaps(box) for box in boxes)

        labels, data = [], []
        for parent in [*figure.axes, figure]:
            children = [
                a for a in parent.get_children() if id(a) not in frames and not a.get_animated()
            ]
            if parent is not figure and not (parent.axison and parent.get_frame_on()):
                spines = {id(s) for s in parent.spines.values()}
                children = [a for a in children if id(a) not in spines]
            children.sort(key=attrgetter("zorder"))
            clear = [outside(a) for a in children]
            labels += [a for a, c in zip(children, clear) if c and a.get_text()]
            data.append((parent, [a for a, c in zip(children, clear) if not c]))
        return labels, data

    def _draw_frames(self, hidden: list):
        """Draw the figure with ``hidden`` artists hidden, and keep a copy."""
        shown = [a for a in hidden if a.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        try:
            self.canvas.draw()
        finally:
            for artist in shown:
                artist.set_visible(True)
        return self.canvas.copy_from_bbox(self.figure.bbox)
