"""The course's explorers: each wires controls to an experiment and its figure.

Every function returns an :class:`~actnet.widgets.Explorer`: a live widget in
Jupyter and a kernel-free, scrubbable figure in the static book. The numbers
come from :mod:`actnet.experiments` and the drawing from :mod:`actnet.plots`;
the functions here only choose the control values and the frames shown
without a kernel (kept few, so each page stays under 1 MB).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actnet import experiments, plots
from actnet.activations import Activation, available, get
from actnet.widgets.explorer import Control, Explorer

__all__ = [
    "activation_explorer",
    "bias_kick_explorer",
    "dying_relu_explorer",
    "maxout_explorer",
    "normalisation_explorer",
    "playground_explorer",
    "report_card_explorer",
    "saturation_explorer",
    "softmax_temperature_explorer",
    "signal_spread_explorer",
    "vanishing_gradients_explorer",
    "zigzag_explorer",
]

_DPI = 72


def _draw(figure_function):
    """``draw(data, fig)`` for an explorer, from a figure function of :mod:`actnet.plots`."""

    def draw(data, fig) -> None:
        figure_function(data, fig=fig)

    return draw


def _explorer(title, controls, compute, figure_function, alt, figsize, **more) -> Explorer:
    """The :class:`Explorer` that draws with ``figure_function`` of :mod:`actnet.plots`, at
    the resolution of every explorer here."""
    return Explorer(
        title, controls, compute, _draw(figure_function), alt, figsize=figsize, dpi=_DPI, **more
    )


def _preferred(value, values):
    """``value`` as a control's default if it is one of ``values`` (else the first value)."""
    return value if value in list(values) else None


def _preferred_static(preferred, values) -> list:
    """The values of ``preferred`` that ``values`` offers, for the kernel-free face (else the
    first of ``values``)."""
    return [v for v in preferred if v in list(values)] or [values[0]]


def _number(value) -> str:
    return f"{value:g}"


def _number_slider(name: str, values, label: str, preferred, **more) -> Control:
    """A slider over the numbers ``values``, shown as ``1`` rather than ``1.0``, that starts
    at ``preferred`` where it is one of them."""
    return Control(
        name, list(values), label, default=_preferred(preferred, values), format=_number, **more
    )


# ----------------------------------------------------------------- activation
ALPHA_VALUES = ("own", 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0)
"""The activation explorer's α slider; ``"own"`` leaves each activation its default."""

BETA_VALUES = (0.5, 1.0, 2.0, 5.0)
"""The activation explorer's β slider (SiLU and softplus; large β approaches ReLU)."""

ACTIVATION_PRESETS = (
    ("sigmoid", "tanh"),
    ("sigmoid", "tanh", "relu"),
    ("relu", "leaky_relu", "elu"),
    ("elu", "selu"),
    ("relu", "gelu", "silu", "mish"),
    ("relu", "softplus", "silu"),
)
"""The comparisons the kernel-free face precomputes (the live face allows any selection)."""


def _describe(act: Activation) -> str:
    params = ", ".join(f"{k} = {v}" for k, v in act.params.items())
    return act.name + (f" ({params})" if params else "")


def _alpha_label(value) -> str:
    return "each one's own" if value == "own" else _number(value)


