"""Explorers: live ipywidgets with a kernel-free fallback for the static book."""

from actnet.widgets.explorer import Control, Explorer

__all__ = ["Control", "Explorer"]
