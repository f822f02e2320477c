"""Chapter 7, choosing an activation: the report card measures what the course claims,
for built-in and user-defined activations; the summary table prints only what is
deterministic; a newcomer's card ranks among the others; gates are sigmoids
(:mod:`actnet.experiments.choosing`); and the chapter's built page."""

import re
from dataclasses import replace

import numpy as np
import pytest
from book_pages import page

import actnet
from actnet import plots
from actnet.experiments.choosing import (
    gate_memory,
    report_card,
    report_cards,
    summary,
    summary_table,
    with_card,
)

# ------------------------------------------------------------- the report card


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
    # a sigmoid unit is never exactly 0, so no sigmoid network is born dead (the
    # glossary's definition), however constant a deep narrow one looks numerically
    assert card.born_dead_probability == 0.0


def test_tanh_card_is_zero_centred(classics):
    card = classics["tanh"]
    assert abs(card.mean_output) < 0.01
    assert card.derivative_at_zero == 1.0


def test_relu_card_dies_and_wins_the_race(classics):
    relu, leaky = classics["relu"], classics["leaky_relu"]
    assert relu.saturates == "left" and not relu.smooth and relu.derivative_at_zero == 0.0
    # seeds 0 and 1: both runs train, ReLU loses about 0.7 of its units, leaky ReLU none
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


# ----------------------------------------------------------- the summary table


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


def test_report_card_figure_can_leave_out_the_timing_row(two_cards):

    def row_labels(fig):
        table = fig.axes[0].tables[0]
        return {c.get_text().get_text() for (r, col), c in table.get_celld().items() if col == -1}

    assert "cost ratio" in row_labels(plots.report_card(two_cards))
    labels = row_labels(plots.report_card(two_cards, exclude=("cost_ratio",)))
    assert "cost ratio" not in labels and "race rank" in labels


# ----------------------------------------------------------------------- gates


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


# -------------------------------------------------------------- the built page


def test_choosing_summary_table_has_a_row_per_activation(html):
    """The table holds every built-in activation, the mobile ones (relu6, hard_sigmoid,
    hard_swish) included: the chapter summarises all of them. A name may hold a digit
    (relu6), which the row pattern once missed."""
    built = page(html, "choosing")
    table = re.search(r'<table class="table actnet-summary">.*?</table>', built, re.S).group(0)
    rows = re.findall(r"<tr><td>([a-z_0-9]+)</td>", table)
    assert rows == actnet.available()  # every built-in activation, in the registry's order
    assert "<th>race rank</th>" in table and "<th>cost ratio</th>" not in table


def test_choosing_glues_the_race_with_its_interval_and_cites_the_gated_networks(html):
    """The race is quoted with its interval over the seeds and ReLU's place in it as
    within noise of the variants' (no longer "ReLU ranks 1": over five seeds leaky ReLU's
    median is lower, and the intervals overlap)."""
    from actnet.experiments import RACE_SEEDS, convergence_race, spread, within_noise

    built = page(html, "choosing")
    race = convergence_race(("relu", "leaky_relu"), seeds=RACE_SEEDS)
    relu, leaky = (spread(row.astype(float), RACE_SEEDS) for row in race.epochs_to_target)
    lo, hi = relu.interval
    assert f'<span class="pasted-text">{relu.mean:.0f} ± {(hi - lo) / 2:.0f}</span>' in built
    assert within_noise(relu, leaky)
    close = re.search(r"its interval overlaps\s+those of\s+<span[^>]*>([^<]*)</span>", built)
    assert close and "leaky_relu" in close.group(1)
    assert "Hochreiter and Schmidhuber, 1997" in built and "Cho" in built
    # the user-defined activation's card is measured in the closing solution
    assert "smooth_leaky" in built


def test_choosing_shows_the_four_contenders_as_an_html_table_not_an_image(html):
    """The cards side by side are a table of text (readable on a phone), one column per
    activation, the properties as rows; the figure is the runs seed by seed."""
    built = page(html, "choosing")
    tables = re.findall(r'<table class="table actnet-summary">.*?</table>', built, re.S)
    heads = [re.findall(r"<th>([^<]*)</th>", t) for t in tables]
    assert ["name", "relu", "leaky_relu", "elu", "gelu"] in heads
    side = tables[heads.index(["name", "relu", "leaky_relu", "elu", "gelu"])]
    assert "<td>dead fraction high lr</td>" in side and "<td>race epochs</td>" in side