def activation_explorer(
    names: Sequence[str] | None = None,
    selected: Sequence[str] = ("sigmoid", "tanh", "relu"),
    presets: Sequence[Sequence[str]] | None = None,
) -> Explorer:
    """Any registered activations side by side, with their parameters as sliders.

    Parameters
    ----------
    names : sequence of str, optional
        The activations offered (default: every registered one).
    selected : sequence of str
        Those shown at first.
    presets : sequence of sequences of str, optional
        The selections precomputed for the kernel-free face (default:
        :data:`ACTIVATION_PRESETS` restricted to ``names``).
    """
    names = list(available() if names is None else names)
    for name in names:
        get(name)  # an unknown name fails here, with the list of known ones
    if presets is None:
        presets = [p for p in ACTIVATION_PRESETS if set(p) <= set(names)] or [tuple(names)]
    selected = tuple(n for n in selected if n in names) or tuple(names[:1])
    # evaluate every offered activation once, so the first click on one costs no
    # more than the others
    experiments.activation_curves(names, x=np.zeros(1))

    def compute(names: tuple[str, ...], alpha="own", beta: float = 1.0):
        return experiments.activation_curves(
            names, alpha=None if alpha == "own" else alpha, beta=beta
        )

    def alt(curves, values) -> str:
        if not curves.activations:
            return "No activation is selected."
        shown = "; ".join(_describe(a) for a in curves.activations)
        return (
            f"Two panels for inputs from -4 to 4: on the left the values, on the right the "
            f"derivatives of {shown}."
        )

    def readout(curves, values) -> str:
        return "; ".join(
            f"{a.name}: f'(0) = {g[curves.x.size // 2]:.3g}, f(-4) = {v[0]:.3g}"
            for a, v, g in zip(curves.activations, curves.values, curves.derivatives)
        )

    # a parameter's slider only where one of the offered activations takes it
    taken = {key for name in names for key in get(name).params}
    parameters = [
        Control(
            "alpha",
            list(ALPHA_VALUES),
            "α (leaky ReLU, PReLU, ELU)",
            default="own",
            static_values=["own", 0.1, 1.0],
            format=_alpha_label,
        ),
        _number_slider("beta", BETA_VALUES, "β (SiLU, softplus)", 1.0, static_values=[1.0, 5.0]),
    ]
    parameters = [c for c in parameters if c.name in taken]

    return _explorer(
        "Activations side by side",
        [
            Control(
                "names",
                names,
                "Activations",
                kind="multiselect",
                default=selected,
                static_values=[tuple(p) for p in presets],
            ),
            *parameters,
        ],
        compute,
        plots.activation_curves,
        alt,
        figsize=(7.6, 3.0),
        readout=readout,
    )


# ----------------------------------------------------------------- saturation
def saturation_explorer(
    init_scales: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
) -> Explorer:
    """Scale the initial weights of a deep sigmoid network; watch its neurons saturate."""

    def compute(init_scale: float):
        return experiments.saturation(init_scales=(init_scale,))

    def alt(result, values) -> str:
        fractions = ", ".join(f"{f:.0%}" for f in result.saturated_fraction[0])
        return (
            f"Initial weight scale {values['init_scale']:g}: histogram of the first layer's "
            f"weighted sums; saturated {result.activation} outputs per layer: {fractions}."
        )

    return _explorer(
        "Saturation at initialisation",
        [_number_slider("init_scale", init_scales, "Initial weight scale", 1.0)],
        compute,
        plots.saturation,
        alt,
        figsize=(7.0, 2.8),
    )


# --------------------------------------------------------- vanishing gradients
def vanishing_gradients_explorer(depths: Sequence[int] = (2, 5, 10, 15, 20)) -> Explorer:
    """Make the network deeper; watch the sigmoid's gradients vanish before ReLU's."""

    def compute(depth: int):
        return experiments.vanishing_gradients(depth=depth)

    def alt(result, values) -> str:
        kept = ", ".join(
            f"{act} keeps {result.first_to_last(act, init):.1e} of it" for act, init in result.runs
        )
        return (
            f"Gradient norm per layer through {values['depth']} hidden layers, log scale; "
            f"from the last layer to the first, {kept}."
        )

    return _explorer(
        "Vanishing gradients",
        [Control("depth", list(depths), "Hidden layers", default=_preferred(10, depths))],
        compute,
        plots.vanishing_gradients,
        alt,
        figsize=(5.0, 3.0),
    )


