"""Chapter 10, choosing an activation: every property the course discusses measured on one
report card, the course's summary table, why gates are sigmoids, and a new
activation's card beside the others."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from actnet._validate import integer_at_least, real_number
from actnet.activations import Activation, available, get
from actnet.experiments.cost import book_cost, cost
from actnet.experiments.relu import born_dead, born_dead_interval, dying_relu
from actnet.experiments.seeds import SEEDS, Spread, html_cell, spread
from actnet.experiments.sigmoid import convergence_race, vanishing_gradients

__all__ = [
    "CardRuns",
    "RACE_SEEDS",
    "BORN_DEAD_TRIALS",
    "ReportCard",
    "report_cards",
    "report_card",
    "summary_table",
    "TIMING_COLUMNS",
    "SummaryTable",
    "summary",
    "with_card",
    "GateMemory",
    "gate_memory",
]

# ------------------------------------------------------------- the report card
BASELINE = ("sigmoid", "tanh", "relu")


_GRID = np.linspace(-10.0, 10.0, 20001)


RACE_SEEDS = (0, 1, 2, 3, 4)
"""The seeds of the card's convergence race: those of
:func:`~actnet.experiments.convergence_race`, so that the race of sigmoid, tanh and
ReLU is the ReLU chapter's race, run for run."""


BORN_DEAD_TRIALS = 100
"""Random width-2, depth-20 networks drawn for a card's born-dead probability."""


def _majority(count: int, runs: int) -> bool:
    return 2 * count > runs


@dataclass(frozen=True)
class CardRuns:
    """The runs behind a report card's trained numbers, one value per seed."""

    dead: Spread
    """Dead fraction at learning rate 3 per seed (NaN where the run diverged)."""
    dead_outcomes: tuple[str, ...]
    """Per seed: ``"trained"``, ``"diverged"`` or ``"did not train"`` (a run that ended
    no better than a constant prediction)."""
    race: Spread
    """Epochs to the race's target per seed: ``race_max_epochs + 1`` where the target was
    never reached (a lower bound), NaN where the run diverged."""
    race_max_epochs: int
    gradient: Spread
    """First-to-last gradient ratio after 10 layers, one network per seed."""
    born_dead_trials: int
    born_dead_interval: tuple[float, float]
    """The 95% Monte-Carlo (Wilson) interval of the born-dead probability."""

    @property
    def diverged(self) -> int:
        """Dead-fraction runs that diverged."""
        return self.dead_outcomes.count("diverged")

    @property
    def untrained(self) -> int:
        """Dead-fraction runs that did not diverge and did not train either."""
        return self.dead_outcomes.count("did not train")

    @property
    def race_reached(self) -> int:
        """Race runs that reached the target loss."""
        return int(np.sum(self.race.kept <= self.race_max_epochs))

    def __repr__(self) -> str:
        lo, hi = self.born_dead_interval
        return (
            f"CardRuns(dead={self.dead.format('.2f')}, race={self.race.format('.3g')} epochs, "
            f"born_dead_interval=({lo:.2f}, {hi:.2f}) of {self.born_dead_trials} networks)"
        )


