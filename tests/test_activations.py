"""Facts about every activation: values, derivatives, conventions, the registry, the
code's layout and bad input. (Accuracy against mpmath: tests/test_accuracy.py.)"""

import ast
import copy
import inspect
import math
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import actnet
from actnet import activations as A
from actnet.nn import MLP

ROOT = Path(__file__).resolve().parents[1]

BUILTINS = [
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "softplus",
    "mish",
    "relu6",
    "hard_sigmoid",
    "hard_swish",
]
# the lecture's activations; MobileNetV3's piecewise-linear ones follow them in the registry
LECTURE = BUILTINS[: BUILTINS.index("mish") + 1]

# Every built-in with its defaults, plus non-default parameters worth checking.
VARIANTS = [(name, {}) for name in BUILTINS] + [
    ("leaky_relu", {"alpha": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {"beta": 2.5}),
    ("softplus", {"beta": 3.0}),
]
VARIANT_IDS = [name + "".join(f"-{k}={v}" for k, v in p.items()) for name, p in VARIANTS]

finite_floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def _math_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


# Independent closed forms from the math module, one per activation.
CLOSED_FORMS = {
    "identity": lambda x: x,
    "sigmoid": _math_sigmoid,
    "tanh": lambda x: (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x)),
    "relu": lambda x: max(0.0, x),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "prelu": lambda x: x if x > 0 else 0.25 * x,
    "elu": lambda x: x if x > 0 else math.exp(x) - 1.0,
    "selu": lambda x: (
        1.0507009873554804934 * (x if x > 0 else 1.6732632423543772848 * math.expm1(x))
    ),
    "gelu": lambda x: x * _phi(x),
    "silu": lambda x: x * _math_sigmoid(x),
    "softplus": lambda x: math.log1p(math.exp(x)),
    "mish": lambda x: x * math.tanh(math.log1p(math.exp(x))),
    "relu6": lambda x: min(max(0.0, x), 6.0),
    "hard_sigmoid": lambda x: min(max(0.0, x + 3.0), 6.0) / 6.0,
    "hard_swish": lambda x: x * min(max(0.0, x + 3.0), 6.0) / 6.0,
}


def test_available_lists_every_builtin_in_course_order():
    assert actnet.available()[: len(BUILTINS)] == BUILTINS


@pytest.mark.parametrize("name", BUILTINS)
def test_values_match_closed_forms(name):
    xs = [-7.5, -3.0, -1.0, -0.25, 0.0, 0.3, 1.0, 2.0, 6.0]
    got = actnet.get(name)(np.array(xs))
    expected = [CLOSED_FORMS[name](x) for x in xs]
    # 1e-13: the two computations round differently where Phi is ill-conditioned (x = -7.5)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-300)


def test_tabulated_values():
    # Values printed in the papers and standard tables, to the digits given.
    assert actnet.get("sigmoid")(0.0) == 0.5
    assert actnet.get("tanh")(1.0) == pytest.approx(0.7615941559557649, rel=1e-15)
    assert actnet.get("softplus")(0.0) == pytest.approx(math.log(2.0), rel=1e-15)
    assert actnet.get("gelu")(1.0) == pytest.approx(0.8413447460685429, rel=1e-15)
    assert actnet.get("selu")(1.0) == pytest.approx(1.0507009873554805, rel=1e-15)
    assert A.SELU_ALPHA == 1.6732632423543772
    assert A.SELU_SCALE == 1.0507009873554805
    # The tanh form of GELU differs from the exact one by less than 1e-3 (Hendrycks and Gimpel).
    x = np.linspace(-6, 6, 2001)
    gap = np.abs(actnet.get("gelu", approximate="tanh")(x) - actnet.get("gelu")(x)).max()
    assert 1e-5 < gap < 1e-3


