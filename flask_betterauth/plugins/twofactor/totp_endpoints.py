"""Turning 2FA on and off, and the authenticator-app (TOTP) endpoints (spec 2.2)."""

from __future__ import annotations

from typing import Any

from marshmallow.validate import OneOf

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import DecryptionError
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now

from . import challenge
from . import codes
from . import rows
from .common import CodeBody
from .common import PasswordBody
from .common import check_password
from .common import checked_code
from .common import rotate_session


class EnableBody(PasswordBody):
    """The body of ``POST /two-factor/enable``."""

    method = StrictString(load_default="totp", validate=OneOf(["totp", "otp"]))
    issuer = StrictString()


class SecretBody(BodySchema):
    """The body of the server-only ``generate_totp``."""

    secret = StrictString(required=True)


def _issuer(ctx: Context, given: str | None = None) -> str:
    return given or challenge.settings(ctx).issuer or ctx.options.app_name


@endpoint("/two-factor/enable", body=EnableBody, auth="session")
def enable_two_factor(ctx: Context) -> dict[str, Any]:
    """Start 2FA: a new TOTP secret and backup codes (on once a code is verified), or
    one-time codes (on at once)."""
    session, user = ctx.signed_in
    check_password(ctx, user["id"], ctx.body.get("password"))
    options = challenge.settings(ctx)
    method = ctx.body["method"]
    if method == "otp":
        if not options.otp.enabled:
            raise APIError(400, "OTP_NOT_CONFIGURED")
        updated = ctx.users.update(user, {"twoFactorEnabled": True})
        rotate_session(ctx, session, updated)
        return {"method": "otp"}
    options.require_totp()
    existing = rows.find(ctx, user["id"])
    if existing is not None and existing.get("verified") is not False:
        raise APIError(400, "TOTP_ALREADY_ENABLED")
    secret = codes.new_totp_secret()
    backup = codes.new_backup_codes(options.backup_codes)
    skip = options.skip_verification_on_enable
    rows.save(
        ctx,
        user["id"],
        codes.seal_secret(ctx.state.secret, secret),
        codes.seal_backup_codes(ctx.state.secret, backup, options.backup_codes),
        verified=skip,
    )
    if skip:
        updated = ctx.users.update(user, {"twoFactorEnabled": True})
        rotate_session(ctx, session, updated)
    uri = codes.totp_uri(secret, options.totp, _issuer(ctx, ctx.body.get("issuer")), user["email"])
    return {"method": "totp", "totpURI": uri, "backupCodes": backup}


@endpoint("/two-factor/disable", body=PasswordBody, auth="sensitive")
def disable_two_factor(ctx: Context) -> dict[str, Any]:
    """Turn 2FA off: the secret and codes go, this browser's trust too."""
    session, user = ctx.signed_in
    check_password(ctx, user["id"], ctx.body.get("password"))
    rows.delete(ctx, user["id"])
    updated = ctx.users.update(user, {"twoFactorEnabled": False})
    rotate_session(ctx, session, updated)
    challenge.forget_device(ctx, user)
    return {"status": True}


@endpoint("/two-factor/get-totp-uri", body=PasswordBody, auth="session")
def get_totp_uri(ctx: Context) -> dict[str, Any]:
    """The ``otpauth://`` URI of the user's secret again (to add another device)."""
    options = challenge.settings(ctx)
    options.require_totp()
    _, user = ctx.signed_in
    row = rows.find(ctx, user["id"])
    if row is None:
        raise APIError(400, "TOTP_NOT_ENABLED")
    check_password(ctx, user["id"], ctx.body.get("password"))
    secret = _secret(ctx, row)
    return {"totpURI": codes.totp_uri(secret, options.totp, _issuer(ctx), user["email"])}


def _secret(ctx: Context, row: dict[str, Any]) -> str:
    try:
        return codes.open_secret(ctx.state.secret, str(row["secret"]))
    except DecryptionError:
        raise APIError(500, "TOTP_NOT_CONFIGURED", "The TOTP secret cannot be read") from None


@endpoint("/two-factor/verify-totp", body=CodeBody, auth="optional")
def verify_totp(ctx: Context) -> dict[str, Any]:
    """Check an authenticator code: completes a held sign-in, or turns 2FA on."""
    options = challenge.settings(ctx)
    options.require_totp()
    code = checked_code(ctx)
    who = challenge.subject(ctx)
    row = challenge.check_not_locked(ctx, who)
    if row is None or (who.signing_in and row.get("verified") is False):
        raise APIError(400, "TOTP_NOT_ENABLED")
    challenge.spend_attempt(ctx, who)
    if not codes.totp_matches(_secret(ctx, row), options.totp, code, now()):
        challenge.failed(ctx, who, row)
        raise APIError(401, "INVALID_CODE")
    if row.get("verified") is not True and who.session is not None:
        answer = {"token": who.session["token"], "user": ctx.user_json(who.user)}
        if not who.user.get("twoFactorEnabled"):
            updated = ctx.users.update(who.user, {"twoFactorEnabled": True})
            rotate_session(ctx, who.session, updated)
        rows.mark_verified(ctx, row)
        return answer
    return challenge.passed(ctx, who, bool(ctx.body.get("trustDevice")))


@endpoint("/two-factor/generate-totp", body=SecretBody, server_only=True)
def generate_totp(ctx: Context) -> dict[str, Any]:
    """The current code of a TOTP secret (server only: tests and tools)."""
    options = challenge.settings(ctx)
    options.require_totp()
    return {"code": codes.totp_code(ctx.body["secret"], options.totp, now())}
