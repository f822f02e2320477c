"""The report card measures what the course claims, for built-in and user-defined activations."""

import numpy as np
import pytest

import actnet
from actnet.experiments import report_card, report_cards, summary_table


@pytest.fixture(scope="module")
def classics():
    return {
        c.name: c for c in report_cards(["sigmoid", "tanh", "relu", "leaky_relu"], seeds=(0, 1))
    }


def test_sigmoid_card(classics):
    card = classics["sigmoid"]
    assert (card.output_min, card.output_max) == (0.0, 1.0)
    assert card.mean_output == pytest.approx(0.5, abs=0.01)  # not zero-centred
    assert card.max_derivative == 0.25 and card.saturates == "both"
    assert card.gradient_after_10_layers < 1e-4
    assert card.monotonic and card.smooth


def test_tanh_card_is_zero_centred(classics):
    card = classics["tanh"]
    assert abs(card.mean_output) < 0.01
    assert card.derivative_at_zero == 1.0


def test_relu_card_dies_and_wins_the_race(classics):
    relu, leaky = classics["relu"], classics["leaky_relu"]
    assert relu.saturates == "left" and not relu.smooth and relu.derivative_at_zero == 0.0
    assert relu.dead_fraction_high_lr > 0.3 and leaky.dead_fraction_high_lr == 0.0
    assert relu.born_dead_probability > 0.5 and leaky.born_dead_probability == 0.0
    assert relu.race_rank < classics["sigmoid"].race_rank
    assert relu.cost_ratio == 1.0


def test_a_user_defined_activation_gets_a_card_end_to_end():
    actnet.register(
        "squareplus",
        lambda x: 0.5 * (x + np.sqrt(x * x + 4.0)),
        lambda x: 0.5 * (1.0 + x / np.sqrt(x * x + 4.0)),
    )
    try:
        card = report_card("squareplus", seeds=(0,))
    finally:
        actnet.unregister("squareplus")
    assert card.name == "squareplus"
    # its formula gives NaN at -inf, so the range is what the grid [-10, 10] and +inf show
    assert card.output_min == pytest.approx((-10 + np.sqrt(104.0)) / 2, rel=1e-12)
    assert card.output_max == np.inf
    assert card.derivative_at_zero == 0.5 and card.monotonic and card.smooth
    assert 1 <= card.race_rank <= 4
    assert card.dead_fraction_high_lr == 0.0


def test_summary_table_rounds_every_number(classics):
    rows = summary_table(list(classics.values()))
    assert [r["name"] for r in rows] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    assert rows[0]["max_derivative"] == 0.25
    assert all(r["mean_output"] == round(r["mean_output"], 2) for r in rows)


@pytest.mark.parametrize(
    "value, grad, what",
    [
        (lambda x: np.full_like(x, np.nan), lambda x: np.ones_like(x), "value"),
        (lambda x: x, lambda x: np.full_like(x, np.nan), "derivative"),
    ],
)
def test_an_activation_that_is_nan_everywhere_gets_no_card_and_no_rank(value, grad, what):
    actnet.register("test_all_nan", value, grad)
    try:
        with pytest.raises(ValueError, match=f"'test_all_nan': its {what} is NaN at every point"):
            report_card("test_all_nan", seeds=(0,))
        with pytest.raises(ValueError, match="nothing to measure"):
            report_cards(["relu", "test_all_nan"], seeds=(0,))
    finally:
        actnet.unregister("test_all_nan")
