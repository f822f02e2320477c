"""Figure functions: each draws data that actnet computed, and computes nothing else."""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Sequence

import numpy as np
from matplotlib.ticker import LogFormatter

from actnet.activations import Activation, available, get

__all__ = [
    "OKABE_ITO",
    "activation",
    "bias_kick",
    "born_dead",
    "convergence_race",
    "cost",
    "dying_relu",
    "gallery",
    "linear_collapse",
    "maxout_difference",
    "maxout_fit",
    "maxout_unit",
    "playground",
    "prelu_slopes",
    "relu_approximation",
    "regression_output",
    "relu_step",
    "report_card",
    "report_card_spreads",
    "saturation",
    "separability",
    "vanishing_gradients",
    "zigzag",
    # the chapters on tanh and ReLU
    "lecun_tanh",
    "tanh_forms",
    "zero_activations",
    # the chapter on ReLU variants
    "gelu_tanh_gap",
    "self_normalisation",
    # initialisation and normalisation
    "bias_before_batchnorm",
    "normalisation_remedy",
    "signal_spread",
    "symmetry",
]

# Okabe and Ito's palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
]


_REFERENCE = "0.55"  # grey for reference lines: visible on light and dark backgrounds


def _pieces(x: np.ndarray, kinks: Sequence[float]) -> list[np.ndarray]:
    """Index arrays of ``x`` split at the kinks (kinks themselves left out), so a jump
    is not drawn as a line."""
    keep = ~np.isin(x, kinks)
    edges = np.searchsorted(x, sorted(kinks))
    return [p[keep[p]] for p in np.split(np.arange(x.size), edges) if keep[p].any()]


def _activation_title(act: Activation) -> str:
    params = ", ".join(f"{k}={v}" for k, v in act.params.items())
    return act.name + (f" ({params})" if params else "")


def _activation_panel(ax, act: Activation, x: np.ndarray) -> None:
    """Value (solid) and derivative (dashed, split at kinks, kink values dotted)."""
    ax.axhline(0.0, color=_REFERENCE, lw=0.8)
    ax.axvline(0.0, color=_REFERENCE, lw=0.8)
    ax.plot(x, act(x), color=OKABE_ITO[0], lw=2, label="value $f(x)$")
    grad = act.grad(x)
    for k, piece in enumerate(_pieces(x, act.kinks)):
        ax.plot(
            x[piece],
            grad[piece],
            color=OKABE_ITO[1],
            lw=1.8,
            ls="--",
            label="derivative $f'(x)$" if k == 0 else None,
        )
    for kink in act.kinks:
        ax.plot([kink], [act.grad(kink)], "o", color=OKABE_ITO[1], ms=4)
    ax.set_ylim(-2.0, 4.0)


