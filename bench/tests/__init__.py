"""Tests of the benchmark's own parsing and reporting (``python3 -m pytest bench``)."""