@dataclass(frozen=True)
class ReportCard:
    """Measured properties of one activation (see :func:`report_card`)."""

    name: str
    output_min: float
    """Smallest value on [-10, 10] and at -inf/+inf (where the formula gives a number)."""
    output_max: float
    mean_output: float
    """Mean of f(z) for z standard normal: 0 for a zero-centred activation."""
    saturates: str
    """Where the derivative falls below 0.01 within [-10, 10]: none, left, right or both."""
    max_derivative: float
    derivative_at_zero: float
    monotonic: bool
    smooth: bool
    """No jump in the derivative larger than 0.01 between neighbouring points 0.001 apart."""
    cost_ratio: float
    """Value plus derivative time over ReLU's, in one run."""
    gradient_after_10_layers: float
    """First-layer gradient norm over last-layer's in a 10-hidden-layer network (seed 0, the
    sigmoid chapter's network; ``runs.gradient`` holds one per race seed)."""
    dead_fraction_high_lr: float | str
    """Dead hidden units after 20 epochs of SGD with learning rate 3: the mean over the
    seeds' runs that did not diverge (``History.diverged``; a diverged network's units say
    nothing). The word ``"diverged"`` instead of a number when most runs diverged, and
    ``"did not train"`` when most ended no better than a constant prediction. The runs
    are those of :func:`~actnet.experiments.dying_relu` (and of the variants chapter's
    table), per seed in ``runs.dead``."""
    born_dead_probability: float
    """Fraction of ``BORN_DEAD_TRIALS`` width-2, depth-20 networks that are constant at initialisation
    (its Monte-Carlo interval: ``runs.born_dead_interval``)."""
    race_rank: int
    """Rank in the convergence race (1 = fewest median epochs to the target loss)."""
    race_epochs: float
    """Median epochs to the race's target loss over the seeds (max_epochs + 1 where never
    reached); per seed in ``runs.race``."""
    runs: CardRuns | None = None
    """Every seed's value behind the trained numbers (``None`` for a card written by hand)."""

    def dead_text(self, digits: int = 2) -> str:
        """The dead fraction as the tables show it: mean ± half-width of its 95% interval
        with the runs left out counted, or ``"diverged"`` / ``"did not train"`` when
        most runs did so."""
        if self.runs is None or isinstance(self.dead_fraction_high_lr, str):
            return _word_or_number(self.dead_fraction_high_lr, self.runs, digits)
        runs, n = self.runs, len(self.runs.dead_outcomes)
        text = f"{runs.dead.mean:.{digits}f}"
        if runs.dead.n > 1:
            text += f" ± {runs.dead.half_width:.{digits}f}"
        notes = [f"{runs.diverged} of {n} diverged"] if runs.diverged else []
        if runs.untrained:
            notes.append(f"{runs.untrained} of {n} did not train")
        return text + (f" ({'; '.join(notes)})" if notes else "")

    def race_text(self) -> str:
        """Epochs to the race's target: mean ± half-width of its 95% interval, or the
        reason there is no number (every run diverged or none reached the target)."""
        if self.runs is None:
            return f"{self.race_epochs:g}"
        race, n = self.runs.race, len(self.runs.race.seeds)
        if _majority(race.excluded, n):
            return "diverged" if race.excluded == n else f"diverged ({race.excluded} of {n})"
        if self.runs.race_reached == 0:
            return f"not reached in {self.runs.race_max_epochs}"
        text = f"{race.mean:.0f} ± {race.half_width:.0f}"
        missed = race.n - self.runs.race_reached
        notes = [f"{missed} of {n} not reached"] if missed else []
        if race.excluded:
            notes.append(f"{race.excluded} of {n} diverged")
        return text + (f" ({'; '.join(notes)})" if notes else "")

    def born_dead_text(self, digits: int = 2) -> str:
        """The born-dead probability and its 95% Monte-Carlo interval."""
        p = f"{self.born_dead_probability:.{digits}g}"
        if self.runs is None:
            return p
        lo, hi = self.runs.born_dead_interval
        return f"{p} ({lo:.{digits}f}–{hi:.{digits}f})"


def _word_or_number(value: float | str, runs: CardRuns | None, digits: int) -> str:
    if isinstance(value, str):
        if runs is None:
            return value
        n = len(runs.dead_outcomes)
        count = runs.diverged if value == "diverged" else runs.untrained
        return value if count == n else f"{value} ({count} of {n})"
    return f"{value:.{digits}f}"


def _init_for(output_min: float, output_max: float) -> str:
    # activations bounded on both sides are initialised for their linear region
    return "xavier_normal" if np.isfinite(output_min) and np.isfinite(output_max) else "he"


