"""Explorers: live ipywidgets with a kernel-free fallback for the static book."""

from actnet.widgets.explorer import Control, Explorer
from actnet.widgets.explorers import (
    activation_explorer,
    bias_kick_explorer,
    dying_relu_explorer,
    maxout_explorer,
    normalisation_explorer,
    playground_explorer,
    report_card_explorer,
    saturation_explorer,
    signal_spread_explorer,
    softmax_temperature_explorer,
    vanishing_gradients_explorer,
    zigzag_explorer,
)

__all__ = [
    "Control",
    "Explorer",
    "activation_explorer",
    "bias_kick_explorer",
    "dying_relu_explorer",
    "maxout_explorer",
    "normalisation_explorer",
    "playground_explorer",
    "report_card_explorer",
    "saturation_explorer",
    "signal_spread_explorer",
    "softmax_temperature_explorer",
    "vanishing_gradients_explorer",
    "zigzag_explorer",
]
