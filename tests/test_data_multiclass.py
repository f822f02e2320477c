"""Data sets with more than two classes: three rings (one class each), overlapping discs
(several labels per point)."""

import numpy as np
import pytest

from actnet import data


def test_three_rings_has_three_balanced_classes_on_their_radii():
    X, y = data.three_rings(600, noise=0.0, seed=0)
    assert X.shape == (600, 2)
    assert np.bincount(y).tolist() == [200, 200, 200]
    radius = np.linalg.norm(X, axis=1)
    for c, r in enumerate((0.3, 0.65, 1.0)):
        np.testing.assert_allclose(radius[y == c], r, rtol=1e-14)


def test_three_rings_noise_is_radial_with_the_given_standard_deviation():
    X, y = data.three_rings(3000, seed=1)
    radius = np.linalg.norm(X, axis=1)
    radii = np.array([0.3, 0.65, 1.0])
    for c in range(3):
        # 1000 draws: the sample standard deviation is within 0.004 of 0.05 (3.5 standard errors)
        assert np.std(radius[y == c] - radii[c]) == pytest.approx(0.05, abs=0.004)
    # a point is nearer another ring only 3.5 standard deviations out: rarely
    nearest = np.abs(radius[:, None] - radii[None, :]).argmin(axis=1)
    assert np.mean(nearest != y) < 0.002


def test_three_rings_is_reproducible_from_its_seed():
    first, second, other = (
        data.three_rings(seed=3),
        data.three_rings(seed=3),
        data.three_rings(seed=4),
    )
    np.testing.assert_array_equal(first[0], second[0])
    assert not np.array_equal(first[0], other[0])


def test_three_rings_refuses_other_than_three_radii():
    with pytest.raises(ValueError, match="radii must be three finite numbers"):
        data.three_rings(radii=(0.5, 1.0))
    with pytest.raises(ValueError, match="n must be >= 3"):
        data.three_rings(2)


def test_every_disc_point_carries_the_label_of_each_disc_that_contains_it():
    X, Y = data.overlapping_discs(2000, seed=0)
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    centres = 0.45 * np.column_stack([np.cos(angles), np.sin(angles)])
    distance = np.linalg.norm(X[:, None, :] - centres[None], axis=2)
    away_from_edges = np.all(np.abs(distance - 0.7) > 1e-12, axis=1)
    np.testing.assert_array_equal(Y[away_from_edges], (distance < 0.7)[away_from_edges])
    assert Y.dtype == np.int64 and Y.shape == (2000, 3)


def test_disc_points_carry_one_to_three_labels_with_every_count_common():
    _, Y = data.overlapping_discs(6000, seed=0)
    share = np.bincount(Y.sum(axis=1), minlength=4) / 6000
    assert share[0] == 0.0
    # about half the points lie in one disc only; a sixth in all three
    assert 0.45 < share[1] < 0.56 and 0.28 < share[2] < 0.38 and 0.12 < share[3] < 0.2


def test_overlapping_discs_refuses_a_radius_of_zero():
    with pytest.raises(ValueError, match="radius must be > 0"):
        data.overlapping_discs(radius=0.0)
