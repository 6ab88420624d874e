"""The passkey plugin's ready-made pages (not built yet)."""

from __future__ import annotations

from typing import Any


def register(kit: Any) -> None:
    """Add the passkey pages (none yet: the API works without them)."""
