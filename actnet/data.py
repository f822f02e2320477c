"""Small synthetic data sets, generated from a seed (no downloads).

Classification sets return ``X`` of shape ``(n, 2)`` and integer labels ``y``
of shape ``(n,)`` in {0, 1} (``n // 2`` of each class, or as close as ``n``
allows; ``spirals`` accepts ``n_classes``). Regression sets return ``x`` of shape
``(n, 1)`` on ``[-1, 1]`` and targets ``y`` of shape ``(n, 1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from actnet._validate import choice, integer_at_least, real_number, rng_from

__all__ = [
    "CLASSIFICATION_SETS",
    "REGRESSION_TARGETS",
    "blobs",
    "classification",
    "moons",
    "overlapping_discs",
    "regression",
    "rings",
    "spirals",
    "three_rings",
    "xor",
]

Dataset = tuple[np.ndarray, np.ndarray]


def _noise(name: str, noise: float) -> float:
    """A finite number >= 0 (a noise level, a radius)."""
    noise = real_number(name, noise)
    if noise < 0:
        raise ValueError(f"{name} must be >= 0, got {noise}")
    return noise


def _labels(n: int, n_classes: int = 2) -> np.ndarray:
    return np.arange(n) % n_classes


def rings(n: int = 400, noise: float = 0.05, seed: Any = 0, radii=(0.5, 1.0)) -> Dataset:
    """Two concentric rings: class 0 on radius ``radii[0]``, class 1 on ``radii[1]``.

    No line separates them; one hidden layer of ReLUs does.

    >>> X, y = rings(6, seed=0)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 1, 0, 1, 0, 1])
    """
    n = integer_at_least("n", n, 2)
    noise = _noise("noise", noise)
    if isinstance(radii, str) or not isinstance(radii, Sequence) or len(radii) != 2:
        raise TypeError(f"radii must be a pair of numbers (inner, outer), got {radii!r}")
    radii = [_noise("radii", r) for r in radii]
    rng = rng_from(seed)
    y = _labels(n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    radius = np.asarray(radii, dtype=float)[y] + noise * rng.standard_normal(n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def xor(n: int = 400, noise: float = 0.1, seed: Any = 0) -> Dataset:
    """XOR: four clusters at (+-0.5, +-0.5); label 1 where the signs differ."""
    n = integer_at_least("n", n, 2)
    noise = _noise("noise", noise)
    rng = rng_from(seed)
    y = _labels(n)
    quadrant = rng.integers(0, 2, n)
    sx = np.where(quadrant == 0, 1.0, -1.0)
    sy = np.where(y == 1, -sx, sx)
    centres = 0.5 * np.column_stack([sx, sy])
    return centres + noise * rng.standard_normal((n, 2)), y


def moons(n: int = 400, noise: float = 0.1, seed: Any = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's ``make_moons``)."""
    n = integer_at_least("n", n, 2)
    noise = _noise("noise", noise)
    rng = rng_from(seed)
    y = _labels(n)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower)
    return X + noise * rng.standard_normal((n, 2)), y


def spirals(
    n: int = 400, noise: float = 0.05, seed: Any = 0, n_classes: int = 2, turns=1.5
) -> Dataset:
    """``n_classes`` interleaved spiral arms of ``turns`` turns each, radius up to 1."""
    n = integer_at_least("n", n, 2)
    n_classes = integer_at_least("n_classes", n_classes, 2)
    noise = _noise("noise", noise)
    turns = real_number("turns", turns)
    rng = rng_from(seed)
    y = _labels(n, n_classes)
    r = rng.uniform(0.05, 1.0, n)
    angle = 2.0 * np.pi * (turns * r + y / n_classes)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return X + noise * rng.standard_normal((n, 2)), y


def blobs(n: int = 400, noise: float = 0.3, seed: Any = 0, separation: float = 2.0) -> Dataset:
    """Two Gaussian blobs centred ``separation`` apart: linearly separable (for small noise)."""
    n = integer_at_least("n", n, 2)
    noise = _noise("noise", noise)
    separation = real_number("separation", separation)
    rng = rng_from(seed)
    y = _labels(n)
    centres = np.array([[-0.5, -0.5], [0.5, 0.5]]) * separation / np.sqrt(2.0)
    return centres[y] + noise * rng.standard_normal((n, 2)), y


_CLASSIFICATION: dict[str, Callable[..., Dataset]] = {
    "rings": rings,
    "xor": xor,
    "moons": moons,
    "spirals": spirals,
    "blobs": blobs,
}
CLASSIFICATION_SETS: tuple[str, ...] = tuple(_CLASSIFICATION)


