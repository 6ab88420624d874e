"""The ``passkey`` table (spec 5): its schema, and reading and writing its rows as Better
Auth encodes them (COSE key in padded base64, credential id in base64url, transports as
a comma string), so a database moved from Better Auth keeps working."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import now
from flask_betterauth.plugins import to_wire

TABLE = "passkey"
Row = dict[str, Any]

SCHEMA: dict[str, dict[str, Any]] = {
    TABLE: {
        "fields": {
            "name": {"type": "string", "required": False},
            "publicKey": {"type": "string", "required": True},
            "userId": {
                "type": "string",
                "required": True,
                "references": "user.id",
                "index": True,
            },
            "credentialID": {"type": "string", "required": True, "index": True},
            "counter": {"type": "number", "required": True},
            "deviceType": {"type": "string", "required": True},
            "backedUp": {"type": "boolean", "required": True},
            "transports": {"type": "string", "required": False},
            "createdAt": {"type": "date", "required": False},
            "aaguid": {"type": "string", "required": False},
        }
    }
}

#: py_webauthn's device types, as Better Auth stores them.
DEVICE_TYPES = {"single_device": "singleDevice", "multi_device": "multiDevice"}


def wire(ctx: Context, row: Row) -> dict[str, Any]:
    """A passkey in its JSON form (every column, the public key included, as Better Auth)."""
    return to_wire(ctx.state.tables[TABLE], row)


def of_user(ctx: Context, user_id: str) -> list[Row]:
    """The user's passkeys, oldest first."""
    return ctx.adapter.find_many(TABLE, {"userId": user_id}, sort_by=("createdAt", "asc"))


def by_id(ctx: Context, passkey_id: str) -> Row | None:
    """The passkey with row id ``passkey_id``, if any."""
    return ctx.adapter.find_one(TABLE, {"id": passkey_id})


def by_credential(ctx: Context, credential_id: str) -> Row | None:
    """The passkey whose ``credentialID`` is exactly ``credential_id``, if any."""
    return ctx.adapter.find_one(TABLE, {"credentialID": credential_id})


def transports_of(row: Row) -> list[str]:
    """The stored transports as a list (``""`` and ``NULL`` give none)."""
    return [t for t in str(row.get("transports") or "").split(",") if t]


def public_key(row: Row) -> bytes:
    """The stored COSE key; either base64 alphabet is accepted, as Better Auth's decoder.

    :raises ValueError: when the column is not base64.
    """
    text = str(row["publicKey"]).strip().rstrip("=")
    text = text.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error as error:
        raise ValueError("the stored public key is not base64") from error


def create(ctx: Context, values: Row) -> Row:
    """Insert a new passkey row (``id`` and ``createdAt`` filled in)."""
    return ctx.adapter.create(TABLE, {"id": ctx.generate_id(), "createdAt": now(), **values})


def advance_counter(ctx: Context, row: Row, counter: int) -> bool:
    """Store a new sign count if no other sign-in changed it since ``row`` was read."""
    where = {"id": row["id"], "counter": row["counter"]}
    return ctx.adapter.update_many(TABLE, where, {"counter": counter}) == 1
