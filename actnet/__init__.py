"""actnet: the tested NumPy code behind the course *Better activation functions*.

Layers, from the bottom: :mod:`actnet.activations` (every activation, value and
derivative, one registry; ``actnet.sigmoid`` is ``actnet.activations.sigmoid``);
:mod:`actnet.nn` with :mod:`~actnet.init`, :mod:`~actnet.losses`,
:mod:`~actnet.optim`, :mod:`~actnet.data` and :mod:`~actnet.gradcheck` (a small
exact network engine); :mod:`actnet.experiments` (every claim of the course as a
function returning data, one module per chapter); :mod:`actnet.plots` (figures of
that data); :mod:`actnet.widgets` (explorers); :mod:`actnet.check` (the exercises'
checks).

``import actnet`` loads the activations and the network engine, which need only
NumPy. The experiments, figures, explorers and checks load on first use
(``actnet.plots``, ``from actnet import widgets``), so that a script that only
wants an activation does not wait for matplotlib.
"""

import importlib

from actnet import activations, data, gradcheck, init, losses, nn, optim
from actnet.activations import *  # noqa: F403  (get, register, ..., and every built-in activation)
from actnet.gradcheck import gradient_check
from actnet.nn import MLP, ActivationLayer, Dense, History, Maxout, PReLU, Softmax

# name -> the module it is loaded from on first use
_ON_FIRST_USE = {
    "check": "actnet.check",
    "experiments": "actnet.experiments",
    "plots": "actnet.plots",
    "widgets": "actnet.widgets",
    "report_card": "actnet.experiments",
}

__all__ = [
    *activations.__all__,
    "MLP",
    "ActivationLayer",
    "Dense",
    "History",
    "Maxout",
    "PReLU",
    "Softmax",
    "gradient_check",
    "activations",
    "data",
    "gradcheck",
    "init",
    "losses",
    "nn",
    "optim",
    *_ON_FIRST_USE,
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module 'actnet' has no attribute {name!r}")
    module = importlib.import_module(_ON_FIRST_USE[name])
    value = module if module.__name__ == f"actnet.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
