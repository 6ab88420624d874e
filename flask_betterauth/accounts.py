"""The accounts service: the only code that writes the ``account`` table.

Handlers and plugins reach it as ``ctx.accounts``: a user's credential account (the
email-and-password one: ``providerId="credential"``, ``accountId`` the user's id), their
linked accounts, linking, unlinking and setting a password.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .clock import now
from .records import Record
from .storage import Adapter

CREDENTIAL = "credential"


class Accounts:
    """List, link, unlink accounts and set passwords.

    :param adapter: the storage adapter.
    :param generate_id: makes row ids.
    """

    def __init__(self, adapter: Adapter, generate_id: Callable[[], str]) -> None:
        self.adapter = adapter
        self.generate_id = generate_id

    def list(self, user_id: str) -> list[Record]:
        """The user's accounts, oldest first."""
        rows = self.adapter.find_many("account", {"userId": user_id}, sort_by=("createdAt", "asc"))
        return [Record(row) for row in rows]

    def credential(self, user_id: str) -> Record | None:
        """The user's email-and-password account, if any."""
        found = self.adapter.find_one(
            "account", {"userId": user_id, "providerId": CREDENTIAL, "accountId": user_id}
        )
        return Record(found) if found is not None else None

    def link(
        self,
        user_id: str,
        provider_id: str,
        account_id: str,
        *,
        created_at: datetime | None = None,
        **fields: Any,
    ) -> Record:
        """Link an account of ``provider_id`` (its id there: ``account_id``) to the user."""
        moment = created_at or now()
        row = {
            "id": self.generate_id(),
            "accountId": account_id,
            "providerId": provider_id,
            "userId": user_id,
            "createdAt": moment,
            "updatedAt": moment,
            **fields,
        }
        return Record(self.adapter.create("account", row))

    def create_credential(
        self, user_id: str, password_hash: str, created_at: datetime | None = None
    ) -> Record:
        """Give the user a credential account holding ``password_hash``."""
        return self.link(
            user_id, CREDENTIAL, user_id, created_at=created_at, password=password_hash
        )

    def unlink(self, account_row_id: str) -> int:
        """Remove the account whose row id is ``account_row_id``; how many went (0 or 1)."""
        return self.adapter.delete_many("account", {"id": account_row_id})

    def set_password(self, user_id: str, password_hash: str) -> None:
        """Store ``password_hash`` on the user's credential account, creating the account
        when the user has none."""
        account = self.credential(user_id)
        if account is None:
            self.create_credential(user_id, password_hash)
            return
        self.adapter.update_many(
            "account", {"id": account["id"]}, {"password": password_hash, "updatedAt": now()}
        )

    def delete_for_user(self, user_id: str) -> None:
        """Remove every account of the user (part of deleting the user)."""
        self.adapter.delete_many("account", {"userId": user_id})
