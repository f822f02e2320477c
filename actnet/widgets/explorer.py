"""One explorer, two faces: a live ipywidget and a kernel-free HTML figure.

An :class:`Explorer` wires controls to an experiment and a figure function:
``compute(**values)`` returns data, ``draw(data, fig)`` draws it. In Jupyter
the explorer is a live widget that redraws one image in place; in a page
without a kernel (the rendered book) the same object shows frames computed in
advance over every control value, switched by a few lines of inline
JavaScript, with no network access.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Control", "Explorer"]

_FALLBACK_SCRIPT = """
(function (root) {
  var data = JSON.parse(root.querySelector("script.actnet-frames").textContent);
  var img = root.querySelector("img.actnet-frame");
  var inputs = root.querySelectorAll("[data-actnet-control]");
  function show() {
    var index = 0;
    inputs.forEach(function (input, k) {
      var i = Number(input.value);
      index = index * data.sizes[k] + i;
      var out = input.parentElement.querySelector("output");
      if (out) { out.textContent = data.labels[k][i]; }
    });
    img.src = "data:image/png;base64," + data.frames[index];
    img.alt = data.alts[index];
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  show();
})(document.currentScript.parentElement);
"""


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
    kind : {"slider", "dropdown"}
        How the live widget shows it; the kernel-free face always uses a slider.
    static_values : sequence, optional
        The values precomputed for the kernel-free face (default: all).
    format : callable, optional
        Turns a value into the text shown beside the control.
    """

    name: str
    values: Sequence[Any]
    label: str
    default: Any = None
    kind: str = "slider"
    static_values: Sequence[Any] | None = None
    format: Callable[[Any], str] = str

    def __post_init__(self) -> None:
        if len(self.values) == 0:
            raise ValueError(f"control {self.name!r}: values must not be empty")
        if self.kind not in ("slider", "dropdown"):
            raise ValueError(f'control {self.name!r}: kind must be "slider" or "dropdown"')
        if self.default is not None and self.default not in list(self.values):
            raise ValueError(
                f"control {self.name!r}: default {self.default!r} is not one of its values"
            )
        for value in self.static_values or ():
            if value not in list(self.values):
                raise ValueError(
                    f"control {self.name!r}: static value {value!r} is not one of its values"
                )

    @property
    def start(self) -> Any:
        return self.values[0] if self.default is None else self.default

    @property
    def frames(self) -> list[Any]:
        return list(self.values if self.static_values is None else self.static_values)


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
    """

    title: str
    controls: list[Control]
    compute: Callable[..., Any]
    draw: Callable[[Any, Any], None]
    alt: Callable[[Any, dict[str, Any]], str]
    figsize: tuple[float, float] = (7.0, 3.2)
    dpi: int = 80
    values: dict[str, Any] = field(init=False)
    data: Any = field(init=False, default=None)
    compute_seconds: list[float] = field(init=False, default_factory=list)
    """How long each ``compute`` call took, in order (for the time budget)."""
    _figure: Any = field(init=False, default=None, repr=False)
    _widget: Any = field(init=False, default=None, repr=False)
    _image: Any = field(init=False, default=None, repr=False)
    _status: Any = field(init=False, default=None, repr=False)

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
            if value not in list(known[name].values):
                raise ValueError(
                    f"control {name!r} takes one of {list(known[name].values)!r}, got {value!r}"
                )
        self.values.update(values)
        self._recompute()
        if self._widget is not None:
            self._sync_widgets()
            self._refresh_image()
        return self

    def _recompute(self) -> None:
        start = time.perf_counter()
        self.data = self.compute(**self.values)
        self.compute_seconds.append(time.perf_counter() - start)

    def figure(self):
        """The figure for the current values (one figure, redrawn in place)."""
        from matplotlib.figure import Figure

        if self._figure is None:
            self._figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self._figure.clear()
        self.draw(self.data, self._figure)
        return self._figure

    def png(self) -> bytes:
        """The current figure as PNG bytes (deterministic: no time stamp)."""
        buffer = io.BytesIO()
        self.figure().savefig(buffer, format="png", dpi=self.dpi, metadata={"Software": None})
        return buffer.getvalue()

    def alt_text(self) -> str:
        return self.alt(self.data, dict(self.values))

    # ------------------------------------------------------------- live face
    def widget(self):
        """The live ipywidget (built once; controls update one image in place)."""
        if self._widget is None:
            import ipywidgets as w

            self._inputs = {}
            rows = []
            for control in self.controls:
                options = [(control.format(v), v) for v in control.values]
                common = {
                    "options": options,
                    "value": self.values[control.name],
                    "description": control.label,
                    "style": {"description_width": "initial"},
                    "layout": w.Layout(width="420px"),
                }
                if control.kind == "slider":
                    box = w.SelectionSlider(continuous_update=True, **common)
                else:
                    box = w.Dropdown(**common)
                box.observe(self._on_change(control.name), names="value")
                self._inputs[control.name] = box
                rows.append(box)
            self._image = w.Image(format="png", layout=w.Layout(max_width="100%"))
            self._status = w.HTML()
            self._widget = w.VBox(
                [w.HTML(f"<b>{html.escape(self.title)}</b>"), *rows, self._image, self._status]
            )
            self._refresh_image()
        return self._widget

    def _on_change(self, name: str):
        def handler(change):
            if self.values[name] == change["new"]:
                return
            self.values[name] = change["new"]
            try:
                self._recompute()
                self._refresh_image()
                self._status.value = ""
            except Exception as error:  # a live control must never crash the kernel
                self._status.value = f"<span style='color:#b00'>{html.escape(repr(error))}</span>"

        return handler

    def _sync_widgets(self) -> None:
        for name, box in self._inputs.items():
            if box.value != self.values[name]:
                box.value = self.values[name]

    def _refresh_image(self) -> None:
        self._image.value = self.png()
        self._image.description_tooltip = self.alt_text()

    # ------------------------------------------------------- kernel-free face
    def fallback_html(self) -> str:
        """A self-contained figure with sliders over precomputed frames.

        Every combination of the controls' ``frames`` is computed with the
        same ``compute`` and ``draw`` as the live widget. No network access,
        no element ids: the script finds its own container.
        """
        saved = dict(self.values)
        frames, alts = [], []
        grids = [c.frames for c in self.controls]
        try:
            for combination in itertools.product(*grids):
                self.values = dict(zip([c.name for c in self.controls], combination))
                self._recompute()
                frames.append(base64.b64encode(self.png()).decode("ascii"))
                alts.append(self.alt_text())
        finally:
            self.values = saved
            self._recompute()
        payload = {
            "frames": frames,
            "alts": alts,
            "sizes": [len(g) for g in grids],
            "labels": [[c.format(v) for v in g] for c, g in zip(self.controls, grids)],
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
                f"<output>{html.escape(control.format(grid[start]))}</output></label>"
            )
        data_json = json.dumps(payload).replace("</", "<\\/")
        return (
            "<div class='actnet-explorer'>"
            f"<p style='font-weight:bold;margin:0'>{html.escape(self.title)}</p>"
            + "".join(inputs)
            + f"<img class='actnet-frame' style='max-width:100%' "
            f"src='data:image/png;base64,{frames[start_index]}' "
            f"alt='{html.escape(alts[start_index], quote=True)}'>"
            f"<script type='application/json' class='actnet-frames'>{data_json}</script>"
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
