"""A small bounded memo of values already verified, for the hot path.

A signed cookie that verified once verifies again: the memo is keyed by the exact
cookie text, so a hit proves what the first check proved, and a repeat request skips
the HMAC, the base64 and the JSON. Expiry is still checked on every hit by the caller.
"""

from __future__ import annotations

from typing import Generic
from typing import TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """At most ``size`` entries; when full, the oldest entry goes."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._entries: dict[str, T] = {}

    def get(self, key: str) -> T | None:
        """The remembered value of ``key``, if any."""
        return self._entries.get(key)

    def put(self, key: str, value: T) -> None:
        """Remember ``value`` for ``key``."""
        entries = self._entries
        if len(entries) >= self.size:
            try:
                del entries[next(iter(entries))]
            except (StopIteration, KeyError, RuntimeError):
                entries.clear()
        entries[key] = value
