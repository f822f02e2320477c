"""Chapter 5, the ReLU variants: every property its table shows, checked against a
fact, the other claims of its experiments (:mod:`actnet.experiments.variants`), and
its built page."""

import math
import re

import numpy as np
import pytest
from book_pages import page
from scipy.special import ndtr

import actnet
from actnet import experiments, plots
from actnet.activations import SELU_ALPHA, SELU_SCALE
from actnet.experiments.variants import (
    VARIANTS,
    Table,
    activation_curves,
    cost_table,
    gelu_tanh_gap,
    prelu_slopes,
    self_normalisation,
    selu_constants,
    softplus_gap,
    steps_to_recover,
    variant_properties,
)


@pytest.fixture(scope="module")
def props():
    return variant_properties()


def _value(props, field, name):
    return getattr(props, field)[props.index(name)]


# ------------------------------------------------------ one unit kicked, again


def test_steps_to_recover_is_none_for_relu_and_the_first_active_step_for_leaky_relu():
    assert steps_to_recover(experiments.bias_kick("relu")) is None
    leaky = experiments.bias_kick("leaky_relu")
    step = steps_to_recover(leaky)
    assert leaky.active_fraction[step] > 0 and leaky.active_fraction[step - 1] == 0


# ---------------------------------------------------------------- PReLU slopes


def test_prelu_slopes_are_learned_per_unit():
    r = prelu_slopes(epochs=100)
    slopes = r.slopes[0]
    assert slopes.shape == (101, 16)
    assert np.all(slopes[0] == 0.25)
    assert np.abs(slopes[-1] - 0.25).max() > 0.1
    assert np.unique(slopes[-1].round(6)).size == 16


# ---------------------------------------------------------- variant properties


def test_the_table_measures_every_variant_of_the_chapter(props):
    assert props.names == list(VARIANTS)
    assert props.table().column("activation") == list(VARIANTS)


def test_relu_mean_output_on_standard_normal_inputs_is_one_over_sqrt_two_pi(props):
    # E[max(Z, 0)] = phi(0) = 1 / sqrt(2 pi); the sample of 200 000 is within 0.005
    assert _value(props, "mean_output", "relu") == pytest.approx(
        1 / math.sqrt(2 * math.pi), abs=5e-3
    )
    assert _value(props, "mean_derivative", "relu") == pytest.approx(0.5, abs=5e-3)


def test_elu_mean_output_matches_its_closed_form_and_is_closer_to_zero_than_relu(props):
    # E[elu(Z)] = phi(0) + alpha (e^(1/2) Phi(-1) - 1/2), alpha = 1
    exact = 1 / math.sqrt(2 * math.pi) + math.exp(0.5) * float(ndtr(-1.0)) - 0.5
    elu = _value(props, "mean_output", "elu")
    assert elu == pytest.approx(exact, abs=5e-3)
    assert abs(elu) < 0.5 * _value(props, "mean_output", "relu")


def test_selu_output_is_nearly_zero_centred(props):
    assert abs(_value(props, "mean_output", "selu")) < 0.01


@pytest.mark.parametrize("name", ["gelu", "silu", "softplus"])
def test_mean_derivative_is_one_half_when_x_g_x_has_g_x_plus_g_minus_x_equal_one(props, name):
    # f = x g(x) with g(x) + g(-x) = 1 makes f'(x) - 1/2 odd: its mean on N(0, 1) is 1/2
    assert _value(props, "mean_derivative", name) == pytest.approx(0.5, abs=5e-3)


def test_minimum_values_are_the_known_ones(props):
    assert _value(props, "output_min", "relu") == 0.0
    assert _value(props, "output_min", "softplus") == 0.0
    assert _value(props, "output_min", "leaky_relu") == -np.inf
    assert _value(props, "output_min", "elu") == -1.0
    assert _value(props, "output_min", "selu") == pytest.approx(-SELU_SCALE * SELU_ALPHA)
    assert _value(props, "output_min", "gelu") == pytest.approx(-0.17, abs=0.005)
    assert _value(props, "output_min", "mish") == pytest.approx(-0.31, abs=0.005)