def test_a_hand_worked_example_at_log_3_and_log_2():
    """At x = ln 3, e^-x = 1/3: sigma = 3/4 and sigma' = sigma (1 - sigma) = 3/16;
    softplus = ln(1 + 3) = ln 4 and its derivative is sigma = 3/4; SiLU = (3/4) ln 3;
    mish = ln 3 tanh(ln 4) = ln 3 (16 - 1) / (16 + 1). At x = ln 2, tanh = (2 - 1/2) /
    (2 + 1/2) = 3/5 and tanh' = 1 - 9/25 = 16/25; at x = -ln 2, ELU = 1/2 - 1 = -1/2
    and ELU' = e^x = 1/2."""
    ln3, ln2 = math.log(3.0), math.log(2.0)
    get = actnet.get
    assert get("sigmoid")(ln3) == pytest.approx(3 / 4, rel=1e-15)
    assert get("sigmoid").grad(ln3) == pytest.approx(3 / 16, rel=1e-15)
    assert get("softplus")(ln3) == pytest.approx(math.log(4.0), rel=1e-15)
    assert get("softplus").grad(ln3) == pytest.approx(3 / 4, rel=1e-15)
    assert get("silu")(ln3) == pytest.approx(3 / 4 * ln3, rel=1e-15)
    assert get("mish")(ln3) == pytest.approx(15 / 17 * ln3, rel=1e-15)
    assert get("tanh")(ln2) == pytest.approx(3 / 5, rel=1e-15)
    assert get("tanh").grad(ln2) == pytest.approx(16 / 25, rel=1e-15)
    assert get("elu")(-ln2) == pytest.approx(-1 / 2, rel=1e-15)
    assert get("elu").grad(-ln2) == pytest.approx(1 / 2, rel=1e-15)


def test_the_variants_cover_the_whole_registry():
    assert {name for name, _ in VARIANTS} == set(A._BUILTINS) == set(BUILTINS)


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_derivative_matches_central_differences(name, params):
    act = actnet.get(name, **params)
    x = np.linspace(-6.0, 6.0, 1201) + 0.0037  # a grid that never lands on a kink
    for kink in act.kinks:
        x = x[np.abs(x - kink) > 1e-3]
    h = 1e-6
    numeric = (act(x + h) - act(x - h)) / (2 * h)
    np.testing.assert_allclose(act.grad(x), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("relu", {}, 0.0),
        ("leaky_relu", {}, 0.01),
        ("leaky_relu", {"alpha": 0.3}, 0.3),
        ("prelu", {}, 0.25),
        ("elu", {"alpha": 0.5}, 0.5),
        ("selu", {}, A.SELU_SCALE * A.SELU_ALPHA),
    ],
)
def test_derivative_at_kink_follows_pytorch(name, params, expected):
    assert actnet.get(name, **params).grad(0.0) == pytest.approx(expected, rel=1e-15)
    assert actnet.get(name, **params).grad(-0.0) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_e_to_the_x_where_e_to_the_minus_x_overflows(dtype):
    # around -log(largest float) the exact value e^x / (1 + e^x) is e^x to the last
    # bit, a subnormal number below it: never 0 (1 / inf)
    boundary = dtype(-np.log(np.finfo(dtype).max))
    below, above = [boundary], [boundary]
    for _ in range(3):
        below.append(np.nextafter(below[-1], dtype(-np.inf)))
        above.append(np.nextafter(above[-1], dtype(np.inf)))
    far = dtype(-100.0 if dtype == np.float32 else -740.0)
    x = np.array([far, *below[::-1], *above[1:]], dtype)
    got = actnet.get("sigmoid")(x)
    assert (got > 0).all()
    # subnormal results are multiples of the smallest one: an absolute tolerance of one
    # (and float32's exp rounds to a few units in the last place)
    rtol = 2e-6 if dtype == np.float32 else 1e-15
    atol = np.finfo(dtype).smallest_subnormal
    np.testing.assert_allclose(got, np.exp(x.astype(np.float64)), rtol=rtol, atol=atol)


@given(finite_floats)
def test_sigmoid_is_symmetric(x):
    s = actnet.get("sigmoid")
    assert s(-x) == pytest.approx(1.0 - s(x), abs=1e-15)