# --------------------------------------------------------------------- zigzag
def zigzag_explorer(learning_rates: Sequence[float] = (0.05, 0.1, 0.2, 0.5, 1.0)) -> Explorer:
    """Train one unit fed all-positive or zero-centred inputs; watch its weights' path."""

    def compute(inputs: str, lr: float):
        return experiments.zigzag(inputs=inputs, lr=lr)

    def alt(result, values) -> str:
        reached = (
            "never within 0.05 of the optimum"
            if result.steps_to_optimum is None
            else f"within 0.05 of the optimum after {result.steps_to_optimum} steps"
        )
        return (
            f"Weight path with {result.inputs} inputs and learning rate {values['lr']:g}: "
            f"{result.same_sign_fraction:.0%} of steps move both weights the same way; {reached}."
        )

    return _explorer(
        "Zig-zagging weights",
        [
            Control("inputs", ["positive", "zero-centred"], "Inputs", kind="dropdown"),
            Control(
                "lr", list(learning_rates), "Learning rate", default=_preferred(0.5, learning_rates)
            ),
        ],
        compute,
        plots.zigzag,
        alt,
        figsize=(4.2, 3.6),
    )


# ----------------------------------------------------------------- dying ReLU
def dying_relu_explorer(
    learning_rates: Sequence[float] = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0),
    activations: Sequence[str] = ("relu", "leaky_relu", "elu"),
    max_kicks: int = 3,
) -> Explorer:
    """Train a layer of 32 units; press "kick the bias" and watch units die, or not.

    Each press is one update ``b <- b - lr * g`` with a large gradient ``g`` on
    every hidden bias (see :func:`actnet.experiments.kick_the_bias`), so the
    learning rate sets how hard the same gradient kicks. The line under the
    figure is the live count of dead (for ReLU) or inactive units.
    """

    def compute(activation: str, learning_rate: float, kicks: int):
        return experiments.kick_the_bias(activation, learning_rate=learning_rate, kicks=kicks)

    def _state(result) -> str:
        n, width = result.inactive_units, result.width
        if n == 0:
            return f"none of the {width} units is negative on every example"
        if result.activation == "relu":
            return f"{n} of {width} units are dead (0 on every example, no gradient)"
        gets = "still get a gradient" if result.gradient_reaches_inactive else "get no gradient"
        return f"{n} of {width} units are negative on every example but {gets}"

    def alt(result, values) -> str:
        return (
            f"A layer of {result.width} {result.activation} units trained at learning rate "
            f"{result.learning_rate:g} with {result.kicks} bias kicks: after the last step "
            f"{_state(result)}; the loss ends at {result.loss[-1]:.3f}."
        )

    def readout(result, values) -> str:
        return (
            f"After {result.kicks} kick{'s' if result.kicks != 1 else ''}: {_state(result)}; "
            f"loss {result.loss[-1]:.3f}."
        )

    rates = list(learning_rates)
    return _explorer(
        "Kick the bias",
        [
            Control(
                "activation",
                list(activations),
                "Activation",
                kind="dropdown",
                static_values=_preferred_static(("relu", "leaky_relu"), activations),
            ),
            _number_slider(
                "learning_rate",
                rates,
                "Learning rate",
                0.5,
                static_values=list(
                    dict.fromkeys(
                        [
                            _preferred(0.1, rates) or rates[0],
                            _preferred(0.5, rates) or rates[-1],
                            rates[-1],
                        ]
                    )
                ),
            ),
            Control(
                "kicks",
                list(range(max_kicks + 1)),
                "Kicks so far",
                kind="counter",
                buttons={"next": "Kick the bias", "reset": "Start again"},
            ),
        ],
        compute,
        plots.kick_the_bias,
        alt,
        figsize=(8.0, 2.6),
        readout=readout,
    )