def classification(name: str, n: int = 400, seed: Any = 0, **options: Any) -> Dataset:
    """The 2-D classification set called ``name``; ``options`` go to its function.

    >>> X, y = classification("moons", n=10, seed=1)
    >>> X.shape, int(y.sum())
    ((10, 2), 5)
    """
    return _CLASSIFICATION[choice("data set", name, CLASSIFICATION_SETS)](n=n, seed=seed, **options)


_TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "abs": np.abs,
    "sin": lambda x: np.sin(np.pi * x),
    "step": lambda x: (x > 0).astype(float),
}
REGRESSION_TARGETS: tuple[str, ...] = tuple(_TARGETS)


def regression(
    target: str = "abs", n: int = 200, noise: float = 0.0, seed: Any = 0, grid: bool = False
) -> Dataset:
    r"""A 1-D regression set on :math:`[-1, 1]`.

    ``target``: ``abs`` (:math:`|x|`), ``sin`` (:math:`\sin \pi x`) or ``step`` (:math:`[x > 0]`).

    ``grid=True`` gives ``n`` evenly spaced points instead of uniform draws.

    >>> x, y = regression("abs", n=5, grid=True)
    >>> x.ravel().tolist(), y.ravel().tolist()
    ([-1.0, -0.5, 0.0, 0.5, 1.0], [1.0, 0.5, 0.0, 0.5, 1.0])
    """
    f = _TARGETS[choice("regression target", target, REGRESSION_TARGETS)]
    n = integer_at_least("n", n, 2)
    noise = _noise("noise", noise)
    rng = rng_from(seed)
    x = np.linspace(-1.0, 1.0, n) if grid else np.sort(rng.uniform(-1.0, 1.0, n))
    y = f(x) + (noise * rng.standard_normal(n) if noise > 0 else 0.0)
    return x[:, None], y[:, None]


# ------------------------------------------------------ more than two classes
def three_rings(
    n: int = 600, noise: float = 0.05, seed: Any = 0, radii=(0.3, 0.65, 1.0)
) -> Dataset:
    """Three concentric rings, one class each: class ``c`` lies on radius ``radii[c]``.

    Returns ``X`` of shape ``(n, 2)`` and integer labels ``y`` in {0, 1, 2}
    (``n // 3`` of each, or as close as ``n`` allows), in turn 0, 1, 2, 0, ...
    Angles are uniform; the radius is ``radii[c]`` plus Gaussian noise of
    standard deviation ``noise``. Exactly one class is true for every point:
    a set for a softmax output.

    >>> X, y = three_rings(6, seed=0)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 1, 2, 0, 1, 2])
    """
    n = integer_at_least("n", n, 3)
    noise = _noise("noise", noise)
    radii = np.asarray(radii, dtype=float)
    if radii.shape != (3,) or not np.all(np.isfinite(radii)):
        raise ValueError(f"radii must be three finite numbers, got {radii.tolist()}")
    rng = rng_from(seed)
    y = np.arange(n) % 3
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    radius = radii[y] + noise * rng.standard_normal(n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def overlapping_discs(
    n: int = 600, seed: Any = 0, radius: float = 0.7, distance: float = 0.45
) -> Dataset:
    r"""Three overlapping discs; a point carries the label of every disc it lies in.

    The discs have radius ``radius`` and centres ``distance`` from the origin,
    120 degrees apart (the first straight up). Each point is drawn uniformly
    inside one disc chosen at random, so it carries at least one label, and
    two or three where the discs overlap.

    Returns ``X`` of shape ``(n, 2)`` and ``Y`` of shape ``(n, 3)`` with
    ``Y[i, c] = 1`` if point ``i`` lies in disc ``c`` (0 otherwise): a
    multi-label set, where the labels of one point are not exclusive.

    >>> X, Y = overlapping_discs(5, seed=0)
    >>> X.shape, Y.shape, bool(Y.sum(axis=1).min() >= 1)
    ((5, 2), (5, 3), True)
    """
    n = integer_at_least("n", n, 1)
    radius = real_number("radius", radius)
    distance = real_number("distance", distance)
    if radius <= 0 or distance < 0:
        raise ValueError(
            f"radius must be > 0 and distance >= 0, got radius={radius}, distance={distance}"
        )
    rng = rng_from(seed)
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    centres = distance * np.column_stack([np.cos(angles), np.sin(angles)])
    disc = rng.integers(0, 3, n)
    # sqrt of a uniform radius fraction: uniform over the disc's area
    r = radius * np.sqrt(rng.uniform(0.0, 1.0, n))
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = centres[disc] + np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    inside = np.linalg.norm(X[:, None, :] - centres[None, :, :], axis=2) <= radius
    # the disc a point was drawn in contains it, whatever the rounding
    inside[np.arange(n), disc] = True
    return X, inside.astype(np.int64)
