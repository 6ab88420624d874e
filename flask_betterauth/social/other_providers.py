"""Placeholder."""

from .table import ProviderSpec

OTHER: dict[str, ProviderSpec] = {}