def test_choosing_advice_links_the_later_chapters(html):
    built = page(html, "choosing")
    for chapter in ("initialisation", "normalisation", "output_layer", "modern"):
        assert f'href="{chapter}.html' in built
    # the cited papers, by an author each (Ba et al. by a co-author: "Ba" is too short)
    for author in ("Ioffe and Szegedy", "Kiros", "Shazeer", "Howard", "Hendrycks and Gimpel"):
        assert author in built


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


def test_the_report_card_shows_no_dead_fraction_for_a_diverged_run():
    """ELU's run at learning rate 3 (seed 0) diverges; its card says so instead of a number."""
    from actnet.experiments import dying_relu

    run = dying_relu(learning_rates=(3.0,), activation="elu", seeds=(0,))
    assert run.diverged[0, 0] and np.isnan(run.dead_fraction[0, 0])
    (elu,) = [c for c in report_cards(["relu", "elu"], seeds=(0,)) if c.name == "elu"]
    assert elu.dead_fraction_high_lr == "diverged"
    table = summary([elu], columns=["dead_fraction_high_lr"])
    assert table.column("dead_fraction_high_lr") == ["diverged"]
    assert "<td>diverged</td>" in table._repr_html_()


# ---------------------------------------------------- spread over seeds, one source


@pytest.fixture(scope="module")
def seeded():
    """The chapter's cards for four activations, with the chapter's seeds."""
    return {c.name: c for c in report_cards(["sigmoid", "relu", "leaky_relu", "elu"])}


def test_the_card_rests_on_at_least_five_seeds(seeded):
    from actnet.experiments import RACE_SEEDS, SEEDS

    for card in seeded.values():
        assert card.runs.dead.seeds == SEEDS and len(SEEDS) >= 5
        assert card.runs.race.seeds == RACE_SEEDS and len(RACE_SEEDS) >= 5
        assert len(card.runs.dead_outcomes) == len(SEEDS)
        assert card.runs.gradient.n == len(RACE_SEEDS)


def test_a_diverged_run_never_shows_a_dead_fraction(seeded):
    """Every run that diverged is NaN in the spread and counted; a card whose runs mostly
    diverged shows the word, never a number (ELU: all ten runs at learning rate 3)."""
    for card in seeded.values():
        runs = card.runs
        gone = np.array([o == "diverged" for o in runs.dead_outcomes])
        assert np.all(np.isnan(runs.dead.values[gone]))
        assert np.all(np.isfinite(runs.dead.values[~gone]))
        assert runs.dead.excluded == runs.diverged == gone.sum()
        if 2 * runs.diverged > len(gone):
            assert card.dead_fraction_high_lr == "diverged"
            assert card.dead_text().startswith("diverged")
            assert not re.search(r"\d\.\d", card.dead_text())
    elu = seeded["elu"]
    assert elu.runs.diverged == 10 and elu.dead_text() == "diverged"
    assert summary([elu], columns=["dead_fraction_high_lr"]).column("dead_fraction_high_lr") == [
        "diverged"
    ]


def test_the_dead_fraction_is_the_relu_and_variants_chapters_number(seeded):
    """One source: the card's runs are those of experiments.dying_relu (the ReLU
    chapter's, seed for seed) and of experiments.variant_properties."""
    from actnet.experiments import SEEDS, dying_relu, variant_properties

    relu_chapter = dying_relu(seeds=SEEDS)  # as the ReLU chapter runs it
    np.testing.assert_array_equal(seeded["relu"].runs.dead.values, relu_chapter.dead_fraction[-1])
    assert seeded["relu"].dead_fraction_high_lr == pytest.approx(
        float(np.nanmean(relu_chapter.dead_fraction[-1])), abs=0
    )
    variants = variant_properties(["relu", "leaky_relu", "elu"], learning_rates=(3.0,), seeds=SEEDS)
    for name in ("relu", "leaky_relu", "elu"):
        np.testing.assert_array_equal(
            seeded[name].runs.dead.values, variants.dead_spread(name, 3.0).values
        )