@given(st.floats(min_value=-300, max_value=300))
def test_tanh_is_a_rescaled_sigmoid(x):
    assert actnet.get("tanh")(x) == pytest.approx(
        2.0 * actnet.get("sigmoid")(2.0 * x) - 1.0, abs=1e-14
    )


@given(st.floats(min_value=-30, max_value=30))
def test_sigmoid_gradient_is_positive_and_never_exceeds_a_quarter(x):
    assert 0.0 < actnet.get("sigmoid").grad(x) <= 0.25


@given(st.floats(min_value=-15, max_value=15))
def test_tanh_gradient_is_positive_and_never_exceeds_one(x):
    assert 0.0 < actnet.get("tanh").grad(x) <= 1.0


@given(st.floats(min_value=-1e3, max_value=1e3))
def test_gelu_of_x_minus_gelu_of_minus_x_is_x(x):
    # x Phi(x) - (-x) Phi(-x) = x (Phi(x) + Phi(-x)) = x
    gelu = actnet.get("gelu")
    assert gelu(x) - gelu(-x) == pytest.approx(x, rel=1e-15, abs=1e-300)


def test_gradients_peak_at_zero():
    assert actnet.get("sigmoid").grad(0.0) == 0.25
    assert actnet.get("tanh").grad(0.0) == 1.0


@given(finite_floats)
def test_two_relus_make_a_clipped_ramp(x):
    relu = actnet.get("relu")
    assert relu(x) - relu(x - 1.0) == pytest.approx(min(max(x, 0.0), 1.0), abs=1e-9)


MONOTONIC = [
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "softplus",
]


@pytest.mark.parametrize("name", MONOTONIC)
@given(a=finite_floats, b=finite_floats)
def test_monotonic_activations_preserve_order(name, a, b):
    lo, hi = min(a, b), max(a, b)
    act = actnet.get(name)
    assert act(lo) <= act(hi)


@pytest.mark.parametrize(
    ("name", "x_min"), [("gelu", -0.7518), ("silu", -1.2785), ("mish", -1.1924)]
)
def test_smooth_modern_activations_are_not_monotonic(name, x_min):
    act = actnet.get(name)
    # the derivative changes sign at the minimum, so the function dips then rises
    assert act.grad(x_min - 0.01) < 0 < act.grad(x_min + 0.01)
    assert act(x_min) < act(0.0) == 0.0


LIMITS = {
    # name: (f(-inf), f(inf), f'(-inf), f'(inf))
    "identity": (-math.inf, math.inf, 1.0, 1.0),
    "sigmoid": (0.0, 1.0, 0.0, 0.0),
    "tanh": (-1.0, 1.0, 0.0, 0.0),
    "relu": (0.0, math.inf, 0.0, 1.0),
    "leaky_relu": (-math.inf, math.inf, 0.01, 1.0),
    "prelu": (-math.inf, math.inf, 0.25, 1.0),
    "elu": (-1.0, math.inf, 0.0, 1.0),
    "selu": (-A.SELU_SCALE * A.SELU_ALPHA, math.inf, 0.0, A.SELU_SCALE),
    "gelu": (0.0, math.inf, 0.0, 1.0),
    "silu": (0.0, math.inf, 0.0, 1.0),
    "softplus": (0.0, math.inf, 0.0, 1.0),
    "mish": (0.0, math.inf, 0.0, 1.0),
    "relu6": (0.0, 6.0, 0.0, 0.0),
    "hard_sigmoid": (0.0, 1.0, 0.0, 0.0),
    "hard_swish": (0.0, math.inf, 0.0, 1.0),
}


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_infinities_give_the_limits_and_nan_propagates_silently(name, params, dtype):
    act = actnet.get(name, **params)
    x = np.array([-np.inf, np.inf, np.nan], dtype)
    value, grad = act(x), act.grad(x)
    expected = LIMITS[name]
    if "alpha" in params:
        expected = (-math.inf, math.inf, params["alpha"], 1.0) if name == "leaky_relu" else (
            -params["alpha"], math.inf, 0.0, 1.0)  # fmt: skip
    np.testing.assert_allclose(value[:2], expected[:2], rtol=1e-7)
    np.testing.assert_allclose(grad[:2], expected[2:], rtol=1e-7)
    assert np.isnan(value[2]) and np.isnan(grad[2])
    assert value.dtype == grad.dtype == dtype