def test_smoothness_follows_the_kinks(props):
    smooth = dict(zip(props.names, props.smooth))
    assert not smooth["relu"] and not smooth["leaky_relu"] and not smooth["selu"]
    assert smooth["elu"] and smooth["gelu"] and smooth["silu"] and smooth["mish"]


def test_only_the_kicked_relu_unit_receives_no_gradient(props):
    gradient = dict(zip(props.names, props.kick_gradient))
    assert gradient.pop("relu") == 0.0
    assert all(g > 0 for g in gradient.values())
    assert not _value(props, "kick_recovered", "relu")
    assert _value(props, "kick_recovered", "leaky_relu")


def test_at_learning_rate_one_only_relu_loses_units_and_prelu_always_diverges(props):
    dead = dict(zip(props.names, props.mean_dead_fraction()[:, 0]))
    assert dead.pop("relu") > 0.03
    assert np.isnan(dead.pop("prelu"))  # every run diverged: no count
    assert props.diverged[props.index("prelu"), 0].all()
    assert all(d == 0.0 for d in dead.values() if not np.isnan(d))


def test_at_learning_rate_three_relu_loses_most_units_and_leaky_relu_none(props):
    """Over ten seeds (the report card's), with ``fit`` stopping runs whose parameters
    explode, diverged runs are counted rather than given a dead fraction. Besides ReLU,
    GELU loses units in a run that did not diverge: its value and derivative round to
    exactly 0 far to the left (targets changed on purpose with the seeds, five to ten)."""
    dead = dict(zip(props.names, props.mean_dead_fraction()[:, -1]))
    assert dead["relu"] > 0.5
    assert dead["gelu"] > 0.0
    kept = [d for n, d in dead.items() if n not in ("relu", "gelu") and not np.isnan(d)]
    assert kept and all(d == 0.0 for d in kept)
    assert dead["leaky_relu"] == 0.0 and dead["softplus"] == 0.0
    for name in ("elu", "selu", "prelu"):
        assert props.diverged[props.index(name), -1].all(), name
    assert not props.diverged[props.index("softplus"), -1].any()
    assert props.diverged[props.index("mish"), -1].sum() == 7
    # a diverged run has no dead fraction at all
    assert np.isnan(props.dead_fraction[props.diverged]).all()
    assert np.isfinite(props.dead_fraction[~props.diverged]).all()


def test_a_gelu_unit_far_to_the_left_is_exactly_dead():
    gelu = actnet.get("gelu")
    z = np.array([-40.0, -50.0])
    assert (gelu(z) == 0).all() and (gelu.derivative(z) == 0).all()


def test_the_elu_run_at_learning_rate_three_is_diverged_and_shown_so(props):
    assert props.diverged[props.index("elu"), -1].all()
    cell = props.table().column(f"dead units, lr {props.learning_rates[-1]:g}")[props.index("elu")]
    assert cell == "diverged"


def test_runs_that_end_at_a_constant_prediction_did_not_train(props):
    """A ReLU network whose every path died predicts a constant: loss ln 2 on the moons."""
    i = props.index("relu")
    untrained = props.untrained[i, -1]
    assert untrained.any() and not (untrained & props.diverged[i, -1]).any()
    assert np.allclose(props.final_loss[i, -1][untrained], np.log(2), rtol=0.01)
    cell = props.table().column(f"dead units, lr {props.learning_rates[-1]:g}")[i]
    assert "did not train" in cell


def test_which_kicked_units_become_active_again(props):
    recovered = {n for n, r in zip(props.names, props.kick_recovered) if r}
    assert recovered == {"leaky_relu", "elu", "softplus"}


