"""Secondary storage: a key-value store beside the database (Better Auth's ``secondaryStorage``).

Give one to the extension as ``secondary_storage=`` and sessions live there (spec 9.6),
so every worker and every host sees the same sessions without a query per request::

    from flask_betterauth.storage.secondary import RedisStorage

    auth.init_app(app, db, secondary_storage=RedisStorage.from_url("redis://localhost:6379/0"))

Any object with the methods of :class:`SecondaryStorage` will do (an optional
``set_if_exists(key, value, ttl) -> bool`` makes session refreshes atomic). Two are
built in:
:class:`MemoryStorage` (one process only: tests and single-process development) and
:class:`RedisStorage` over redis-py (``pip install flask-betterauth[redis]``).

A backend that cannot reach its server raises
:class:`~flask_betterauth.errors.SecondaryStorageUnavailable`; the extension turns it into
a ``503`` JSON answer, or carries on from the database when the database also holds the
sessions (``session={"store_session_in_database": True}``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import Protocol
from typing import TypeVar
from typing import runtime_checkable

from ..clock import now
from ..errors import BetterAuthError
from ..errors import SecondaryStorageUnavailable

logger = logging.getLogger("flask_betterauth")

T = TypeVar("T")

#: The methods every secondary storage must have; sessions need only these.
REQUIRED_METHODS = ("get", "set", "delete")
#: Methods single-use tokens (``get_and_delete``) and rate limits (``increment``) need.
OPTIONAL_METHODS = ("get_and_delete", "increment")


@runtime_checkable
class SecondaryStorage(Protocol):
    """What a secondary storage offers. Keys and values are strings.

    ``ttl`` is in whole seconds; ``None`` keeps the key until it is deleted.
    """

    def get(self, key: str) -> str | None:
        """The value of ``key``, or ``None`` when it is absent or expired."""
        ...

    def set(self, key: str, value: str, ttl: int | None = None) -> None:
        """Store ``value`` under ``key``, replacing any value, for ``ttl`` seconds."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` (no error when it is absent)."""
        ...

    def get_and_delete(self, key: str) -> str | None:
        """Atomically read and remove ``key`` (single-use values)."""
        ...

    def increment(self, key: str, ttl: int) -> int:
        """Atomically add one to the counter ``key`` and return it; a new counter starts
        at 1 and expires after ``ttl`` seconds (later increments keep that expiry)."""
        ...


def check_secondary_storage(storage: Any) -> None:
    """Fail at start-up, naming what is missing, when ``storage`` is not a storage.

    :raises BetterAuthError: when ``get``, ``set`` or ``delete`` is missing.
    """
    missing = [name for name in REQUIRED_METHODS if not callable(getattr(storage, name, None))]
    if missing:
        raise BetterAuthError(
            "option 'secondary_storage' must be an object with get(key), "
            f"set(key, value, ttl=None) and delete(key) methods; {type(storage).__name__} "
            f"lacks {', '.join(missing)}"
        )


class MemoryStorage:
    """A secondary storage in this process's memory, safe across threads.

    It is not shared between worker processes: use it for tests and for a single
    development server, :class:`RedisStorage` anywhere else. Expiry follows
    :func:`flask_betterauth.clock.now`, so tests that move the clock expire keys too.
    """

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, datetime | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, moment: datetime) -> str | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and expires <= moment:
            del self._data[key]
            return None
        return value

    @staticmethod
    def _expiry(ttl: int | None, moment: datetime) -> datetime | None:
        return None if ttl is None else moment + timedelta(seconds=ttl)

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key, now())

    def set(self, key: str, value: str, ttl: int | None = None) -> None:
        with self._lock:
            moment = now()
            if ttl is not None and ttl <= 0:
                self._data.pop(key, None)
                return
            self._data[key] = (value, self._expiry(ttl, moment))

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def set_if_exists(self, key: str, value: str, ttl: int | None = None) -> bool:
        """Replace ``key``'s value only if it is there; whether it was (atomic)."""
        with self._lock:
            moment = now()
            if self._live(key, moment) is None:
                return False
            if ttl is not None and ttl <= 0:
                del self._data[key]
            else:
                self._data[key] = (value, self._expiry(ttl, moment))
            return True

    def get_and_delete(self, key: str) -> str | None:
        with self._lock:
            value = self._live(key, now())
            self._data.pop(key, None)
            return value

    def increment(self, key: str, ttl: int) -> int:
        with self._lock:
            moment = now()
            current = self._live(key, moment)
            if current is None:
                self._data[key] = ("1", self._expiry(ttl, moment))
                return 1
            count = int(current) + 1
            self._data[key] = (str(count), self._data[key][1])
            return count

    def purge(self) -> int:
        """Drop every expired key now; returns how many went."""
        with self._lock:
            moment = now()
            expired = [
                key
                for key, (_, expires) in self._data.items()
                if expires is not None and expires <= moment
            ]
            for key in expired:
                del self._data[key]
            return len(expired)

    def __len__(self) -> int:
        with self._lock:
            moment = now()
            return sum(1 for key in list(self._data) if self._live(key, moment) is not None)


