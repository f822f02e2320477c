"""The summary table prints only what is deterministic; a newcomer's card ranks among the others."""

import pytest

import actnet
from actnet.experiments import report_cards, summary, with_card
from actnet.experiments.choosing import gate_memory


@pytest.fixture(scope="module")
def two_cards():
    return report_cards(["sigmoid", "relu"], seeds=(0,))


def test_added_card_ranks_as_if_raced_together(two_cards):
    added = {c.name: c for c in with_card(two_cards, "tanh", seeds=(0,))}
    together = {c.name: c for c in report_cards(["sigmoid", "relu", "tanh"], seeds=(0,))}
    assert {n: c.race_rank for n, c in added.items()} == {
        n: c.race_rank for n, c in together.items()
    }
    assert added["tanh"].race_epochs == together["tanh"].race_epochs
    assert added["tanh"].born_dead_probability == together["tanh"].born_dead_probability


def test_user_defined_activation_gets_a_card_beside_the_course(two_cards):
    actnet.register("halfrelu", lambda x: 0.5 * (x > 0) * x, lambda x: 0.5 * (x > 0), kinks=(0.0,))
    try:
        cards = with_card(two_cards, "halfrelu", seeds=(0,))
    finally:
        actnet.unregister("halfrelu")
    card = cards[-1]
    assert card.name == "halfrelu" and card.max_derivative == 0.5
    assert card.saturates == "left" and not card.smooth
    assert sorted(c.race_rank for c in cards)[0] == 1


def test_with_card_refuses_a_second_card_of_the_same_activation(two_cards):
    with pytest.raises(ValueError, match="already hold a report card for 'relu'"):
        with_card(two_cards, "relu")


def test_summary_leaves_out_the_timing_column_by_default(two_cards):
    table = summary(two_cards)
    assert "cost_ratio" not in table.columns and table.columns[0] == "name"
    assert table.column("name") == ["sigmoid", "relu"]
    assert table.column("max_derivative") == [0.25, 1.0]


def test_summary_html_shows_infinity_and_yes_no(two_cards):
    page = summary(two_cards, columns=["output_max", "monotonic"])._repr_html_()
    assert "<th>output max</th>" in page and "<td>∞</td>" in page and "<td>yes</td>" in page


def test_summary_rejects_unknown_columns(two_cards):
    with pytest.raises(ValueError, match="unknown report-card columns \\['speed'\\]"):
        summary(two_cards, columns=["speed"])


def test_summary_needs_a_card():
    with pytest.raises(ValueError, match="at least one report card"):
        summary([])


def test_a_sigmoid_gate_never_carries_more_than_all_of_the_gradient():
    r = gate_memory(steps=30, runs=50)
    sigmoid = r.of("sigmoid")
    # |c_t| <= |c_{t-1}| + 1 when f, i are in (0, 1) and |u| < 1
    assert sigmoid["largest_state"] <= r.steps
    assert 0.0 < sigmoid["carried_gradient"] <= 1.0
    assert sigmoid["sign_flips"] == 0.0


def test_unbounded_gates_blow_the_memory_up_and_tanh_gates_flip_its_sign():
    r = gate_memory(steps=30, runs=50)
    assert r.of("softplus")["carried_gradient"] > 1e6
    assert r.of("relu")["largest_state"] > 1e6
    assert r.of("tanh")["sign_flips"] > 0.0


def test_gate_memory_rejects_no_gates():
    with pytest.raises(ValueError, match="at least one activation"):
        gate_memory(gates=())


def test_report_card_figure_can_leave_out_the_timing_row(two_cards):
    from actnet import plots

    def row_labels(fig):
        table = fig.axes[0].tables[0]
        return {c.get_text().get_text() for (r, col), c in table.get_celld().items() if col == -1}

    assert "cost ratio" in row_labels(plots.report_card(two_cards))
    labels = row_labels(plots.report_card(two_cards, exclude=("cost_ratio",)))
    assert "cost ratio" not in labels and "race rank" in labels
