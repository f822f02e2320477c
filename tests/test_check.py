"""actnet.check: right answers pass, wrong ones get specific feedback, bad ones never crash."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import actnet
from actnet import check
from actnet.check import CheckFailed, Result

SHORT = 0.2  # seconds: the time limit of the tests of answers that never return


def failed(result):
    assert isinstance(result, Result)
    assert not result.passed
    return result.message


def stable_sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


@pytest.mark.parametrize("name", actnet.available())
def test_actnets_own_functions_pass_their_checks(name):
    act = actnet.get(name)
    assert check.activation(lambda x: act(x), name).passed
    assert check.derivative(lambda x: act.grad(x), name).passed


def test_a_wrong_answer_raises_an_assertion_error_carrying_the_result():
    with pytest.raises(AssertionError) as info:
        check.activation(lambda x: x, "relu")
    assert isinstance(info.value, CheckFailed)
    assert info.value.result.passed is False
    assert str(info.value) == str(info.value.result)
    assert str(info.value).startswith("✗ relu: at x = -0.5 (float64) the relu is 0.0")


def test_ipython_shows_the_feedback_instead_of_a_traceback():
    result = check.activation(lambda x: x, "relu", raise_on_failure=False)
    lines = CheckFailed(result)._render_traceback_()
    assert lines == str(result).splitlines()
    assert not any("Traceback" in line for line in lines)


def test_a_right_answer_returns_a_truthy_result_with_a_tick():
    result = check.activation(stable_sigmoid, "sigmoid")
    assert result and result.passed
    assert repr(result) == (
        "✓ sigmoid: right on all 179 inputs (edge cases, a 2-d array and float32\n  included)."
    )


def test_an_unanswered_exercise_is_reported_kindly():
    def sigmoid(x):
        raise NotImplementedError()

    message = failed(check.activation(sigmoid, "sigmoid", raise_on_failure=False))
    assert message.startswith("`sigmoid` is not written yet: it raises NotImplementedError.")


def test_an_answer_that_raises_is_named_with_its_error_and_input():
    def relu(x):
        raise ValueError("oops")

    message = failed(check.activation(relu, "relu", raise_on_failure=False))
    assert message == "`relu(x)` for x of shape (145,) and dtype float64 raised ValueError: oops."


def test_an_answer_that_calls_exit_does_not_end_the_kernel():
    def relu(x):
        raise SystemExit(1)

    assert "called exit()" in failed(check.activation(relu, "relu", raise_on_failure=False))


def test_an_answer_of_the_wrong_shape_is_told_the_shape_expected():
    message = failed(check.activation(lambda x: np.sum(x), "relu", raise_on_failure=False))
    assert "returned an array of shape ()" in message
    assert "its input's shape, (145,)" in message


def test_an_answer_that_loses_float32_is_told_the_dtype():
    def relu_grad(x):
        return np.where(np.isnan(x), np.nan, np.where(x > 0, 1.0, 0.0))

    message = failed(check.derivative(relu_grad, "relu", raise_on_failure=False))
    assert message.startswith(
        "`relu_grad(x)` for x of shape (22,) and dtype float32 returned dtype"
    )
    assert "float64" in message and ".astype(x.dtype)" in message


def test_an_answer_that_mutates_its_input_is_caught():
    def relu(x):
        x[x < 0] = 0
        return x

    message = failed(check.activation(relu, "relu", raise_on_failure=False))
    assert message.startswith("`relu` changed its input in place (x = -0.5 became 0.0)")


def test_an_answer_that_returns_nothing_is_asked_for_its_return():
    def relu(x):
        np.maximum(x, 0)

    assert "returned None. Did you forget the `return`?" in failed(
        check.activation(relu, "relu", raise_on_failure=False)
    )


def test_an_answer_that_returns_text_is_told_to_return_numbers():
    message = failed(check.activation(lambda x: "relu", "relu", raise_on_failure=False))
    assert "returned str 'relu', not numbers" in message


def test_an_answer_that_never_returns_is_stopped_at_the_time_limit():
    def relu(x):
        while True:
            pass

    start = time.perf_counter()
    result = check.activation(relu, "relu", time_limit=SHORT, raise_on_failure=False)
    assert time.perf_counter() - start < 2.0
    assert "did not return within 0.2 s" in failed(result)


def test_an_answer_that_swallows_every_exception_is_still_stopped():
    def relu(x):
        while True:
            try:
                time.sleep(1)
            except Exception:
                pass

    result = check.activation(relu, "relu", time_limit=SHORT, raise_on_failure=False)
    assert "did not return within" in failed(result)


def test_the_time_limit_leaves_no_alarm_and_restores_the_handler():
    before = signal.getsignal(signal.SIGALRM)
    check.activation(lambda x: time.sleep(5), "relu", time_limit=SHORT, raise_on_failure=False)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_the_time_limit_still_holds():
    results = []

    def run():
        results.append(
            check.activation(
                lambda x: time.sleep(3), "relu", time_limit=SHORT, raise_on_failure=False
            )
        )

    worker = threading.Thread(target=run)
    start = time.perf_counter()
    worker.start()
    worker.join(5)
    assert time.perf_counter() - start < 2.0
    assert "did not return within 0.2 s" in failed(results[0])


def test_a_naive_sigmoid_passes_with_a_note_and_no_warning_escapes():
    # pytest turns any escaping warning into an error
    result = check.activation(lambda x: 1 / (1 + np.exp(-x)), "sigmoid")
    assert result.passed
    assert "NumPy warned while computing it (overflow encountered in exp)" in result.message


def test_an_overflowing_sigmoid_is_told_where_and_why():
    message = failed(
        check.activation(lambda x: np.exp(x) / (1 + np.exp(x)), "sigmoid", raise_on_failure=False)
    )
    assert message.startswith("at x = 1000 (float64) the sigmoid is 1, your `<lambda>` gave nan")
    assert "exp(1000) is inf" in message


def test_a_derivative_that_loses_nan_gets_the_nan_hint():
    def relu_grad(x):
        return (x > 0).astype(x.dtype)

    message = failed(check.derivative(relu_grad, "relu", raise_on_failure=False))
    assert message.startswith("at x = nan (float64) the relu derivative is nan")
    assert "NaN in should give NaN out" in message


def test_the_kink_convention_is_explained_at_the_kink():
    def relu_grad(x):
        return np.where(np.isnan(x), x, (x >= 0).astype(x.dtype))

    message = failed(check.derivative(relu_grad, "relu", raise_on_failure=False))
    assert message.startswith("at x = 0.0 (float64) the relu derivative is 0.0, your")
    assert "relu'(0) = 0" in message


def test_parameters_reach_both_the_answer_and_the_reference():
    def leaky(x, alpha):
        return np.where(x > 0, x, alpha * x)

    assert check.activation(leaky, "leaky_relu", alpha=0.3).passed
    result = check.activation(leaky, "leaky_relu", raise_on_failure=False, alpha=0.3)
    assert result.title == "leaky_relu (alpha=0.3)"

    def wrong(x, alpha):
        return np.where(x > 0, x, 0.1 * x)

    with pytest.raises(CheckFailed) as info:
        check.activation(wrong, "leaky_relu", alpha=0.3)
    assert "the leaky_relu is -0.15, your `wrong` gave -0.05" in info.value.result.message


def test_long_feedback_is_wrapped_into_short_lines():
    result = check.activation(lambda x: x, "relu", raise_on_failure=False)
    lines = str(result).splitlines()
    assert len(lines) > 1 and max(map(len, lines)) <= 76
    assert " ".join(line.strip() for line in lines) == f"✗ relu: {result.message}"


def test_something_that_is_not_a_function_is_refused_kindly():
    assert failed(check.activation(3.0, "relu", raise_on_failure=False)) == (
        "expected a function, got 3.0."
    )


def test_chain_product_knows_the_sigmoids_best_case_and_spots_a_sum():
    def chain(z):
        return np.prod(actnet.get("sigmoid").grad(z))

    result = check.chain_product(chain, "sigmoid")
    assert "multiplied by 9.53674e-07" in result.message  # 0.25 ** 10
    message = failed(
        check.chain_product(
            lambda z: np.sum(actnet.get("sigmoid").grad(z)), "sigmoid", raise_on_failure=False
        )
    )
    assert "Multiply the derivatives, do not add them." in message


def test_linear_collapse_accepts_the_product_and_names_a_forgotten_bias_term():
    assert check.linear_collapse(lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2 + b2)).passed
    message = failed(
        check.linear_collapse(lambda W1, b1, W2, b2: (W1 @ W2, b2), raise_on_failure=False)
    )
    assert message.endswith("b1 passes through W2.")


def test_dead_unit_gradient_accepts_the_chain_rule_and_rejects_a_leaky_gate():
    def right(x, w, b, g):
        gate = (w * x + b > 0).astype(float)
        return np.sum(g * gate * x), np.sum(g * gate)

    def leaky(x, w, b, g):
        gate = np.where(w * x + b > 0, 1.0, 0.01)
        return np.sum(g * gate * x), np.sum(g * gate)

    assert "the unit never recovers" in check.dead_unit_gradient(right).message
    assert "dL/dw should be" in failed(check.dead_unit_gradient(leaky, raise_on_failure=False))


def test_kill_relu_accepts_a_deep_kick_and_rejects_a_shallow_one():
    assert "never recovered" in check.kill_relu(lambda: -2.0).message
    message = failed(check.kill_relu(lambda: -0.5, raise_on_failure=False))
    assert message.startswith("with b = -0.5 the unit relu(x + b) is still active on 25%")


def test_maxout_accepts_leaky_relu_pieces_and_points_at_the_wrong_side():
    assert check.maxout(lambda: [(1.0, 0.0), (0.2, 0.0)], "leaky_relu", alpha=0.2).passed
    message = failed(
        check.maxout(
            lambda: [(1.0, 0.0), (0.1, 0.0)], "leaky_relu", raise_on_failure=False, alpha=0.2
        )
    )
    assert message.startswith("at x = -0.01 your unit gives -0.001, leaky_relu gives -0.002")
    assert "For negative x" in message
    assert "list of at least two pieces" in failed(
        check.maxout(lambda: [(1.0, 0.0)], "relu", raise_on_failure=False)
    )


def test_maxout_forward_wants_the_maximum_over_pieces():
    assert check.maxout_forward(lambda x, W, b: (x @ W + b[:, None, :]).max(axis=0)).passed
    message = failed(
        check.maxout_forward(
            lambda x, W, b: (x @ W + b[:, None, :]).max(axis=1), raise_on_failure=False
        )
    )
    assert "returned shape (2, 2); one output per example and unit is shape (6, 2)" in message


def test_own_activation_checks_the_derivative_then_registers_it():
    def softsign(x):
        return x / (1 + np.abs(x))

    def wrong_grad(x):
        return 1 / (1 + np.abs(x))

    def right_grad(x):
        return 1 / (1 + np.abs(x)) ** 2

    try:
        message = failed(
            check.own_activation("test_softsign", softsign, wrong_grad, raise_on_failure=False)
        )
        assert message.startswith("at x = -6 `wrong_grad` gives 0.142857, but the slope")
        assert "test_softsign" not in actnet.available()
        assert check.own_activation("test_softsign", softsign, right_grad).passed
        assert "test_softsign" in actnet.available()
        prediction = check.report_card(
            "test_softsign",
            lambda: {"monotonic": False, "saturates": "both"},
            raise_on_failure=False,
        )
        assert failed(prediction).startswith("1 of 2 predictions differ from the card (monotonic)")
        assert "monotonic: measured True, you said False" in prediction.message
        right = check.report_card("test_softsign", lambda: {"monotonic": True, "saturates": "both"})
        assert "  output_max: 0.909\n" in right.message  # 10 / 11, its largest value on [-10, 10]
        assert "cost_ratio" not in right.message  # a timing, different at every run
        unknown = check.report_card("test_softsign", lambda: {"speed": 1}, raise_on_failure=False)
        assert failed(unknown).startswith("the card has no field 'speed'; its fields are:")
    finally:
        if "test_softsign" in actnet.available():
            actnet.unregister("test_softsign")


def test_own_activation_refuses_a_builtin_name_and_an_overflowing_value():
    assert "could not be registered" in failed(
        check.own_activation("relu", np.tanh, lambda x: 1 - np.tanh(x) ** 2, raise_on_failure=False)
    )
    message = failed(check.own_activation("test_exp", np.exp, np.exp, raise_on_failure=False))
    assert message.startswith(
        "`exp(x)` for x of shape (142,) and dtype float64 gave inf at x = 1000"
    )


def test_report_card_needs_the_activation_registered_first():
    message = failed(
        check.report_card("not_there", lambda: {"monotonic": True}, raise_on_failure=False)
    )
    assert message.startswith("no activation named 'not_there' is registered yet")


# ------------------------------------------------ the answer runs in a child process
LIMIT = 0.5  # seconds: the time limit of the runaway answers below


def busy_loop(x):
    while True:
        pass


def swallows_every_exception(x):
    while True:
        try:
            time.sleep(1)
        except BaseException:
            continue


def loops_inside_c(x):
    return sum(range(3 * 10**8))


def prints_forever(x):
    while True:
        print("spam " * 100)


def grows_a_list(x):
    kept = []
    while True:
        kept.append(np.ones(10**6))


def forks_a_spinning_child(x):
    if os.fork() == 0:
        while True:
            pass
    while True:
        pass


def closes_every_file_and_loops(x):
    os.closerange(3, 4096)
    while True:
        pass


def ignores_every_signal_it_can(x):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass


RUNAWAYS = [
    busy_loop,
    swallows_every_exception,
    loops_inside_c,
    prints_forever,
    grows_a_list,
    forks_a_spinning_child,
    closes_every_file_and_loops,
    ignores_every_signal_it_can,
]
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the answer runs in a thread")


@needs_fork
@pytest.mark.parametrize("answer", RUNAWAYS, ids=lambda f: f.__name__)
def test_a_runaway_answer_is_stopped_within_the_time_limit_plus_a_second(answer):
    start = time.perf_counter()
    result = check.activation(answer, "relu", time_limit=LIMIT, raise_on_failure=False)
    assert time.perf_counter() - start < LIMIT + 1.0
    assert f"did not return within {LIMIT:g} s" in failed(result)


@needs_fork
@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda x: sys.exit(0), "raised SystemExit: 0. The function called exit()"),
        (lambda x: os._exit(3), "ended the process that ran it (exit status 3) instead of"),
        (
            lambda x: os.kill(os.getpid(), signal.SIGKILL),
            "crashed the process that ran it (SIGKILL)",
        ),
        (
            lambda x: os.kill(os.getpid(), signal.SIGSEGV),
            "crashed the process that ran it (SIGSEGV)",
        ),
        (lambda x: np.ones(10**11), "raised MemoryError: Unable to allocate"),
        (lambda x: float(input()), "raised EOFError: EOF when reading a line"),
    ],
    ids=["sys.exit", "os._exit", "SIGKILL", "SIGSEGV", "memory", "input"],
)
def test_an_answer_that_ends_or_breaks_its_process_is_reported_and_the_caller_lives_on(
    answer, message
):
    assert message in failed(check.activation(answer, "relu", raise_on_failure=False))


def test_an_exception_whose_message_cannot_be_shown_is_still_reported():
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no message")

    def relu(x):
        raise Unprintable()

    message = failed(check.activation(relu, "relu", raise_on_failure=False))
    assert "raised Unprintable: (its message could not be shown: str() raised RuntimeError)" in (
        message
    )


@needs_fork
def test_the_callers_alarm_handler_and_timer_are_left_as_they_were():
    def handler(signum, frame):
        pass

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 30.0, 30.0)
    try:
        check.activation(lambda x: np.maximum(x, 0), "relu")
        check.activation(busy_loop, "relu", time_limit=0.2, raise_on_failure=False)
        assert signal.getsignal(signal.SIGALRM) is handler
        remaining, interval = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining <= 30.0 and interval == 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("bad", ["5", True, None.__class__])
def test_a_time_limit_that_is_not_a_number_is_a_type_error_naming_it(bad):
    with pytest.raises(TypeError, match="time_limit must be a number"):
        check.activation(np.tanh, "tanh", time_limit=bad)


@pytest.mark.parametrize("bad", [-1, 0, 0.0, float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("which", ["activation", "chain_product", "kill_relu", "report_card"])
def test_a_time_limit_that_is_not_a_positive_finite_number_is_a_value_error_naming_it(bad, which):
    calls = {
        "activation": lambda: check.activation(np.tanh, "tanh", time_limit=bad),
        "chain_product": lambda: check.chain_product(np.prod, time_limit=bad),
        "kill_relu": lambda: check.kill_relu(lambda: -2.0, time_limit=bad),
        "report_card": lambda: check.report_card("relu", dict, time_limit=bad),
    }
    with pytest.raises(ValueError, match="time_limit must be"):
        calls[which]()


@needs_fork
def test_an_answer_that_patches_the_comparison_neither_passes_nor_leaves_the_patch():
    isclose = np.isclose

    def relu(x):
        np.isclose = lambda a, b, **options: np.ones(np.shape(a), bool)
        np.allclose = lambda *args, **options: True
        return x

    message = failed(check.activation(relu, "relu", raise_on_failure=False))
    assert message.startswith("at x = -0.5 (float64) the relu is 0.0, your `relu` gave -0.5")
    assert np.isclose is isclose


@needs_fork
def test_an_answer_that_replaces_the_reference_neither_passes_nor_leaves_it_replaced():
    from actnet import activations

    relu = activations._REGISTRY["relu"]

    def cheat(x):
        activations._REGISTRY["relu"] = actnet.get("identity")
        actnet.get("leaky_relu").params["alpha"] = 0.3
        return x

    assert not check.activation(cheat, "relu", raise_on_failure=False).passed
    assert not check.activation(cheat, "leaky_relu", raise_on_failure=False).passed
    assert activations._REGISTRY["relu"] is relu
    assert actnet.get("leaky_relu").params["alpha"] == 0.01


@needs_fork
def test_numpy_error_settings_of_the_answer_stay_in_the_answer():
    before = np.geterr()

    def sigmoid(x):
        np.seterr(all="raise", under="ignore")
        return stable_sigmoid(x)

    assert check.activation(sigmoid, "sigmoid").passed
    assert np.geterr() == before


def test_numpy_raising_on_errors_in_the_caller_does_not_break_the_comparison():
    with np.errstate(all="raise"):
        assert check.activation(stable_sigmoid, "sigmoid").passed
        assert not check.activation(lambda x: x * np.inf, "relu", raise_on_failure=False).passed


@needs_fork
def test_an_answer_with_the_right_value_as_another_type_is_judged_by_its_value():
    class Wrapped:
        def __init__(self, x):
            self.x = x

        def __array__(self, dtype=None, copy=None):
            return np.maximum(self.x, 0)

    assert check.activation(lambda x: Wrapped(x), "relu").passed
    message = failed(check.activation(lambda x: iter(x), "relu", raise_on_failure=False))
    assert "returned list_iterator" in message or "returned iterator" in message


VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.complex_numbers()
    | hnp.arrays(hnp.scalar_dtypes(), hnp.array_shapes(max_dims=2, max_side=3)),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=5,
)


@needs_fork
@settings(max_examples=40, deadline=None)
@given(value=VALUES)
def test_whatever_an_answer_returns_the_check_gives_a_verdict_and_no_exception(value):
    for check_of in (
        lambda f: check.activation(f, "relu", raise_on_failure=False),
        lambda f: check.linear_collapse(lambda *args: f(None), raise_on_failure=False),
        lambda f: check.report_card("relu", lambda: f(None), raise_on_failure=False),
    ):
        result = check_of(lambda x: value)
        assert isinstance(result, Result) and not result.passed and result.message


@needs_fork
def test_what_an_answer_prints_is_shown_once_a_call_and_cut_when_long(capsys):
    def relu(x):
        print("debugging", x.shape)
        return np.maximum(x, 0)

    assert check.activation(relu, "relu").passed
    assert capsys.readouterr().out.splitlines() == [
        "debugging (145,)",
        "debugging (3, 4)",
        "debugging (22,)",
    ]

    def chatty(x):
        print("x" * 10**6)
        return np.maximum(x, 0)

    assert check.activation(chatty, "relu").passed
    out = capsys.readouterr().out
    assert out.count(f"[{10**6 + 1 - check.OUTPUT_LIMIT} more characters of output cut]") == 3


def test_without_fork_the_answer_runs_in_a_thread_and_the_check_still_returns(monkeypatch):
    monkeypatch.setattr(check, "_CAN_FORK", False)
    release = threading.Event()

    def relu(x):
        release.wait(30)
        return np.maximum(x, 0)

    try:
        start = time.perf_counter()
        result = check.activation(relu, "relu", time_limit=0.2, raise_on_failure=False)
        assert time.perf_counter() - start < 1.2
        assert "did not return within 0.2 s" in failed(result)
    finally:
        release.set()
    assert check.activation(lambda x: np.maximum(x, 0), "relu").passed
    message = failed(check.activation(lambda x: sys.exit(2), "relu", raise_on_failure=False))
    assert "called exit()" in message


@needs_fork
def test_checks_work_where_the_system_already_caps_memory_and_cpu_time():
    script = """
