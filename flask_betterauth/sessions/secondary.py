"""Sessions in a secondary storage (Redis), alone or beside the database (spec 9.6):
Better Auth's key layout, the per-user list of active sessions and revocation markers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..clock import now
from ..clock import to_ms
from ..errors import SecondaryStorageUnavailable
from ..options import Options
from ..records import from_wire
from ..schema import Table
from ..storage import Adapter
from ..storage.base import Row
from ..storage.hooks import create_elsewhere
from ..storage.secondary import GuardedStorage
from ..storage.secondary import check_secondary_storage
from .store import MIN_REVOCATION_MARKER_TTL
from .store import DatabaseSessionStore
from .store import Pair
from .store import SessionStore
from .store import dump_row
from .store import ttl_until

logger = logging.getLogger("flask_betterauth")


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
        if self.database is None:
            # No database row, but the session create hooks still run (the admin
            # plugin's ban check among them), around the storage's write.
            keep = lambda row: self._keep(row, user)  # noqa: E731
            return create_elsewhere(self._adapter(), "session", session, keep)
        row = self.database.create(session, user)
        try:
            self._keep(row, user)
        except SecondaryStorageUnavailable:
            logger.warning("secondary storage is down: session kept in the database only")
        return row

    def _keep(self, row: Row, user: Row) -> Row:
        """Write a new session and add it to its user's list."""
        # The copy kept with the session is the stored user row, column defaults included.
        user = self._adapter().find_one("user", {"id": row["userId"]}) or user
        moment = now()
        self._write(row, user, moment)
        reference = {"token": row["token"], "expiresAt": to_ms(row["expiresAt"])}
        self._update_references(row["userId"], (), reference, moment)
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


def build_store(options: Options, tables: dict[str, Table], adapter: Adapter) -> SessionStore:
    """The session store the options ask for: the database, a secondary storage, or both."""
    session = options.session
    storage = options.secondary_storage
    if storage is None:
        if session.preserve_session_in_database:
            logger.warning(
                "session.preserve_session_in_database has no effect without "
                "secondary_storage and session.store_session_in_database"
            )
        return DatabaseSessionStore(lambda: adapter)
    check_secondary_storage(storage)
    if session.preserve_session_in_database and not session.store_session_in_database:
        logger.warning(
            "session.preserve_session_in_database has no effect without "
            "session.store_session_in_database"
        )
    database = (
        DatabaseSessionStore(lambda: adapter, preserve=session.preserve_session_in_database)
        if session.store_session_in_database
        else None
    )
    return SecondarySessionStore(
        GuardedStorage(storage),
        tables,
        adapter=lambda: adapter,
        database=database,
        expires_in=session.expires_in,
    )
