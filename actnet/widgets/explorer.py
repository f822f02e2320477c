"""One explorer, two faces: a live ipywidget and a kernel-free HTML figure.

An :class:`Explorer` wires controls to an experiment and a figure function:
``compute(**values)`` returns data, ``draw(data, fig)`` draws it. In Jupyter
the explorer is a live widget that redraws one image in place; in a page
without a kernel (the rendered book) the same object shows frames computed in
advance over every control value, switched by a few lines of inline
JavaScript, with no network access.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import copy
import hashlib
import html
import io
import itertools
import json
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from actnet.widgets.layers import LayeredCanvas, keep_recent

__all__ = ["Control", "Explorer"]

_KINDS = ("slider", "dropdown", "multiselect", "counter")
# The threads that make images ahead (``prefetch``) work only while the reader looks:
_LOOK_SECONDS = 1.0  # after a move is answered, they wait this long before a step
_IDLE_SECONDS = 60.0  # and end after this long with no move
# One computation or drawing at a time, the reader's move's or a thread's making images
# ahead: matplotlib is not made to draw from two threads at once, and two NumPy
# computations would share the cores (a move waits for one step at most, ~0.1 s).
_WORK = threading.RLock()


@atexit.register
def _stop_making_images_ahead() -> None:
    """At exit, hold the work lock, so that no thread is inside NumPy or matplotlib when
    the interpreter ends."""
    _WORK.acquire(timeout=5)


def _texts(figure):
    """The figure's text objects that show something, a table's cells included."""
    from matplotlib.table import Table
    from matplotlib.text import Text

    texts = figure.findobj(Text)
    for table in figure.findobj(Table):
        texts += [cell.get_text() for cell in table.get_celld().values()]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


SMALLEST_TEXT_PT = 10.0
"""No text in an explorer's figure is smaller (a legend, a tick label): at the
explorers' 72 dpi a point is a pixel, so the text is 10 px where the figure is shown
at its own size, as the book shows it on a laptop and, scrolling sideways, on a phone."""

_FALLBACK_SCRIPT = """
(function (root) {
  var data = JSON.parse(root.querySelector("script.actnet-frames").textContent);
  var img = root.querySelector("img.actnet-frame");
  var readout = root.querySelector(".actnet-readout");
  var inputs = root.querySelectorAll("[data-actnet-control]");
  function show() {
    var index = 0;
    inputs.forEach(function (input, k) {
      var i = Number(input.value);
      index = index * data.sizes[k] + i;
      var out = input.parentElement.querySelector("output");
      if (out) { out.textContent = data.labels[k][i]; }
    });
    img.src = "data:image/png;base64," + data.frames[data.index[index]];
    img.alt = data.alts[index];
    if (readout) { readout.textContent = data.readouts[index]; }
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  show();
})(document.currentScript.parentElement);
"""


def _fingerprint(data: Any) -> str | None:
    """A digest of ``data`` for recognising a frame drawn already (None if it cannot pickle)."""
    try:
        return hashlib.sha256(pickle.dumps(data, protocol=5)).hexdigest()
    except Exception:  # e.g. a lambda inside: draw it, do not guess
        return None


class _OtherAxes(Exception):
    """``draw`` asked for other axes than the last time: draw a fresh figure."""


@dataclass(frozen=True)
class Control:
    """One control of an explorer.

    Parameters
    ----------
    name : str
        The keyword the value is passed under to ``compute``.
    values : sequence
        The values the control can take. A slider steps through them in order.
    label : str
        What the reader sees beside the control.
    default : optional
        The starting value (must be one of ``values``; default the first).
    kind : {"slider", "dropdown", "multiselect", "counter"}
        How the live widget shows it; the kernel-free face always uses a slider.

        - ``"multiselect"``: ``values`` are options and the control's value is
          a tuple of them (in the order of ``values``), shown live as one
          toggle button per option. Its ``static_values`` are the tuples
          precomputed for the kernel-free face (default: each option alone).
        - ``"counter"``: the value advances through ``values`` by buttons
          (``buttons`` maps ``"next"``, ``"play"`` and ``"reset"`` to their
          labels): "next" moves one value on, "play" runs on to the last value
          on a timer in the browser, "reset" goes back to the first. Moving
          any other control starts a counter again from its first value (a
          new network is trained from the start), unless both are set in
          the same call of :meth:`Explorer.set`.
    static_values : sequence, optional
        The values precomputed for the kernel-free face (default: all).
    format : callable, optional
        Turns a value into the text shown beside the control.
    buttons : dict, optional
        Button labels of a ``"counter"`` control.
    """

    name: str
    values: Sequence[Any]
    label: str
    default: Any = None
    kind: str = "slider"
    static_values: Sequence[Any] | None = None
    format: Callable[[Any], str] = str
    buttons: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if len(self.values) == 0:
            raise ValueError(f"control {self.name!r}: values must not be empty")
        if self.kind not in _KINDS:
            raise ValueError(
                f"control {self.name!r}: kind must be one of {', '.join(map(repr, _KINDS))}, "
                f"got {self.kind!r}"
            )
        if self.buttons is not None:
            if self.kind != "counter":
                raise ValueError(f"control {self.name!r}: only a counter has buttons")
            unknown = set(self.buttons) - {"next", "play", "reset"}
            if unknown or "next" not in self.buttons:
                raise ValueError(
                    f"control {self.name!r}: buttons must map 'next' (and optionally 'play' "
                    f"and 'reset') to labels, got {sorted(self.buttons)}"
                )
        if self.default is not None:
            self.check(self.default, "default")
        for value in self.static_values or ():
            self.check(value, "static value")

    def check(self, value: Any, what: str = "value") -> Any:
        """``value`` in canonical form, or a ValueError that names the control."""
        options = list(self.values)
        if self.kind == "multiselect":
            chosen = (value,) if isinstance(value, str) else value
            try:
                unknown = [v for v in chosen if v not in options]
            except TypeError:
                unknown = [value]
            if unknown:
                raise ValueError(
                    f"control {self.name!r}: {what} {value!r} is not a selection of {options!r}"
                )
            return tuple(v for v in options if v in chosen)
        if value not in options:
            raise ValueError(f"control {self.name!r}: {what} {value!r} is not one of its values")
        return value

    @property
    def start(self) -> Any:
        if self.kind == "multiselect":
            return self.check(self.values[:1] if self.default is None else self.default)
        return self.values[0] if self.default is None else self.default

    @property
    def frames(self) -> list[Any]:
        if self.kind == "multiselect":
            presets = self.static_values or [(v,) for v in self.values]
            return [self.check(v) for v in presets]
        return list(self.values if self.static_values is None else self.static_values)

    def label_of(self, value: Any) -> str:
        """The text shown beside the control for ``value``."""
        if self.kind == "multiselect":
            return ", ".join(self.format(v) for v in value) or "none"
        return self.format(value)


@dataclass
class Explorer:
    """An experiment with controls, a figure, and two ways to be shown.

    Parameters
    ----------
    title : str
        Shown above the figure in both faces.
    controls : list of Control
    compute : callable
        ``compute(**values) -> data``; must be fast (it runs on every update).
    draw : callable
        ``draw(data, fig)`` draws ``data`` into an empty matplotlib figure.
    alt : callable
        ``alt(data, values) -> str``: the alternative text of the figure.
    figsize : tuple
        Figure size in inches.
    dpi : int
        Resolution of the images (both faces).
    readout : callable, optional
        ``readout(data, values) -> str``: a line of text shown under the
        figure and updated with it (a live number such as a dead fraction).
    prefetch : bool
        After each move of a live control, make in a background thread the
        images of the settings one slider or dropdown move away (nearest
        first), on a figure of its own laid out as the live one: the next move
        shows one of them at once. For an experiment that is slow to compute
        and draw, and pure (the same values give the same data).
    continuous : bool
        Whether a slider sends its values while the reader drags it (the figure
        follows the drag); False: when the reader lets go, for an experiment too slow
        to follow (every value passed would be computed, one after the other, before
        the last one).
    """

    title: str
    controls: list[Control]
    compute: Callable[..., Any]
    draw: Callable[[Any, Any], None]
    alt: Callable[[Any, dict[str, Any]], str]
    figsize: tuple[float, float] = (7.0, 3.2)
    dpi: int = 80
    readout: Callable[[Any, dict[str, Any]], str] | None = None
    prefetch: bool = False
    continuous: bool = True
    values: dict[str, Any] = field(init=False)
    data: Any = field(init=False, default=None)
    compute_seconds: list[float] = field(init=False, default_factory=list)
    """How long each ``compute`` call took, in order (for the time budget)."""
    _figure: Any = field(init=False, default=None, repr=False)
    cache_size: int = 64
    """How many settings seen the live face keeps, each with its image and its data."""
    _png_cache: dict = field(init=False, default_factory=dict, repr=False)
    _frames: dict = field(init=False, default_factory=dict, repr=False)
    """The kernel-free face's frames, ``{settings: (png, data)}``, reused by the live face."""
    _prefetched: dict = field(init=False, default_factory=dict, repr=False)
    """Images made ahead by the background thread, ``{settings: (png, data)}``."""
    _wanted: list = field(init=False, default_factory=list, repr=False)
    _worker: Any = field(init=False, default=None, repr=False)
    _wake: Any = field(init=False, default_factory=threading.Event, repr=False)
    _idle: Any = field(init=False, default_factory=threading.Event, repr=False)
    _lock: Any = field(init=False, default_factory=threading.Lock, repr=False)
    _first_drawn: Any = field(init=False, default=None, repr=False)
    _answering: bool = field(init=False, default=False, repr=False)
    _answered_at: float = field(init=False, default=0.0, repr=False)
    _grid: Any = field(init=False, default=None, repr=False)
    _laid_out: bool = field(init=False, default=False, repr=False)
    _layers: Any = field(init=False, default=None, repr=False)
    _widget: Any = field(init=False, default=None, repr=False)
    _image: Any = field(init=False, default=None, repr=False)
    _status: Any = field(init=False, default=None, repr=False)
    _readout: Any = field(init=False, default=None, repr=False)
    _syncing: bool = field(init=False, default=False, repr=False)
    smallest_text_pt: float = field(init=False, default=float("inf"))
    """The smallest text drawn so far (points), after :data:`SMALLEST_TEXT_PT` is applied."""

    def __post_init__(self) -> None:
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be different, got {names}")
        self.values = {c.name: c.start for c in self.controls}
        self._recompute()

    # ------------------------------------------------------------- state
    def set(self, **values: Any) -> Explorer:
        """Set controls from code (as a reader moving them would) and redraw."""
        known = {c.name: c for c in self.controls}
        for name, value in values.items():
            if name not in known:
                raise ValueError(
                    f"{self.title!r} has no control {name!r}; its controls are: {', '.join(known)}"
                )
            if known[name].kind == "multiselect":
                values[name] = known[name].check(value)
            elif value not in list(known[name].values):
                raise ValueError(
                    f"control {name!r} takes one of {list(known[name].values)!r}, got {value!r}"
                )
        self._restart_counters(
            [n for n, v in values.items() if v != self.values[n]], keep=list(values)
        )
        self.values.update(values)
        self._recompute()
        if self._widget is not None:
            self._sync_widgets()
            self._refresh_image()
        return self

    def _restart_counters(self, changed: list[str], keep: list[str]) -> None:
        """Counters go back to their first value when another control changes."""
        kinds = {c.name: c.kind for c in self.controls}
        if any(kinds[name] != "counter" for name in changed):
            for control in self.controls:
                if control.kind == "counter" and control.name not in keep:
                    self.values[control.name] = control.values[0]

    def _recompute(self) -> None:
        key = self._key()
        seen = self._frames.get(key) or self._png_cache.get(key)
        if seen is not None:  # computed already: a frame, or a setting shown lately
            self.data = seen[1]
            return
        ahead = self._prefetched.pop(key, None)
        if ahead is not None:  # made ahead, while the reader looked: kept like one seen
            keep_recent(self._png_cache, key, ahead, self.cache_size)
            self.data = ahead[1]
            return
        with _WORK:
            start = time.perf_counter()
            self.data = self.compute(**self.values)
            self.compute_seconds.append(time.perf_counter() - start)

    def figure(self):
        """The figure for the current values (one figure, redrawn in place).

        The first drawing is laid out (constrained layout) on fresh axes. Later
        ones keep the figure, its axes, their ticks and the layout, remove the
        axes' contents and let ``draw`` plot into the same axes again: what
        changes with a control is drawn, the rest is not made again. A ``draw``
        that asks for other axes than the first time (another grid, a colour
        bar) gets a fresh figure instead.
        """
        from matplotlib.figure import Figure

        if self._figure is None:
            self._figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        elif self._grid is not None:
            if self._draw_into_same_axes():
                return self._figure
        self._fresh_figure()
        return self._figure

    def _fresh_figure(self) -> None:
        """Draw on new axes and lay them out; remember the grid for reuse."""
        fig = self._figure
        fig.clear()
        fig.set_layout_engine("constrained")
        self._layers = None
        grids = []
        original = fig.subplots

        def subplots(*args, **kwargs):
            grids.append((args, tuple(sorted(kwargs.items(), key=lambda kv: kv[0]))))
            return original(*args, **kwargs)

        fig.subplots = subplots
        try:
            self.draw(self.data, fig)
        finally:
            del fig.subplots
        self._grid = None
        self._laid_out = False
        if len(grids) == 1:
            self._grid = (grids[0], list(fig.axes))

    def _draw_into_same_axes(self) -> bool:
        """Redraw ``self.data`` into the axes of the last drawing; False if ``draw`` wants others."""
        import numpy as np

        fig = self._figure
        (args, kwargs), axes = self._grid
        if list(fig.axes) != axes:
            return False
        kept_texts = list(fig.texts)
        for ax in axes:
            for artist in (
                *ax.lines,
                *ax.collections,
                *ax.patches,
                *ax.texts,
                *ax.images,
                *ax.artists,
                *ax.tables,
            ):
                artist.remove()
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            # back to a new axes' state: linear, limits 0 to 1 until data says otherwise
            if ax.get_xscale() != "linear":
                ax.set_xscale("linear")
            if ax.get_yscale() != "linear":
                ax.set_yscale("linear")
            ax.relim()
            ax.set_xlim(0.0, 1.0, auto=True)
            ax.set_ylim(0.0, 1.0, auto=True)
            ax.set_prop_cycle(None)
        asked = []

        def subplots(*a, **k):
            asked.append((a, tuple(sorted(k.items(), key=lambda kv: kv[0]))))
            if asked[-1] != (args, kwargs) or len(asked) > 1:
                raise _OtherAxes
            nrows = a[0] if a else k.get("nrows", 1)
            ncols = a[1] if len(a) > 1 else k.get("ncols", 1)
            grid = np.empty(len(axes), dtype=object)
            grid[:] = axes
            grid = grid.reshape(nrows, ncols)
            if not k.get("squeeze", True):
                return grid
            return grid.item() if grid.size == 1 else grid.squeeze()

        fig.subplots = subplots
        try:
            self.draw(self.data, fig)
        except _OtherAxes:
            return False
        finally:
            del fig.subplots
        if list(fig.axes) != axes or asked != [(args, kwargs)]:
            return False
        for text in fig.texts:
            if text not in kept_texts:
                return False
        if self._laid_out:
            fig.set_layout_engine("none")  # keep the first drawing's layout
        return True

    def png(self, fresh: bool = False) -> bytes:
        """The current figure as PNG bytes (deterministic: no time stamp).

        Drawn once on an Agg canvas and encoded by Pillow: ``savefig`` would
        lay the figure out and draw it a second time. The live face
        (``fresh=False``) redraws into the same axes, encodes fast
        (compression level 1) and keeps the images and data of the last
        :attr:`cache_size` settings, so a control moved back computes and
        draws nothing;
        ``fresh=True`` draws on new axes laid out anew, compressed harder
        (the kernel-free face's frames).
        """
        key = None if fresh else self._key()
        if key in self._frames:
            return self._frames[key][0]
        if key is not None and key in self._png_cache:
            self._png_cache[key] = self._png_cache.pop(key)  # most recently used last
            return self._png_cache[key][0]
        with _WORK:
            data = self._draw_png(fresh)
        if key is not None:
            keep_recent(self._png_cache, key, (data, self.data), self.cache_size)
        return data

    def _draw_png(self, fresh: bool) -> bytes:
        """Draw the current data and encode it (see :meth:`png`)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        if fresh:
            if self._figure is None:
                self.figure()
            else:
                self._fresh_figure()
            figure = self._figure
        else:
            figure = self.figure()
        # one canvas for the figure's life: its renderer, and with it matplotlib's
        # caches of text sizes and parsed math, survive from one image to the next
        canvas = figure.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(figure)
        first = not self._laid_out
        self._raise_small_text(figure, everything=fresh or first)
        if fresh or first:
            canvas.draw()
            self._measure_text(figure)
        else:  # laid out: the axes' frames and ticks kept, what changed drawn over them
            if self._layers is None or self._layers.figure is not figure:
                self._layers = LayeredCanvas(figure)
            self._layers.draw()
        if first and not fresh:
            self._first_drawn = (dict(self.values), self.data)
        if figure.get_layout_engine() is not None:
            self._laid_out = True
        size = canvas.get_width_height()
        image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=6 if fresh else 1)
        return buffer.getvalue()

    def _raise_small_text(self, figure, everything: bool) -> None:
        """Raise every text below :data:`SMALLEST_TEXT_PT` to it (the figure functions
        also draw the book's static figures, where a smaller legend may fit better);
        tick labels made while drawing follow their axis' setting, raised too.

        A live redraw into the same axes (``everything=False``) looks only at what a
        redraw makes again: titles, labels, legends, texts and the tick setting.
        """
        texts = _texts(figure) if everything else list(figure.texts)
        for axes in figure.axes:
            for axis in (axes.xaxis, axes.yaxis):
                ticks = axis.get_major_ticks() + (axis.get_minor_ticks() if everything else [])
                if any(t.label1.get_fontsize() < SMALLEST_TEXT_PT for t in ticks[:3]):
                    axis.set_tick_params(which="both", labelsize=SMALLEST_TEXT_PT)
            if not everything:
                legend = axes.get_legend()
                texts += [axes.title, axes.xaxis.label, axes.yaxis.label, *axes.texts]
                texts += legend.get_texts() if legend is not None else []
        for legend in figure.legends:
            texts += legend.get_texts()
        for text in texts:
            if text.get_fontsize() < SMALLEST_TEXT_PT:
                text.set_fontsize(SMALLEST_TEXT_PT)

    def _measure_text(self, figure) -> None:
        """Keep the smallest text of the image just drawn in :attr:`smallest_text_pt`."""
        sizes = [text.get_fontsize() for text in _texts(figure)]
        self.smallest_text_pt = min([self.smallest_text_pt, *sizes])

    def _key(self, values: dict[str, Any] | None = None):
        """The current values (or ``values``), hashable (None if one is not)."""
        try:
            key = tuple(sorted((self.values if values is None else values).items()))
            hash(key)
        except TypeError:
            return None
        return key

    def _prefetch_neighbours(self) -> None:
        """Queue every setting one slider or dropdown move away for the background thread,
        the next value of every control first, then the values two steps away, and so on
        (the queue of the last move is dropped)."""
        wanted = []
        for control in self.controls:
            if control.kind not in ("slider", "dropdown"):
                continue
            options = list(control.values)
            here = options.index(self.values[control.name])
            for k, value in enumerate(options):
                if k != here:
                    wanted.append((abs(k - here), {**self.values, control.name: value}))
        self._wanted = [values for _, values in sorted(wanted, key=lambda w: w[0])]
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._make_ahead, daemon=True)
                self._worker.start()
            self._idle.clear()
            self._wake.set()

    def _make_ahead(self) -> None:
        """The background thread: the images of the queued settings not made yet, drawn
        on a copy of the explorer with a figure of its own. It ends after a minute with
        nothing to do (the explorer can then be let go); a later move starts another."""
        twin = None
        while True:
            self._idle.set()
            if not self._wake.wait(timeout=_IDLE_SECONDS):
                with self._lock:
                    if not self._wake.is_set():
                        self._worker = None
                        return
            self._wake.clear()
            while True:
                try:
                    values = self._wanted.pop(0)
                except IndexError:
                    break
                key = self._key(values)
                made = (self._frames, self._png_cache, self._prefetched)
                if key is None or any(key in images for images in made):
                    continue
                try:
                    if twin is None:
                        with self._turn():
                            twin = self._twin()
                    with self._turn():
                        twin.values, twin.data = values, self.compute(**values)
                    with self._turn():
                        keep_recent(self._prefetched, key, (twin.png(), twin.data), self.cache_size)
                except Exception:  # the reader's move to it computes again and shows the error
                    continue

    @contextlib.contextmanager
    def _turn(self):
        """The work lock, taken once no move has come for :data:`_LOOK_SECONDS`."""
        while True:
            while self._answering or time.monotonic() - self._answered_at < _LOOK_SECONDS:
                time.sleep(0.01)
            _WORK.acquire()
            if not self._answering:  # a move may have come while the lock was taken
                break
            _WORK.release()
        try:
            yield
        finally:
            _WORK.release()

    def _swap_figure(self, state: tuple = (None, None, False, None)) -> tuple:
        """Give the explorer the figure ``state`` (default: none yet, drawn anew at the
        next image) and return the one it had: the figure, its grid, whether it is laid
        out, its layered canvas."""
        had = (self._figure, self._grid, self._laid_out, self._layers)
        self._figure, self._grid, self._laid_out, self._layers = state
        return had

    def _twin(self) -> Explorer:
        """A copy with a figure of its own, laid out by the same first drawing as the live
        figure: an image made ahead has the live images' layout."""
        twin = copy.copy(self)
        twin.prefetch, twin._worker, twin._widget = False, None, None
        twin._swap_figure()
        twin._png_cache, twin._prefetched, twin.compute_seconds = {}, {}, []
        if self._first_drawn is not None:  # else its first image makes its layout
            twin.values, twin.data = self._first_drawn
            twin.png()
        return twin

    def alt_text(self) -> str:
        return self.alt(self.data, dict(self.values))

    def readout_text(self) -> str:
        """The line shown under the figure ("" when the explorer has no readout)."""
        return "" if self.readout is None else self.readout(self.data, dict(self.values))

    # ------------------------------------------------------------- live face
    def widget(self):
        """The live ipywidget (built once; controls update one image in place)."""
        if self._widget is None:
            import ipywidgets as w

            self._inputs, self._plays = {}, {}
            rows = [self._control_widget(w, control) for control in self.controls]
            self._image = w.Image(format="png", layout=w.Layout(max_width="100%"))
            self._readout = w.HTML()
            self._status = w.HTML()
            self._widget = w.VBox(
                [
                    w.HTML(f"<b>{html.escape(self.title)}</b>"),
                    *rows,
                    self._image,
                    self._readout,
                    self._status,
                ]
            )
            self._refresh_image()
            # the first image is laid out and drawn in one pass; drawn once more in
            # layers, its frames and titles, which a reader's first move usually
            # keeps, are drawn already
            with _WORK:
                self._draw_png(fresh=False)
        return self._widget

    def _control_widget(self, w, control: Control):
        """The ipywidget of one control (its value widget is kept in ``self._inputs``)."""
        name, value = control.name, self.values[control.name]
        style = {"description_width": "initial"}
        if control.kind == "multiselect":
            toggles = [
                w.ToggleButton(value=v in value, description=control.format(v), tooltip=str(v))
                for v in control.values
            ]

            def toggled(change):
                chosen = tuple(v for v, t in zip(control.values, toggles) if t.value)
                self._update(name, chosen)

            for toggle in toggles:
                toggle.observe(toggled, names="value")
            self._inputs[name] = toggles
            return w.HBox([w.Label(control.label), *toggles], layout=w.Layout(flex_flow="row wrap"))
        options = [(control.format(v), v) for v in control.values]
        common = {"options": options, "value": value, "description": control.label, "style": style}
        if control.kind == "dropdown":
            box = w.Dropdown(layout=w.Layout(width="420px"), **common)
        else:
            box = w.SelectionSlider(
                continuous_update=self.continuous, layout=w.Layout(width="420px"), **common
            )
        box.observe(lambda change: self._update(name, change["new"]), names="value")
        self._inputs[name] = box
        if control.kind != "counter":
            return box
        box.disabled = True  # a counter is moved by its buttons
        values = list(control.values)

        def press(action):
            def handler(_button):
                i = values.index(self.values[name])
                self._update(name, values[0 if action == "reset" else min(i + 1, len(values) - 1)])

            return handler

        buttons = []
        for action, label in (control.buttons or {"next": "Step"}).items():
            if action == "play":
                play = w.Play(min=0, max=len(values) - 1, step=1, interval=400, description=label)
                play.observe(lambda change: self._update(name, values[change["new"]]), "value")
                buttons.append(w.HBox([w.Label(label), play]))
                self._plays[name] = play
            else:
                button = w.Button(description=label)
                button.on_click(press(action))
                buttons.append(button)
        return w.VBox([w.HBox(buttons), box])

    def _update(self, name: str, value: Any) -> None:
        """A live control moved: recompute and redraw; errors are shown, never raised."""
        if self._syncing or self.values[name] == value:
            return
        self._restart_counters([name], keep=[name])
        self.values[name] = value
        self._answering = True  # the thread making images ahead starts nothing meanwhile
        try:
            self._recompute()
            try:
                # the picture first: the page shows it before it redraws the controls
                # that follow the move (a counter back at its start, a step's slider)
                self._refresh_image()
            finally:
                self._sync_widgets()
            if self._status.value:
                self._status.value = ""
            if self.prefetch:
                self._prefetch_neighbours()
        except Exception as error:  # a live control must never crash the kernel
            self._status.value = f"<span style='color:#b00'>{html.escape(repr(error))}</span>"
        finally:
            self._answered_at = time.monotonic()
            self._answering = False

    def _sync_widgets(self) -> None:
        """Show ``self.values`` on the widgets without their handlers reacting."""
        self._syncing = True
        try:
            for control in self.controls:
                value, box = self.values[control.name], self._inputs[control.name]
                if control.kind == "multiselect":
                    for option, toggle in zip(control.values, box):
                        toggle.value = option in value
                    continue
                box.value = value
                if control.kind == "counter" and control.name in self._plays:
                    self._plays[control.name].value = list(control.values).index(value)
        finally:
            self._syncing = False

    def _refresh_image(self) -> None:
        image, tooltip = self.png(), self.alt_text()
        self._image.value = image
        # a plain attribute (the image's tooltip trait stops JupyterLab showing the view)
        self._image.description_tooltip = tooltip
        readout = html.escape(self.readout_text())
        if self._readout.value != readout:
            self._readout.value = readout

    # ------------------------------------------------------- kernel-free face
    def fallback_html(self) -> str:
        """A self-contained figure with sliders over precomputed frames.

        Every combination of the controls' ``frames`` is computed with the
        same ``compute`` and ``draw`` as the live widget. No network access,
        no element ids: the script finds its own container.
        """
        saved = dict(self.values)
        # the frames are drawn on a figure of their own: the live figure keeps the layout
        # of its first drawing, which the images made ahead share
        live = self._swap_figure()
        frames, index, alts, readouts = [], [], [], []
        pngs: list[bytes] = []  # the frames as bytes, for the live face
        drawn: dict[str, int] = {}
        grids = [c.frames for c in self.controls]
        try:
            for combination in itertools.product(*grids):
                self.values = dict(zip([c.name for c in self.controls], combination))
                self._recompute()
                # the same data (a parameter that does not apply) is drawn and stored once
                key = _fingerprint(self.data)
                if key is None or key not in drawn:
                    image = self.png(fresh=True)
                    frame = base64.b64encode(image).decode("ascii")
                    if frame not in frames:
                        frames.append(frame)
                        pngs.append(image)
                    if key is not None:
                        drawn[key] = frames.index(frame)
                    index.append(frames.index(frame))
                else:
                    index.append(drawn[key])
                alts.append(self.alt_text())
                readouts.append(self.readout_text())
                settings = self._key()
                if settings is not None:  # the live face shows these settings at once
                    self._frames[settings] = (pngs[index[-1]], self.data)
        finally:
            self._swap_figure(live)
            self.values = saved
            self._recompute()
        payload = {
            "frames": frames,
            "index": index,
            "alts": alts,
            "readouts": readouts,
            "sizes": [len(g) for g in grids],
            "labels": [[c.label_of(v) for v in g] for c, g in zip(self.controls, grids)],
        }
        inputs, start_index = [], 0
        for control, grid in zip(self.controls, grids):
            start = grid.index(control.start) if control.start in grid else 0
            start_index = start_index * len(grid) + start
            inputs.append(
                "<label style='display:block;margin:0.2em 0'>"
                f"{html.escape(control.label)} "
                f"<input type='range' data-actnet-control='{html.escape(control.name)}' "
                f"min='0' max='{len(grid) - 1}' step='1' value='{start}' "
                f"aria-label='{html.escape(control.label)}'> "
                f"<output>{html.escape(control.label_of(grid[start]))}</output></label>"
            )
        data_json = json.dumps(payload).replace("</", "<\\/")
        return (
            "<div class='actnet-explorer'>"
            f"<p style='font-weight:bold;margin:0'>{html.escape(self.title)}</p>"
            + "".join(inputs)
            + "<div class='actnet-frame-box' style='max-width:100%;overflow-x:auto'>"
            f"<img class='actnet-frame' style='max-width:100%' "
            f"data-actnet-text-px='{self.smallest_text_pt * self.dpi / 72:g}' "
            f"src='data:image/png;base64,{frames[index[start_index]]}' "
            f"alt='{html.escape(alts[start_index], quote=True)}'></div>"
            + (
                "<p class='actnet-readout' style='margin:0.2em 0'>"
                f"{html.escape(readouts[start_index])}</p>"
                if self.readout is not None
                else ""
            )
            + f"<script type='application/json' class='actnet-frames'>{data_json}</script>"
            f"<script>{_FALLBACK_SCRIPT}</script>"
            "</div>"
        )

    # ------------------------------------------------------------- display
    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.fallback_html()
        bundle["text/plain"] = f"Explorer: {self.title}"
        return bundle

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"Explorer({self.title!r}, {values})"