def test_dead_unit_cells_say_how_many_runs_diverged(props):
    column = props.table().column(f"dead units, lr {props.learning_rates[0]:g}")
    assert column[props.index("prelu")] == "diverged"
    number = r"[0-9.e+-]+ ± [0-9.e+-]+"
    notes = r"( \(([1-9] of 10 diverged)?(; )?(([1-9]|10) of 10 did not train)?\))?"
    pattern = re.compile(rf"^(diverged|{number}{notes})$")
    assert all(pattern.match(cell) for cell in column), column
    assert props.dead_fraction.shape == (len(props.names), 2, 10)  # ten seeds


def test_variant_properties_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least one activation"):
        variant_properties([])
    with pytest.raises(ValueError, match="learning_rates"):
        variant_properties(["relu"], learning_rates=(-1.0,))
    with pytest.raises(ValueError, match="seeds"):
        variant_properties(["relu"], seeds=())
    with pytest.raises(ValueError, match="unknown activation"):
        variant_properties(["softmax"])
    with pytest.raises(ValueError, match="was not measured"):
        variant_properties(["relu"], n_samples=100, learning_rates=(1.0,), seeds=(0,)).index("elu")


def test_a_user_defined_activation_can_be_measured():
    act = actnet.register(
        "softsign_test", lambda x: x / (1 + np.abs(x)), lambda x: 1 / (1 + np.abs(x)) ** 2
    )
    try:
        p = variant_properties([act], n_samples=10_000, learning_rates=(1.0,), seeds=(0,))
        assert abs(p.mean_output[0]) < 0.02 and p.kick_gradient[0] > 0
    finally:
        actnet.unregister("softsign_test")


def test_table_renders_escaped_html_and_aligned_text():
    table = Table(("name", "value"), (("a<b", "1"), ("c", "22")))
    assert "<td>a&lt;b</td>" in table._repr_html_()
    assert str(table).splitlines() == ["name  value", "----  -----", " a<b      1", "   c     22"]
    with pytest.raises(ValueError, match="2 cells"):
        Table(("name", "value"), (("only one",),))
    with pytest.raises(ValueError, match="no column 'size'"):
        table.column("size")


def test_cost_table_gives_relu_a_ratio_of_one():
    table = cost_table(experiments.cost(["relu", "elu"], n_elements=1000, repeats=2))
    assert table.column("activation") == ["relu", "elu"]
    assert table.column("time / ReLU's")[0] == "1.00"  # renamed: a time, beside the passes
    assert table.column("passes")[0] == "3"


# ---------------------------------------------------------- self-normalisation


def test_selu_constants_solve_the_zero_mean_unit_variance_conditions():
    alpha, scale = selu_constants()
    assert alpha == pytest.approx(SELU_ALPHA, rel=1e-12)
    assert scale == pytest.approx(SELU_SCALE, rel=1e-12)


def test_selu_with_lecun_init_keeps_mean_zero_and_variance_one_through_32_layers():
    r = self_normalisation()
    mean, var = r.last("selu")
    assert abs(mean) < 0.05 and var == pytest.approx(1.0, abs=0.1)
    assert np.all(np.abs(r.mean[0]) < 0.05) and np.all(np.abs(r.variance[0] - 1) < 0.1)
    # the same initialisation lets ReLU's variance halve, roughly, layer after layer
    assert r.last("relu")[1] < 1e-6
    with pytest.raises(ValueError, match="depth"):
        self_normalisation(depth=0)


# -------------------------------------------------------------- GELU, softplus


def test_gelu_tanh_approximation_is_within_a_thousandth_of_the_exact_gelu():
    r = gelu_tanh_gap()
    assert 1e-4 < r.max_difference < 1e-3
    assert r.coefficient == 0.044715
    assert r.difference[r.x.size // 2] == 0.0  # both are 0 at x = 0
    assert abs(r.difference_at_max) == r.max_difference
    with pytest.raises(ValueError, match="lo < hi"):
        gelu_tanh_gap(lo=1.0, hi=-1.0)


def test_softplus_is_log_two_over_beta_from_relu_at_zero():
    r = softplus_gap((0.5, 1.0, 5.0))
    np.testing.assert_allclose(r.max_gap, np.log(2) / r.betas, rtol=1e-12)
    assert r.x_at_max.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="betas"):
        softplus_gap((0.0,))