def gallery(
    names: Sequence[str | Activation] | None = None,
    x: np.ndarray | None = None,
    ncols: int = 2,
):
    """Every activation (default: all registered) and its derivative, one panel each.

    The value is drawn solid, the derivative dashed; a derivative that jumps
    at a kink is drawn as separate pieces, with its value at the kink marked.
    Two columns of 2.2-inch panels, all text 10 pt or larger, keep every label
    at least 10 px high on a phone's 358 px column.
    """
    from matplotlib.figure import Figure

    acts = [get(n) for n in (available() if names is None else names)]
    x = np.linspace(-4.0, 4.0, 801) if x is None else np.asarray(x, dtype=float)
    nrows = -(-len(acts) // ncols)
    fig = Figure(figsize=(2.2 * ncols, 2.3 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    for ax, act in zip(axes, acts):
        _activation_panel(ax, act, x)
        ax.set_title(_activation_title(act), fontsize=10)
        ax.set_xlabel("$x$")
    for ax in axes[::ncols]:
        ax.set_ylabel("$f(x)$ and $f'(x)$")
    for ax in axes[len(acts) :]:
        ax.set_visible(False)
    # one legend above the panels, where it hides no curve
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2, fontsize=10, frameon=False)
    return fig


# ------------------------------------------------------------ experiment figures
# One function per experiment in :mod:`actnet.experiments`, named like it: each
# takes the result (a frozen dataclass) and draws it, computing nothing but
# indexing. The figure background is opaque, lines avoid black and pure white,
# so every figure reads on light and dark pages alike.


def _figure(fig, figsize: tuple[float, float]):
    """The figure to draw into: ``fig`` itself, or a new constrained-layout one."""
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=figsize, layout="constrained")
    return fig


def _labels(ax, xlabel: str, ylabel: str, title: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # y=1.0 is where matplotlib puts a title over an axes with no labels on top; given,
    # it is not worked out again from every tick label at each drawing
    ax.set_title(title, fontsize=10, y=1.0)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class _PowersOfTen(LogFormatter):
    """A log axis's labels as plain text: 10⁻⁵, 2×10⁻⁵.

    matplotlib's own are math text (``$10^{-5}$``), parsed anew, a few milliseconds
    each, whenever a live explorer's range brings new ones.
    """

    def _num_to_string(self, x, vmin, vmax):
        exponent = math.floor(math.log10(x) + 1e-9)
        coefficient = round(x / 10.0**exponent, 6)
        power = "10" + str(exponent).translate(_SUPERSCRIPT)
        return power if coefficient == 1 else f"{coefficient:g}×{power}"


def _log(ax, which: str = "y") -> None:
    """A log scale on ``ax``'s ``which`` axis ("x" or "y"), labelled by powers of ten."""
    if which == "x":
        ax.set_xscale("log")
        axis = ax.xaxis
    else:
        ax.set_yscale("log")
        axis = ax.yaxis
    axis.set_major_formatter(_PowersOfTen())
    axis.set_minor_formatter(_PowersOfTen(labelOnlyBase=False))


def _as_list(result) -> list:
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _log_ticks(ax, values) -> None:
    """A log x axis ticked at the values drawn (the minor ticks' labels would overlap)."""
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(list(values), [f"{v:g}" for v in values])


def _colour(i: int) -> str:
    # black (index 6) would vanish on a dark page: skip it
    usable = [c for c in OKABE_ITO if c != "#000000"]
    return usable[i % len(usable)]


def activation(act: str | Activation, x: np.ndarray | None = None, fig=None):
    """One activation's value (solid) and derivative (dashed) on one panel."""
    act = get(act)
    x = np.linspace(-4.0, 4.0, 401) if x is None else np.asarray(x, dtype=float)
    fig = _figure(fig, (4.5, 3.2))
    ax = fig.subplots()
    _activation_panel(ax, act, x)
    _labels(ax, "input $x$", "$f(x)$ and $f'(x)$", _activation_title(act))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def activation_curves(curves, fig=None):
    """Several activations side by side: values on the left, derivatives on the right.

    ``curves`` is an :class:`actnet.experiments.ActivationCurves`. One colour per
    activation in both panels; a derivative that jumps at a kink is drawn in pieces.
    """
    fig = _figure(fig, (7.6, 3.2))
    left, right = fig.subplots(1, 2, sharex=True)
    x = curves.x
    for ax in (left, right):
        ax.axhline(0.0, color=_REFERENCE, lw=0.8)
        ax.axvline(0.0, color=_REFERENCE, lw=0.8)
    for i, (act, value, grad) in enumerate(
        zip(curves.activations, curves.values, curves.derivatives)
    ):
        colour, style = _colour(i), ("-", "--", "-.", ":")[i % 4]
        left.plot(x, value, color=colour, lw=2, ls=style, label=_activation_title(act))
        for piece in _pieces(x, act.kinks):
            right.plot(x[piece], grad[piece], color=colour, lw=2, ls=style)
    left.set_ylim(-2.0, 4.0)
    right.set_ylim(-0.6, 2.1)
    _labels(left, "input $x$", "$f(x)$", "Value")
    _labels(right, "input $x$", "$f'(x)$", "Derivative")
    if curves.activations:
        left.legend(loc="upper left", fontsize=8, frameon=False)
    else:
        left.text(0.5, 0.5, "pick an activation", ha="center", transform=left.transAxes)
    return fig


def linear_collapse(result, fig=None):
    """Outputs of the stacked linear layers against those of their single product matrix."""
    fig = _figure(fig, (4.0, 3.6))
    ax = fig.subplots()
    stacked = np.ravel(result.stacked_outputs)
    collapsed = np.ravel(result.collapsed_outputs)
    lo, hi = float(min(stacked.min(), collapsed.min())), float(max(stacked.max(), collapsed.max()))
    ax.plot([lo, hi], [lo, hi], color=_REFERENCE, lw=1, label="identity line $y = x$")
    ax.scatter(collapsed, stacked, s=6, color=OKABE_ITO[0], alpha=0.6, label="one input")
    _labels(
        ax,
        "output of the product matrix $W x$",
        "output of the stacked layers",
        f"{len(result.weights)} linear layers equal one matrix "
        f"(largest gap {result.max_difference:.1e})",
    )
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def relu_step(result, fig=None):
    """``relu(k x) - relu(k x - 1)`` for each sharpness ``k``, beside a sigmoid of the same slope."""
    fig = _figure(fig, (5.0, 3.4))
    ax = fig.subplots()
    for i, (k, step) in enumerate(zip(result.sharpness, result.steps)):
        ax.plot(result.x, step, color=_colour(i), lw=2, label=f"ReLU step, $k = {k:g}$")
    ax.plot(result.x, result.sigmoid, color=_REFERENCE, lw=1.5, ls="--", label="sigmoid$(4x - 2)$")
    _labels(ax, "input $x$", "output", "Two ReLUs subtracted make a step")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def relu_approximation(result, fig=None):
    """Each fit beside the target, and the largest error against the number of hidden units."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2)
    left.plot(result.x, result.y, color=_REFERENCE, lw=3, label="target")
    for i, (width, fit) in enumerate(zip(result.widths, result.fits)):
        left.plot(result.x, fit, color=_colour(i), lw=1.5, label=f"{width} ReLUs")
    _labels(left, "input $x$", "output", f"ReLU networks fitting '{result.target}'")
    left.legend(fontsize=7, frameon=False)
    right.plot(result.widths, result.max_errors, "o-", color=OKABE_ITO[0])
    _log_ticks(right, result.widths)
    _log(right)
    _labels(right, "hidden ReLU units", "largest absolute error", "More units, smaller error")
    return fig


def zigzag(result, fig=None):
    """The path of the two weights under SGD, for one run or a pair (positive, zero-centred)."""
    fig = _figure(fig, (4.6, 4.0))
    ax = fig.subplots()
    runs = _as_list(result)
    for i, run in enumerate(runs):
        path = run.path
        ax.plot(
            path[:, 0],
            path[:, 1],
            "-",
            color=_colour(i),
            lw=1.2,
            marker=".",
            ms=3,
            label=f"{run.inputs} inputs ({run.same_sign_fraction:.0%} same-sign steps)",
        )
    ax.plot(*runs[0].path[0], "s", color=_REFERENCE, ms=7, label="start")
    ax.plot(*runs[0].optimum, "*", color=OKABE_ITO[4], ms=14, label="optimum")
    _labels(ax, "weight $w_1$", "weight $w_2$", "Weight path of one unit under SGD")
    ax.legend(fontsize=8, frameon=False)
    return fig


def cost(result, fig=None, measure: str = "time"):
    """Cost of each activation's value and derivative: with ``measure="time"`` the
    time as a multiple of ReLU's, with ``measure="passes"`` the elementwise array
    passes per element (the same on every machine)."""
    if measure not in ("time", "passes"):
        raise ValueError(f"measure must be 'time' or 'passes', got {measure!r}")
    fig = _figure(fig, (max(4.0, 0.7 * len(result.names) + 1.5), 3.2))
    ax = fig.subplots()
    positions = np.arange(len(result.names))
    if measure == "time":
        value, grad = result.value_ratio, result.grad_ratio
        ylabel, title = "time / ReLU's time", "Cost relative to ReLU (same run)"
    else:
        value, grad = result.value_passes, result.grad_passes
        ylabel, title = "array passes per element", "Elementwise operations"
    ax.bar(positions - 0.2, value, 0.4, color=OKABE_ITO[0], label="value")
    ax.bar(positions + 0.2, grad, 0.4, color=OKABE_ITO[1], label="derivative")
    if measure == "time":
        ax.axhline(1.0, color=_REFERENCE, lw=1, ls="--")
    ax.set_xticks(positions, result.names, rotation=45, ha="right")
    _labels(ax, "activation", ylabel, title)
    ax.legend(fontsize=8, frameon=False)
    return fig


def _decision_regions(ax, X, y, grid_x, grid_y, probability) -> None:
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("actnet", [OKABE_ITO[0], "#F5F5F5", OKABE_ITO[1]])
    ax.contourf(grid_x, grid_y, probability, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.5)
    ax.contour(grid_x, grid_y, probability, levels=[0.5], colors=[_REFERENCE], linewidths=1.5)
    labels = np.ravel(y)
    for k, colour in enumerate((OKABE_ITO[0], OKABE_ITO[1])):
        ax.scatter(X[labels == k, 0], X[labels == k, 1], s=8, color=colour, label=f"class {k}")
    ax.set_aspect("equal")


def separability(result, fig=None):
    """Decision regions of the linear model and of the network, over the data."""
    fig = _figure(fig, (8.0, 3.8))
    axes = fig.subplots(1, 2)
    for ax, name, probability, accuracy in (
        (axes[0], "Linear model", result.linear_probability, result.linear_accuracy),
        (axes[1], "One hidden layer", result.network_probability, result.network_accuracy),
    ):
        _decision_regions(ax, result.X, result.y, result.grid_x, result.grid_y, probability)
        _labels(ax, "$x_1$", "$x_2$", f"{name}: accuracy {accuracy:.0%}")
    axes[0].legend(fontsize=8, loc="lower left")
    return fig


def saturation(result, fig=None):
    """First-layer weighted sums per weight scale, and how many neurons saturate."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2)
    preacts = result.first_layer_preactivations
    bins = np.linspace(float(preacts.min()), float(preacts.max()), 41)
    for i, (scale, values) in enumerate(zip(result.init_scales, preacts)):
        left.hist(
            values, bins=bins, histtype="step", lw=1.8, color=_colour(i), label=f"scale {scale:g}"
        )
    left.legend(fontsize=7, frameon=False)
    _labels(left, "first-layer weighted sum $z$", "count", "Weighted sums at initialisation")
    layers = result.saturated_fraction.shape[1]
    if result.init_scales.size == 1:
        # one scale: the fraction layer by layer says more than a single point per line
        right.bar(np.arange(1, layers + 1), result.saturated_fraction[0], color=OKABE_ITO[0])
        right.set_ylim(0.0, 1.03)
        _labels(
            right,
            "layer",
            "saturated fraction",
            f"Saturated {result.activation} outputs, scale {result.init_scales[0]:g}",
        )
        return fig
    for layer in range(layers):
        right.plot(
            result.init_scales,
            result.saturated_fraction[:, layer],
            "o-",
            color=_colour(layer),
            label=f"layer {layer + 1}",
        )
    _log_ticks(right, result.init_scales)
    right.set_ylim(-0.03, 1.03)
    right.legend(fontsize=7, frameon=False)
    _labels(
        right,
        "initial weight scale",
        "saturated fraction",
        f"Saturated {result.activation} outputs",
    )
    return fig


def vanishing_gradients(result, fig=None):
    """Gradient norm of each layer, input layer first, on a log scale."""
    fig = _figure(fig, (5.0, 3.4))
    ax = fig.subplots()
    layers = np.arange(1, result.norms.shape[1] + 1)
    for i, ((act, init), norms) in enumerate(zip(result.runs, result.norms)):
        ax.plot(layers, norms, "o-", color=_colour(i), ms=4, label=f"{act}, {init} init")
    _log(ax)
    _labels(
        ax,
        "layer (1 = input side)",
        "gradient norm",
        f"Gradients through {result.depth} hidden layers",
    )
    ax.legend(fontsize=8, frameon=False)
    return fig


def dying_relu(result, fig=None, labels: Sequence[str] | None = None):
    """Dead hidden units after training, against the learning rate (one or several results).

    ``labels`` names each result in the legend (default: its activation).
    """
    fig = _figure(fig, (5.0, 3.4))
    ax = fig.subplots()
    runs = _as_list(result)
    names = [run.activation for run in runs] if labels is None else list(labels)
    if len(names) != len(runs):
        raise ValueError(f"labels must name each of the {len(runs)} results, got {len(names)}")
    for i, (run, name) in enumerate(zip(runs, names)):
        rates, dead = run.learning_rates, run.dead_fraction
        # a diverged run has no dead fraction (NaN): the mean is over the runs that did not
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(dead, axis=1)
        ax.plot(rates, mean, "o-", color=_colour(i), label=f"{name} (mean)")
        for seed_column in dead.T:
            ax.plot(rates, seed_column, ".", color=_colour(i), alpha=0.5)
    _log_ticks(ax, _as_list(result)[0].learning_rates)
    ax.set_ylim(-0.03, 1.03)
    _labels(ax, "learning rate", "fraction of dead hidden units", "Large steps kill ReLUs")
    ax.legend(fontsize=8, frameon=False)
    return fig


def bias_kick(result, fig=None):
    """Bias, gradient norm and active fraction of the kicked unit, step by step."""
    fig = _figure(fig, (9.0, 3.0))
    axes = fig.subplots(1, 3, sharex=True)
    for i, run in enumerate(_as_list(result)):
        steps = np.arange(run.bias.size)
        label = f"{run.activation}, kick {run.kick:g}"
        axes[0].plot(steps, run.bias, color=_colour(i), lw=2, label=label)
        axes[1].plot(steps, run.gradient_norm, color=_colour(i), lw=2, label=label)
        axes[2].plot(steps, run.active_fraction, color=_colour(i), lw=2, label=label)
    _labels(axes[0], "training step", "bias $b$", "The unit's bias")
    _labels(axes[1], "training step", "gradient norm", "Gradient reaching it")
    _labels(axes[2], "training step", "fraction of inputs", "Inputs where it is active")
    axes[2].set_ylim(-0.03, 1.03)
    axes[0].legend(fontsize=8, frameon=False)
    return fig


def kick_the_bias(result, fig=None):
    """Units inactive on every example, and the training loss, step by step, kicks marked."""
    fig = _figure(fig, (8.0, 2.8))
    left, right = fig.subplots(1, 2, sharex=True)
    steps = np.arange(result.loss.size)
    left.plot(steps, result.inactive_fraction, color=OKABE_ITO[0], lw=2)
    right.plot(steps, result.loss, color=OKABE_ITO[1], lw=2)
    for k, step in enumerate(result.kick_steps):
        for ax in (left, right):
            ax.axvline(step, color=_REFERENCE, lw=1, ls="--", label="kick" if k == 0 else None)
    left.set_ylim(-0.03, 1.03)
    right.set_ylim(0.0, max(1.0, float(np.nanmax(np.minimum(result.loss, 5.0)))))
    left.set_xlim(0, max(steps[-1], 1))
    label = f"{result.activation}, learning rate {result.learning_rate:g}"
    _labels(left, "training step", "fraction of units", f"Inactive on every example ({label})")
    _labels(right, "training step", "cross-entropy loss", "Training loss")
    if result.kick_steps:
        left.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def born_dead(result, fig=None):
    """Probability that a ReLU network is constant at initialisation, against depth."""
    runs = _as_list(result)
    fig = _figure(fig, (4.2 * len(runs), 3.2))
    axes = np.atleast_1d(fig.subplots(1, len(runs), sharey=True))
    for ax, run in zip(axes, runs):
        for i, (width, probability) in enumerate(zip(run.widths, run.probability)):
            ax.plot(run.depths, probability, "o-", color=_colour(i), label=f"width {width}")
        ax.set_ylim(-0.03, 1.03)
        _labels(
            ax,
            "hidden layers",
            "probability born dead",
            f"{run.init} init ({run.trials} networks each)",
        )
        ax.legend(fontsize=8, frameon=False)
    return fig


def convergence_race(result, fig=None):
    """Training loss of each activation (median and range over seeds), and epochs to target."""
    fig = _figure(fig, (8.5, 3.2))
    left, right = fig.subplots(1, 2)
    epochs = np.arange(result.loss_curves.shape[2])
    for i, (name, curves) in enumerate(zip(result.activations, result.loss_curves)):
        left.fill_between(
            epochs, curves.min(axis=0), curves.max(axis=0), color=_colour(i), alpha=0.25, lw=0
        )
        left.plot(epochs, np.median(curves, axis=0), color=_colour(i), lw=2, label=name)
    left.axhline(result.target_loss, color=_REFERENCE, ls="--", lw=1, label="target")
    _log(left)
    _labels(left, "epoch", "training loss", "Loss: median and range over seeds")
    left.legend(fontsize=8, frameon=False)
    positions = np.arange(len(result.activations))
    right.bar(positions, result.median_epochs(), color=[_colour(i) for i in positions], alpha=0.8)
    for i, row in enumerate(result.epochs_to_target):
        right.plot(np.full(row.size, i), row, ".", color=_REFERENCE)
    right.set_xticks(positions, result.activations)
    _labels(
        right,
        "activation",
        f"epochs to loss {result.target_loss:g}",
        f"Epochs to target (cap {result.max_epochs + 1} = never)",
    )
    return fig


def prelu_slopes(result, fig=None):
    """The PReLU slopes of each layer, epoch by epoch, and the training loss."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2)
    for i, slopes in enumerate(result.slopes):
        epochs = np.arange(slopes.shape[0])
        for j, column in enumerate(slopes.T):
            left.plot(
                epochs, column, color=_colour(i), lw=1, label=f"layer {i + 1}" if j == 0 else None
            )
    left.axhline(result.initial, color=_REFERENCE, ls="--", lw=1, label="initial slope")
    _labels(left, "epoch", r"negative-side slope $\alpha$", "PReLU slopes learn")
    left.legend(fontsize=8, frameon=False)
    right.plot(np.arange(result.loss.size), result.loss, color=OKABE_ITO[0], lw=2)
    _labels(right, "epoch", "training loss", "Loss")
    return fig


def maxout_fit(result, fig=None):
    """One maxout unit's fit of a convex piecewise-linear target."""
    fig = _figure(fig, (5.0, 3.4))
    ax = fig.subplots()
    ax.plot(result.x, result.target, color=_REFERENCE, lw=4, label="target")
    ax.plot(result.x, result.fit, color=OKABE_ITO[1], lw=2, label=f"maxout, k = {result.k}")
    _labels(
        ax,
        "input $x$",
        "output",
        f"Maxout with {result.k} pieces: largest error {result.max_error:.3f}",
    )
    ax.legend(fontsize=8, frameon=False)
    return fig


def maxout_unit(result, fig=None):
    """A two-piece maxout unit: its two lines (thin) and their maximum (thick)."""
    fig = _figure(fig, (4.6, 3.2))
    ax = fig.subplots()
    ax.axhline(0.0, color=_REFERENCE, lw=0.8)
    ax.axvline(0.0, color=_REFERENCE, lw=0.8)
    a, c = result.slope, result.intercept
    ax.plot(result.x, result.pieces[0], color=OKABE_ITO[2], lw=1, ls=":", label=f"{a:g} x + {c:g}")
    ax.plot(result.x, result.pieces[1], color=OKABE_ITO[3], lw=1, ls=":", label="x")
    ax.plot(result.x, result.output, color=OKABE_ITO[0], lw=2.5, label="maximum")
    _labels(ax, "input $x$", "output", f"max({a:g} x + {c:g}, x)")
    ax.legend(fontsize=8, frameon=False)
    return fig


def report_card(card, fig=None, exclude: Sequence[str] = ()):
    """One report card (or several, side by side) as a table figure.

    ``exclude`` leaves rows out, e.g. ``("cost_ratio",)`` for a figure that is
    the same on every run (the time ratio is measured with a clock).
    """
    from dataclasses import fields

    cards = _as_list(card)
    # "runs" holds the per-seed values behind the trained rows, shown with their spread
    hidden = ("name", "runs", *exclude)
    names = [f.name for f in fields(cards[0]) if f.name not in hidden]
    spread_text = {
        "dead_fraction_high_lr": lambda c: c.dead_text(),
        "born_dead_probability": lambda c: c.born_dead_text(),
        "race_epochs": lambda c: c.race_text(),
    }

    def cell(c, name) -> str:
        if name in spread_text:
            # the runs left out go on lines of their own, so that the cell fits
            value, bracket, note = spread_text[name](c).partition(" (")
            return value + ("\n" + textwrap.fill(bracket.strip() + note, 22) if bracket else "")
        value = getattr(c, name)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.3g}"
        return str(value)

    rows = [[cell(c, name) for c in cards] for name in names]
    fig = _figure(fig, (2.6 + 1.3 * len(cards), 0.26 * len(names) + 0.7))
    ax = fig.subplots()
    ax.set_axis_off()
    table = ax.table(
        cellText=rows,
        rowLabels=[name.replace("_", " ") for name in names],
        colLabels=[c.name for c in cards],
        loc="center",
        cellLoc="center",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    lines = {i + 1: max(v.count("\n") + 1 for v in row) for i, row in enumerate(rows)}
    for (row, _column), table_cell in table.get_celld().items():
        table_cell.set_edgecolor(_REFERENCE)
        table_cell.set_facecolor("#E8F1F8" if row == 0 else "#FFFFFF")
        table_cell.set_height(lines.get(row, 1) * table_cell.get_height())
    ax.set_title("Report card: " + ", ".join(c.name for c in cards), fontsize=10)
    return fig


def report_card_spreads(cards, fig=None):
    """The trained rows of report cards, seed by seed: the race's epochs to the target
    (top) and the dead fraction at learning rate 3 (bottom), one line per card.

    Each dot is one run; the bar is the mean and its 95% interval over the runs that
    count. A diverged run has no dot; how many diverged (or did not train) is written
    at the right, and a card whose runs mostly diverged shows the word only.
    """
    cards = _as_list(cards)
    if not cards or any(c.runs is None for c in cards):
        raise ValueError("report_card_spreads needs cards measured with their runs (report_cards)")
    fig = _figure(fig, (4.6, 1.4 + 0.8 * len(cards)))
    top, bottom = fig.subplots(2, 1, sharey=True)
    rows = np.arange(len(cards))[::-1]
    cap = cards[0].runs.race_max_epochs + 1

    def dead_note(card) -> str:
        n = len(card.runs.dead_outcomes)
        counts = ((card.runs.diverged, "diverged"), (card.runs.untrained, "did not train"))
        return "; ".join(f"{k} of {n} {word}" for k, word in counts if k)

    for k, (row, card) in enumerate(zip(rows, cards)):
        runs, colour = card.runs, _colour(k)
        race_shown = runs.race_reached > 0
        dead_shown = not isinstance(card.dead_fraction_high_lr, str)
        for ax, spread, shown, note in (
            (top, runs.race, race_shown, "" if race_shown else card.race_text()),
            (bottom, runs.dead, dead_shown, dead_note(card) if dead_shown else card.dead_text()),
        ):
            ax.plot(spread.kept, np.full(spread.n, row), "o", ms=4, color=colour, alpha=0.6)
            if shown:
                lo, hi = spread.interval
                ax.errorbar(
                    spread.mean,
                    row + 0.22,
                    xerr=[[spread.mean - lo], [hi - spread.mean]],
                    fmt="|",
                    ms=8,
                    color=colour,
                    lw=2,
                    capsize=3,
                )
            if note:
                ax.annotate(
                    note,
                    (1.0, row - 0.3),
                    xycoords=("axes fraction", "data"),
                    xytext=(-12, 0),
                    textcoords="offset points",
                    ha="right",
                    va="center",
                    fontsize=10,
                    color="0.3",
                )
    top.axvline(cap, color=_REFERENCE, ls="--", lw=1)
    top.set_xlim(0, cap * 1.05)
    bottom.set_xlim(-0.03, 1.03)
    bottom.set_yticks(rows, [c.name for c in cards])
    for ax in (top, bottom):
        ax.tick_params(labelsize=10)
        ax.set_ylim(-0.7, len(cards) - 0.5)
    _labels(
        top,
        f"epochs to loss 0.1 (dashed: {cap} = never)",
        "",
        f"Race: {len(cards[0].runs.race.seeds)} seeds, mean and 95% interval",
    )
    _labels(
        bottom,
        "dead fraction of hidden units",
        "",
        f"Dead units at learning rate 3: {len(cards[0].runs.dead_outcomes)} seeds",
    )
    return fig


def playground(run, fig=None):
    """A trained network's decision regions over its data, and its training loss so far.

    ``run`` has ``X, y, grid_x, grid_y, probability, loss``
    (see :func:`actnet.widgets.playground_explorer`). The network, its epochs and its
    accuracy are the explorer's controls and readout, beside the figure: the figure's
    texts stay the same from one step to the next, so a step redraws only the data.
    """
    fig = _figure(fig, (7.0, 3.2))
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    _decision_regions(left, run.X, run.y, run.grid_x, run.grid_y, run.probability)
    _labels(left, "$x_1$", "$x_2$", "Decision regions")
    right.plot(np.arange(run.loss.size), run.loss, color=OKABE_ITO[0], lw=2)
    right.plot([run.loss.size - 1], run.loss[-1:], "o", color=OKABE_ITO[0], ms=4, clip_on=False)
    # fixed frames, so that a step draws the curve further into the same axes and two
    # networks compare at a glance: epochs in hundreds, loss up to 1 (ln 2 = 0.69 is a
    # coin toss; past 1 in steps of a half)
    right.set_xlim(0.0, 100.0 * np.ceil(max(run.loss.size - 1, 1) / 100.0))
    peak = float(np.max(run.loss[np.isfinite(run.loss)], initial=0.0))
    right.set_ylim(0.0, max(1.0, np.ceil(2.0 * peak) / 2.0))
    _labels(right, "epoch", "cross-entropy loss", "Training loss")
    return fig


def regression_output(result, fig=None):
    """The target and each output activation's fit, with its mean squared error."""
    fig = _figure(fig, (5.0, 3.4))
    ax = fig.subplots()
    ax.plot(result.x, result.y, color=_REFERENCE, lw=4, label="target $2 \\sin(\\pi x)$")
    for i, (name, fit, mse) in enumerate(zip(result.outputs, result.fits, result.mse)):
        ax.plot(result.x, fit, color=_colour(i), lw=1.8, label=f"{name} output (MSE {mse:.2g})")
    _labels(ax, "input $x$", "network output", "Same hidden layer, different output")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def maxout_difference(result, fig=None):
    """Two maxout units g and h (left) and their difference against the target (right)."""
    fig = _figure(fig, (7.2, 3.0))
    left, right = fig.subplots(1, 2)
    left.plot(result.x, result.convex_g, color=OKABE_ITO[2], lw=2, label="unit 1: $g(x)$")
    left.plot(result.x, result.convex_h, color=OKABE_ITO[3], lw=2, ls="--", label="unit 2: $h(x)$")
    _labels(left, "input $x$", "unit output", f"Two convex maxout units, k = {result.k}")
    left.legend(fontsize=8, frameon=False)
    right.plot(result.x, result.target, color=_REFERENCE, lw=4, label="target")
    right.plot(result.x, result.output, color=OKABE_ITO[0], lw=2, label="$g(x) - h(x)$")
    right.plot(
        result.knots,
        result.knot_values,
        "o",
        ms=3,
        color=OKABE_ITO[1],
        label="knots",
    )
    _labels(right, "input $x$", "output", f"Their difference: largest error {result.max_error:.3f}")
    right.legend(fontsize=8, frameon=False)
    return fig


# -------------------------------------------------------------- ReLU variants
def self_normalisation(result, fig=None):
    """Mean and variance of each hidden layer's outputs, one line per activation."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2, sharex=True)
    layers = np.arange(1, result.depth + 1)
    for i, name in enumerate(result.activations):
        style = ("-", "--", "-.", ":")[i % 4]
        left.plot(layers, result.mean[i], color=_colour(i), lw=2, ls=style, label=name)
        right.plot(layers, result.variance[i], color=_colour(i), lw=2, ls=style, label=name)
    left.axhline(0.0, color=_REFERENCE, lw=1)
    right.axhline(1.0, color=_REFERENCE, lw=1)
    _log(right)
    _labels(left, "hidden layer", "mean of the outputs", f"Mean ({result.init} init)")
    _labels(right, "hidden layer", "variance of the outputs (log scale)", "Variance")
    left.legend(fontsize=8, frameon=False)
    return fig


def gelu_tanh_gap(result, fig=None):
    """The exact GELU and its tanh approximation, and their difference."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2, sharex=True)
    left.plot(result.x, result.exact, color=OKABE_ITO[0], lw=3, label=r"exact $x\,\Phi(x)$")
    left.plot(result.x, result.approximate, color=OKABE_ITO[1], lw=1.5, ls="--", label="tanh form")
    left.set_ylim(-0.5, 3.0)
    left.set_xlim(-4.0, 4.0)
    _labels(left, "input $x$", "GELU", "Two GELUs on top of each other")
    left.legend(fontsize=8, frameon=False)
    right.axhline(0.0, color=_REFERENCE, lw=0.8)
    right.plot(result.x, result.difference, color=OKABE_ITO[2], lw=2)
    right.plot([result.x_at_max], [result.difference_at_max], "o", color=OKABE_ITO[1], ms=5)
    _labels(
        right,
        "input $x$",
        "tanh form minus exact",
        f"Their difference: largest {result.max_difference:.1e}",
    )
    return fig


# ------------------------------------------------------------ tanh and ReLU
def tanh_forms(result, fig=None):
    """``np.tanh`` beside its two formulas (on top of it) and two slips (away from it)."""
    fig = _figure(fig, (5.2, 3.4))
    ax = fig.subplots()
    ax.axhline(0.0, color=_REFERENCE, lw=0.8)
    ax.axvline(0.0, color=_REFERENCE, lw=0.8)
    x = result.x
    ax.plot(x, result.tanh, color=OKABE_ITO[0], lw=5, alpha=0.4, label="np.tanh(x)")
    ax.plot(
        x, result.exponential, color=OKABE_ITO[0], lw=1.5, label="$(e^x - e^{-x})/(e^x + e^{-x})$"
    )
    ax.plot(x, result.via_sigmoid, color=OKABE_ITO[2], lw=1.5, ls="--", label=r"$2\sigma(2x) - 1$")
    ax.plot(
        x,
        result.wrong_signs,
        color=OKABE_ITO[1],
        lw=1.5,
        ls="-.",
        label="$(e^{-x} - e^x)/(e^x + e^{-x})$: wrong",
    )
    ax.plot(
        x, result.wrong_factor, color=OKABE_ITO[3], lw=1.5, ls=":", label=r"$2\sigma(x) - 1$: wrong"
    )
    ax.set_ylim(-1.25, 1.6)
    _labels(ax, "input $x$", "value", "Three ways to write tanh, two ways to miss it")
    ax.legend(fontsize=7, frameon=False, loc="upper left", ncols=2)
    return fig


def lecun_tanh(result, fig=None):
    """``tanh`` and LeCun's ``1.7159 tanh(2x/3)``, with the points ``(±1, ±1)`` marked."""
    fig = _figure(fig, (4.8, 3.4))
    ax = fig.subplots()
    ax.axhline(0.0, color=_REFERENCE, lw=0.8)
    ax.axvline(0.0, color=_REFERENCE, lw=0.8)
    for level in (-1.0, 1.0):
        ax.axhline(level, color=_REFERENCE, lw=0.8, ls=":")
        ax.axvline(level, color=_REFERENCE, lw=0.8, ls=":")
    ax.plot(result.x, result.tanh, color=OKABE_ITO[0], lw=2, label="tanh(x)")
    ax.plot(
        result.x,
        result.scaled,
        color=OKABE_ITO[1],
        lw=2,
        ls="--",
        label=f"{result.a:g} tanh({result.b:.3g} x)",
    )
    ax.plot(
        [-1.0, 1.0],
        [result.value_at_minus_one, result.value_at_one],
        "o",
        color=OKABE_ITO[1],
        label="f(±1)",
    )
    _labels(ax, "input $x$", "output", "LeCun's scaled tanh passes through (±1, ±1)")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def zero_activations(result, fig=None):
    """Dead units per epoch (one line per run and layer), and each unit's share of zeros.

    ``result`` is one :class:`actnet.experiments.ZeroActivations` or
    several; the right panel shows the first one's units, sorted.
    """
    runs = _as_list(result)
    fig = _figure(fig, (8.5, 3.2))
    left, right = fig.subplots(1, 2)
    styles = ("-", "--", "-.", ":")
    for i, run in enumerate(runs):
        epochs = np.arange(run.dead_fraction.shape[0])
        for layer, column in enumerate(run.dead_fraction.T):
            left.plot(
                epochs,
                column,
                color=_colour(i),
                ls=styles[layer % 4],
                lw=2,
                label=f"learning rate {run.learning_rate:g}, layer {layer + 1}",
            )
    left.set_ylim(-0.03, 1.03)
    _labels(left, "epoch", "fraction of dead units", "Monitoring dead units while training")
    left.legend(fontsize=7, frameon=False)
    first = runs[0]
    shares = np.concatenate(first.zero_fraction_per_unit)
    order = np.argsort(shares, kind="stable")
    colours = [OKABE_ITO[1] if s == 1.0 else OKABE_ITO[0] for s in shares[order]]
    right.bar(np.arange(shares.size), shares[order], color=colours, width=1.0)
    right.set_ylim(0.0, 1.03)
    _labels(
        right,
        "hidden unit (sorted)",
        "share of examples where it is 0",
        f"Learning rate {first.learning_rate:g}: dead units (share 1) in vermillion",
    )
    return fig


# ------------------------------------------------- initialisation, normalisation
def _median_and_range(ax, x, rows, colour: str, label: str, style: str = "-") -> None:
    """The median over seeds (rows) as a line, their range as a band; non-finite values
    (a signal beyond the float range) are left out."""
    with np.errstate(invalid="ignore"):
        rows = np.where(np.isfinite(rows), rows, np.nan)
        ax.fill_between(
            x, np.nanmin(rows, axis=0), np.nanmax(rows, axis=0), color=colour, alpha=0.25, lw=0
        )
        ax.plot(x, np.nanmedian(rows, axis=0), color=colour, lw=2, ls=style, label=label)


def symmetry(result, fig=None):
    """Distinct units per hidden layer, and the training loss, from a constant start and
    from a random one (median and range over seeds)."""
    fig = _figure(fig, (8.5, 3.2))
    left, right = fig.subplots(1, 2)
    epochs = np.arange(result.loss.shape[1])
    start = f"every weight {result.weight:g}"
    for layer in range(result.distinct_units.shape[2]):
        style = ("-", "--", "-.", ":")[layer % 4]
        for counts, colour, name in (
            (result.distinct_units, _colour(0), start),
            (result.random_distinct_units, _colour(1), f"{result.random_init} init"),
        ):
            left.plot(
                epochs,
                np.median(counts[:, :, layer], axis=0),
                color=colour,
                ls=style,
                lw=2,
                label=f"{name}, layer {layer + 1}",
            )
    left.set_ylim(0, result.width + 1)
    _labels(left, "epoch", "distinct units in the layer", f"{result.width} units, how many differ?")
    left.legend(fontsize=7, frameon=False)
    _median_and_range(right, epochs, result.loss, _colour(0), start)
    _median_and_range(right, epochs, result.random_loss, _colour(1), f"{result.random_init} init")
    _log(right)
    _labels(right, "epoch", "training loss", f"{result.activation}: median and range over seeds")
    right.legend(fontsize=8, frameon=False)
    return fig


def signal_spread(result, fig=None):
    """Variance of the weighted sums, of the back-propagated gradient and of the weight
    gradients at every layer (median and range over seeds), one line per result."""
    runs = _as_list(result)
    fig = _figure(fig, (11.0, 3.4))
    axes = fig.subplots(1, 3, sharex=True)
    panels = (
        ("preactivation_variance", "Var($z_l$)", "Forward: the weighted sums"),
        ("gradient_variance", r"Var($\partial L/\partial z_l$)", "Backward: the gradient"),
        ("weight_gradient_variance", r"Var($\partial L/\partial W_l$)", "The weights' gradients"),
    )
    for i, run in enumerate(runs):
        layers = np.arange(1, run.depth + 1)
        scale = "" if run.init_scale is None else f" ×{run.init_scale:g}"
        label = f"{run.activation}, {run.init}{scale}"
        for ax, (field, _, _) in zip(axes, panels):
            _median_and_range(ax, layers, getattr(run, field), _colour(i), label)
    for ax, (_, ylabel, title) in zip(axes, panels):
        _log(ax)
        ax.axhline(1.0, color=_REFERENCE, lw=0.8)
        _labels(ax, "hidden layer (1 = input side)", ylabel, title)
    axes[0].legend(fontsize=8, frameon=False)
    return fig


def _median_of_kept(values: np.ndarray) -> float:
    kept = values[np.isfinite(values)]
    return float(np.median(kept)) if kept.size else np.nan


def normalisation_remedy(result, fig=None, measure: str | None = None):
    """Dead (or saturated) hidden units and final loss against the learning rate, one
    line per normalisation (median over the runs that did not diverge, a dot per run);
    a diverged run is a cross at the top of the panel, never a value.

    ``measure`` defaults to ``"saturated_fraction"`` for a bounded activation
    (the result has a saturated fraction) and ``"dead_fraction"`` otherwise.
    """
    if measure is None:
        bounded = np.isfinite(result.saturated_fraction).any()
        measure = "saturated_fraction" if bounded else "dead_fraction"
    if measure not in ("dead_fraction", "saturated_fraction"):
        raise ValueError(
            f"measure must be 'dead_fraction' or 'saturated_fraction', got {measure!r}"
        )
    fig = _figure(fig, (8.5, 3.2))
    left, right = fig.subplots(1, 2, sharex=True)
    rates = result.learning_rates
    for ax, values in ((left, getattr(result, measure)), (right, result.final_loss)):
        kept = np.where(result.diverged, np.nan, values)
        top = 1.06 if ax is left else float(np.nanmax(kept, initial=1.0)) * 2
        for i, norm in enumerate(result.norms):
            median = [_median_of_kept(row) for row in kept[i]]
            ax.plot(rates, median, "o-", color=_colour(i), lw=2, label=norm)
            for j, rate in enumerate(rates):
                ax.plot(np.full(kept.shape[2], rate), kept[i, j], ".", color=_colour(i), alpha=0.5)
            gone = rates[result.diverged[i].any(axis=1)]
            if gone.size:
                ax.plot(
                    gone,
                    np.full(gone.size, top),
                    "x",
                    color=_colour(i),
                    ms=8,
                    label=f"{norm}: diverged runs",
                )
        _log_ticks(ax, rates)
    what = "dead hidden units" if measure == "dead_fraction" else "saturated hidden outputs"
    left.set_ylim(-0.03, 1.1)
    _labels(left, "learning rate", f"fraction of {what}", f"{result.activation}: {what}")
    _log(right)
    _labels(right, "learning rate", "final training loss", "Loss after training")
    left.legend(fontsize=8, frameon=False)
    return fig


def bias_before_batchnorm(result, fig=None):
    """Gradients and changes of a bias placed before batch normalisation (vermillion),
    beside those of the weights and of the same bias without normalisation (blue); a dot
    per seed, log scale."""
    fig = _figure(fig, (7.0, 3.4))
    ax = fig.subplots()
    rows = (
        ("bias gradient, before BN", result.bias_gradient, True),
        ("bias gradient, no BN", result.bias_gradient_without_norm, False),
        ("weight gradient, before BN", result.weight_gradient, False),
        ("β gradient of BN", result.beta_gradient, False),
        (f"output change, bias moved by {result.shift:g}", result.output_change, True),
        (f"bias change in {result.epochs} epochs", result.bias_change, True),
        (f"weight change in {result.epochs} epochs", result.weight_change, False),
    )
    for i, (_, values, of_the_bias) in enumerate(rows):
        colour = _colour(1) if of_the_bias else _colour(0)
        ax.plot(values, np.full(values.size, i), "o", color=colour, alpha=0.8)
    ax.set_yticks(range(len(rows)), [name for name, _, _ in rows], fontsize=8)
    ax.invert_yaxis()
    _log(ax, "x")
    ax.axvline(np.finfo(float).eps, color=_REFERENCE, lw=1, ls="--", label="machine epsilon")
    _labels(
        ax,
        "largest absolute value (log scale)",
        "measured quantity",
        "A bias before batch normalisation does nothing",
    )
    ax.legend(fontsize=8, frameon=False)
    return fig


# ------------------------------------------- the output layer; today's activations
__all__ += [
    "glu_comparison",
    "glu_widths",
    "mobile_activations",
    "multi_label_vs_multi_class",
    "softmax_gradient",
    "softmax_overflow",
    "softmax_probabilities",
    "softmax_temperature",
    "two_class_softmax",
]


def softmax_gradient(result, fig=None):
    """Every entry of the gradient: the formula (p - y)/n against central differences."""
    fig = _figure(fig, (4.2, 3.8))
    ax = fig.subplots()
    analytic, numerical = result.analytic.ravel(), result.numerical.ravel()
    ends = [min(analytic.min(), numerical.min()), max(analytic.max(), numerical.max())]
    ax.plot(ends, ends, color=_REFERENCE, lw=1, ls="--", label="equal")
    ax.scatter(analytic, numerical, s=25, color=OKABE_ITO[0], label="one logit", zorder=3)
    _labels(
        ax,
        "formula $(p - y)/n$",
        "central differences",
        f"Largest difference {result.max_abs_error:.1e}",
    )
    ax.legend(fontsize=8, frameon=False)
    return fig


def two_class_softmax(result, fig=None):
    """softmax([z, 0])[0] and sigmoid(z) on one axis; their difference on the other."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2)
    left.plot(result.z, result.sigmoid, color=OKABE_ITO[0], lw=3, label=r"$\sigma(z)$")
    left.plot(
        result.z,
        result.softmax_first,
        color=OKABE_ITO[1],
        lw=1.5,
        ls="--",
        label=r"softmax$(z, 0)_1$",
    )
    _labels(left, "logit $z$", "probability of class 1", "Two logits, one of them 0")
    left.legend(fontsize=8, frameon=False)
    right.axhline(0.0, color=_REFERENCE, lw=0.8)
    right.plot(result.z, result.softmax_first - result.sigmoid, color=OKABE_ITO[2], lw=1)
    _labels(
        right,
        "logit $z$",
        r"softmax$(z, 0)_1 - \sigma(z)$",
        f"Largest difference {result.max_abs_difference:.1e}",
    )
    return fig


def softmax_overflow(result, fig=None):
    """For each shift of the logits: the naive softmax (x where it is NaN) and the stable one."""
    fig = _figure(fig, (8.0, 3.4))
    axes = fig.subplots(1, 2, sharey=True)
    positions = np.arange(result.scales.size)
    for j, (ax, case) in enumerate(zip(axes, result.cases)):
        for c in range(result.exact.size):
            ax.plot(
                positions,
                result.stable[:, j, c],
                "o-",
                color=_colour(c),
                lw=1.5,
                label=f"stable, class {c + 1}",
            )
            finite = np.isfinite(result.naive[:, j, c])
            ax.plot(
                positions[finite],
                result.naive[finite, j, c],
                "s",
                mfc="none",
                ms=9,
                color=_colour(c),
                label=f"naive, class {c + 1}",
            )
        broken = ~result.naive_finite[:, j]
        ax.plot(
            positions[broken],
            np.full(broken.sum(), 1.02),
            "x",
            color=OKABE_ITO[1],
            ms=9,
            mew=2,
            label="naive: NaN",
        )
        sign = "+" if j == 0 else "-"
        ax.set_xticks(positions, [f"{s:g}" for s in result.scales], rotation=45)
        ax.set_ylim(-0.05, 1.1)
        _labels(
            ax, f"shift s (logits {sign}s + offsets)", "probability", f"{case.capitalize()} logits"
        )
    axes[0].legend(fontsize=7, frameon=False, ncol=2, loc="center left")
    return fig


def softmax_temperature(result, fig=None):
    """Each class's probability, and the entropy, as the temperature varies."""
    fig = _figure(fig, (8.0, 3.2))
    left, right = fig.subplots(1, 2)
    for c, z in enumerate(result.logits):
        left.plot(
            result.temperatures,
            result.probabilities[:, c],
            color=_colour(c),
            lw=2,
            label=f"logit {z:g}",
        )
    _log(left, "x")
    left.set_ylim(-0.03, 1.03)
    _labels(left, "temperature $T$", "probability", r"softmax$(z / T)$")
    left.legend(fontsize=8, frameon=False)
    right.plot(result.temperatures, result.entropy, color=OKABE_ITO[0], lw=2)
    right.axhline(result.max_entropy, color=_REFERENCE, lw=1, ls="--", label=r"$\ln C$")
    _log(right, "x")
    _labels(right, "temperature $T$", "entropy (nats)", "From certain to uniform")
    right.legend(fontsize=8, frameon=False)
    return fig


def softmax_probabilities(result, fig=None):
    """The logits and their softmax at the first temperature of ``result``, as bars."""
    fig = _figure(fig, (4.6, 3.0))
    logits_ax, ax = fig.subplots(1, 2)
    classes = np.arange(result.logits.size)
    colours = [_colour(c) for c in classes]
    names = [f"{c + 1}" for c in classes]
    logits_ax.axhline(0.0, color=_REFERENCE, lw=0.8)
    logits_ax.bar(classes, result.logits, color=colours)
    logits_ax.set_xticks(classes, names)
    _labels(logits_ax, "class", "logit $z$", "Logits")
    t, p = result.temperatures[0], result.probabilities[0]
    ax.axhline(1.0 / result.logits.size, color=_REFERENCE, lw=1, ls="--", label="uniform")
    ax.bar(classes, p, color=colours)
    for c in classes:
        ax.annotate(f"{p[c]:.2f}", (c, p[c]), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(classes, names)
    ax.set_ylim(0, 1.12)
    _labels(ax, "class", "probability", f"softmax$(z / T)$, $T$ = {t:g}")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    return fig


def multi_label_vs_multi_class(result, fig=None):
    """Exact matches per data set and output (one dot per seed), and the probability sums
    of the first seed's networks on the overlapping discs."""
    # two rows, so that the figure stays narrow enough to read on a phone
    fig = _figure(fig, (6.4, 6.6))
    grid = fig.add_gridspec(2, 2)
    bars = fig.add_subplot(grid[0, :])
    maps = [fig.add_subplot(grid[1, i]) for i in range(2)]
    d_discs = result.datasets.index("overlapping_discs")
    width = 0.38
    for h, head in enumerate(result.heads):
        for d in range(len(result.datasets)):
            values = result.exact_match[d, h]
            x = d + (h - 0.5) * width
            bars.bar(x, np.nanmean(values), width, color=_colour(h), label=head if d == 0 else None)
            bars.plot(np.full(values.size, x), values, ".", color="0.2", ms=5)
    ceiling = float(np.mean(result.softmax_ceiling))
    bars.plot(
        [d_discs - width, d_discs],
        [ceiling, ceiling],
        color=_REFERENCE,
        lw=2,
        ls="--",
        label="softmax's ceiling",
    )
    bars.set_xticks(range(len(result.datasets)), [d.replace("_", " ") for d in result.datasets])
    bars.set_ylim(0, 1.05)
    _labels(bars, "data set", "exact match (test set)", "All labels of a point right")
    bars.legend(fontsize=7, frameon=False, loc="lower left")
    totals = result.grid_probabilities[d_discs].sum(axis=-1)
    X, Y = result.X[d_discs], result.Y[d_discs]
    for h, ax in enumerate(maps):
        image = ax.pcolormesh(
            result.grid, result.grid, totals[h], vmin=0, vmax=3, cmap="viridis", shading="auto"
        )
        ax.scatter(X[:, 0], X[:, 1], c=Y.sum(axis=1), s=3, cmap="Greys", vmin=0, vmax=3)
        ax.set_aspect("equal")
        _labels(ax, "$x_1$", "$x_2$", f"{result.heads[h]}: sum of the probabilities")
    fig.colorbar(image, ax=maps, shrink=0.8, label="sum of the three probabilities")
    return fig


def glu_comparison(result, fig=None):
    """Training loss per epoch on each data set: the median over the seeds, and the range."""
    n = len(result.datasets)
    # at most two panels a row, so that the figure stays narrow enough for a phone
    columns = min(n, 2)
    rows = -(-n // columns)
    fig = _figure(fig, (4.0 * columns, 3.2 * rows))
    grid = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in grid[n:]:
        ax.set_visible(False)
    axes = grid[:n]
    epochs = np.arange(result.loss_curves.shape[-1])
    styles = ("-", "--", "-.", ":")
    for d, (ax, dataset) in enumerate(zip(axes, result.datasets)):
        for i, variant in enumerate(result.variants):
            curves = result.loss_curves[i, d][~result.diverged[i, d]]
            gone = int(result.diverged[i, d].sum())
            label = variant + (f" ({gone} diverged)" if gone else "")
            if curves.size == 0:
                ax.plot([], [], color=_colour(i), label=f"{variant} (all diverged)")
                continue
            ax.plot(
                epochs,
                np.median(curves, axis=0),
                color=_colour(i),
                ls=styles[i % 4],
                lw=1.8,
                label=label,
            )
            ax.fill_between(
                epochs, curves.min(axis=0), curves.max(axis=0), color=_colour(i), alpha=0.15
            )
        _log(ax)
        _labels(ax, "epoch", "training loss", dataset.replace("_", " "))
    axes[0].legend(fontsize=7, frameon=False)
    return fig


def glu_widths(result, fig=None):
    """Parameters of the plain and the gated block of each case (log scale)."""
    fig = _figure(fig, (6.0, 3.4))
    ax = fig.subplots()
    positions = np.arange(len(result.cases))
    ax.bar(positions - 0.2, result.plain_parameters, 0.4, color=OKABE_ITO[0], label="plain")
    ax.bar(positions + 0.2, result.gated_parameters, 0.4, color=OKABE_ITO[1], label="gated")
    for i in positions:
        ax.annotate(
            f"width {result.plain_width[i]} -> {result.gated_width[i]}",
            (i, max(result.plain_parameters[i], result.gated_parameters[i])),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    _log(ax)
    ax.set_xticks(positions, result.cases, rotation=15, ha="right", fontsize=7)
    _labels(ax, "block", "parameters", "Narrower gated blocks, same parameter count")
    ax.legend(fontsize=8, frameon=False)
    return fig


def mobile_activations(result, fig=None):
    """Each hard activation over its smooth one, and the operations per element of both."""
    n = len(result.hard)
    # at most two panels a row, so that the figure stays narrow enough for a phone
    rows = -(-(n + 1) // 2)
    fig = _figure(fig, (7.0, 3.0 * rows))
    grid = fig.subplots(rows, 2, squeeze=False).ravel()
    for ax in grid[n + 1 :]:
        ax.set_visible(False)
    axes = grid[: n + 1]
    for i, ax in enumerate(axes[:n]):
        ax.axhline(0.0, color=_REFERENCE, lw=0.8)
        ax.plot(
            result.x, result.smooth_values[i], color=OKABE_ITO[0], lw=2.5, label=result.smooth[i]
        )
        ax.plot(
            result.x,
            result.hard_values[i],
            color=OKABE_ITO[1],
            lw=1.5,
            ls="--",
            label=result.hard[i],
        )
        _labels(
            ax,
            "input $x$",
            "output",
            f"largest gap {result.max_value_error[i]:.3g} at x = {result.value_error_at[i]:g}",
        )
        ax.legend(fontsize=8, frameon=False)
    ax = axes[n]
    positions = np.arange(n)
    names = [f"{h}\nvs {s}" for h, s in zip(result.hard, result.smooth)]
    ax.bar(positions - 0.2, result.value_operations[:, 0], 0.4, color=OKABE_ITO[1], label="hard")
    ax.bar(positions + 0.2, result.value_operations[:, 1], 0.4, color=OKABE_ITO[0], label="smooth")
    ax.set_xticks(positions, names, fontsize=7)
    _labels(ax, "pair", "NumPy operations per element", "Cost of the value")
    ax.legend(fontsize=8, frameon=False)
    return fig