@pytest.mark.parametrize(
    "beta, limits",
    [
        (2.0, (0.0, math.inf, 0.0, 1.0)),
        (0.0, (-math.inf, math.inf, 0.5, 0.5)),  # x / 2
        (-1.5, (-math.inf, 0.0, 1.0, 0.0)),  # x s(-1.5 x): large for x -> -inf
    ],
)
def test_silu_limits_follow_the_sign_of_beta(beta, limits):
    act = actnet.get("silu", beta=beta)
    x = np.array([-np.inf, np.inf])
    np.testing.assert_array_equal(act(x), limits[:2])
    np.testing.assert_array_equal(act.grad(x), limits[2:])
    # and they are where the finite values head
    far = np.array([-800.0, 800.0])
    np.testing.assert_allclose(act.grad(far), limits[2:], atol=1e-12)


@pytest.mark.parametrize("name", ["leaky_relu", "prelu"])
def test_a_slope_of_zero_on_the_left_gives_zero_at_minus_infinity(name):
    act = actnet.get(name, alpha=0.0)
    x = np.array([-np.inf, -1e300, 2.0, np.inf])
    np.testing.assert_array_equal(act(x), [0.0, 0.0, 2.0, np.inf])
    np.testing.assert_array_equal(act.grad(x), [0.0, 0.0, 1.0, 1.0])


