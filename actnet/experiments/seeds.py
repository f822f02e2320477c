"""Spread over seeds: a measurement repeated with several seeds, its mean and a 95%
interval, and whether two measurements differ by more than their noise.

A training run depends on its seed (the initial weights, the order of the
mini-batches), so one run says little; the chapters compare activations only
through :class:`Spread`, and say "within noise" where :func:`within_noise` does.
Runs that diverged are kept out of the mean and counted (``excluded``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Spread", "spread", "over_seeds", "within_noise", "SEEDS"]

SEEDS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
"""The seeds of the comparisons the prose makes (at least five, as the course asks)."""


@dataclass(frozen=True)
class Spread:
    """One quantity measured once per seed (NaN where the run was excluded)."""

    values: np.ndarray
    """Per seed, in the order of ``seeds``; NaN for an excluded (e.g. diverged) run."""
    seeds: tuple[int, ...]

    @property
    def kept(self) -> np.ndarray:
        """The values of the runs that count."""
        return self.values[np.isfinite(self.values)]

    @property
    def n(self) -> int:
        """How many runs count."""
        return int(self.kept.size)

    @property
    def excluded(self) -> int:
        """How many runs were left out (diverged)."""
        return len(self.seeds) - self.n

    @property
    def mean(self) -> float:
        return float(self.kept.mean()) if self.n else math.nan

    @property
    def std(self) -> float:
        """The sample standard deviation over the runs that count (0 for one run)."""
        return float(self.kept.std(ddof=1)) if self.n > 1 else 0.0 if self.n else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        """A 95% confidence interval for the mean (Student's t); for one run, the
        degenerate ``(value, value)``, which the prose never uses alone."""
        if self.n == 0:
            return (math.nan, math.nan)
        if self.n == 1:
            return (self.mean, self.mean)
        from scipy.stats import t

        half = float(t.ppf(0.975, self.n - 1)) * self.std / math.sqrt(self.n)
        return (self.mean - half, self.mean + half)

    @property
    def half_width(self) -> float:
        """Half the width of :attr:`interval`: the ``±`` of every table and sentence."""
        lo, hi = self.interval
        return (hi - lo) / 2

    def format(self, spec: str = ".2g") -> str:
        """``mean ± half-width (n seeds)``, e.g. ``0.42 ± 0.05 (10 seeds)``."""
        text = f"{self.mean:{spec}} ± {self.half_width:{spec}} ({self.n} seeds"
        return text + (f", {self.excluded} diverged)" if self.excluded else ")")

    def __str__(self) -> str:
        return self.format()


def spread(values: Sequence[float], seeds: Sequence[int]) -> Spread:
    """A :class:`Spread` of ``values``, one per seed (NaN marks an excluded run).

    >>> s = spread([1.0, 2.0, 3.0, float("nan")], seeds=(0, 1, 2, 3))
    >>> s.mean, s.n, s.excluded, [round(v, 3) for v in s.interval]
    (2.0, 3, 1, [-0.484, 4.484])
    """
    values = np.asarray(values, dtype=float)
    seeds = tuple(int(s) for s in seeds)
    if values.shape != (len(seeds),):
        raise ValueError(f"values must hold one number per seed ({len(seeds)}), got shape {values.shape}")  # fmt: skip
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    return Spread(values, seeds)


def over_seeds(measure: Callable[[int], float], seeds: Sequence[int] = SEEDS) -> Spread:
    """Call ``measure(seed)`` for every seed (``None`` or NaN: an excluded run).

    >>> over_seeds(lambda seed: float(np.random.default_rng(seed).normal()), seeds=range(5)).n
    5
    """
    if not callable(measure):
        raise TypeError(f"measure must be a function of a seed, got {type(measure).__name__}")
    seeds = tuple(seeds)
    values = [measure(s) for s in seeds]
    return spread([math.nan if v is None else v for v in values], seeds)


def within_noise(a: Spread, b: Spread) -> bool:
    """True if the 95% intervals of the two means overlap: the difference between
    the measurements is within their noise, and the prose may not call it an effect.
    Two measurements with no run that counts are never told apart either.

    >>> within_noise(spread([1, 2, 3, 2, 2], range(5)), spread([2, 3, 2, 3, 2], range(5)))
    True
    >>> within_noise(spread([1, 1.1, 0.9, 1, 1], range(5)), spread([5, 5.1, 4.9, 5, 5], range(5)))
    False
    """
    (a_lo, a_hi), (b_lo, b_hi) = a.interval, b.interval
    if any(math.isnan(v) for v in (a_lo, a_hi, b_lo, b_hi)):
        return True
    return a_lo <= b_hi and b_lo <= a_hi


def html_cell(text: str) -> str:
    """A table cell's text as HTML: a note in brackets after the value, such as
    "(1 of 10 diverged)", in a span of class ``actnet-note``, which the book lets break
    between its words in a narrow table (report cards side by side), so that the table
    fits the column; the value itself stays on one line."""
    value, bracket, note = text.partition(" (")
    if not bracket:
        return html.escape(text)
    return f"{html.escape(value)}<span class='actnet-note'> ({html.escape(note)}</span>"
