"""Test settings: Hypothesis runs derandomized, so every run draws the same examples."""

from hypothesis import settings

settings.register_profile("actnet", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("actnet")
