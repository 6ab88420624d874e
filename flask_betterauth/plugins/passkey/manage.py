"""``GET /passkey/list-user-passkeys``, ``POST /passkey/delete-passkey`` and ``POST
/passkey/update-passkey`` (spec 2.5 to 2.7): a signed-in user's own passkeys."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint

from . import rows
from .registration import MAX_NAME_LENGTH


class PasskeyIdBody(BodySchema):
    """The body of ``POST /passkey/delete-passkey``."""

    id = StrictString(required=True)


class UpdatePasskeyBody(BodySchema):
    """The body of ``POST /passkey/update-passkey``."""

    id = StrictString(required=True)
    name = StrictString(required=True)


@endpoint("/passkey/list-user-passkeys", method="GET", auth="session", name="list_passkeys")
def list_passkeys(ctx: Context) -> list[dict[str, Any]]:
    """The caller's passkeys, oldest first."""
    return [rows.wire(ctx, row) for row in rows.of_user(ctx, ctx.signed_in.user["id"])]


def _own(ctx: Context, passkey_id: str, foreign: APIError) -> dict[str, Any]:
    row = rows.by_id(ctx, passkey_id) if passkey_id else None
    if row is None:
        raise APIError(404, "PASSKEY_NOT_FOUND")
    if row["userId"] != ctx.signed_in.user["id"]:
        raise foreign
    return row


@endpoint("/passkey/delete-passkey", body=PasskeyIdBody, auth="session", name="delete_passkey")
def delete_passkey(ctx: Context) -> dict[str, bool]:
    """Remove one of the caller's passkeys (another user's: 401 with no body)."""
    row = _own(ctx, ctx.body["id"], APIError(401, body=False))
    ctx.adapter.delete_many(rows.TABLE, {"id": row["id"]})
    return {"status": True}


@endpoint("/passkey/update-passkey", body=UpdatePasskeyBody, auth="session", name="update_passkey")
def update_passkey(ctx: Context) -> dict[str, Any]:
    """Rename one of the caller's passkeys; the name is trimmed and must not be blank."""
    name = ctx.body["name"].strip()
    if not name:
        raise APIError(
            400,
            "VALIDATION_ERROR",
            "[body.name] Too small: expected string to have >=1 characters",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise APIError(400, "VALIDATION_ERROR", "[body.name] Too big: name is too long")
    row = _own(ctx, ctx.body["id"], APIError(401, "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY"))
    updated = ctx.adapter.update(rows.TABLE, {"id": row["id"]}, {"name": name})
    if updated is None:
        raise APIError(500, "FAILED_TO_UPDATE_PASSKEY")
    return {"passkey": rows.wire(ctx, updated)}
