"""The users service: the only code that writes the ``user`` table.

Handlers and plugins reach it as ``ctx.users``. Emails are normalised here, once; a new
user comes with its credential account in one transaction; an update refreshes the copies
of the user kept with their sessions; a delete takes the user's sessions, accounts and
pending tokens with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Protocol

from .accounts import Accounts
from .clock import now
from .records import Record
from .storage import Adapter


class SessionCopies(Protocol):
    """What the users service needs of the sessions: their copies of a user."""

    def refresh_user(self, user: Mapping[str, Any]) -> None: ...

    def revoke_user(self, user_id: str) -> None: ...


def normalise_email(email: str) -> str:
    """The form emails are stored and looked up in (lower case, as Better Auth)."""
    return email.lower()


class Users:
    """Find, create, update and delete users.

    :param adapter: the storage adapter.
    :param accounts: the accounts service (credential accounts, the delete's cascade).
    :param sessions: the sessions, whose copies of a user follow its changes.
    :param generate_id: makes row ids.
    """

    def __init__(
        self,
        adapter: Adapter,
        accounts: Accounts,
        sessions: SessionCopies,
        generate_id: Any,
    ) -> None:
        self.adapter = adapter
        self.accounts = accounts
        self.sessions = sessions
        self.generate_id = generate_id

    def find_by_email(self, email: str) -> Record | None:
        """The user with ``email`` (in any case), if any."""
        found = self.adapter.find_one("user", {"email": normalise_email(email)})
        return Record(found) if found is not None else None

    def find_by_id(self, user_id: str) -> Record | None:
        """The user with id ``user_id``, if any."""
        found = self.adapter.find_one("user", {"id": user_id})
        return Record(found) if found is not None else None

    def find_where(self, where: Mapping[str, Any]) -> Record | None:
        """The user whose fields equal ``where`` (``{"username": "ada"}``), if any: for
        plugins that add a field users are found by."""
        found = self.adapter.find_one("user", dict(where))
        return Record(found) if found is not None else None

    def new(self, email: str, name: str, **fields: Any) -> Record:
        """A user record not yet stored: id, normalised email, timestamps, ``fields``."""
        moment = now()
        return Record(
            {
                "id": self.generate_id(),
                "name": name,
                "email": normalise_email(email),
                "emailVerified": False,
                "image": None,
                "createdAt": moment,
                "updatedAt": moment,
                **fields,
            }
        )

    def create(self, user: Mapping[str, Any], *, password_hash: str | None = None) -> Record:
        """Store ``user`` (made by :meth:`new`); with ``password_hash``, its credential
        account too, in the same transaction.

        :raises ConflictError: when the email is taken.
        """
        with self.adapter.transaction():
            created = Record(self.adapter.create("user", user))
            if password_hash is not None:
                self.accounts.create_credential(created["id"], password_hash, created["createdAt"])
        return created

    def update(self, user: Mapping[str, Any], changes: Mapping[str, Any]) -> Record:
        """Write ``changes`` (and ``updatedAt``) to ``user`` and to the copies kept with
        their sessions; the user as it now is (``changes`` applied even when a database
        hook declined the write, as Better Auth answers).

        :raises ConflictError: when a new email address is taken.
        """
        changes = {**changes, "updatedAt": now()}
        if "email" in changes:
            changes["email"] = normalise_email(str(changes["email"]))
        updated = self.adapter.update("user", {"id": user["id"]}, changes)
        saved = Record(updated) if updated is not None else Record({**user, **changes})
        self.sessions.refresh_user(saved)
        return saved

    def promote_unproven(self, user_id: str) -> Record | None:
        """A sign-in that proved the user's mailbox (magic link, email code) reached an
        unverified user: remove every account (the password too) and session the user
        had before the proof, then mark the email verified (Better Auth's
        ``revokeUnprovenAccountAccess``). The flag is flipped first, by compare-and-set,
        so of sign-ins racing each other only one clears, and none clears a session
        another just started. Returns the user as it now is (``None`` when gone).
        """
        with self.adapter.transaction():
            where = {"id": user_id, "emailVerified": False}
            changes = {"emailVerified": True, "updatedAt": now()}
            if self.adapter.update_many("user", where, changes) == 1:
                self.sessions.revoke_user(user_id)
                self.accounts.delete_for_user(user_id)
        user = self.find_by_id(user_id)
        if user is not None:
            self.sessions.refresh_user(user)
        return user

    def delete(self, user_id: str) -> None:
        """Delete the user with their sessions, accounts and pending tokens (inside the
        caller's transaction, if any)."""
        self.sessions.revoke_user(user_id)
        self.accounts.delete_for_user(user_id)
        self.adapter.delete_many("verification", {"value": user_id})
        self.adapter.delete_many("user", {"id": user_id})
