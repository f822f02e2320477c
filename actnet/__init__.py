"""actnet: the tested NumPy code behind the course *Better activation functions*.

Layers, from the bottom: :mod:`actnet.activations` (every activation, value and
derivative, one registry); :mod:`actnet.nn` with :mod:`~actnet.init`,
:mod:`~actnet.losses`, :mod:`~actnet.optim`, :mod:`~actnet.data` and
:mod:`~actnet.gradcheck` (a small exact network engine); :mod:`actnet.experiments`
(every claim of the course as a function returning data); :mod:`actnet.plots`
(figures of that data); :mod:`actnet.widgets` (explorers).
"""

from actnet import data, gradcheck, init, losses, nn, optim
from actnet.activations import Activation, available, get, register, unregister
from actnet.experiments.report import report_card
from actnet.gradcheck import gradient_check
from actnet.nn import MLP, ActivationLayer, Dense, History, Maxout, PReLU, Softmax

__all__ = [
    "MLP",
    "Activation",
    "ActivationLayer",
    "Dense",
    "History",
    "Maxout",
    "PReLU",
    "Softmax",
    "available",
    "data",
    "get",
    "gradcheck",
    "gradient_check",
    "init",
    "losses",
    "nn",
    "optim",
    "register",
    "report_card",
    "unregister",
]
__version__ = "0.1.0"
