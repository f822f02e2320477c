"""Gated linear units: the forward formula, exact backward passes, and the hidden-width rule."""

import numpy as np
import pytest
from scipy.special import expit, ndtr

import actnet
from actnet import data
from actnet.gradcheck import gradient_check, numerical_gradient, relative_error
from actnet.nn import (
    GLU_VARIANTS,
    MLP,
    ActivationLayer,
    Dense,
    GatedLinearUnit,
    glu_hidden_width,
)

# the gates written out with SciPy, independently of actnet.activations
REFERENCE_GATES = {
    "glu": expit,
    "reglu": lambda a: np.maximum(a, 0.0),
    "geglu": lambda a: a * ndtr(a),
    "swiglu": lambda a: a * expit(a),
    "bilinear": lambda a: a,
}


def _layer(variant, n_in=3, n_out=4, seed=0, **options):
    layer = GatedLinearUnit(n_in, n_out, variant, rng=seed, **options)
    rng = np.random.default_rng(seed + 100)
    layer.b[...] = 0.3 * rng.standard_normal(n_out)
    layer.c[...] = 0.3 * rng.standard_normal(n_out)
    return layer


def test_the_variants_are_shazeers_four_and_dauphins_original():
    assert GLU_VARIANTS == {
        "glu": "sigmoid",
        "reglu": "relu",
        "geglu": "gelu",
        "swiglu": "silu",
        "bilinear": "identity",
    }


@pytest.mark.parametrize("variant", sorted(GLU_VARIANTS))
def test_forward_is_the_gate_of_one_linear_map_times_another(variant):
    layer = _layer(variant)
    x = np.random.default_rng(1).standard_normal((7, 3))
    a = x @ layer.W + layer.b
    u = x @ layer.V + layer.c
    np.testing.assert_allclose(layer.forward(x), REFERENCE_GATES[variant](a) * u, rtol=1e-13)


def test_with_zero_biases_and_a_dense_layer_it_is_shazeers_feed_forward_block():
    rng = np.random.default_rng(2)
    glu = GatedLinearUnit(6, 4, "swiglu", rng=rng)
    out = Dense(4, 6, rng=rng)
    x = rng.standard_normal((5, 6))
    W, V, W2 = glu.W, glu.V, out.W
    expected = ((x @ W) * expit(x @ W) * (x @ V)) @ W2
    np.testing.assert_allclose(out.forward(glu.forward(x)), expected, rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("variant", sorted(GLU_VARIANTS))
def test_parameter_gradients_match_central_differences(variant, seed):
    X, y = data.moons(8, seed=seed)
    net = MLP.from_layers(
        [_layer(variant, 2, 5, seed), Dense(5, 1, rng=seed), ActivationLayer("sigmoid")]
    )
    assert gradient_check(net, X, y, loss="bce").max_relative_error < 1e-6


@pytest.mark.parametrize("variant", sorted(GLU_VARIANTS))
def test_the_input_gradient_matches_central_differences(variant):
    layer = _layer(variant, seed=3)
    x = np.random.default_rng(4).standard_normal((6, 3))
    g = np.random.default_rng(5).standard_normal((6, 4))

    def weighted_output():
        return float(np.sum(g * layer.forward(x)))

    numeric = numerical_gradient(weighted_output, x)
    layer.forward(x)
    assert relative_error(layer.backward(g), numeric) < 1e-7


def test_a_gate_can_be_any_registered_activation_or_an_activation_object():
    by_name = GatedLinearUnit(2, 3, "tanh", rng=0)
    by_object = GatedLinearUnit(2, 3, actnet.get("tanh"), rng=0)
    x = np.ones((1, 2))
    np.testing.assert_array_equal(by_name.forward(x), by_object.forward(x))
    assert by_name.name == "GatedLinearUnit(2->3, gate tanh)"
    assert GatedLinearUnit(2, 3, "SwiGLU", rng=0).name == "GatedLinearUnit(2->3, swiglu)"


def test_an_unknown_gate_is_refused_with_the_available_names():
    with pytest.raises(ValueError, match="unknown activation 'swoosh'"):
        GatedLinearUnit(2, 3, "swoosh")


def test_a_glu_with_zero_gate_input_passes_half_of_the_linear_path():
    layer = GatedLinearUnit(2, 2, "glu", rng=0)
    layer.W[...] = 0.0
    x = np.array([[1.0, -2.0]])
    np.testing.assert_array_equal(layer.forward(x), 0.5 * (x @ layer.V))


def test_float32_layers_compute_in_float32():
    layer = GatedLinearUnit(2, 3, "geglu", rng=0, dtype=np.float32)
    out = layer.forward(np.ones((4, 2), dtype=np.float32))
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32


def test_a_gated_network_trains_on_the_rings():
    X, y = data.rings(200, seed=0)
    width = glu_hidden_width(16, 2, 1)
    net = MLP.from_layers(
        [
            GatedLinearUnit(2, width, "swiglu", rng=0),
            Dense(width, 1, rng=0),
            ActivationLayer("sigmoid"),
        ]
    )
    history = net.fit(X, y, loss="bce", optimizer="adam", lr=0.02, epochs=200)
    assert not history.diverged and history.accuracy[-1] == 1.0


# ------------------------------------------------------------------ width rule
def test_the_width_rule_gives_shazeers_2048_for_t5_base():
    # Shazeer (2020): d_model 768, d_ff 3072 for the plain FFN, 2048 for the GLU variants
    assert glu_hidden_width(3072, 768, 768, bias=False) == 2048


@pytest.mark.parametrize("d", [3, 12, 96, 3072])
def test_without_biases_and_equal_sizes_the_width_is_two_thirds(d):
    assert glu_hidden_width(d, 64, 64, bias=False) == round(2 * d / 3)


def _count(net):
    return sum(p.size for p in net.params)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(
    ("n_in", "width", "n_out"), [(2, 16, 1), (2, 16, 3), (5, 7, 5), (1, 40, 2)]
)
def test_a_gated_network_of_that_width_has_the_plain_ones_parameters_within_rounding(
    n_in, width, n_out, bias
):
    h = glu_hidden_width(width, n_in, n_out, bias=bias)
    plain = MLP([n_in, width, n_out], seed=0)
    gated = MLP.from_layers([GatedLinearUnit(n_in, h, "swiglu", rng=0), Dense(h, n_out, rng=0)])
    plain_count, gated_count = _count(plain), _count(gated)
    if not bias:  # the biases: width + n_out in the plain block, 2h + n_out in the gated one
        plain_count -= width + n_out
        gated_count -= 2 * h + n_out
    # one unit of the gated width costs 2 n_in + n_out (+ 2 biases): rounding moves half of it
    per_unit = 2 * n_in + n_out + 2 * bias
    assert abs(gated_count - plain_count) <= per_unit / 2


def test_the_width_rule_refuses_bad_sizes():
    with pytest.raises(ValueError, match="plain_width must be >= 1"):
        glu_hidden_width(0, 2, 1)
    with pytest.raises(TypeError, match="n_in must be an integer"):
        glu_hidden_width(16, 2.5, 1)
    with pytest.raises(TypeError, match="bias must be True or False"):
        glu_hidden_width(16, 2, 1, bias="yes")