# ------------------------------------------------------------------ dtypes and shapes
def test_shapes_scalars_and_integers():
    relu = actnet.get("relu")
    assert relu(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    assert relu.grad(np.zeros((0, 5))).shape == (0, 5)
    scalar = relu(-3)
    assert np.ndim(scalar) == 0 and scalar == 0.0
    assert relu(np.array([1, -2])).dtype == np.float64
    assert relu(np.array([1, 2], np.uint8)).dtype == np.float64
    assert relu(np.longdouble(2.0)).dtype == np.float64
    assert actnet.get("sigmoid")(np.float32(-2.5)).dtype == np.float32


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_float16_is_computed_in_float32_and_returned_as_float16(name, params):
    """The documented rule for float16 (SciPy has no float16 loops): the float32 result,
    rounded to float16."""
    act = actnet.get(name, **params)
    x16 = np.linspace(-8, 8, 161, dtype=np.float16)
    for f in (act, act.grad):
        out = f(x16)
        assert out.dtype == np.float16
        np.testing.assert_array_equal(out, f(x16.astype(np.float32)).astype(np.float16))


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
@given(
    x=hnp.arrays(
        np.dtype(">f8"), st.integers(0, 20), elements=st.floats(-1e3, 1e3, allow_nan=False)
    )
)
def test_big_endian_input_gives_the_native_results(name, params, x):
    act = actnet.get(name, **params)
    native = x.astype("<f8")
    for f in (act, act.grad):
        out = f(x)
        assert out.dtype == np.dtype(np.float64) and out.dtype.isnative
        np.testing.assert_array_equal(out, f(native))
    assert actnet.get(name, **params)(np.array([1.0], dtype=">f4")).dtype == np.float32


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_the_input_is_never_modified_nor_returned(name, params):
    act = actnet.get(name, **params)
    x = np.array([-1.0, 0.0, 0.5, np.inf, np.nan])
    for f in (act, act.grad):
        out = f(x)
        out[...] = 7.0
    np.testing.assert_array_equal(x, [-1.0, 0.0, 0.5, np.inf, np.nan])


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_results_are_elementwise(name, params):
    # an element's result does not depend on the rest of the array, nor on its shape
    act = actnet.get(name, **params)
    x = np.random.default_rng(2).normal(0.0, 5.0, (3, 4001))
    for f in (act, act.grad):
        whole = f(x)
        np.testing.assert_array_equal(whole[1, 2000:2010], f(x[1, 2000:2010]))
        np.testing.assert_array_equal(whole.reshape(-1)[7], f(x.reshape(-1)[7]))


# ------------------------------------------------------------------ the registry
def test_module_names_are_the_registered_activations():
    for name in BUILTINS:
        assert getattr(A, name) is actnet.get(name)
    x = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(
        A.leaky_relu(x, alpha=0.2), actnet.get("leaky_relu", alpha=0.2)(x)
    )
    np.testing.assert_array_equal(
        A.gelu.grad(x, approximate="tanh"), actnet.get("gelu", approximate="tanh").grad(x)
    )


def test_aliases():
    assert actnet.get("swish") == actnet.get("silu")
    assert actnet.get("linear") == actnet.get("identity")
    assert actnet.get("logistic") is actnet.get("sigmoid")
    assert actnet.get(" ReLU ") == actnet.get("relu")


def test_get_returns_activation_objects_with_name_and_params():
    act = actnet.get("elu", alpha=0.5)
    assert act.name == "elu" and act.params == {"alpha": 0.5}
    assert actnet.get(act) is act
    assert actnet.get(act, alpha=2.0).params == {"alpha": 2.0}
    assert repr(act) == "Activation('elu', alpha=0.5)"
    assert actnet.get("relu").params == {}
    assert act == actnet.get("elu", alpha=0.5) and hash(act) == hash(actnet.get("elu", alpha=0.5))
    assert act != actnet.get("elu")


def test_params_are_read_only_values_and_a_change_is_a_new_activation():
    leaky = actnet.get("leaky_relu")
    net = MLP([2, 3, 1], activation="leaky_relu", seed=0)
    X = np.array([[-1.0, -2.0], [1.5, -0.5]])
    before = net.predict(X)
    with pytest.raises(TypeError):
        leaky.params["alpha"] = 0.3
    with pytest.raises(AttributeError):
        leaky.params = {"alpha": 0.3}
    # nothing changed: the registry, the network built before, one built after
    assert actnet.get("leaky_relu").params == {"alpha": 0.01}
    assert actnet.get("leaky_relu").grad(-1.0) == 0.01
    np.testing.assert_array_equal(net.predict(X), before)
    np.testing.assert_array_equal(
        MLP([2, 3, 1], activation="leaky_relu", seed=0).predict(X), before
    )
    steeper = leaky.with_params(alpha=0.3)
    assert steeper is not leaky and steeper.grad(-1.0) == 0.3 and leaky.grad(-1.0) == 0.01


def test_parameters_are_checked_when_set_not_when_used():
    with pytest.raises(TypeError, match="alpha must be a number, got 'x'"):
        actnet.get("leaky_relu", alpha="x")
    with pytest.raises(TypeError, match="alpha must be a number"):
        actnet.get("leaky_relu").with_params(alpha="x")
    with pytest.raises(ValueError, match="beta must be a finite number > 0"):
        A.softplus([1.0], beta=-1.0)
    relu = actnet.get("relu")
    with pytest.raises(ValueError, match="must be a finite number > 0"):
        A.Activation("custom", relu.value, relu.derivative, {"a": 0.0}, checks={"a": A._positive})


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (A.sigmoid, A.sigmoid),
        (A.get("elu", alpha=0.5), A.get("elu", alpha=0.5)),
        (A.get("gelu", approximate="tanh"), A.get("gelu", approximate="tanh")),
    ],
)
def test_activations_survive_pickle_and_deepcopy(act, expected):
    for copied in (pickle.loads(pickle.dumps(act)), copy.deepcopy(act)):
        assert copied == expected and copied.params == expected.params
        assert copied.formula is expected.formula
    x = np.linspace(-3, 3, 13)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(act)).grad(x), act.grad(x))


def test_unknown_name_lists_the_available_names():
    with pytest.raises(
        ValueError, match="unknown activation 'sigmoidd'; available: identity, sigmoid"
    ):
        actnet.get("sigmoidd")


