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
    import ipywidgets

    widget = ex.widget()
    (image,) = [c for c in widget.children if isinstance(c, ipywidgets.Image)]
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


def _picker():
    def compute(names, n):
        return [f"{name}{n}" for name in names]

    def draw(data, fig):
        fig.add_subplot().set_title(" ".join(data))

    return Explorer(
        "Picker",
        [
            Control(
                "names",
                ["a", "b", "c"],
                "Names",
                kind="multiselect",
                default=("c", "a"),
                static_values=[("a",), ("b", "c"), ("a", "b")],
            ),
            Control(
                "n", [0, 1, 2], "Count", kind="counter", buttons={"next": "More", "reset": "Again"}
            ),
        ],
        compute,
        draw,
        lambda data, values: "shows " + " and ".join(data),
        readout=lambda data, values: f"{len(data)} shown",
    )


def test_multiselect_values_are_tuples_in_option_order():
    ex = _picker()
    assert ex.values["names"] == ("a", "c") and ex.data == ["a0", "c0"]
    ex.set(names=["c", "b"])
    assert ex.values["names"] == ("b", "c")
    ex.set(names="a")  # one name alone is a selection of one
    assert ex.data == ["a0"] and ex.readout_text() == "1 shown"
    with pytest.raises(ValueError, match=r"control 'names': value \('a', 'z'\) is not a selection"):
        ex.set(names=("a", "z"))


def test_live_toggles_and_counter_buttons_drive_the_same_values():
    import ipywidgets

    ex = _picker()
    ex.widget()
    toggles = ex._inputs["names"]
    assert [t.value for t in toggles] == [True, False, True]
    toggles[1].value = True
    assert ex.values["names"] == ("a", "b", "c") and ex._readout.value == "3 shown"
    ex.set(names=("b",))  # code moves the toggles without them firing half-way states
    assert [t.value for t in toggles] == [False, True, False] and len(ex.compute_seconds) == 3

    def buttons(widget):
        found = [widget] if isinstance(widget, ipywidgets.Button) else []
        return found + [b for c in getattr(widget, "children", ()) for b in buttons(c)]

    more, again = buttons(ex.widget())
    assert (more.description, again.description) == ("More", "Again")
    more.click()
    more.click()
    more.click()
    assert ex.values["n"] == 2 and ex.data == ["b2"]
    assert ex._inputs["n"].disabled  # a counter moves by its buttons only
    again.click()
    assert ex.values["n"] == 0


def test_fallback_stores_equal_pictures_once_and_shows_the_readout():
    ex = _picker()
    page = ex.fallback_html()
    payload = json.loads(re.search(r"class='actnet-frames'>(.*?)</script>", page).group(1))
    assert payload["sizes"] == [3, 3]
    assert payload["labels"][0] == ["a", "b, c", "a, b"]
    assert len(payload["index"]) == 9 and len(payload["frames"]) == 9
    assert payload["readouts"][3] == "2 shown"
    assert "<p class='actnet-readout'" in page

    same = Explorer(
        "Same",
        [Control("k", [1, 2, 3], "k")],
        lambda k: "one picture",
        lambda d, f: f.add_subplot(),
        lambda d, v: f"k = {v['k']}",
    )
    payload = json.loads(
        re.search(r"class='actnet-frames'>(.*?)</script>", same.fallback_html()).group(1)
    )
    assert payload["index"] == [0, 0, 0] and len(payload["frames"]) == 1
    assert payload["alts"] == ["k = 1", "k = 2", "k = 3"]  # each state keeps its own words


def test_bad_control_kinds_and_buttons_are_named():
    with pytest.raises(ValueError, match="kind must be one of 'slider', 'dropdown'"):
        Control("k", [1, 2], "k", kind="knob")
    with pytest.raises(ValueError, match="only a counter has buttons"):
        Control("k", [1, 2], "k", buttons={"next": "Go"})
    with pytest.raises(ValueError, match="buttons must map 'next'"):
        Control("k", [1, 2], "k", kind="counter", buttons={"rewind": "Back"})


