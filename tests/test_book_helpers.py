"""actnet.book: glue names a value for the prose, show_source shows actnet's code."""

from __future__ import annotations

import functools
import inspect

import pytest
from IPython.core.interactiveshell import InteractiveShell

import actnet
from actnet import book
from actnet.book import Source, glue, show_source


@pytest.fixture
def shell():
    """A kernel-free IPython shell, as a notebook's kernel runs one; ``get_ipython()`` is it."""
    book.glued.clear()
    shell = InteractiveShell.instance()
    shown = []
    shell.display_pub.publish = lambda data, metadata=None, **kwargs: shown.append(data)
    yield shell, shown
    InteractiveShell.clear_instance()
    book.glued.clear()


def test_glue_outside_ipython_keeps_the_value_by_name():
    book.glued.clear()
    glue("kept_sigmoid", 1.5e-6)
    assert book.glued == {"kept_sigmoid": 1.5e-6}
    book.glued.clear()


def test_glue_in_a_notebook_makes_a_variable_for_eval_and_shows_name_and_value(shell):
    ipython, shown = shell
    ipython.run_cell('from actnet.book import glue\nglue("race_seeds", 5)')
    assert ipython.user_ns["race_seeds"] == 5
    assert shown == [{"text/plain": "race_seeds = 5"}]
    # what {eval}`f"{race_seeds:.1f}"` asks the kernel for
    assert ipython.ev('f"{race_seeds:.1f}"') == "5.0"


def test_glue_may_glue_a_name_again_when_a_cell_runs_again(shell):
    ipython, shown = shell
    ipython.run_cell('from actnet.book import glue\nglue("x_value", 1)\nglue("x_value", 2)')
    assert ipython.user_ns["x_value"] == 2
    assert shown[-1] == {"text/plain": "x_value = 2"}


def test_glue_refuses_to_overwrite_a_variable_of_the_notebook(shell):
    ipython, _ = shell
    ipython.user_ns["median"] = {"relu": 30}
    with pytest.raises(ValueError, match="'median' is already a variable of the notebook"):
        glue("median", 30.0)
    assert ipython.user_ns["median"] == {"relu": 30}


def test_glue_may_glue_a_variable_under_its_own_name(shell):
    ipython, shown = shell
    ipython.run_cell(
        "from actnet.book import glue\nselu_digits = 10\nglue('selu_digits', selu_digits)"
    )
    assert ipython.user_ns["selu_digits"] == 10
    assert shown == [{"text/plain": "selu_digits = 10"}]


@pytest.mark.parametrize("name", ["kept-sigmoid", "2nd", "lambda", ""])
def test_glue_refuses_a_name_that_eval_cannot_find(name):
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        glue(name, 1.0)


def test_glue_refuses_a_name_that_is_not_a_string():
    with pytest.raises(TypeError, match="name must be a string, got int"):
        glue(3, 1.0)


def test_show_source_of_a_function_is_its_code_and_file():
    source = show_source(actnet.get)
    assert source.code == inspect.getsource(actnet.get).rstrip()
    assert source.path == "actnet/activations.py"


def test_show_source_of_an_activation_is_the_code_of_its_value_and_derivative():
    sigmoid = actnet.get("sigmoid")
    functions = [v for k, v in vars(sigmoid).items() if inspect.isfunction(v)]
    source = show_source(sigmoid)
    assert functions, "an Activation holds its value and derivative functions"
    for function in functions:
        assert inspect.getsource(function).strip() in source.code


def test_show_source_follows_a_decorator_to_the_function_it_wraps():
    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args):
            return f(*args)

        return wrapper

    @decorate
    def double(x):
        return 2 * x

    assert show_source(double).code.endswith("def double(x):\n    return 2 * x")
    assert show_source(functools.partial(double, 3)).code == show_source(double).code


def test_show_source_of_an_object_holding_no_function_is_its_class():
    class Ramp:
        """max(0, x)."""

        def __call__(self, x):
            return max(0.0, x)

    code = show_source(Ramp()).code
    assert code.startswith("class Ramp:") and "return max(0.0, x)" in code


def test_show_source_of_a_method_is_dedented():
    assert show_source(Source._repr_markdown_).code.startswith("def _repr_markdown_(self)")


def test_show_source_of_a_builtin_says_there_is_no_python_source():
    with pytest.raises(TypeError, match="obj must lead to Python source code; <built-in"):
        show_source(len)


def test_the_markdown_is_the_file_then_one_python_block_that_no_backtick_can_close():
    source = Source('def f():\n    """Uses ``x`` and ```y```."""', "actnet/x.py")
    text = source._repr_markdown_()
    assert text.startswith("From `actnet/x.py`:\n\n````python\n")
    assert text.endswith("\n````\n")
    assert source.code in text
