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

import json
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
from ..errors import SecondaryStorageUnavailable
from ..records import from_wire
from ..schema import Table
from ..storage import Adapter
from ..storage import Op
from ..storage.base import Row
from ..storage.secondary import GuardedStorage

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


class SecondarySessionStore:
    """Sessions in a secondary storage under Better Auth's keys; with ``database``, in the
    ``session`` table too (``session.store_session_in_database``).

    With the database beside it, the database is complete: lists come from it, a
    session missing from the storage is looked up in it, and when the storage is down
    reads and new sessions go on from the database alone.
    """

    def __init__(
        self,
        storage: GuardedStorage,
        tables: dict[str, Table],
        *,
        adapter: Callable[[], Adapter],
        database: DatabaseSessionStore | None,
        expires_in: int,
    ) -> None:
        self.storage = storage
        self._adapter = adapter
        self.session_table = tables["session"]
        self.user_table = tables["user"]
        self.database = database
        self.marker_ttl = max(expires_in, MIN_REVOCATION_MARKER_TTL)

    # -- keys and values ---------------------------------------------------------------

    @staticmethod
    def active_key(user_id: str) -> str:
        """The key of the user's list of sessions."""
        return f"active-sessions-{user_id}"

    @staticmethod
    def marker_key(user_id: str) -> str:
        """The key of the user's "revoked before" timestamp."""
        return f"revoked-sessions-before-{user_id}"

    def _parse(self, raw: str | None) -> Pair | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            session = from_wire(self.session_table, dict(data["session"]))
            user = from_wire(self.user_table, dict(data["user"]))
        except (ValueError, TypeError, KeyError):
            logger.warning("ignored an unreadable session value in secondary storage")
            return None
        if not isinstance(session.get("expiresAt"), datetime):
            return None
        return dict(session), dict(user)

    def _write(self, session: Row, user: Row, moment: datetime, *, replace: bool = False) -> bool:
        """Store the session and its user; with ``replace``, only over a copy still there
        (so a session ended meanwhile is not brought back). Whether it was written."""
        ttl = ttl_until(session["expiresAt"], moment)
        value = json.dumps(
            {
                "session": dump_row(self.session_table, session),
                "user": dump_row(self.user_table, user),
            },
            separators=(",", ":"),
        )
        if replace:
            return self.storage.set_if_exists(session["token"], value, ttl)
        self.storage.set(session["token"], value, ttl)
        return True

    def _references(self, user_id: str) -> list[dict[str, Any]]:
        raw = self.storage.get(self.active_key(user_id))
        if not raw:
            return []
        try:
            entries = json.loads(raw)
        except ValueError:
            return []
        if not isinstance(entries, list):
            return []
        return [
            e
            for e in entries
            if isinstance(e, dict)
            and isinstance(e.get("token"), str)
            and isinstance(e.get("expiresAt"), int)
        ]

    def _set_references(
        self, user_id: str, entries: list[dict[str, Any]], moment: datetime
    ) -> None:
        live = sorted(
            (e for e in entries if e["expiresAt"] > to_ms(moment)), key=lambda e: e["expiresAt"]
        )
        ttl = ttl_until(live[-1]["expiresAt"], moment) if live else 0
        if ttl > 0:
            self.storage.set(self.active_key(user_id), json.dumps(live, separators=(",", ":")), ttl)
        else:
            self.storage.delete(self.active_key(user_id))

    def _update_references(
        self, user_id: str, drop: Collection[str], add: dict[str, Any] | None, moment: datetime
    ) -> None:
        entries = [e for e in self._references(user_id) if e["token"] not in drop]
        if add is not None:
            entries = [e for e in entries if e["token"] != add["token"]] + [add]
        self._set_references(user_id, entries, moment)

    def _revoked(self, session: Row) -> bool:
        raw = self.storage.get(self.marker_key(session["userId"]))
        if not raw:
            return False
        try:
            before = int(raw)
        except ValueError:
            return False
        created = session.get("createdAt")
        return isinstance(created, datetime) and to_ms(created) < before

    # -- the store -----------------------------------------------------------------------

    def create(self, session: Row, user: Row) -> Row:
        row = self.database.create(session, user) if self.database is not None else session
        # The copy kept with the session is the stored row, column defaults included.
        user = self._adapter().find_one("user", {"id": row["userId"]}) or user
        moment = now()
        try:
            self._write(row, user, moment)
            reference = {"token": row["token"], "expiresAt": to_ms(row["expiresAt"])}
            self._update_references(row["userId"], (), reference, moment)
        except SecondaryStorageUnavailable:
            if self.database is None:
                raise
            logger.warning("secondary storage is down: session kept in the database only")
        return row

    def find(self, tokens: list[str]) -> Pair | None:
        try:
            for token in tokens:
                pair = self._parse(self.storage.get(token))
                if pair is not None:
                    return None if self._revoked(pair[0]) else pair
        except SecondaryStorageUnavailable:
            if self.database is None:
                raise
            logger.warning("secondary storage is down: session read from the database")
        if self.database is not None:
            return self.database.find(tokens)
        return None

    def update(self, session: Row, changes: Mapping[str, Any]) -> Row | None:
        moment = now()
        updated: Row | None = None
        if self.database is not None:
            updated = self.database.update(session, changes)
            if updated is None:
                return None
        try:
            current = self._parse(self.storage.get(session["token"]))
            if current is None:
                # Gone from the storage: ended meanwhile, or kept only in the database.
                return updated
            if updated is None:
                updated = {**current[0], **changes}
            if not self._write(updated, current[1], moment, replace=True):
                return updated if self.database is not None else None
            reference = {"token": session["token"], "expiresAt": to_ms(updated["expiresAt"])}
            self._update_references(session["userId"], (), reference, moment)
        except SecondaryStorageUnavailable:
            if self.database is None:
                raise
            logger.warning("secondary storage is down: session updated in the database only")
        return updated

    def remove(self, session: Row) -> None:
        token = session["token"]
        self.storage.delete(token)
        self._update_references(session["userId"], {token}, None, now())
        if self.database is not None:
            self.database.remove(session)

    def list_active(self, user_id: str) -> list[Row]:
        if self.database is not None:
            return self.database.list_active(user_id)
        moment = now()
        found: list[Row] = []
        seen: set[str] = set()
        for entry in self._references(user_id):
            token = entry["token"]
            if entry["expiresAt"] <= to_ms(moment) or token in seen:
                continue
            seen.add(token)
            pair = self._parse(self.storage.get(token))
            if pair is None or pair[0]["expiresAt"] <= moment or self._revoked(pair[0]):
                continue
            found.append(pair[0])
        return sorted(found, key=lambda s: s["createdAt"])

    def remove_user(self, user_id: str) -> None:
        moment = now()
        marker = self.storage.get(self.marker_key(user_id))
        previous = int(marker) if marker and marker.isdigit() else 0
        self.storage.set(
            self.marker_key(user_id), str(max(to_ms(moment), previous)), self.marker_ttl
        )
        for entry in self._references(user_id):
            self.storage.delete(entry["token"])
        self.storage.delete(self.active_key(user_id))
        if self.database is not None:
            self.database.remove_user(user_id)

    def remove_others(self, user_id: str, keep_id: str, keep_tokens: Collection[str]) -> None:
        if self.database is not None:
            doomed = [s["token"] for s in self.database.list_active(user_id) if s["id"] != keep_id]
        else:
            doomed = [
                e["token"] for e in self._references(user_id) if e["token"] not in keep_tokens
            ]
        for token in doomed:
            self.storage.delete(token)
        self._update_references(user_id, set(doomed), None, now())
        if self.database is not None:
            self.database.remove_others(user_id, keep_id, keep_tokens)

    def cleanup_expired(self) -> int:
        self.storage.purge()
        # Without the database beside it the table holds no live sessions, but may hold
        # rows from before the storage was added: expired ones go all the same.
        database = self.database or DatabaseSessionStore(self._adapter)
        return database.cleanup_expired()

    def refresh_user(self, user: Row) -> None:
        moment = now()
        for entry in self._references(user["id"]):
            pair = self._parse(self.storage.get(entry["token"]))
            if pair is not None and pair[0]["expiresAt"] > moment:
                self._write(pair[0], user, moment, replace=True)
