"""The activation report card: every property the course discusses, measured."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from actnet.activations import Activation, available, get
from actnet.experiments.cost import cost
from actnet.experiments.training import (
    born_dead,
    convergence_race,
    dying_relu,
    vanishing_gradients,
)

__all__ = ["ReportCard", "report_card", "report_cards", "summary_table"]

BASELINE = ("sigmoid", "tanh", "relu")
_GRID = np.linspace(-10.0, 10.0, 20001)


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
    """First-layer gradient norm over last-layer's in a 10-hidden-layer network."""
    dead_fraction_high_lr: float
    """Dead hidden units after 20 epochs of SGD with learning rate 3."""
    born_dead_probability: float
    """Fraction of 100 width-2, depth-20 networks that are constant at initialisation."""
    race_rank: int
    """Rank in the convergence race (1 = fewest epochs to the target loss)."""
    race_epochs: float
    """Median epochs to the race's target loss (max_epochs + 1 where never reached)."""


def _init_for(output_min: float, output_max: float) -> str:
    # activations bounded on both sides are initialised for their linear region
    return "xavier_normal" if np.isfinite(output_min) and np.isfinite(output_max) else "he"


def _card(act: Activation, race_rank: int, race_epochs: float, cost_ratio: float) -> ReportCard:
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
    vanishing = vanishing_gradients(runs=((act, init),), depth=10)
    dying = dying_relu(learning_rates=(3.0,), activation=act, seeds=(0,))
    born = born_dead(depths=(20,), widths=(2,), activation=act, init=init, trials=100)
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
        gradient_after_10_layers=vanishing.first_to_last(act.name, init),
        dead_fraction_high_lr=float(dying.dead_fraction[0, 0]),
        born_dead_probability=float(born.probability[0, 0]),
        race_rank=race_rank,
        race_epochs=race_epochs,
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


def report_cards(
    activations: list[str | Activation] | None = None, seeds: tuple[int, ...] = (0, 1, 2)
) -> list[ReportCard]:
    """Report cards for several activations (default: all registered), raced together.

    An activation that is NaN on every input is refused (``ValueError``).
    """
    acts = [get(a) for a in (available() if activations is None else activations)]
    for act in acts:
        _refuse_unmeasurable(act)
    race = convergence_race(tuple(acts), seeds=seeds)
    ranks = race.ranks()
    epochs = dict(zip(race.activations, race.median_epochs()))
    costs = cost(acts, n_elements=100_000, repeats=7)
    return [_card(a, ranks[a.name], float(epochs[a.name]), costs.ratio(a.name)) for a in acts]


def report_card(activation: str | Activation, seeds: tuple[int, ...] = (0, 1, 2)) -> ReportCard:
    """Measure every property the course discusses for one activation.

    Works for any registered activation, a user-defined one included. Its
    race rank is among itself and the course's three classics (sigmoid, tanh,
    ReLU), raced on the same data from the same initial weights.

    >>> card = report_card("tanh")
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
    """The course's summary table, one row a card, every number rounded for print."""
    rows = []
    for card in cards:
        row = {}
        for key, value in asdict(card).items():
            row[key] = round(value, digits) if isinstance(value, float) else value
        rows.append(row)
    return rows
