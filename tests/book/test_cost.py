"""The time each activation takes (:mod:`actnet.experiments.cost`), which the sigmoid,
tanh, ReLU, variants and choosing chapters compare."""

import numpy as np

from actnet.experiments.cost import cost


def test_cost_is_measured_relative_to_relu_in_one_run():
    c = cost(["sigmoid", "relu", "tanh"], n_elements=20_000, repeats=3)
    assert c.names == ["relu", "sigmoid", "tanh"]
    assert c.value_ratio[0] == 1.0 and c.grad_ratio[0] == 1.0
    assert np.all(c.value_ns > 0) and np.all(c.grad_ns > 0)
    assert c.ratio("relu") == 1.0
