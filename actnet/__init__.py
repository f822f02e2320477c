"""actnet: the tested NumPy code behind the course *Better activation functions*."""

from actnet.activations import Activation, available, get, register, unregister

__all__ = ["Activation", "available", "get", "register", "unregister"]
__version__ = "0.1.0"
