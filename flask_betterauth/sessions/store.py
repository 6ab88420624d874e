"""Where sessions are kept: the database, the secondary storage, or both (spec 9.6).

A store deals in *stored* tokens (the value of ``session.token``: our hash, or a raw
token in rows Better Auth wrote); :mod:`flask_betterauth.sessions.service` turns the cookie's raw
token into the candidates to look up.

With a secondary storage the keys are Better Auth's:

``<token>``
    ``{"session": {...}, "user": {...}}`` (dates as ISO strings), expiring with the session.
``active-sessions-<userId>``
    ``[{"token": ..., "expiresAt": <ms>}]`` sorted by expiry: the user's sessions.
``revoked-sessions-before-<userId>``
    a ms timestamp: copies of the user's sessions created before it are refused, so a
    "sign out everywhere" also wins over a copy written back by a concurrent request.

Writes that end a session reach the secondary storage *before* the database: when the
storage is down the call fails (``503``) with nothing changed, so a session the database
no longer has can never come back from a stale copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from typing import Protocol

from ..clock import iso
from ..clock import now
from ..clock import to_ms
from ..schema import Table
from ..storage import Adapter
from ..storage import Op
from ..storage.base import Row

logger = logging.getLogger("flask_betterauth")

Pair = tuple[Row, Row]
#: The shortest life of a ``revoked-sessions-before-<userId>`` marker (Better Auth's).
MIN_REVOCATION_MARKER_TTL = 24 * 3600


class SessionStore(Protocol):
    """Create, find, update and end sessions; ``token`` fields hold stored tokens."""

    def create(self, session: Row, user: Row) -> Row:
        """Keep a new session; returns it as kept (database hooks may change it)."""
        ...

    def find(self, tokens: list[str]) -> Pair | None:
        """The session whose stored token is one of ``tokens``, and its user."""
        ...

    def update(self, session: Row, changes: Mapping[str, Any]) -> Row | None:
        """Change fields of ``session`` (its expiry on a refresh, additional fields on
        ``update-session``); the updated session, or ``None`` when it is gone."""
        ...

    def remove(self, session: Row) -> None:
        """End one session."""
        ...

    def list_active(self, user_id: str) -> list[Row]:
        """The user's unexpired sessions, oldest first."""
        ...

    def remove_user(self, user_id: str) -> None:
        """End every session of the user."""
        ...

    def remove_others(self, user_id: str, keep_id: str, keep_tokens: Collection[str]) -> None:
        """End every session of the user but the one with id ``keep_id``."""
        ...

    def cleanup_expired(self) -> int:
        """Delete expired sessions now; returns how many database rows went."""
        ...

    def refresh_user(self, user: Row) -> None:
        """Rewrite copies of ``user`` kept beside the user's sessions."""
        ...


class DatabaseSessionStore:
    """Sessions in the ``session`` table, through the adapter.

    :param adapter: returns the app's adapter (read on each call, so a wrapper the
        extension puts around it later, such as database hooks, is used).
    :param preserve: end sessions by setting ``expiresAt`` to now instead of deleting the
        row (``session.preserve_session_in_database``, with a secondary storage only).
    """

    def __init__(self, adapter: Callable[[], Adapter], *, preserve: bool = False) -> None:
        self._adapter = adapter
        self.preserve = preserve

    @property
    def adapter(self) -> Adapter:
        """The app's adapter."""
        return self._adapter()

    def create(self, session: Row, user: Row) -> Row:
        return dict(self.adapter.create("session", session))

    def find(self, tokens: list[str]) -> Pair | None:
        return self.adapter.find_session(tokens)

    def update(self, session: Row, changes: Mapping[str, Any]) -> Row | None:
        return self.adapter.update(
            "session", {"id": session["id"], "token": session["token"]}, changes
        )

    def _end(self, where: dict[str, Any]) -> None:
        if self.preserve:
            moment = now()
            live = {**where, "expiresAt": Op(">", moment)}
            self.adapter.update_many("session", live, {"expiresAt": moment})
        else:
            self.adapter.delete_many("session", where)

    def remove(self, session: Row) -> None:
        self._end({"id": session["id"]})

    def list_active(self, user_id: str) -> list[Row]:
        return self.adapter.find_many(
            "session",
            {"userId": user_id, "expiresAt": Op(">", now())},
            sort_by=("createdAt", "asc"),
        )

    def remove_user(self, user_id: str) -> None:
        self._end({"userId": user_id})

    def remove_others(self, user_id: str, keep_id: str, keep_tokens: Collection[str]) -> None:
        self._end({"userId": user_id, "id": Op("!=", keep_id)})

    def cleanup_expired(self) -> int:
        if self.preserve:
            return 0
        return self.adapter.delete_many("session", {"expiresAt": Op("<=", now())})

    def refresh_user(self, user: Row) -> None:
        return None


def ttl_until(expires_at: datetime | int, moment: datetime) -> int:
    """Whole seconds from ``moment`` to ``expires_at`` (a datetime or ms), at least 0."""
    expires_ms = expires_at if isinstance(expires_at, int) else to_ms(expires_at)
    return max((expires_ms - to_ms(moment)) // 1000, 0)


def dump_row(table: Table, row: Row) -> dict[str, Any]:
    """Every column of ``row`` (returned or not) in JSON form, dates as ISO strings."""
    return {
        name: iso(value) if isinstance(value, datetime) else value
        for name in table.columns
        for value in (row.get(name),)
    }
