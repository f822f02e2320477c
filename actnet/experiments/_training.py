"""What the experiments of several chapters share: the deep chain they backpropagate through.

The sigmoid chapter's vanishing gradients, the tanh chapter's saturated
gradients and the ReLU chapter's exploding gradients all push one batch
through a deep network and read each layer's gradient norm; they use these
two functions, so that their numbers compare.
"""

from __future__ import annotations

import numpy as np

from actnet.activations import Activation
from actnet.nn import MLP

ActivationLike = str | Activation
"""An activation by name (``"relu"``) or as an :class:`~actnet.activations.Activation`."""


def deep_batch(n: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The batch every deep-chain experiment backpropagates: N(0, 1) inputs and targets."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, width)), rng.standard_normal(n)


def gradient_norms(net: MLP, X: np.ndarray, y: np.ndarray) -> list[float]:
    """Each layer's gradient norm for one backward pass of the mean squared error."""
    _, grads = net.loss_and_grads(X, y, loss="mse")
    return net.gradient_norms_by_layer(grads)
