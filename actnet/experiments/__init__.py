"""Every claim of the course as a function that returns data, one module per chapter.

Each experiment lives in the module of the chapter that introduces it, and a
later chapter that uses it again imports it from there:

* :mod:`~actnet.experiments.nonlinearity`: why a network needs a non-linear activation;
* :mod:`~actnet.experiments.sigmoid`: vanishing gradients, saturation, zig-zagging weights;
* :mod:`~actnet.experiments.tanh`: tanh's forms, LeCun's scaled tanh, saturated gradients;
* :mod:`~actnet.experiments.relu`: dead units, born-dead networks, exploding gradients;
* :mod:`~actnet.experiments.initialisation`: symmetry, the variance argument, signals layer by layer;
* :mod:`~actnet.experiments.normalisation`: batch and layer normalisation as a remedy;
* :mod:`~actnet.experiments.variants`: leaky ReLU, PReLU, ELU, SELU, GELU, SiLU, softplus, mish;
* :mod:`~actnet.experiments.maxout`: what maxout contains, fits and costs;
* :mod:`~actnet.experiments.choosing`: report cards, the summary table, gates;
* :mod:`~actnet.experiments.output_layer`: softmax, cross-entropy and its gradient, log-sum-exp;
* :mod:`~actnet.experiments.modern`: gated linear units at equal parameters, mobile activations;
* :mod:`~actnet.experiments.cost`: the time each activation takes, which several chapters compare;
* :mod:`~actnet.experiments.seeds`: a measurement over seeds, its interval, and "within noise".

Every experiment is also importable from here: ``experiments.dying_relu`` is
``experiments.relu.dying_relu``. Experiments compute; :mod:`actnet.plots` draws
what they return; ``tests/book/test_<chapter>.py`` asserts each chapter's claims
on the same data.
"""

from actnet.experiments import (
    choosing,
    initialisation,
    maxout,
    modern,
    nonlinearity,
    normalisation,
    output_layer,
    relu,
    seeds,
    sigmoid,
    tanh,
    variants,
)
from actnet.experiments import cost as _cost
from actnet.experiments.choosing import *  # noqa: F403
from actnet.experiments.cost import *  # noqa: F403
from actnet.experiments.initialisation import *  # noqa: F403
from actnet.experiments.maxout import *  # noqa: F403
from actnet.experiments.modern import *  # noqa: F403
from actnet.experiments.nonlinearity import *  # noqa: F403
from actnet.experiments.normalisation import *  # noqa: F403
from actnet.experiments.output_layer import *  # noqa: F403
from actnet.experiments.relu import *  # noqa: F403
from actnet.experiments.seeds import *  # noqa: F403
from actnet.experiments.sigmoid import *  # noqa: F403
from actnet.experiments.tanh import *  # noqa: F403
from actnet.experiments.variants import *  # noqa: F403

# in the book's order, so that the API page follows the chapters
__all__ = [
    *nonlinearity.__all__,
    *sigmoid.__all__,
    *tanh.__all__,
    *relu.__all__,
    *initialisation.__all__,
    *normalisation.__all__,
    *variants.__all__,
    *maxout.__all__,
    *choosing.__all__,
    *output_layer.__all__,
    *modern.__all__,
    *_cost.__all__,
    *seeds.__all__,
]