def test_moving_another_control_starts_a_counter_again():
    ex = _picker()
    ex.set(n=2)
    ex.set(names=("b",))
    assert ex.values["n"] == 0 and ex.data == ["b0"]
    ex.set(names=("a",), n=1)  # both in one call: the counter keeps the value given
    assert ex.data == ["a1"]
    ex.set(names=("a",))  # no change, no restart
    assert ex.values["n"] == 1
    ex.widget()
    ex._inputs["names"][2].value = True  # a live toggle restarts it too
    assert ex.values == {"names": ("a", "c"), "n": 0} and ex._inputs["n"].value == 0


def test_no_text_in_a_frame_is_smaller_than_10_points_and_the_page_is_told():
    from matplotlib.text import Text

    from actnet.widgets.explorer import SMALLEST_TEXT_PT

    def draw(data, fig):
        ax = fig.add_subplot()
        ax.plot(data, label="tiny legend")
        ax.legend(fontsize=6)
        ax.tick_params(labelsize=7)

    ex = _explorer()
    ex.draw = draw
    page = ex.fallback_html()  # its frames are drawn on a figure of their own
    ex.png(fresh=True)  # one of them, drawn again on the explorer's figure
    sizes = [t.get_fontsize() for t in ex._figure.findobj(Text) if t.get_text().strip()]
    assert SMALLEST_TEXT_PT == 10.0
    assert min(sizes) == 10.0  # the legend's 6 pt and the ticks' 7 pt were raised
    assert ex.smallest_text_pt == 10.0
    # 10 pt at the explorer's dpi, in pixels of the image at its own size
    assert f"data-actnet-text-px='{10 * ex.dpi / 72:g}'" in page


def test_live_face_shows_a_kernel_free_frame_without_computing_it_again():
    """The frames computed for the kernel-free face are what the live face shows for those
    settings: no second compute, no second drawing; other settings are computed as before."""
    import base64

    ex = _explorer()
    ex.widget()
    page = ex.fallback_html()
    payload = json.loads(re.search(r"class='actnet-frames'>(.*?)</script>", page).group(1))
    computed = len(ex.compute_seconds)
    ex._inputs["slope"].value = 2.0  # slope 2, shift -1: shift -1 is not a static value
    assert len(ex.compute_seconds) == computed + 1
    ex._inputs["shift"].value = 1  # slope 2, shift 1: a frame
    assert len(ex.compute_seconds) == computed + 1
    assert ex.data == [1.0, 3.0, 5.0]
    assert ex._readout.value == "" and ex.alt_text() == "a line through 1.0 with slope 2.0"
    frame = payload["frames"][payload["index"][2 * 2 + 1]]  # slope index 2, shift index 1
    assert ex._image.value == base64.b64decode(frame)


def test_a_control_moved_back_neither_computes_nor_draws_again():
    """The live face keeps each setting's data with its image: moving back shows both."""
    ex = _explorer()
    ex.widget()
    first = ex._image.value
    ex._inputs["slope"].value = 2.0
    computed = len(ex.compute_seconds)
    ex._inputs["slope"].value = 1.0  # back to the start
    assert len(ex.compute_seconds) == computed
    assert ex.data == [-1.0, 0.0, 1.0] and ex._image.value == first
    ex._inputs["shift"].value = 1  # a new setting is computed
    assert len(ex.compute_seconds) == computed + 1 and ex.data == [1.0, 2.0, 3.0]


def test_a_move_whose_picture_fails_still_shows_the_counter_started_again():
    """The picture is sent before the controls that follow a move; when drawing it
    fails, the error is shown and the controls still follow."""
    ex = _picker()
    ex.widget()
    drawn = ex.draw

    def draw(data, fig):
        if data == ["b0"]:
            raise RuntimeError("no picture of b")
        drawn(data, fig)

    ex.draw = draw
    ex._inputs["names"][1].value = True
    ex._inputs["names"][0].value = False  # b and c
    ex._update("n", 2)
    assert ex._inputs["n"].value == 2 and ex._status.value == ""
    ex._inputs["names"][2].value = False  # b alone, the counter at 0: its picture fails
    assert ex.values == {"names": ("b",), "n": 0}
    assert "no picture of b" in ex._status.value
    assert ex._inputs["n"].value == 0  # the counter shows its start again
