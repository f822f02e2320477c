"""Figure functions: each draws data that actnet computed, and computes nothing else."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actnet.activations import Activation, available, get

__all__ = ["OKABE_ITO", "gallery"]

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


def _pieces(x: np.ndarray, kinks: Sequence[float]) -> list[np.ndarray]:
    """Index arrays of ``x`` split at the kinks (kinks themselves left out), so a jump
    is not drawn as a line."""
    keep = ~np.isin(x, kinks)
    edges = np.searchsorted(x, sorted(kinks))
    return [p[keep[p]] for p in np.split(np.arange(x.size), edges) if keep[p].any()]


def gallery(
    names: Sequence[str | Activation] | None = None,
    x: np.ndarray | None = None,
    ncols: int = 4,
):
    """Every activation (default: all registered) and its derivative, one panel each.

    The value is drawn solid, the derivative dashed; a derivative that jumps
    at a kink is drawn as separate pieces, with its value at the kink marked.
    """
    from matplotlib.figure import Figure

    acts = [get(n) for n in (available() if names is None else names)]
    x = np.linspace(-4.0, 4.0, 801) if x is None else np.asarray(x, dtype=float)
    nrows = -(-len(acts) // ncols)
    fig = Figure(figsize=(2.6 * ncols, 2.3 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    for ax, act in zip(axes, acts):
        value, grad = act(x), act.grad(x)
        ax.axhline(0.0, color="0.8", lw=0.8)
        ax.axvline(0.0, color="0.8", lw=0.8)
        ax.plot(x, value, color=OKABE_ITO[0], lw=2, label="value $f(x)$")
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
        params = ", ".join(f"{k}={v}" for k, v in act.params.items())
        ax.set_title(act.name + (f" ({params})" if params else ""), fontsize=10)
        ax.set_ylim(-2.0, 4.0)
        ax.set_xlabel("$x$")
    for ax in axes[::ncols]:
        ax.set_ylabel("$f(x)$ and $f'(x)$")
    for ax in axes[len(acts) :]:
        ax.set_visible(False)
    axes[0].legend(loc="upper left", fontsize=8, frameon=False)
    return fig
