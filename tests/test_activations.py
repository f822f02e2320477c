"""Facts about every activation: values, derivatives, numerics and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import actnet
from actnet import activations as A

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
]

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


EXTREMES = [-1e30, -1000.0, -100.0, -1e-30, 0.0, 1e-30, 100.0, 1000.0, 1e30]


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extremes_are_finite_keep_dtype_and_raise_no_warning(name, params, dtype):
    act = actnet.get(name, **params)
    x = np.array(EXTREMES, dtype=dtype)
    with np.errstate(all="raise"):
        value, grad = act(x), act.grad(x)
    assert value.dtype == dtype and grad.dtype == dtype
    assert np.isfinite(value).all() and np.isfinite(grad).all()


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_float32_agrees_with_float64(name, params):
    act = actnet.get(name, **params)
    x = np.linspace(-8, 8, 1001)
    np.testing.assert_allclose(act(x.astype(np.float32)), act(x), rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(act.grad(x.astype(np.float32)), act.grad(x), rtol=2e-5, atol=2e-6)


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
}


@pytest.mark.parametrize("name", BUILTINS)
def test_infinities_give_the_mathematical_limits_and_nan_propagates(name):
    act = actnet.get(name)
    x = np.array([-np.inf, np.inf, np.nan])
    value, grad = act(x), act.grad(x)
    np.testing.assert_allclose(value[:2], LIMITS[name][:2], rtol=1e-15)
    np.testing.assert_allclose(grad[:2], LIMITS[name][2:], rtol=1e-15)
    assert np.isnan(value[2]) and np.isnan(grad[2])


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


def test_shapes_scalars_and_integers():
    relu = actnet.get("relu")
    assert relu(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    assert relu.grad(np.zeros((0, 5))).shape == (0, 5)
    scalar = relu(-3)
    assert np.ndim(scalar) == 0 and scalar == 0.0
    assert relu(np.array([1, -2])).dtype == np.float64
    assert relu(np.float16(2.0)).dtype == np.float32


def test_input_is_not_modified():
    x = np.array([-1.0, 0.5])
    for name in BUILTINS:
        actnet.get(name)(x)
        actnet.get(name).grad(x)
    assert x.tolist() == [-1.0, 0.5]


def test_module_functions_match_registry():
    x = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(
        A.leaky_relu(x, alpha=0.2), actnet.get("leaky_relu", alpha=0.2)(x)
    )
    np.testing.assert_array_equal(
        A.gelu(x, approximate="tanh"), actnet.get("gelu", approximate="tanh")(x)
    )
    for name in BUILTINS:
        np.testing.assert_array_equal(getattr(A, name)(x), actnet.get(name)(x))


def test_aliases():
    assert actnet.get("swish") == actnet.get("silu")
    assert actnet.get("linear") == actnet.get("identity")
    assert actnet.get(" ReLU ") == actnet.get("relu")


def test_get_returns_activation_objects_with_name_and_params():
    act = actnet.get("elu", alpha=0.5)
    assert act.name == "elu" and act.params == {"alpha": 0.5}
    assert actnet.get(act) is act
    assert actnet.get(act, alpha=2.0).params == {"alpha": 2.0}
    assert repr(act) == "Activation('elu', alpha=0.5)"
    assert actnet.get("relu").params == {}


# ------------------------------------------------------------------ bad input
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
        ("gelu", {"approximate": "erf"}, ValueError, 'approximate must be "none" or "tanh"'),
        ("gelu", {"approximate": True}, ValueError, "approximate must be"),
        ("leaky_relu", {"alpha": "0.1"}, TypeError, "alpha must be a number"),
        ("silu", {"beta": True}, TypeError, "beta must be a number"),
        ("relu", {"alpha": 0.1}, ValueError, "activation 'relu' has no parameter 'alpha'"),
        ("selu", {"alpha": 2.0}, ValueError, "has no parameter 'alpha'"),
    ],
)
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
    with pytest.raises(ValueError, match="has no parameter 'c'"):
        actnet.get("squareplus", c=1.0)


def test_register_refuses_builtin_names_and_duplicates(squareplus):
    with pytest.raises(ValueError, match="'relu' is a built-in activation"):
        actnet.register("relu", np.abs, np.sign)
    with pytest.raises(ValueError, match="already registered; pass overwrite=True"):
        actnet.register("squareplus", np.abs, np.sign)
    with pytest.raises(TypeError, match="value must be callable"):
        actnet.register("other", 3, np.sign)
    with pytest.raises(ValueError, match="'tanh' is a built-in activation and cannot be removed"):
        actnet.unregister("tanh")


def test_a_user_function_that_is_not_elementwise_is_reported():
    act = actnet.register("total", lambda x: np.array([x.sum(), 0.0]), np.ones_like)
    try:
        with pytest.raises(ValueError, match="value function of activation 'total' returned shape"):
            act(np.zeros(5))
    finally:
        actnet.unregister("total")