def test_variant_figures_draw_one_line_per_activation():
    r = self_normalisation(activations=("selu", "relu"), depth=4)
    fig = plots.self_normalisation(r)
    left, right = fig.axes
    assert len(left.get_lines()) == 2 + 1  # two activations and the reference at 0
    assert right.get_yscale() == "log"
    fig = plots.gelu_tanh_gap(gelu_tanh_gap())
    assert len(fig.axes) == 2 and "largest" in fig.axes[1].get_title()


# ----------------------------------------------------------- activation curves


def test_activation_curves_are_the_registry_s_values_and_derivatives():
    x = np.linspace(-3.0, 3.0, 61)
    curves = activation_curves(("sigmoid", "elu", "silu"), alpha=0.5, beta=2.0, x=x)
    sigmoid, elu, silu = (actnet.get(n) for n in ("sigmoid", "elu", "silu"))
    np.testing.assert_array_equal(curves.values[0], sigmoid(x))
    np.testing.assert_array_equal(curves.derivatives[1], elu.with_params(alpha=0.5).grad(x))
    np.testing.assert_array_equal(curves.values[2], silu.with_params(beta=2.0)(x))
    assert curves.values.shape == curves.derivatives.shape == (3, 61)


def test_activation_curves_of_nothing_are_empty():
    curves = activation_curves(())
    assert curves.values.shape == (0, 401) and curves.activations == ()


def test_activation_curves_name_a_bad_parameter():
    with pytest.raises(ValueError, match="beta"):
        activation_curves(("softplus",), beta=0.0)


# -------------------------------------------------------------- the built page


@pytest.fixture(scope="module")
def built(html):
    return page(html, "variants")


def test_selu_constants_are_glued_from_actnet(built):
    assert f'<span class="pasted-text">{SELU_SCALE:.4f}</span>' in built
    assert f'<span class="pasted-text">{SELU_ALPHA:.4f}</span>' in built


def test_the_dead_relu_unit_gets_a_glued_gradient_of_zero(built):
    assert re.search(
        r'all those steps is\s*<span class="pasted-text">0\.0</span>: it is dead', built
    )
    assert '<span class="pasted-text">0.01</span> by default' in built


def test_both_measured_tables_are_on_the_page(built):
    """The cost table's columns are the counted passes and then the time ratio, named
    for what it is ("time / ReLU's", once "cost / ReLU's")."""
    assert built.count('class="actnet-table table"') == 2
    assert "<th>kicked unit active again</th>" in built
    assert "<th>passes</th>" in built
    assert "<th>time / ReLU&#x27;s</th>" in built or "<th>time / ReLU's</th>" in built


PAPERS = (
    "Rectifier nonlinearities improve",  # Maas et al., 2013: leaky ReLU
    "Delving deep into rectifiers",  # He et al., 2015: PReLU
    "exponential linear units",  # Clevert et al., 2015: ELU
    "Self-normalizing neural networks",  # Klambauer et al., 2017: SELU
    "Gaussian error linear units",  # Hendrycks and Gimpel, 2016: GELU
    "Sigmoid-weighted linear units",  # Elfwing et al., 2018: SiLU
    "Searching for activation functions",  # Ramachandran et al., 2017: Swish
    "Mish: a self regularized",  # Misra, 2019: Mish
)


def test_papers_box_cites_the_paper_of_every_variant(built):
    assert "What the papers found" in built
    box = built[built.index("What the papers found") : built.index('id="exercises"')]
    cited = " ".join(re.findall(r'href="bibliography.html#[^"]*" title="([^"]*)"', box)).lower()
    for title in PAPERS:
        assert title.lower() in cited, title
