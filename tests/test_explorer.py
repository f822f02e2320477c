"""The two faces of an explorer: live widget and kernel-free fallback."""

import json
import re

import pytest

from actnet.widgets import Control, Explorer


def _explorer():
    def compute(slope, shift):
        xs = [0.0, 1.0, 2.0]
        return [slope * x + shift for x in xs]

    def draw(data, fig):
        fig.add_subplot().plot(data)

    return Explorer(
        "A line",
        [
            Control("slope", [0.5, 1.0, 2.0], "Slope", default=1.0),
            Control("shift", [-1, 0, 1], "Shift", kind="dropdown", static_values=[0, 1]),
        ],
        compute,
        draw,
        lambda data, values: f"a line through {data[0]:.1f} with slope {values['slope']}",
    )


def test_setting_controls_from_code_recomputes_and_redraws():
    ex = _explorer()
    assert ex.data == [-1.0, 0.0, 1.0]  # slope 1, shift -1 (the first value)
    before = ex.png()
    ex.set(slope=2.0, shift=1)
    assert ex.data == [1.0, 3.0, 5.0]
    assert ex.png() != before
    assert ex.alt_text() == "a line through 1.0 with slope 2.0"
    assert len(ex.compute_seconds) == 2


def test_live_widget_reacts_to_its_own_controls():
    ex = _explorer()
    widget = ex.widget()
    image = widget.children[-2]
    first = image.value
    ex._inputs["slope"].value = 0.5
    assert ex.values["slope"] == 0.5 and ex.data == [-1.0, -0.5, 0.0]
    assert image.value != first
    ex.set(slope=2.0)  # code and widget stay in step
    assert ex._inputs["slope"].value == 2.0


def test_fallback_holds_every_static_frame_a_labelled_slider_and_no_network_url():
    ex = _explorer()
    page = ex.fallback_html()
    payload = json.loads(re.search(r"class='actnet-frames'>(.*?)</script>", page).group(1))
    assert payload["sizes"] == [3, 2]  # three slopes times the two static shifts
    assert len(payload["frames"]) == 6 and len(set(payload["frames"])) == 6
    assert payload["labels"] == [["0.5", "1.0", "2.0"], ["0", "1"]]
    assert payload["alts"][0] == "a line through 0.0 with slope 0.5"
    assert page.count("type='range'") == 2
    assert "Slope <input" in page and "aria-label='Slope'" in page
    assert not re.search(r"https?://", page)
    # the state the reader left is not disturbed by precomputing
    assert ex.values == {"slope": 1.0, "shift": -1}


def test_bundle_has_both_faces():
    bundle = _explorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith("<div class='actnet-explorer'>")
    assert bundle["text/plain"] == "Explorer: A line"


def test_bad_control_values_are_named():
    ex = _explorer()
    with pytest.raises(
        ValueError, match="'A line' has no control 'angle'; its controls are: slope, shift"
    ):
        ex.set(angle=1)
    with pytest.raises(ValueError, match=r"control 'slope' takes one of \[0.5, 1.0, 2.0\], got 3"):
        ex.set(slope=3)
    with pytest.raises(ValueError, match="default 7 is not one of its values"):
        Control("k", [1, 2], "k", default=7)


def test_an_error_during_a_live_update_is_shown_not_raised():
    def compute(k):
        if k == 2:
            raise ValueError("k = 2 is not allowed here")
        return k

    ex = Explorer(
        "E",
        [Control("k", [1, 2], "k")],
        compute,
        lambda d, f: f.add_subplot(),
        lambda d, v: "empty",
    )
    ex.widget()
    ex._inputs["k"].value = 2
    assert "k = 2 is not allowed here" in ex._status.value