def _dead_at_high_lr(act: Activation, seeds: tuple[int, ...]) -> tuple[float | str, Spread, tuple[str, ...]]:  # fmt: skip
    """The runs of :func:`dying_relu` at learning rate 3, as the variants chapter runs
    them (PReLU by name, so that its slope is trained)."""
    dying = dying_relu(
        learning_rates=(3.0,), activation=act.name if act.name == "prelu" else act, seeds=seeds
    )
    outcomes = tuple(dying.outcome(0, j) for j in range(len(seeds)))
    dead = dying.spread(3.0)
    n = len(seeds)
    if _majority(outcomes.count("diverged"), n) or outcomes.count("diverged") == n:
        summary_value: float | str = "diverged"
    elif _majority(outcomes.count("did not train"), n):
        summary_value = "did not train"
    else:
        summary_value = dead.mean
    return summary_value, dead, outcomes


def _card(
    act: Activation,
    race_rank: int,
    race: Spread,
    race_max_epochs: int,
    cost_ratio: float,
    seeds: tuple[int, ...],
) -> ReportCard:
    value, grad = act(_GRID), act.grad(_GRID)
    limits = act(np.array([-np.inf, np.inf]))
    lo = float(np.nanmin(np.append(value, limits)))
    hi = float(np.nanmax(np.append(value, limits)))
    z = np.random.default_rng(0).standard_normal(200_000)
    flat = np.abs(grad) < 0.01
    saturates = {
        (False, False): "none",
        (True, False): "left",
        (False, True): "right",
        (True, True): "both",
    }[(bool(flat[0]), bool(flat[-1]))]
    init = _init_for(lo, hi)
    gradient = spread(
        [
            vanishing_gradients(runs=((act, init),), depth=10, seed=s).first_to_last(act.name, init)
            for s in race.seeds
        ],
        race.seeds,
    )
    dead, dead_runs, outcomes = _dead_at_high_lr(act, seeds)
    born = born_dead(depths=(20,), widths=(2,), activation=act, init=init, trials=BORN_DEAD_TRIALS)
    runs = CardRuns(
        dead=dead_runs,
        dead_outcomes=outcomes,
        race=race,
        race_max_epochs=race_max_epochs,
        gradient=gradient,
        born_dead_trials=born.trials,
        born_dead_interval=born_dead_interval(born, 2, 20),
    )
    seed_zero = (
        float(gradient.values[race.seeds.index(0)])
        if 0 in race.seeds
        else vanishing_gradients(runs=((act, init),), depth=10).first_to_last(act.name, init)
    )
    return ReportCard(
        name=act.name,
        output_min=lo,
        output_max=hi,
        mean_output=float(act(z).mean()),
        saturates=saturates,
        max_derivative=float(grad.max()),
        derivative_at_zero=float(act.grad(0.0)),
        monotonic=bool(np.all(grad >= 0)),
        smooth=bool(np.abs(np.diff(grad)).max() < 0.01),
        cost_ratio=cost_ratio,
        gradient_after_10_layers=seed_zero,
        dead_fraction_high_lr=dead,
        born_dead_probability=float(born.probability[0, 0]),
        race_rank=race_rank,
        race_epochs=float(np.median(race.values[np.isfinite(race.values)]))
        if race.n
        else float(race_max_epochs + 1),
        runs=runs,
    )


def _refuse_unmeasurable(act: Activation) -> None:
    """An activation that is NaN everywhere has no properties to measure, and a race it
    never runs in would still rank it: refuse it instead."""
    for what, values in (("value", act(_GRID)), ("derivative", act.grad(_GRID))):
        if np.all(np.isnan(values)):
            raise ValueError(
                f"activation {act.name!r}: its {what} is NaN at every point of [-10, 10], "
                "so there is nothing to measure and no report card"
            )


