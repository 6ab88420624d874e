"""The verifications service: single-use tokens in the ``verification`` table (password
reset, account deletion), the only code that writes that table; ``ctx.verifications``.

A token is random; only its SHA-256 is stored, in the row's ``identifier``, after the
flow's prefix as Better Auth writes it (``reset-password:<hash>``,
``delete-account-<hash>``). A copy of the table therefore opens no reset link. The
lookup is by that hash, so its timing says nothing about the token; the owner check is a
constant-time compare. Consuming a token deletes its row, and only the caller whose
delete removed the row wins, so two uses racing each other succeed once.

A reset link that Better Auth mailed before a move to Flask named its token in clear, so
it no longer opens here: the user asks for a new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from .clock import now
from .crypto import ALPHANUMERIC
from .crypto import constant_time_equal
from .crypto import hash_token
from .crypto import random_string
from .storage import Adapter
from .storage import Op

Row = dict[str, Any]

#: Expired rows are swept at most this often (seconds), when a new token is made.
PURGE_INTERVAL = 60.0


def identifier(prefix: str, token: str, *, hashed: bool = True) -> str:
    """The stored identifier of ``token`` for the flow with ``prefix`` (the token itself
    when ``hashed`` is false: a plugin option that keeps Better Auth's plain form)."""
    return prefix + (hash_token(token) if hashed else token)


class Verifications:
    """Issue, find, consume and discard single-use tokens.

    :param adapter: the storage adapter.
    :param generate_id: makes row ids.
    """

    def __init__(self, adapter: Adapter, generate_id: Callable[[], str]) -> None:
        self.adapter = adapter
        self.generate_id = generate_id
        self._last_purge: float | None = None

    def issue(
        self,
        prefix: str,
        value: str,
        expires_in: int,
        *,
        length: int = 32,
        alphabet: str = ALPHANUMERIC,
        hashed: bool = True,
    ) -> tuple[str, Row]:
        """Make a token that names ``value`` for ``expires_in`` seconds; returns it and
        its row. The token itself is returned once, here, to be mailed; it is not stored
        (unless ``hashed`` is false).
        """
        self._purge_expired()
        token = random_string(length, alphabet)
        moment = now()
        row = self.adapter.create(
            "verification",
            {
                "id": self.generate_id(),
                "identifier": identifier(prefix, token, hashed=hashed),
                "value": value,
                "expiresAt": moment + timedelta(seconds=expires_in),
                "createdAt": moment,
                "updatedAt": moment,
            },
        )
        return token, row

    def put(
        self, prefix: str, token: str, value: str, expires_in: int, *, hashed: bool = True
    ) -> Row:
        """Store ``value`` under a token the caller made (a plugin's challenge id, a
        counter named after one) for ``expires_in`` seconds, replacing an earlier row of
        that token; only the token's hash is stored, as with :meth:`issue`."""
        key = identifier(prefix, token, hashed=hashed)
        self.adapter.delete_many("verification", {"identifier": key})
        moment = now()
        return self.adapter.create(
            "verification",
            {
                "id": self.generate_id(),
                "identifier": key,
                "value": value,
                "expiresAt": moment + timedelta(seconds=expires_in),
                "createdAt": moment,
                "updatedAt": moment,
            },
        )

    def swap(self, row: Row, value: str) -> bool:
        """Change ``row``'s value to ``value`` if it still holds the value read with it
        (compare-and-swap): of callers racing from one reading, exactly one wins, so a
        counter kept in a row loses no update."""
        where = {"id": row["id"], "value": row["value"]}
        changes = {"value": value, "updatedAt": now()}
        return self.adapter.update_many("verification", where, changes) == 1

    def find(
        self,
        prefix: str,
        token: str,
        *,
        owner: str | None = None,
        hashed: bool = True,
        include_expired: bool = False,
    ) -> Row | None:
        """The unexpired row of ``token``, if any (and, given ``owner``, if its value is
        that). ``include_expired`` returns an expired row too (a flow that answers
        "expired" differently from "unknown" checks ``row["expiresAt"]`` itself)."""
        if not token:
            return None
        rows = self.adapter.find_many(
            "verification",
            {"identifier": identifier(prefix, token, hashed=hashed)},
            limit=1,
            sort_by=("createdAt", "desc"),
        )
        if not rows or (rows[0]["expiresAt"] <= now() and not include_expired):
            return None
        row = rows[0]
        if owner is not None and not constant_time_equal(str(row["value"]), owner):
            return None
        return row

    def consume(
        self, prefix: str, token: str, *, owner: str | None = None, hashed: bool = True
    ) -> Row | None:
        """Use ``token`` up: its row if this call was the one that deleted it, else ``None``.

        Inside an adapter transaction the delete is undone with the rest when the block
        fails, so a failed password update leaves the token usable.
        """
        row = self.find(prefix, token, owner=owner, hashed=hashed)
        if row is None:
            return None
        if self.adapter.delete_many("verification", {"id": row["id"]}) != 1:
            return None
        return row

    def discard(self, row: Row) -> None:
        """Delete a token that will not be used (its mail could not be sent)."""
        self.adapter.delete_many("verification", {"id": row["id"]})

    def take(self, row: Row) -> bool:
        """Delete ``row`` if it still holds the value read with it: of callers racing
        from one reading (or with a :meth:`swap`), exactly one wins."""
        where = {"id": row["id"], "value": row["value"]}
        return self.adapter.delete_many("verification", where) == 1

    def cleanup_expired(self) -> int:
        """Delete every expired token now; returns how many went."""
        return self.adapter.delete_many("verification", {"expiresAt": Op("<=", now())})

    def _purge_expired(self) -> None:
        started = time.monotonic()
        if self._last_purge is not None and started - self._last_purge < PURGE_INTERVAL:
            return
        self._last_purge = started
        self.adapter.delete_many("verification", {"expiresAt": Op("<", now())})