def bias_kick_explorer(
    kicks: Sequence[float] = (-0.5, -1.0, -1.5, -2.0, -3.0), steps: int = 250
) -> Explorer:
    """One unit's bias kicked down by a chosen amount: a ReLU may die, a leaky ReLU recovers."""

    def compute(activation: str, kick: float):
        return experiments.bias_kick(activation=activation, kick=kick, steps=steps)

    def alt(result, values) -> str:
        if result.recovered:
            fate = "becomes active again"
        elif result.gradient_norm.max() > 0:
            fate = "is not active yet, but a gradient still reaches it"
        else:
            fate = "stays dead: no gradient reaches it"
        return (
            f"A {result.activation} unit whose bias is kicked to {result.kick:g}, then trained "
            f"for {steps} steps: it {fate}; its bias ends at {result.bias[-1]:.2f}."
        )

    return _explorer(
        "Kick the bias",
        [
            Control("activation", ["relu", "leaky_relu"], "Activation", kind="dropdown"),
            Control("kick", list(kicks), "Bias after the kick", default=kicks[-1]),
        ],
        compute,
        plots.bias_kick,
        alt,
        figsize=(8.0, 2.6),
    )


# ----------------------------------------------------------------- playground
def playground_explorer(
    dataset_names: Sequence[str] = ("moons", "rings", "xor", "spirals"),
    activations: Sequence[str] = ("relu", "tanh", "sigmoid", "leaky_relu"),
    widths: Sequence[int] = (4, 8, 12),
    depths: Sequence[int] = (1, 2, 3),
    max_epochs: int = 100,
    epochs_per_step: int = 5,
    static_activations: Sequence[str] | None = None,
    inits: Sequence[str] = ("he", "xavier_normal", "lecun", "zeros"),
    static_inits: Sequence[str] | None = None,
    per_layer: bool = True,
) -> Explorer:
    """Train a small network on a 2-D data set with "step", "train" and "reset" buttons.

    200 points, full-batch Adam (learning rate 0.05), binary cross-entropy.
    "Step" trains ``epochs_per_step`` more epochs, "train" keeps stepping up to
    ``max_epochs``, "reset" starts again from the same seed. Changing the data
    set or the network starts the new network at epoch 0, as "reset" would.
    The kernel-free face shows a few epoch counts, for the
    activations ``static_activations`` (default: ReLU and tanh, those of them
    offered) and the initialisations ``static_inits`` (default: He and zeros,
    those of them offered).

    With ``per_layer`` (and more than one depth offered) every hidden layer
    after the first has its own activation control, "same" meaning the first
    layer's; a layer deeper than the network is ignored. ``inits`` are the
    weight initialisers offered (names of :mod:`actnet.init`).
    """
    from actnet.init import INITIALIZERS

    epochs = list(range(0, max_epochs + 1, epochs_per_step))
    if len(epochs) < 2:
        raise ValueError(
            f"epochs_per_step ({epochs_per_step}) must be at most max_epochs ({max_epochs})"
        )
    inits = list(inits)
    unknown = [i for i in inits if i not in INITIALIZERS]
    if not inits or unknown:
        raise ValueError(
            f"inits must name initialisers among {', '.join(INITIALIZERS)}, got {unknown or inits}"
        )
    layers = range(2, max(depths) + 1) if per_layer else range(0)

    def compute(dataset: str, activation: str, width: int, depth: int, epochs: int, **more):
        chosen = [activation] + [
            activation if more[f"activation_{k}"] == "same" else more[f"activation_{k}"]
            for k in range(2, depth + 1)
            if f"activation_{k}" in more
        ]
        chosen += [activation] * (depth - len(chosen))
        per = chosen[0] if len(set(chosen)) == 1 else tuple(chosen)
        return experiments.playground(
            dataset, per, width, depth, epochs, init=more.get("init", "he")
        )

    def network(values) -> str:
        names = [values["activation"]] + [
            values["activation"]
            if values[f"activation_{k}"] == "same"
            else values[f"activation_{k}"]
            for k in layers
            if k <= values["depth"]
        ]
        if len(set(names)) == 1:
            units = f"{values['width']} {names[0]} units"
        else:
            units = f"{values['width']} units ({', '.join(names)}, layer by layer)"
        return (
            f"{values['depth']} hidden layers of {units}, "
            f"{values.get('init', 'he')} initialisation,"
        )

    def alt(run, values) -> str:
        return (
            f"Decision regions of a network with {network(values)} on the {values['dataset']} "
            f"data after {values['epochs']} epochs: training accuracy {run.accuracy:.0%}, "
            f"loss {run.loss[-1]:.3f}."
        )

    def readout(run, values) -> str:
        return f"Epoch {run.epochs}: loss {run.loss[-1]:.3f}, training accuracy {run.accuracy:.0%}."

    if static_inits is None:
        static_inits = _preferred_static(("he", "zeros"), inits)
    layer_controls = [
        Control(
            f"activation_{k}",
            ["same", *activations],
            f"Activation, layer {k}",
            kind="dropdown",
            static_values=["same"],
            format=lambda v: "same as layer 1" if v == "same" else v,
        )
        for k in layers
    ]
    return _explorer(
        "Network playground",
        [
            Control("dataset", list(dataset_names), "Data set", kind="dropdown"),
            Control(
                "activation",
                list(activations),
                "Activation, layer 1" if layer_controls else "Activation",
                kind="dropdown",
                static_values=list(static_activations)
                if static_activations is not None
                else _preferred_static(("relu", "tanh"), activations),
            ),
            *layer_controls,
            Control(
                "init",
                inits,
                "Initialisation",
                kind="dropdown",
                default=_preferred("he", inits),
                static_values=list(static_inits),
            ),
            Control(
                "width",
                list(widths),
                "Units per layer",
                default=_preferred(8, widths),
                static_values=[_preferred(8, widths) or widths[0]],
            ),
            Control(
                "depth",
                list(depths),
                "Hidden layers",
                default=_preferred(2, depths),
                static_values=[_preferred(2, depths) or depths[0]],
            ),
            Control(
                "epochs",
                epochs,
                "Epochs trained",
                kind="counter",
                buttons={
                    "next": f"Step (+{epochs_per_step} epochs)",
                    "play": "Train",
                    "reset": "Reset",
                },
                static_values=list(
                    dict.fromkeys([epochs[0], epochs[len(epochs) // 5], epochs[-1]])
                ),
            ),
        ],
        compute,
        plots.playground,
        alt,
        figsize=(6.0, 2.6),
        readout=readout,
    )


# --------------------------------------------------------------------- maxout
def maxout_explorer(
    slopes: Sequence[float] = (-0.5, 0.0, 0.01, 0.1, 0.25, 0.5),
    intercepts: Sequence[float] = (-0.5, 0.0, 0.5),
) -> Explorer:
    """Set the weights of a two-piece maxout unit, ``max(a x + c, x)``, and see the function."""

    def compute(slope: float, intercept: float):
        return experiments.maxout_unit(slope, intercept)

    def alt(result, values) -> str:
        same = []
        if result.gap_to_relu == 0.0:
            same.append("exactly ReLU")
        elif result.gap_to_leaky_relu == 0.0:
            same.append(f"exactly leaky ReLU with slope {result.slope:g}")
        return f"The maximum of the lines {result.slope:g} x + {result.intercept:g} and x" + (
            f": {same[0]}." if same else "."
        )

    return _explorer(
        "Maxout: the maximum of two lines",
        [
            Control(
                "slope", list(slopes), "Slope a of the first piece", default=_preferred(0.0, slopes)
            ),
            Control(
                "intercept", list(intercepts), "Intercept c", default=_preferred(0.0, intercepts)
            ),
        ],
        compute,
        plots.maxout_unit,
        alt,
        figsize=(4.6, 3.0),
    )


# ---------------------------------------------------------------- report card
def report_card_explorer(
    names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu"),
    cards: Sequence[experiments.ReportCard] | None = None,
) -> Explorer:
    """Pick an activation and see its report card.

    The cards are measured once, together (so their race ranks compare), when
    the explorer is built (several seconds); pass ``cards`` to reuse ones
    already measured. Then each choice only looks its card up.
    """
    if cards is None:
        cards = experiments.report_cards(list(names))
    by_name = {card.name: card for card in cards}
    missing = [get(n).name for n in names if get(n).name not in by_name]
    if missing:
        raise ValueError(f"no report card given for {missing}")

    def compute(name: str):
        return by_name[get(name).name]

    def alt(card, values) -> str:
        return (
            f"Report card of {card.name}: outputs from {card.output_min:.3g} to "
            f"{card.output_max:.3g}, saturates: {card.saturates}, largest derivative "
            f"{card.max_derivative:.3g}, race rank {card.race_rank}."
        )

    return _explorer(
        "Activation report card",
        [Control("name", list(names), "Activation", kind="dropdown")],
        compute,
        plots.report_card,
        alt,
        figsize=(4.4, 4.6),
    )


# ------------------------------------------------------------- initialisation
INITIALISATIONS = {
    "small": ("normal", 0.01),
    "xavier_normal": ("xavier_normal", None),
    "he": ("he", None),
    "lecun": ("lecun", None),
    "large": ("normal", 1.0),
}
"""The signal-spread explorer's initialisations: name -> (initializer, scale)."""

_INIT_LABELS = {
    "small": "N(0, 0.01²)",
    "xavier_normal": "Xavier (Glorot)",
    "he": "He",
    "lecun": "LeCun",
    "large": "N(0, 1)",
}


def _ratio_text(ratios) -> str:
    finite = ratios[np.isfinite(ratios)]
    if finite.size < ratios.size:
        return "beyond the floating-point range"
    return f"{np.median(finite):.1e}"


def signal_spread_explorer(
    depths: Sequence[int] = (5, 10, 20, 30, 50),
    inits: Sequence[str] = ("small", "xavier_normal", "he", "lecun", "large"),
    activations: Sequence[str] = ("tanh", "sigmoid", "relu", "selu"),
) -> Explorer:
    """Choose the depth, the initial weights and the activation of a deep network of
    100 units a layer; watch the signal and the gradient layer by layer at initialisation.

    Each frame is :func:`actnet.experiments.signal_spread` over five seeds
    (median and range); the initialisations are those of :data:`INITIALISATIONS`.
    """
    unknown = [i for i in inits if i not in INITIALISATIONS]
    if unknown:
        raise ValueError(f"unknown initialisation {unknown}; choose from {list(INITIALISATIONS)}")
    for name in activations:
        get(name)

    def compute(activation: str, init: str, depth: int):
        name, scale = INITIALISATIONS[init]
        return experiments.signal_spread(depth, name, activation, init_scale=scale)

    def summary(result, values) -> str:
        return (
            f"Var(z) at the last layer over the first: {_ratio_text(result.forward_ratio())}; "
            f"gradient variance at the first layer over the last: "
            f"{_ratio_text(result.backward_ratio())} (medians over {len(result.seeds)} seeds)"
        )

    def alt(result, values) -> str:
        return (
            f"Three log-scale panels over {values['depth']} layers of {result.width} "
            f"{result.activation} units with {_INIT_LABELS[values['init']]} weights: the "
            f"variance of the weighted sums, of the back-propagated gradient and of the "
            f"weight gradients, layer by layer. {summary(result, values)}."
        )

    return _explorer(
        "The signal through the layers",
        [
            Control(
                "activation",
                list(activations),
                "Activation",
                kind="dropdown",
                static_values=_preferred_static(("tanh", "relu"), activations),
            ),
            Control(
                "init",
                list(inits),
                "Initial weights",
                kind="dropdown",
                default=_preferred("xavier_normal", inits),
                static_values=_preferred_static(("small", "xavier_normal", "he", "large"), inits),
                format=lambda v: _INIT_LABELS[v],
            ),
            Control(
                "depth",
                list(depths),
                "Hidden layers",
                default=_preferred(20, depths),
                # one depth in the kernel-free face: each frame shows every layer already
                static_values=[30 if 30 in depths else depths[-1]],
            ),
        ],
        compute,
        plots.signal_spread,
        alt,
        figsize=(8.0, 2.8),
        readout=lambda result, values: summary(result, values) + ".",
        # 100 settings, each about 0.1 s to compute and 0.1 s to draw: made ahead while
        # the reader looks, and a dragged depth computed where it is let go
        prefetch=True,
        continuous=False,
    )


# -------------------------------------------------------------- normalisation
def normalisation_explorer(
    learning_rates: Sequence[float] = (0.1, 0.3, 1.0, 3.0),
    activations: Sequence[str] = ("relu", "sigmoid"),
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> Explorer:
    """Train the ReLU chapter's network at a chosen learning rate with and without
    batch normalisation; compare dead units (ReLU) or saturated outputs (sigmoid).

    Each frame is :func:`actnet.experiments.normalisation_remedy` at one learning
    rate over ``seeds``; a run that diverged is drawn as a cross, never as a value.
    """
    rates = [float(r) for r in learning_rates]
    for name in activations:
        get(name)

    def compute(activation: str, learning_rate: float):
        return experiments.normalisation_remedy(
            activation, ("none", "batch"), learning_rates=(learning_rate,), seeds=seeds
        )

    def summary(result, values) -> str:
        measure = "dead_fraction" if result.activation == "relu" else "saturated_fraction"
        what = "dead units" if measure == "dead_fraction" else "saturated outputs"
        cells = result.table(measure, digits=2).rows
        return "; ".join(f"{row[0]}: {row[1]}" for row in cells) + f" ({what}, median [range])"

    def alt(result, values) -> str:
        return (
            f"{result.activation} network trained at learning rate {values['learning_rate']:g} "
            f"without and with batch normalisation, {len(result.seeds)} seeds: "
            f"{summary(result, values)}; the right panel shows the final losses."
        )

    return _explorer(
        "Learning rate, with and without batch normalisation",
        [
            Control("activation", list(activations), "Activation", kind="dropdown"),
            _number_slider(
                "learning_rate",
                rates,
                "Learning rate",
                3.0,
            ),
        ],
        compute,
        plots.normalisation_remedy,
        alt,
        figsize=(7.0, 2.8),
        readout=lambda result, values: summary(result, values) + ".",
    )


# ---------------------------------------------------------- softmax temperature
TEMPERATURES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
"""The softmax explorer's temperature slider."""

LOGIT_PRESETS = ((2.0, 1.0, 0.1), (3.0, 0.0, -3.0), (1.0, 1.0, 0.0), (0.5, 0.4, 0.3))
"""The softmax explorer's sets of logits: a clear winner, spread, a tie, nearly equal."""


def softmax_temperature_explorer(
    logits: Sequence[Sequence[float]] = LOGIT_PRESETS,
    temperatures: Sequence[float] = TEMPERATURES,
) -> Explorer:
    """Pick logits and a temperature and see the softmax's probabilities."""
    presets = [tuple(float(v) for v in z) for z in logits]

    def compute(logits: tuple[float, ...], temperature: float):
        return experiments.softmax_temperature(logits, temperatures=[temperature])

    def alt(result, values) -> str:
        p = ", ".join(f"{v:.2f}" for v in result.probabilities[0])
        z = ", ".join(f"{v:g}" for v in result.logits)
        return (
            f"Bars of the logits {z} and of their softmax at temperature "
            f"{result.temperatures[0]:g}: probabilities {p}, entropy "
            f"{result.entropy[0]:.2f} of at most {result.max_entropy:.2f} nats."
        )

    return _explorer(
        "Softmax temperature",
        [
            Control(
                "logits",
                presets,
                "Logits",
                kind="dropdown",
                format=lambda z: ", ".join(map(_number, z)),
            ),
            _number_slider("temperature", temperatures, "Temperature T", 1.0),
        ],
        compute,
        plots.softmax_probabilities,
        alt,
        figsize=(4.6, 3.0),
    )
