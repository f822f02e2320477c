"""``benchmarks/run.py`` loaded as a module, for the tests of its pieces and for the
accuracy tests, which measure errors with its mpmath references."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load():
    if "actnet_bench" in sys.modules:
        return sys.modules["actnet_bench"]
    spec = importlib.util.spec_from_file_location("actnet_bench", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["actnet_bench"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load()
