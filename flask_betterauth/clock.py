"""The one source of the current time, so that tests can move it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from datetime import timezone

_override: Callable[[], datetime] | None = None
_UTC = timezone.utc


def now() -> datetime:
    """The current time as an aware UTC datetime, truncated to milliseconds.

    Better Auth stores and sends times at millisecond precision; keeping ours the same
    means what we write compares equal to what we read back.
    """
    current = _override() if _override is not None else datetime.now(_UTC)
    extra = current.microsecond % 1000
    return current.replace(microsecond=current.microsecond - extra) if extra else current


def now_ms() -> int:
    """:func:`now` in milliseconds since the epoch (``to_ms(now())``), without building a
    datetime when the clock is the real one (the rate limiter asks on every request)."""
    if _override is None:
        return time.time_ns() // 1_000_000
    return to_ms(now())


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the clock with ``source`` (``None`` restores the real one). For tests."""
    global _override
    _override = source


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, as JavaScript's ``Date.getTime()``."""
    return int(moment.timestamp() * 1000)


def iso(moment: datetime) -> str:
    """Format as JavaScript's ``toISOString``: UTC, three fractional digits, ``Z``."""
    if moment.tzinfo is not _UTC and moment.utcoffset():
        moment = moment.astimezone(_UTC)
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (``Z`` or an offset) into an aware UTC datetime."""
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_UTC)
    return moment if moment.tzinfo is _UTC else moment.astimezone(_UTC)