class RedisStorage:
    """A secondary storage on Redis, through redis-py (``flask-betterauth[redis]``).

    :param client: a ``redis.Redis`` client. It must decode responses to ``str``
        (``decode_responses=True``); :meth:`from_url` makes such a client.
    :param key_prefix: prepended to every key, to share one Redis database between apps.
        Empty by default: keys are exactly Better Auth's (spec 9.6).

    Every Redis error (refused connection, timeout, a server that is loading) is raised as
    :class:`~flask_betterauth.errors.SecondaryStorageUnavailable`.
    """

    def __init__(self, client: Any, *, key_prefix: str = "") -> None:
        self.client = client
        self.key_prefix = key_prefix
        try:
            import redis
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise BetterAuthError(
                "RedisStorage needs redis-py: pip install 'flask-betterauth[redis]'"
            ) from error
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        key_prefix: str = "",
        socket_timeout: float = 2.0,
        socket_connect_timeout: float = 1.0,
        **kwargs: Any,
    ) -> RedisStorage:
        """A storage on the Redis at ``url`` (``redis://host:6379/0``, ``rediss://``,
        ``unix://``).

        The timeouts bound how long a request waits on an unreachable or hung Redis
        before it is answered ``503`` (or served from the database), and a failed
        command is retried once only (enough to reconnect after Redis restarted; redis-py's
        own default waits seconds before giving up). Other keywords, ``retry`` included,
        go to ``redis.Redis.from_url``.
        """
        try:
            import redis
            from redis.backoff import ExponentialBackoff
            from redis.retry import Retry
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise BetterAuthError(
                "RedisStorage needs redis-py: pip install 'flask-betterauth[redis]'"
            ) from error
        kwargs.setdefault("retry", Retry(ExponentialBackoff(cap=0.05, base=0.01), 1))
        client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_connect_timeout,
            **kwargs,
        )
        return cls(client, key_prefix=key_prefix)

    def _run(self, what: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except self._errors as error:
            raise SecondaryStorageUnavailable(f"Redis {what} failed: {error}") from error

    def _key(self, key: str) -> str:
        return self.key_prefix + key

    def get(self, key: str) -> str | None:
        value = self._run("GET", lambda: self.client.get(self._key(key)))
        return value if value is None or isinstance(value, str) else str(value)

    def set(self, key: str, value: str, ttl: int | None = None) -> None:
        if ttl is not None and ttl <= 0:
            self.delete(key)
            return
        self._run("SET", lambda: self.client.set(self._key(key), value, ex=ttl))

    def delete(self, key: str) -> None:
        self._run("DEL", lambda: self.client.delete(self._key(key)))

    def set_if_exists(self, key: str, value: str, ttl: int | None = None) -> bool:
        """Replace ``key``'s value only if it is there (``SET ... XX``); whether it was."""
        if ttl is not None and ttl <= 0:
            return bool(self._run("DEL", lambda: self.client.delete(self._key(key))))
        done = self._run("SET", lambda: self.client.set(self._key(key), value, ex=ttl, xx=True))
        return bool(done)

    def get_and_delete(self, key: str) -> str | None:
        value = self._run("GETDEL", lambda: self.client.getdel(self._key(key)))
        return value if value is None or isinstance(value, str) else str(value)

    def increment(self, key: str, ttl: int) -> int:
        def run() -> int:
            pipe = self.client.pipeline(transaction=True)
            pipe.set(self._key(key), 0, ex=ttl, nx=True)
            pipe.incr(self._key(key))
            return int(pipe.execute()[1])

        return self._run("INCR", run)

    def ping(self) -> bool:
        """Whether Redis answers right now."""
        try:
            return bool(self._run("PING", self.client.ping))
        except SecondaryStorageUnavailable:
            return False


class GuardedStorage:
    """Calls a storage the app supplied; any failure becomes ``SecondaryStorageUnavailable``.

    The built-in backends raise that error themselves; this wrapper gives the same
    behaviour to an app's own object, whose client library raises its own errors. The
    original error is logged.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _run(self, name: str, *args: Any) -> Any:
        try:
            return getattr(self.inner, name)(*args)
        except SecondaryStorageUnavailable:
            raise
        except Exception as error:
            logger.exception("secondary storage %s() failed", name)
            raise SecondaryStorageUnavailable(f"{name}() failed: {error}") from error

    def get(self, key: str) -> str | None:
        value = self._run("get", key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode()
        return json.dumps(value)

    def set(self, key: str, value: str, ttl: int | None = None) -> None:
        self._run("set", key, value, ttl)

    def delete(self, key: str) -> None:
        self._run("delete", key)

    def set_if_exists(self, key: str, value: str, ttl: int | None = None) -> bool:
        """Replace ``key``'s value only if it is there; whether it was.

        Atomic when the storage has its own ``set_if_exists`` (both built-in ones do), so
        a session ended meanwhile is not written back; else a read, then a write.
        """
        if callable(getattr(self.inner, "set_if_exists", None)):
            return bool(self._run("set_if_exists", key, value, ttl))
        if self.get(key) is None:
            return False
        self.set(key, value, ttl)
        return True

    def purge(self) -> int:
        """Drop expired keys when the storage can (:class:`MemoryStorage`); else 0."""
        if not callable(getattr(self.inner, "purge", None)):
            return 0
        return int(self._run("purge"))


__all__ = [
    "GuardedStorage",
    "MemoryStorage",
    "RedisStorage",
    "SecondaryStorage",
    "check_secondary_storage",
]