def _seeds(seeds: Sequence[int] | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(dead-fraction seeds, race seeds): ``SEEDS`` and ``RACE_SEEDS`` by default."""
    if seeds is None:
        return SEEDS, RACE_SEEDS
    if isinstance(seeds, str) or not isinstance(seeds, Sequence | range):
        raise TypeError(f"seeds must be a sequence of seeds, got {type(seeds).__name__}")
    chosen = tuple(integer_at_least("seeds", s, 0) for s in seeds)
    if not chosen:
        raise ValueError("seeds must hold at least one seed")
    return chosen, chosen


def report_cards(
    activations: list[str | Activation] | None = None, seeds: Sequence[int] | None = None
) -> list[ReportCard]:
    """Report cards for several activations (default: all registered), raced together.

    ``seeds``: by default the dead fraction at learning rate 3 is measured over
    :data:`~actnet.experiments.SEEDS` (ten runs, those of the ReLU chapter's dead
    units) and the race over :data:`RACE_SEEDS` (five, those of the ReLU chapter's
    race); seeds given here are used for both. An activation that is NaN on every
    input is refused (``ValueError``).
    """
    dead_seeds, race_seeds = _seeds(seeds)
    acts = [get(a) for a in (available() if activations is None else activations)]
    for act in acts:
        _refuse_unmeasurable(act)
    race = convergence_race(tuple(acts), seeds=race_seeds)
    ranks = race.ranks()
    # the built-ins' cost is the book's one measurement, the number every chapter quotes;
    # an activation of the reader's own is timed beside ReLU in a run of its own
    shared = book_cost()
    ratios = {a.name: shared.ratio(a.name) for a in acts if a.name in shared.names}
    others = [a for a in acts if a.name not in ratios]
    if others:
        extra = cost(others, n_elements=100_000, repeats=7)
        ratios |= {a.name: extra.ratio(a) for a in others}
    diverged = race.diverged if race.diverged is not None else np.zeros(race.epochs_to_target.shape, dtype=bool)  # fmt: skip
    cards = []
    for i, a in enumerate(acts):
        epochs = np.where(diverged[i], np.nan, race.epochs_to_target[i].astype(float))
        cards.append(
            _card(
                a,
                ranks[a.name],
                spread(epochs, race_seeds),
                race.max_epochs,
                ratios[a.name],
                dead_seeds,
            )
        )
    return cards


def report_card(activation: str | Activation, seeds: Sequence[int] | None = None) -> ReportCard:
    """Measure every property the course discusses for one activation.

    Works for any registered activation, a user-defined one included. Its
    race rank is among itself and the course's three classics (sigmoid, tanh,
    ReLU), raced on the same data from the same initial weights. ``seeds`` as
    in :func:`report_cards`.

    >>> card = report_card("tanh", seeds=(0,))
    >>> card.output_min, card.output_max, card.derivative_at_zero, card.saturates
    (-1.0, 1.0, 1.0, 'both')
    """
    act = get(activation)
    field = [get(a) for a in BASELINE]
    if act not in field:
        field.append(act)
    cards = report_cards(field, seeds=seeds)
    return next(c for c in cards if c.name == act.name)


def summary_table(cards: list[ReportCard], digits: int = 2) -> list[dict[str, object]]:
    """The course's summary table, one row a card, every number rounded for print; the
    dead fraction, the born-dead probability and the race's epochs as text with their
    spread over the seeds (or interval), and "diverged" where most runs diverged."""
    rows = []
    for card in cards:
        row = {}
        for key in CARD_COLUMNS:
            value = getattr(card, key)
            row[key] = round(value, digits) if isinstance(value, float) else value
        # the trained numbers come with their spread over the seeds
        row["dead_fraction_high_lr"] = card.dead_text(digits)
        row["born_dead_probability"] = card.born_dead_text(digits)
        if card.runs is not None:
            row["race_epochs"] = card.race_text()
        rows.append(row)
    return rows


# ----------------------------------------------------------- the summary table
TIMING_COLUMNS = ("cost_ratio",)
"""Report-card columns measured with a clock: they change from run to run."""

CARD_COLUMNS = tuple(f.name for f in fields(ReportCard) if f.name != "runs")
"""The report card's columns, as the tables show them (``runs`` holds their seeds)."""

