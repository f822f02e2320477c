"""Chapter 1: the output activation of a regression network must be able to reach the target."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actnet._validate import integer_at_least
from actnet.activations import Activation, get
from actnet.nn import MLP

__all__ = ["RegressionOutput", "regression_output"]


@dataclass(frozen=True)
class RegressionOutput:
    """The same regression network trained with different output activations."""

    outputs: list[str]
    """Name of each output activation, one row of ``fits`` each."""
    x: np.ndarray
    y: np.ndarray
    """The target ``2 sin(pi x)``: real values from -2 to 2."""
    fits: np.ndarray
    """Shape ``(outputs, len(x))``: each trained network's prediction."""
    mse: np.ndarray
    """Mean squared error of each trained network on ``(x, y)``."""
    output_range: list[tuple[float, float]]
    """The values each output activation can take, ``(f(-inf), f(inf))``."""
    floor_mse: np.ndarray
    """The least mean squared error *any* network with that output could reach:
    that of the target clipped to ``output_range``."""


def regression_output(
    outputs: tuple[str | Activation, ...] = ("identity", "sigmoid", "relu"),
    width: int = 16,
    epochs: int = 600,
    n: int = 101,
    seed: int = 0,
) -> RegressionOutput:
    r"""Fit :math:`y = 2\sin(\pi x)` on [-1, 1] with one hidden layer of ``width`` tanh units.

    Every network is the same (same sizes, same seed, full-batch Adam at
    learning rate 0.02, mean squared error) except for the activation of its
    output. The hidden layer supplies the non-linearity; the output must
    be able to take every value of the target. The identity can; a sigmoid
    output is stuck in (0, 1) and a ReLU output in [0, inf), so no training
    brings their error below ``floor_mse``.

    >>> r = regression_output()
    >>> bool(r.mse[0] < 0.01 < 1.0 < r.floor_mse[1] <= r.mse[1])
    True
    """
    width = integer_at_least("width", width, 1)
    epochs = integer_at_least("epochs", epochs, 1)
    n = integer_at_least("n", n, 2)
    acts = [get(o) for o in outputs]
    if not acts:
        raise ValueError("outputs must name at least one output activation")
    x = np.linspace(-1.0, 1.0, n)
    y = 2.0 * np.sin(np.pi * x)
    fits, errors, ranges, floors = [], [], [], []
    for act in acts:
        net = MLP([1, width, 1], activation="tanh", output=act, init="xavier_normal", seed=seed)
        net.fit(x[:, None], y[:, None], loss="mse", optimizer="adam", lr=0.02, epochs=epochs)
        fit = net.predict(x[:, None])[:, 0]
        low, high = (float(v) for v in act(np.array([-np.inf, np.inf])))
        fits.append(fit)
        errors.append(float(np.mean((fit - y) ** 2)))
        ranges.append((low, high))
        floors.append(float(np.mean((np.clip(y, low, high) - y) ** 2)))
    return RegressionOutput(
        outputs=[a.name for a in acts],
        x=x,
        y=y,
        fits=np.array(fits),
        mse=np.array(errors),
        output_range=ranges,
        floor_mse=np.array(floors),
    )