@pytest.mark.parametrize(
    ("name", "params", "error", "message"),
    [
        ("softplus", {"beta": 0.0}, ValueError, "beta must be a finite number > 0"),
        ("softplus", {"beta": -1.0}, ValueError, "beta must be a finite number > 0"),
        ("elu", {"alpha": -1.0}, ValueError, "alpha must be a finite number > 0"),
        ("leaky_relu", {"alpha": float("nan")}, ValueError, "alpha must be finite"),
        ("gelu", {"approximate": "erf"}, ValueError, "unknown approximate 'erf'; valid names: none, tanh"),
        ("gelu", {"approximate": True}, TypeError, r"approximate must be a name \(str\)"),
        ("leaky_relu", {"alpha": "0.1"}, TypeError, "alpha must be a number"),
        ("silu", {"beta": True}, TypeError, "beta must be a number"),
        ("relu", {"alpha": 0.1}, ValueError, "activation 'relu' has no parameter 'alpha'"),
        ("selu", {"alpha": 2.0}, ValueError, "has no parameter 'alpha'"),
    ],
)  # fmt: skip
def test_bad_parameters_name_the_parameter(name, params, error, message):
    with pytest.raises(error, match=message):
        actnet.get(name, **params)


@pytest.mark.parametrize("bad", ["1.0", ["a", "b"], [True, False], 1 + 2j, None, {"x": 1}])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="x must be a real number or an array of real numbers"):
        actnet.get("relu")(bad)


def test_name_of_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="activation must be a name"):
        actnet.get(3)


# ----------------------------------------------------------- user-defined ones
@pytest.fixture
def squareplus():
    act = actnet.register(
        "squareplus",
        lambda x, b: 0.5 * (x + np.sqrt(x * x + b)),
        lambda x, b: 0.5 * (1.0 + x / np.sqrt(x * x + b)),
        params={"b": 4.0},
    )
    yield act
    actnet.unregister("squareplus")


def test_user_defined_activation_behaves_like_a_builtin(squareplus):
    assert "squareplus" in actnet.available()
    act = actnet.get("squareplus", b=1.0)
    assert act.name == "squareplus" and act.params == {"b": 1.0}
    assert act(0.0) == 0.5
    x = np.linspace(-4, 4, 101)
    numeric = (act(x + 1e-6) - act(x - 1e-6)) / 2e-6
    np.testing.assert_allclose(act.grad(x), numeric, rtol=1e-6, atol=1e-9)
    assert act(x.astype(np.float32)).dtype == np.float32
    assert act(np.array([1.0], ">f8")).dtype == np.float64
    with pytest.raises(ValueError, match="has no parameter 'c'"):
        actnet.get("squareplus", c=1.0)
    with pytest.raises(TypeError):
        act.params["b"] = 2.0


def test_register_refuses_builtin_names_and_duplicates(squareplus):
    with pytest.raises(ValueError, match="'relu' is a built-in activation"):
        actnet.register("relu", np.abs, np.sign)
    with pytest.raises(ValueError, match="already registered; pass overwrite=True"):
        actnet.register("squareplus", np.abs, np.sign)
    with pytest.raises(TypeError, match="value must be callable"):
        actnet.register("other", 3, np.sign)
    with pytest.raises(TypeError, match="grad must be callable"):
        actnet.register("other", np.abs, None)
    with pytest.raises(ValueError, match="'tanh' is a built-in activation and cannot be removed"):
        actnet.unregister("tanh")


@pytest.mark.parametrize(
    ("value", "grad", "error", "message"),
    [
        (lambda x: np.array([x.sum(), 0.0]), np.ones_like, ValueError,
         r"value function of activation 'odd' returned shape \(2,\) for an input of shape \(5,\)"),
        (lambda x: None, np.ones_like, TypeError,
         "value function of activation 'odd' returned None; it must return an array of real"),
        (np.tanh, lambda x: None, TypeError, "derivative function of activation 'odd' returned None"),
        (lambda x: np.full(x.shape, "a"), np.ones_like, TypeError, "value function of activation 'odd'"),
        (np.tanh, lambda x: x + 1j, TypeError, "derivative function of activation 'odd'"),
    ],
)  # fmt: skip
def test_a_user_function_that_returns_no_array_of_numbers_is_named(value, grad, error, message):
    act = actnet.register("odd", value, grad)
    try:
        with pytest.raises(error, match=message):
            act(np.zeros(5))
            act.grad(np.zeros(5))
    finally:
        actnet.unregister("odd")