_CARD_FIELDS = frozenset(CARD_COLUMNS)


@dataclass(frozen=True)
class SummaryTable:
    """Rows of report cards, rounded for print; shown as an HTML table in a notebook."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def column(self, name: str) -> list[object]:
        """The values of one column, top to bottom."""
        return [row[self.columns.index(name)] for row in self.rows]

    @staticmethod
    def _cell(value: object) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return "∞" if value > 0 else "−∞"
        return str(value)

    @staticmethod
    def _heading(column: str) -> str:
        # a report card's field reads as words; an activation's name stays as it is typed
        return column.replace("_", " ") if column in _CARD_FIELDS else column

    def __str__(self) -> str:
        cells = [[self._heading(c) for c in self.columns]]
        cells += [[self._cell(v) for v in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.columns))]
        return "\n".join(
            "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells
        )

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(self._heading(c))}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html_cell(self._cell(v))}</td>" for v in row) + "</tr>"
            for row in self.rows
        )
        # a wide table scrolls sideways in its own box instead of overflowing the page
        # (book/_static/book.css keeps its first column in view; the inline style is
        # for notebooks, which lack the book's CSS)
        return (
            '<div class="actnet-table-scroll" style="overflow-x: auto">'
            '<table class="table actnet-summary">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )

    def transposed(self) -> SummaryTable:
        """The same cells with rows and columns swapped: one column per activation,
        one row per property, like report cards side by side.

        A few activations then fit a phone's width, where the table of every
        property does not.

        >>> from actnet.experiments.choosing import ReportCard
        >>> card = ReportCard("leaky_relu", -float("inf"), float("inf"), 0.4, "none", 1.0, 0.01,
        ...                   True, False, 1.0, 0.23, 0.0, 0.0, 3, 86.0)
        >>> print(summary([card], columns=["output_max", "smooth"]).transposed())
        name        leaky_relu
        output max  ∞
        smooth      no
        """
        columns = (self.columns[0], *(str(v) for v in self.column(self.columns[0])))
        rows = tuple(
            (self._heading(name), *(row[i] for row in self.rows))
            for i, name in enumerate(self.columns)
            if i > 0
        )
        return SummaryTable(columns, rows)


def summary(
    cards: Sequence[ReportCard],
    columns: Sequence[str] | None = None,
    exclude: Sequence[str] = TIMING_COLUMNS,
    digits: int = 2,
) -> SummaryTable:
    """The summary table of ``cards`` (from :func:`~actnet.experiments.summary_table`).

    ``columns`` chooses and orders the columns (``name`` always comes first);
    by default every field of a card except those in ``exclude``, the timing
    column, so that the printed table is the same on every run.

    >>> card = ReportCard("relu", 0.0, float("inf"), 0.399, "left", 1.0, 0.0, True, False,
    ...                   1.0, 0.24, 0.65, 0.98, 1, 82.0)
    >>> print(summary([card], columns=["output_max", "saturates", "smooth"]))
    name  output max  saturates  smooth
    relu  ∞           left       no
    """
    if not cards:
        raise ValueError("cards must hold at least one report card")
    names = list(CARD_COLUMNS)
    if columns is None:
        columns = [n for n in names if n not in exclude]
    unknown = [c for c in columns if c not in names]
    if unknown:
        raise ValueError(f"unknown report-card columns {unknown}; valid columns: {names}")
    chosen = ("name", *(c for c in columns if c != "name"))
    rows = summary_table(list(cards), digits=digits)
    return SummaryTable(chosen, tuple(tuple(row[c] for c in chosen) for row in rows))


def with_card(
    cards: Sequence[ReportCard],
    activation: str | Activation,
    seeds: Sequence[int] | None = None,
) -> list[ReportCard]:
    """``cards`` with ``activation``'s report card added, race ranks recomputed over all.

    Each activation's convergence race starts from the same data and the same
    initial weights whoever else runs, so a newcomer's epochs compare with the
    cards already measured: only the ranks change. ``seeds`` must be those the
    cards were measured with (the default of :func:`~actnet.experiments.report_cards`).
    Measuring one card takes about a second; re-measuring the whole table, many.
    """
    act = get(activation)
    if any(card.name == act.name for card in cards):
        raise ValueError(f"cards already hold a report card for {act.name!r}")
    new = report_cards([act], seeds=seeds)[0]
    every = [*cards, new]
    epochs = [card.race_epochs for card in every]
    return [replace(c, race_rank=1 + sum(e < c.race_epochs for e in epochs)) for c in every]


# ----------------------------------------------------------------------- gates
@dataclass(frozen=True)
class GateMemory:
    """A gated memory ``c_t = f_t c_{t-1} + i_t u_t`` run with several gate activations."""

    gates: tuple[str, ...]
    steps: int
    runs: int
    largest_state: np.ndarray
    """Per gate: the largest ``|c_t|`` over every step and run."""
    carried_gradient: np.ndarray
    """Per gate: the median over runs of ``|dc_T / dc_0| = |f_1 f_2 ... f_T|``."""
    sign_flips: np.ndarray
    """Per gate: the fraction of steps on which the gate is negative and flips the memory's sign."""

    def of(self, gate: str) -> dict[str, float]:
        """The three measurements of one gate activation."""
        i = self.gates.index(get(gate).name)
        return {
            "largest_state": float(self.largest_state[i]),
            "carried_gradient": float(self.carried_gradient[i]),
            "sign_flips": float(self.sign_flips[i]),
        }


