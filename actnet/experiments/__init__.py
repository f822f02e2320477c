"""Every claim of the course as a function that returns data.

Experiments compute; :mod:`actnet.plots` draws what they return; the tests
assert the lecture's claims on the same data.
"""

from actnet.experiments.cost import Cost, cost
from actnet.experiments.interactive import (
    ActivationCurves,
    KickedLayer,
    PlaygroundRun,
    PlaygroundSession,
    activation_curves,
    kick_the_bias,
    playground,
)
from actnet.experiments.nonlinearity import (
    LinearCollapse,
    ReluApproximation,
    ReluStep,
    linear_collapse,
    relu_approximation,
    relu_step,
)
from actnet.experiments.report import ReportCard, report_card, report_cards, summary_table
from actnet.experiments.training import (
    BiasKick,
    BornDead,
    ConvergenceRace,
    DyingRelu,
    MaxoutFit,
    MaxoutUnit,
    PreluSlopes,
    Saturation,
    Separability,
    VanishingGradients,
    bias_kick,
    born_dead,
    convergence_race,
    dying_relu,
    maxout_fit,
    maxout_unit,
    prelu_slopes,
    saturation,
    separability,
    vanishing_gradients,
)
from actnet.experiments.zigzag import ZigZag, zigzag

__all__ = [
    "ActivationCurves",
    "KickedLayer",
    "PlaygroundSession",
    "activation_curves",
    "kick_the_bias",
    "ReportCard",
    "report_card",
    "report_cards",
    "summary_table",
    "BiasKick",
    "BornDead",
    "ConvergenceRace",
    "DyingRelu",
    "MaxoutFit",
    "MaxoutUnit",
    "PlaygroundRun",
    "PreluSlopes",
    "Saturation",
    "Separability",
    "VanishingGradients",
    "bias_kick",
    "born_dead",
    "convergence_race",
    "dying_relu",
    "maxout_fit",
    "maxout_unit",
    "playground",
    "prelu_slopes",
    "saturation",
    "separability",
    "vanishing_gradients",
    "Cost",
    "LinearCollapse",
    "ReluApproximation",
    "ReluStep",
    "ZigZag",
    "cost",
    "linear_collapse",
    "relu_approximation",
    "relu_step",
    "zigzag",
]