import resource
import numpy as np
from actnet import check

resource.setrlimit(resource.RLIMIT_CPU, (3600, 3600))
size = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (size + 2**29, size + 2**29))
print(check.activation(lambda x: np.maximum(x, 0), "relu").passed)
print(check.activation(lambda x: np.ones(10**9), "relu", raise_on_failure=False).message)
"""
    if not os.path.exists("/proc/self/statm"):
        pytest.skip("needs /proc to know the process's size")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    passed, message = run.stdout.splitlines()
    assert passed == "True" and "raised MemoryError" in message


# ------------------------------------------------------ initialisation, normalisation
def test_init_std_accepts_glorot_and_he_and_spots_a_variance():
    assert check.init_std(lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)), "xavier_normal")
    assert check.init_std(lambda n_in, n_out: np.sqrt(2 / n_in), "he")
    message = failed(check.init_std(lambda n_in, n_out: 2 / n_in, "he", raise_on_failure=False))
    assert "That is the variance" in message
    with pytest.raises(ValueError, match="rule must be one of"):
        check.init_std(lambda a, b: 1.0, "lecun")


def test_lsuv_scale_wants_the_standard_deviation():
    assert check.lsuv_scale(lambda z: z.std())
    assert "not the variance" in failed(check.lsuv_scale(np.var, raise_on_failure=False))


def test_lsuv_scale_takes_one_number_in_any_shape_but_not_one_per_unit():
    assert check.lsuv_scale(lambda z: np.array([z.std()]))
    assert check.lsuv_scale(lambda z: np.array([[z.std()]]))
    message = failed(check.lsuv_scale(lambda z: z.std(axis=0), raise_on_failure=False))
    assert message.endswith("returned 50 numbers; return one number."), message
    assert "`<lambda>(z)` for z of shape (200, 50)" in message


def test_distinct_units_counts_a_unit_with_its_bias():
    assert check.distinct_units(lambda W, b: len(np.unique(np.vstack([W, b]).T, axis=0)))
    without_bias = check.distinct_units(
        lambda W, b: len(np.unique(W.T, axis=0)), raise_on_failure=False
    )
    assert "together with its bias" in failed(without_bias)


def _standardised(x, axis):
    return (x - x.mean(axis, keepdims=True)) / np.sqrt(x.var(axis, keepdims=True) + 1e-5)


def test_the_normalisation_checks_accept_the_formulas_and_tell_the_axes_apart():
    assert check.batchnorm_forward(lambda x, g, b: g * _standardised(x, 0) + b)
    assert check.layernorm_forward(lambda x, g, b: g * _standardised(x, 1) + b)
    wrong_axis = check.layernorm_forward(
        lambda x, g, b: g * _standardised(x, 0) + b, raise_on_failure=False
    )
    assert "each row" in failed(wrong_axis)
    assert check.batchnorm_eval(lambda x, g, b, m, v: g * (x - m) / np.sqrt(v + 1e-5) + b)


def test_batchnorm_backward_accepts_the_three_terms_and_names_the_missing_ones():
    def backward(x, gamma, upstream):
        n, xhat, g = x.shape[0], _standardised(x, 0), gamma * upstream
        return (n * g - g.sum(0) - xhat * (g * xhat).sum(0)) / (n * np.sqrt(x.var(0) + 1e-5))

    assert check.batchnorm_backward(backward)
    naive = check.batchnorm_backward(
        lambda x, g, up: g * up / np.sqrt(x.var(0) + 1e-5), raise_on_failure=False
    )
    assert "the batch statistics' own terms are missing" in failed(naive)


def _stable_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_softmax_accepts_the_shifted_formula_and_explains_the_overflow_of_the_naive_one():
    assert check.softmax(_stable_softmax).passed
    assert check.softmax(actnet.losses.softmax).passed
    naive = check.softmax(
        lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), raise_on_failure=False
    )
    message = failed(naive)
    assert "should be 0.665241, got nan (row 0 of z is [1000.0, 999.0, 998.0])" in message
    assert "subtract each row's largest logit first" in message


def test_softmax_at_a_temperature_divides_the_logits_and_wants_the_row_shape():
    assert check.softmax(lambda z, t: _stable_softmax(z / t), temperature=0.5).passed
    message = failed(
        check.softmax(lambda z, t: _stable_softmax(z * t), temperature=0.5, raise_on_failure=False)
    )
    assert "Divide the logits by the temperature" in message
    message = failed(
        check.softmax(
            lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), raise_on_failure=False
        )
    )
    assert message  # a softmax over the whole batch is wrong on the first batch
    message = failed(check.softmax(lambda z: _stable_softmax(z)[:, 0], raise_on_failure=False))
    assert "returned shape (5,); one value per example and class is shape (5, 3)" in message
    with pytest.raises(ValueError, match="temperature"):
        check.softmax(_stable_softmax, temperature=0.0)


def test_log_softmax_refuses_the_log_of_probabilities_that_underflowed():
    def log_softmax(z):
        m = z.max(axis=1, keepdims=True)
        return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))

    assert check.log_softmax(log_softmax).passed
    message = failed(
        check.log_softmax(lambda z: np.log(_stable_softmax(z)), raise_on_failure=False)
    )
    assert "should be -1600, got -inf" in message and "log-sum-exp" in message


def test_cross_entropy_gradient_is_p_minus_y_over_n():
    loss = actnet.losses.SoftmaxCrossEntropy()
    assert check.cross_entropy_gradient(loss.grad).passed
    assert check.cross_entropy_gradient(lambda z, y: (_stable_softmax(z) - y) / len(z)).passed
    message = failed(
        check.cross_entropy_gradient(lambda z, y: _stable_softmax(z) - y, raise_on_failure=False)
    )
    assert "(p - y) / n" in message
    message = failed(
        check.cross_entropy_gradient(
            lambda z, y: (y - _stable_softmax(z)) / len(z), raise_on_failure=False
        )
    )
    assert "should be" in message