def gate_memory(
    gates: Sequence[str | Activation] = ("sigmoid", "tanh", "relu", "softplus"),
    steps: int = 50,
    runs: int = 200,
    forget_bias: float = 2.0,
    seed: int = 0,
) -> GateMemory:
    r"""Why the gates of an LSTM or GRU are sigmoids: a memory cell with other gates.

    The cell of an LSTM (Hochreiter and Schmidhuber, 1997) keeps
    :math:`c_t = f_t c_{t-1} + i_t u_t` with a forget gate :math:`f_t = \phi(a_t)`,
    an input gate :math:`i_t = \phi(b_t)` and a candidate :math:`u_t = \tanh(d_t)`.
    Pre-activations are drawn standard normal, the forget gate's shifted by
    ``forget_bias`` (a gate mostly open), the same draws for every gate activation
    :math:`\phi`. With a gate in (0, 1) the memory and the gradient carried back,
    :math:`\partial c_T/\partial c_0 = \prod_t f_t`, stay bounded; an unbounded gate
    multiplies them without limit, a negative one flips their sign.

    >>> r = gate_memory()
    >>> r.of("sigmoid")["carried_gradient"] <= 1.0, r.of("relu")["largest_state"] > 1e6
    (True, True)
    """
    acts = [get(g) for g in gates]
    if not acts:
        raise ValueError("gates must name at least one activation")
    steps = integer_at_least("steps", steps, 1)
    runs = integer_at_least("runs", runs, 1)
    forget_bias = real_number("forget_bias", forget_bias)
    rng = np.random.default_rng(seed)
    a = rng.normal(forget_bias, 1.0, (steps, runs))
    b = rng.normal(0.0, 1.0, (steps, runs))
    u = np.tanh(rng.normal(0.0, 1.0, (steps, runs)))
    largest, carried, flips = [], [], []
    for act in acts:
        f, i = act(a), act(b)
        c, biggest = np.zeros(runs), 0.0
        for t in range(steps):
            c = f[t] * c + i[t] * u[t]
            biggest = max(biggest, float(np.abs(c).max()))
        largest.append(biggest)
        carried.append(float(np.median(np.abs(np.prod(f, axis=0)))))
        flips.append(float(np.mean(f < 0)))
    return GateMemory(
        tuple(act.name for act in acts),
        steps,
        runs,
        np.array(largest),
        np.array(carried),
        np.array(flips),
    )
