"""Rate-limit counters: one atomic check-and-count per request, in memory, in the
database (the ``rateLimit`` table, compare-and-set) or in a secondary storage (Redis).
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol

from ..clock import now
from ..clock import now_ms as current_ms
from ..clock import to_ms
from ..errors import BetterAuthError
from ..options.groups import RateLimitRule
from ..storage import Adapter
from ..storage import ConflictError
from ..storage import Op

logger = logging.getLogger("flask_betterauth")

Rule = RateLimitRule
#: Most keys the memory storage keeps; the least recently used go first.
MEMORY_MAX_KEYS = 100_000
#: How often a database-storage counter update is retried when others win the race.
MAX_ATTEMPTS = 64


@dataclass(frozen=True)
class Decision:
    """A storage's answer: whether the request may go on, and if not, for how long not."""

    allowed: bool
    retry_after: int | None = None


#: The answer of most requests (one object, not one per request).
ALLOWED = Decision(True)


class Storage(Protocol):
    """Where counters live: one atomic check-and-count per request."""

    def consume(self, key: str, rule: Rule) -> Decision: ...


def _retry_after(last_ms: int, window: int, now_ms: int) -> int:
    return max(1, math.ceil((last_ms + window * 1000 - now_ms) / 1000))


def _decide(count: int, last_ms: int, rule: Rule, now_ms: int) -> tuple[bool, int]:
    """Better Auth's window, anchored at the last counted request: (allowed, new count)."""
    if now_ms - last_ms >= rule.window * 1000:
        return True, 1
    if count >= rule.max:
        return False, count
    return True, count + 1


class MemoryStorage:
    """Counters in this process's memory; bounded, thread-safe."""

    def __init__(self, max_keys: int = MEMORY_MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._entries: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def consume(self, key: str, rule: Rule) -> Decision:
        """Count one request on ``key`` if ``rule`` allows it."""
        now_ms = current_ms()
        with self._lock:
            count, last_ms = self._entries.get(key, (0, -(10**15)))
            allowed, count = _decide(count, last_ms, rule, now_ms)
            if not allowed:
                return Decision(False, _retry_after(last_ms, rule.window, now_ms))
            self._entries[key] = (count, now_ms)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_keys:
                self._entries.popitem(last=False)
        return ALLOWED


class DatabaseStorage:
    """Counters in the ``rateLimit`` table, shared by every worker and process.

    Each step is a conditional update that names the row's current values, so of two
    requests racing for the last slot exactly one succeeds; the loser reads again.
    Rows idle for longer than the longest window are pruned now and then.
    """

    model = "rateLimit"

    def __init__(
        self, adapter: Adapter, generate_id: Callable[[], str], longest_window: int
    ) -> None:
        self.adapter = adapter
        self.generate_id = generate_id
        self.longest_window = longest_window
        self._last_prune = 0

    def consume(self, key: str, rule: Rule) -> Decision:
        """Count one request on ``key`` if ``rule`` allows it."""
        self.longest_window = max(self.longest_window, rule.window)
        for _ in range(MAX_ATTEMPTS):
            decision = self._attempt(key, rule)
            if decision is not None:
                return decision
        logger.warning("rate limit counter %r stayed contended; refusing the request", key)
        return Decision(False, rule.window)

    def _attempt(self, key: str, rule: Rule) -> Decision | None:
        adapter = self.adapter
        now_ms = to_ms(now())
        row = adapter.find_one(self.model, {"key": key})
        if row is None:
            try:
                adapter.create(
                    self.model,
                    {"id": self.generate_id(), "key": key, "count": 1, "lastRequest": now_ms},
                )
            except ConflictError:
                return None
            self._prune(now_ms)
            return Decision(True)
        count, last_ms = int(row["count"]), int(row["lastRequest"])
        allowed, new_count = _decide(count, last_ms, rule, now_ms)
        if not allowed:
            return Decision(False, _retry_after(last_ms, rule.window, now_ms))
        swapped = adapter.update_many(
            self.model,
            {"key": key, "count": count, "lastRequest": last_ms},
            {"count": new_count, "lastRequest": now_ms},
        )
        if not swapped:
            return None
        if new_count == 1:
            self._prune(now_ms)
        return Decision(True)

    def _prune(self, now_ms: int) -> None:
        """Delete rows idle for longer than the longest window (at most once a window)."""
        cutoff = now_ms - self.longest_window * 1000
        if self._last_prune > cutoff:
            return
        self._last_prune = now_ms
        try:
            self.adapter.delete_many(self.model, {"lastRequest": Op("<", cutoff)})
        except Exception:  # pruning is housekeeping; a failure must not fail the request
            logger.exception("pruning the rateLimit table failed")


class SecondaryStorage:
    """Counters in secondary storage: ``increment(key, ttl)`` must be atomic (Redis ``INCR``).

    The TTL is the rule's window, set when the key is created; a refusal's retry-after
    is the whole window, as Better Auth answers.
    """

    def __init__(self, store: Any) -> None:
        if not callable(getattr(store, "increment", None)):
            raise BetterAuthError(
                "rate_limit.storage='secondary-storage' needs secondary storage with an "
                "increment(key, ttl) method"
            )
        self.store = store

    def consume(self, key: str, rule: Rule) -> Decision:
        """Count one request on ``key`` and refuse it past ``rule.max``."""
        count = int(self.store.increment(key, rule.window))
        return Decision(True) if count <= rule.max else Decision(False, rule.window)


class CustomStorage:
    """An app's own counter store: ``consume(key, rule)`` returns a :class:`Decision` or a
    mapping with ``allowed`` and ``retry_after``."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def consume(self, key: str, rule: Rule) -> Decision:
        """Ask the app's store."""
        answer = self.store.consume(key, rule)
        if isinstance(answer, Decision):
            return answer
        if isinstance(answer, Mapping):
            retry = answer.get("retry_after", answer.get("retryAfter"))
            return Decision(bool(answer["allowed"]), None if retry is None else int(retry))
        raise TypeError(f"rate_limit.custom_storage.consume returned {answer!r}")
