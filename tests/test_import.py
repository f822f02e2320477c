"""``import actnet`` loads the activations and the network engine, nothing heavier; the rest
loads on first use."""

import importlib
import subprocess
import sys

import pytest

import actnet
from actnet import experiments

HEAVY = (
    "actnet.experiments",
    "actnet.plots",
    "actnet.widgets",
    "matplotlib",
    "ipywidgets",
    "scipy",
)


@pytest.mark.parametrize(
    "statement",
    ["import actnet", "import actnet.activations", "from actnet import sigmoid, get, register"],
)
def test_importing_the_activations_loads_no_experiments_plots_widgets_or_matplotlib(statement):
    loaded = subprocess.run(
        [sys.executable, "-c", f"{statement}\nimport sys\nprint(*sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY)] == []
    assert "numpy" in loaded and "actnet.activations" in loaded


def test_the_rest_loads_on_first_use_and_tab_completion_lists_it():
    listed = dir(actnet)
    for name in ("experiments", "plots", "widgets", "check", "report_card", "sigmoid", "MLP"):
        assert name in listed and name in actnet.__all__, name
    assert actnet.plots is importlib.import_module("actnet.plots")
    assert actnet.report_card is experiments.report_card


def test_every_built_in_activation_is_the_activations_module_s_own_function():
    for name in actnet.available():
        assert getattr(actnet, name) is getattr(actnet.activations, name), name


def test_an_unknown_attribute_is_named():
    with pytest.raises(AttributeError, match="module 'actnet' has no attribute 'sigmod'"):
        actnet.sigmod  # noqa: B018
