"""Normalisation as a remedy: dead ReLUs and saturated sigmoids with and without batch and
layer normalisation over seeds, diverged runs reported as such, the redundant bias, figures."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from actnet import plots
from actnet.experiments import (
    bias_before_batchnorm,
    dying_relu,
    normalisation_remedy,
    normalised_network,
)

SEEDS = (0, 1, 2, 3, 4)


@pytest.fixture(scope="module")
def relu_runs():
    return normalisation_remedy("relu", ("none", "batch"), learning_rates=(1.0, 3.0), seeds=SEEDS)


def test_without_normalisation_the_runs_are_those_of_the_dying_relu_experiment():
    ours = normalisation_remedy("relu", ("none",), learning_rates=(3.0,), seeds=(0, 1))
    theirs = dying_relu(learning_rates=(3.0,), seeds=(0, 1))
    np.testing.assert_array_equal(ours.dead_fraction[0], theirs.dead_fraction)
    np.testing.assert_array_equal(ours.final_loss[0], theirs.final_loss)


def test_at_learning_rate_3_plain_runs_diverge_or_lose_most_units_batchnorm_runs_neither(relu_runs):
    """The target changed on purpose: it used to say that no run diverges and that BN
    leaves fewer dead units on every seed. Since ``fit`` detects divergence (loss growth
    beyond ``LOSS_GROWTH_LIMIT``, exploding parameters), one of the five plain runs at
    learning rate 3 is reported as diverged, and a diverged run has no dead fraction.
    The fact restated: without normalisation every run diverges or leaves more than half
    of its units dead; with batch normalisation none diverges, and the most dead units of
    any seed stay below the fewest of any plain run that did not diverge."""
    r = relu_runs
    none_diverged, batch_diverged = r.diverged[:, 1]
    none, batch = r.dead_fraction[:, 1]
    assert none_diverged.any()  # the divergence is real, not hidden
    assert not batch_diverged.any()
    assert not r.diverged[:, 0].any()  # at learning rate 1 nothing diverges
    # a diverged run is never a number, and every other run is one
    assert np.all(np.isnan(none) == none_diverged)
    assert np.all(np.isnan(r.final_loss[0, 1]) == none_diverged)
    kept = none[~none_diverged]
    assert kept.min() > 0.5
    # the ranges over the seeds do not overlap: not noise
    assert batch.max() < kept.min()


def test_batchnorm_leaves_no_dead_relu_at_learning_rate_1(relu_runs):
    none, batch = relu_runs.dead_fraction[:, 0]
    assert np.all(batch == 0.0)
    assert none.max() > 0.0


def test_batchnorm_undoes_the_saturation_of_large_initial_sigmoid_weights():
    r = normalisation_remedy(
        "sigmoid", ("none", "batch"), learning_rates=(0.3,), seeds=SEEDS, init_scale=4.0
    )
    none, batch = r.saturated_at_init
    assert np.all(none > 0.15) and np.all(batch < 0.01)
    after_none, after_batch = r.saturated_fraction[:, 0]
    assert after_batch.max() < after_none.min()
    assert np.all(np.isnan(r.dead_fraction) | (r.dead_fraction == 0.0))  # sigmoids never die


def test_diverged_runs_are_reported_as_diverged_never_as_a_dead_fraction():
    r = normalisation_remedy(
        "relu", ("none", "batch"), learning_rates=(1e3,), seeds=(0, 1), epochs=2
    )
    assert r.diverged.all()
    assert r.table().column("lr 1000") == ["diverged", "diverged"]
    fig = plots.normalisation_remedy(r)
    left = fig.axes[0]
    crosses = [line for line in left.get_lines() if line.get_label().endswith("diverged runs")]
    assert len(crosses) == 2
    values = [line for line in left.get_lines() if line.get_marker() == "."]
    assert all(np.all(np.isnan(line.get_ydata())) for line in values)


def test_the_table_shows_median_and_range_over_the_runs_that_did_not_diverge(relu_runs):
    """The target changed on purpose: the median and range are now over the runs that
    did not diverge, and the cell says how many diverged (one plain run at learning rate
    3 does, since ``fit`` detects divergence)."""
    table = relu_runs.table("dead_fraction")
    assert table.columns == ("normalisation", "lr 1", "lr 3")
    gone = relu_runs.diverged[0, 1]
    kept = relu_runs.dead_fraction[0, 1][~gone]
    assert table.rows[0][2] == (
        f"{np.median(kept):.3g} [{kept.min():.3g}, {kept.max():.3g}] "
        f"({gone.sum()} of {gone.size} diverged)"
    )
    batch = relu_runs.dead_fraction[1, 1]
    assert table.rows[1][2] == f"{np.median(batch):.3g} [{batch.min():.3g}, {batch.max():.3g}]"


def test_normalised_networks_share_their_initial_dense_weights():
    plain = normalised_network("relu", "none", (2, 8, 8, 1), seed=4)
    for norm in ("batch", "layer"):
        net = normalised_network("relu", norm, (2, 8, 8, 1), seed=4)
        dense = [layer for layer in net.layers if hasattr(layer, "W")]
        assert len(dense) == 3
        for ours, theirs in zip(dense, [layer for layer in plain.layers if hasattr(layer, "W")]):
            np.testing.assert_array_equal(ours.W, theirs.W)


def test_normalisation_remedy_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown norm 'group'"):
        normalisation_remedy(norms=("group",))
    with pytest.raises(ValueError, match="learning_rates must hold"):
        normalisation_remedy(learning_rates=())
    with pytest.raises(ValueError, match="unknown measure"):
        normalisation_remedy(learning_rates=(0.1,), seeds=(0,), epochs=1).table("speed")


# ------------------------------------------------------------- redundant bias
@pytest.fixture(scope="module")
def bias_runs():
    return bias_before_batchnorm(seeds=SEEDS)


def test_a_bias_before_batchnorm_gets_no_gradient(bias_runs):
    r = bias_runs
    # zero up to rounding: fifteen orders of magnitude below the weights' gradients
    assert np.all(r.bias_gradient < 1e-14 * r.weight_gradient)
    assert np.all(r.bias_gradient < 1e-15)
    assert np.all(r.bias_gradient_without_norm > 1e-2)
    assert np.all(r.beta_gradient > 1e-2)


def test_moving_a_bias_before_batchnorm_does_not_change_the_output(bias_runs):
    assert np.all(bias_runs.output_change < 1e-14)


def test_training_leaves_a_bias_before_batchnorm_where_it_started(bias_runs):
    r = bias_runs
    assert not r.diverged.any()
    assert np.all(r.bias_change < 1e-14)
    assert np.all(r.weight_change > 0.1)


# --------------------------------------------------------------------- figures
def test_normalisation_remedy_figure_draws_the_median_of_the_kept_runs(relu_runs):
    fig = plots.normalisation_remedy(relu_runs)
    assert isinstance(fig, Figure)
    left, right = fig.axes
    batch = next(line for line in left.get_lines() if line.get_label() == "batch")
    np.testing.assert_array_equal(batch.get_ydata(), np.median(relu_runs.dead_fraction[1], axis=1))
    assert "dead" in left.get_ylabel() and right.get_yscale() == "log"


def test_bias_figure_draws_a_dot_per_seed_for_each_quantity(bias_runs):
    fig = plots.bias_before_batchnorm(bias_runs)
    ax = fig.axes[0]
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 7
    np.testing.assert_array_equal(dots[0].get_xdata(), bias_runs.bias_gradient)
    assert ax.get_xscale() == "log"
