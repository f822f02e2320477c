"""Every claim of the course as a function that returns data.

Experiments compute; :mod:`actnet.plots` draws what they return; the tests
assert the lecture's claims on the same data.
"""

from actnet.experiments.cost import Cost, cost
from actnet.experiments.nonlinearity import (
    LinearCollapse,
    ReluApproximation,
    ReluStep,
    linear_collapse,
    relu_approximation,
    relu_step,
)
from actnet.experiments.zigzag import ZigZag, zigzag

__all__ = [
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
