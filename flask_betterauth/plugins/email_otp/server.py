"""The server-only endpoints (``auth.api`` only): make a code, read one back."""

from __future__ import annotations

from typing import Any

from marshmallow.validate import OneOf

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now

from . import codes
from .settings import TYPES
from .settings import settings


class KindBody(BodySchema):
    """An address and a kind of code."""

    email = StrictString(required=True)
    type = StrictString(required=True, validate=OneOf(TYPES))


@endpoint("/email-otp/create-verification-otp", body=KindBody, server_only=True)
def create_verification_otp(ctx: Context) -> str:
    """Make a code of ``type`` for ``email`` without mailing it; returns the code."""
    otp, _ = codes.create(ctx, str(ctx.body["email"]).lower(), ctx.body["type"])
    return otp


@endpoint("/email-otp/get-verification-otp", method="GET", query=KindBody, server_only=True)
def get_verification_otp(ctx: Context) -> dict[str, Any]:
    """The pending code of ``type`` for ``email`` (``{"otp": null}`` when none).

    :raises APIError: 400 when codes are stored hashed: they cannot be read back.
    """
    row = codes.find(ctx, str(ctx.query["email"]).lower(), ctx.query["type"])
    if row is None or row["expiresAt"] <= now():
        return {"otp": None}
    mode = settings(ctx).store_otp
    if mode == "hashed":
        raise APIError(400, None, "OTP is hashed, cannot return the plain text OTP")
    stored = str(row["value"]).rpartition(":")[0]
    return {"otp": codes.plain_form(ctx, stored, mode)}
