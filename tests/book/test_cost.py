"""The time each activation takes (:mod:`actnet.experiments.cost`), which the sigmoid,
tanh, ReLU, variants and choosing chapters compare."""

import importlib

import numpy as np
import pytest

from actnet.experiments.cost import cost


def test_cost_is_measured_relative_to_relu_in_one_run():
    c = cost(["sigmoid", "relu", "tanh"], n_elements=20_000, repeats=3)
    assert c.names == ["relu", "sigmoid", "tanh"]
    assert c.value_ratio[0] == 1.0 and c.grad_ratio[0] == 1.0
    assert np.all(c.value_ns > 0) and np.all(c.grad_ns > 0)
    assert c.ratio("relu") == 1.0


def test_passes_are_counted_not_timed_and_do_not_vary():
    """ReLU's value is one pass (``np.maximum``), its derivative two (``maximum``, ``sign``)."""
    a = cost(["relu", "sigmoid", "gelu"], n_elements=5_000, repeats=1, seed=0)
    b = cost(["relu", "sigmoid", "gelu"], n_elements=20_000, repeats=1, seed=1)
    np.testing.assert_array_equal(a.value_passes, b.value_passes)
    np.testing.assert_array_equal(a.grad_passes, b.grad_passes)
    assert (a.value_passes[0], a.grad_passes[0]) == (1.0, 2.0)
    assert a.passes("sigmoid") > a.passes("relu") and a.passes_ratio("relu") == 1.0


def test_count_passes_weights_a_pass_by_the_share_of_the_array_it_covers():
    from actnet.experiments.cost import count_passes

    half = np.concatenate([-np.ones(500), np.ones(500)])
    # a value that computes an exp only on the negative half makes half a pass of it
    import actnet

    def value(x):
        out = x.copy()
        negative = x < 0
        out[negative] = np.exp(x[negative])
        return out

    actnet.register("test_half_exp", value, lambda x: np.ones_like(x))
    try:
        assert count_passes("test_half_exp", half) == 1.5  # the comparison, half an exp
    finally:
        actnet.unregister("test_half_exp")
    with pytest.raises(ValueError, match="what must be 'value' or 'derivative'"):
        count_passes("relu", half, what="both")


def test_book_cost_is_measured_once_and_read_back_from_the_cache(tmp_path, monkeypatch):
    module = importlib.import_module("actnet.experiments.cost")

    monkeypatch.setenv(module.CACHE_VARIABLE, str(tmp_path))
    monkeypatch.setattr(module, "_BOOK", {})
    first = module.book_cost(n_elements=2_000, repeats=1)
    (stored,) = tmp_path.glob("cost-*.json")
    monkeypatch.setattr(module, "_BOOK", {})  # a new chapter's kernel
    again = module.book_cost(n_elements=2_000, repeats=1)
    assert again.names == first.names
    np.testing.assert_array_equal(again.value_ns, first.value_ns)  # the same timing, not a new one
    assert stored.exists()


COST_CHAPTERS = ("sigmoid", "tanh", "relu", "variants", "choosing")


def test_the_chapters_quote_one_cost_measurement():
    """Every cost number glued by two chapters is the same number: one measurement."""
    from book_pages import glued

    seen: dict[str, dict[str, str]] = {}
    for chapter in COST_CHAPTERS:
        for name, value in glued(chapter).items():
            if name.startswith(("cost_passes_", "cost_time_")):
                seen.setdefault(name, {})[chapter] = value
    shared = {name: values for name, values in seen.items() if len(values) > 1}
    assert "cost_time_sigmoid" in shared and "cost_passes_relu" in shared
    for name, values in shared.items():
        assert len(set(values.values())) == 1, (name, values)
    # the report card's time ratio is that measurement too
    choosing = glued("choosing")
    variants = glued("variants")
    assert choosing["choosing_cost_gelu"] == variants["cost_time_gelu"]
