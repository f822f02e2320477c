"""Tests of what readers and students see, in a real browser (Chromium)."""
