"""The guest mode on the ready-made pages (not built yet)."""

from __future__ import annotations

from typing import Any


def add_pages(kit: Any) -> None:
    """The plugin's ``pages`` callback."""