def test_a_user_function_may_return_a_number_for_every_element():
    act = actnet.register("halves", lambda x: x / 2, lambda x: 0.5)
    try:
        np.testing.assert_array_equal(act.grad(np.zeros((2, 3))), np.full((2, 3), 0.5))
    finally:
        actnet.unregister("halves")


# ------------------------------------------------------------------ the code's layout
def _code_lines(function) -> int:
    """Lines of a function's source that hold code: neither blank, comment nor docstring."""
    source = inspect.getsource(function)
    tree = ast.parse(inspect.cleandoc("\n" + source) if source[0] == " " else source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = inspect.cleandoc("\n" + source).splitlines()
    return sum(
        1
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.strip().startswith("#") and number not in docstrings
    )


@pytest.mark.parametrize("name", BUILTINS)
def test_each_formula_is_at_most_twelve_lines_of_code(name):
    """Readability target: the value and the derivative of each built-in, ``def`` lines
    included, in at most 12 lines of code (docstrings and comments not counted)."""
    formula = A.get(name).formula
    assert _code_lines(formula.value) + _code_lines(formula.derivative) <= 12


def test_activations_and_their_private_helpers_are_at_most_500_lines():
    """Readability target: actnet/activations.py and every private module it imports
    (actnet._validate is shared with the whole package, not a helper of its own) hold the
    lecture's twelve activations and the registry in at most 500 lines. The three
    piecewise-linear activations of mobile networks came later, on purpose, each one screen
    (at most 25 lines with its docstring): they add their own lines to that budget."""
    path = ROOT / "actnet" / "activations.py"
    tree = ast.parse(path.read_text())
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    own = {m for m in imported if m.startswith("actnet.") and m != "actnet._validate"}
    assert not own, own
    assert {m.split(".")[0] for m in imported} <= {
        "__future__", "actnet", "collections", "dataclasses", "functools", "inspect", "math",
        "numpy", "scipy", "types", "typing",
    }  # fmt: skip
    assert {m for m in imported if m.startswith("scipy")} == {"scipy.special"}
    mobile = [inspect.getsourcelines(getattr(A, name))[0] for name in BUILTINS[len(LECTURE) :]]
    assert all(len(lines) <= 25 for lines in mobile), [len(lines) for lines in mobile]
    assert len(path.read_text().splitlines()) <= 500 + sum(len(lines) + 2 for lines in mobile)


@pytest.mark.parametrize("name", BUILTINS)
def test_the_public_name_leads_to_the_formula_in_one_hop(name):
    act = getattr(A, name)
    source = inspect.getsource(act)
    assert source == inspect.getsource(act.formula)
    assert source.startswith("@builtin(") and f"\nclass {name}:\n" in source
    assert "def value(" in source and "def derivative(" in source
    assert ".. math::" in act.__doc__ and ">>> " in act.__doc__
    assert act.value is act.formula.value and act.derivative is act.formula.derivative
    assert str(inspect.signature(act)).startswith("(x")
    # a routine to Sphinx, pydoc and doctest, so that the API page documents it
    assert inspect.isroutine(act) and A.Activation.__get__(act, None) is act


def test_importing_activations_imports_no_experiments_plots_or_widgets():
    # the package's __init__ is left out: what actnet/activations.py itself pulls in
    code = f"""
import sys, types
package = types.ModuleType("actnet")
package.__path__ = [{str(ROOT / "actnet")!r}]
sys.modules["actnet"] = package
import actnet.activations
print(sorted(m for m in sys.modules if m.split(".")[0] in ("actnet", "matplotlib", "ipywidgets")))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(["actnet", "actnet._validate", "actnet.activations"])