def test_the_race_is_the_relu_chapters_race(seeded):
    """The card's race epochs per seed are those of convergence_race() as the ReLU
    chapter runs it (its default seeds), and the median is the card's race_epochs."""
    from actnet.experiments import convergence_race

    race = convergence_race()
    for i, name in enumerate(race.activations):
        if name in seeded:
            np.testing.assert_array_equal(seeded[name].runs.race.values, race.epochs_to_target[i])
            assert seeded[name].race_epochs == float(race.median_epochs()[i])
    assert seeded["relu"].race_text() == "{:.0f} ± {:.0f}".format(
        seeded["relu"].runs.race.mean,
        (seeded["relu"].runs.race.interval[1] - seeded["relu"].runs.race.interval[0]) / 2,
    )
    # the sigmoid never reaches the target: no mean is shown for it
    assert seeded["sigmoid"].runs.race_reached == 0
    assert seeded["sigmoid"].race_text() == "not reached in 400"


def test_born_dead_probability_comes_with_its_monte_carlo_interval(seeded):
    from actnet.experiments import BORN_DEAD_TRIALS, born_dead, born_dead_interval

    relu = seeded["relu"]
    born = born_dead(depths=(20,), widths=(2,), trials=BORN_DEAD_TRIALS)
    assert relu.born_dead_probability == float(born.probability[0, 0])
    lo, hi = relu.runs.born_dead_interval
    assert (lo, hi) == born_dead_interval(born, 2, 20)
    assert lo <= relu.born_dead_probability <= hi and hi - lo > 0
    assert relu.born_dead_text() == f"{relu.born_dead_probability:.2g} ({lo:.2f}–{hi:.2f})"


def test_the_dead_text_counts_the_runs_left_out():
    """Mean ± the half-width of the 95% interval of the runs that did not diverge, and
    the runs that diverged or did not train counted beside it."""
    from actnet.experiments import CardRuns, ReportCard, spread

    values = [0.5, 0.7, float("nan"), 0.6, 0.6]
    runs = CardRuns(
        dead=spread(values, range(5)),
        dead_outcomes=("trained", "did not train", "diverged", "trained", "trained"),
        race=spread([10.0] * 5, range(5)),
        race_max_epochs=400,
        gradient=spread([0.5] * 5, range(5)),
        born_dead_trials=100,
        born_dead_interval=(0.0, 0.04),
    )
    card = ReportCard(
        "x", 0.0, 1.0, 0.5, "none", 1.0, 1.0, True, True, 1.0, 0.5, 0.6, 0.0, 1, 10.0, runs
    )
    half = (runs.dead.interval[1] - runs.dead.interval[0]) / 2
    assert card.dead_text() == f"0.60 ± {half:.2f} (1 of 5 diverged; 1 of 5 did not train)"
    # four runs count: t(0.975, 3 degrees of freedom) = 3.182446, sqrt(4) = 2
    assert half == pytest.approx(3.182446 * np.std([0.5, 0.7, 0.6, 0.6], ddof=1) / 2, rel=1e-6)


def test_the_figure_of_the_runs_draws_no_dot_for_a_diverged_run(seeded):
    """One dot per run that counts, none for a diverged run; ELU's row (every run
    diverged) holds only the word."""
    cards = [seeded[n] for n in ("relu", "elu")]
    fig = plots.report_card_spreads(cards)
    top, bottom = fig.axes
    dots = [line.get_xdata() for line in bottom.get_lines() if line.get_marker() == "o"]
    assert [len(d) for d in dots] == [seeded["relu"].runs.dead.n, 0]
    np.testing.assert_array_equal(dots[0], seeded["relu"].runs.dead.kept)
    assert "diverged" in [t.get_text() for t in bottom.texts]
    with pytest.raises(ValueError, match="measured with their runs"):
        plots.report_card_spreads([replace(seeded["relu"], runs=None)])
