"""One-time codes (sent by mail or text) and backup codes (spec 2.2)."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictBoolean
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint

from . import challenge
from . import codes
from . import rows
from .common import CodeBody
from .common import PasswordBody
from .common import check_password
from .common import checked_code
from .common import rotate_session

OTP_PREFIX = "2fa-otp-"
#: The mail purpose and template of a one-time code sent by the built-in sender.
OTP_MAIL = "two_factor_otp"
OTP_TEMPLATE = "two-factor-otp"


class SendOtpBody(BodySchema):
    """The body of ``POST /two-factor/send-otp`` (``trustDevice`` is accepted, unused)."""

    trustDevice = StrictBoolean()


class BackupCodeBody(CodeBody):
    """The body of ``POST /two-factor/verify-backup-code``."""

    disableSession = StrictBoolean()


class UserIdBody(BodySchema):
    """The body of the server-only ``view_backup_codes``."""

    userId = StrictString(required=True)


@endpoint("/two-factor/send-otp", body=SendOtpBody, auth="optional")
def send_two_factor_otp(ctx: Context) -> dict[str, Any]:
    """Send a one-time code to the signed-in user or the held sign-in's user."""
    options = challenge.settings(ctx).otp
    if not options.enabled:
        raise APIError(400, "OTP_NOT_CONFIGURED", "otp isn't configured")
    who = challenge.subject(ctx)
    otp = codes.new_otp(options.digits)
    stored = codes.stored_otp(ctx.state.secret, otp, options.store_otp)
    row = ctx.verifications.put(OTP_PREFIX, who.otp_key, f"{stored}:0", options.period * 60)
    try:
        ctx.mailer.send(
            OTP_MAIL, OTP_TEMPLATE, user=who.user, url="", token=otp, expires_in=options.period * 60
        )
    except APIError:
        ctx.verifications.discard(row)
        raise
    return {"status": True}


def _take_otp_try(ctx: Context, key: str, allowed: int) -> tuple[dict[str, Any], str]:
    """The stored code's row and stored form, after counting this try (compare-and-swap).

    :raises APIError: 400 ``OTP_HAS_EXPIRED`` without a code, 400
        ``TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE`` once the tries are spent.
    """
    while True:
        row = ctx.verifications.find(OTP_PREFIX, key)
        if row is None:
            raise APIError(400, "OTP_HAS_EXPIRED")
        stored, _, count = str(row["value"]).rpartition(":")
        used = int(count) if count.isdigit() else allowed
        if used >= allowed:
            raise APIError(400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE")
        if ctx.verifications.swap(row, f"{stored}:{used + 1}"):
            return row, stored


@endpoint("/two-factor/verify-otp", body=CodeBody, auth="optional")
def verify_two_factor_otp(ctx: Context) -> dict[str, Any]:
    """Check a one-time code: completes a held sign-in, or turns 2FA on."""
    options = challenge.settings(ctx).otp
    code = checked_code(ctx)
    who = challenge.subject(ctx)
    factor = challenge.check_not_locked(ctx, who)
    row, stored = _take_otp_try(ctx, who.otp_key, options.allowed_attempts)
    if not codes.otp_matches(ctx.state.secret, stored, code, options.store_otp):
        challenge.failed(ctx, who, factor)
        raise APIError(401, "INVALID_CODE")
    ctx.verifications.discard(row)
    if who.session is not None and not who.user.get("twoFactorEnabled"):
        updated = ctx.users.update(who.user, {"twoFactorEnabled": True})
        new = rotate_session(ctx, who.session, updated)
        return {"token": new["token"], "user": ctx.user_json(updated)}
    return challenge.passed(ctx, who, bool(ctx.body.get("trustDevice")))


@endpoint("/two-factor/verify-backup-code", body=BackupCodeBody, auth="optional")
def verify_backup_code(ctx: Context) -> dict[str, Any]:
    """Use one backup code (it stops working): completes a held sign-in."""
    code = checked_code(ctx)
    who = challenge.subject(ctx)
    row = challenge.check_not_locked(ctx, who)
    if row is None:
        raise APIError(400, "BACKUP_CODES_NOT_ENABLED")
    challenge.spend_attempt(ctx, who)
    options = challenge.settings(ctx).backup_codes
    known = codes.open_backup_codes(ctx.state.secret, str(row["backupCodes"]), options)
    remaining = codes.without_code(known, code)
    if remaining is None:
        challenge.failed(ctx, who, row)
        raise APIError(401, "INVALID_BACKUP_CODE")
    sealed = codes.seal_backup_codes(ctx.state.secret, remaining, options)
    if not rows.swap_backup_codes(ctx, row, sealed):
        raise APIError(409, None, "Failed to verify backup code. Please try again.")
    if ctx.body.get("disableSession"):
        token = who.session["token"] if who.session is not None else None
        return {"token": token, "user": ctx.user_json(who.user)}
    return challenge.passed(ctx, who, bool(ctx.body.get("trustDevice")))


@endpoint("/two-factor/generate-backup-codes", body=PasswordBody, auth="session")
def generate_backup_codes(ctx: Context) -> dict[str, Any]:
    """A new set of backup codes (the old ones stop working)."""
    _, user = ctx.signed_in
    check_password(ctx, user["id"], ctx.body.get("password"))
    if not user.get("twoFactorEnabled"):
        raise APIError(400, "TWO_FACTOR_NOT_ENABLED")
    row = rows.find(ctx, user["id"])
    if row is None:
        raise APIError(400, "BACKUP_CODES_NOT_ENABLED")
    options = challenge.settings(ctx).backup_codes
    backup = codes.new_backup_codes(options)
    sealed = codes.seal_backup_codes(ctx.state.secret, backup, options)
    ctx.adapter.update_many(rows.TABLE, {"id": row["id"]}, {"backupCodes": sealed})
    return {"status": True, "backupCodes": backup}


@endpoint("/two-factor/view-backup-codes", body=UserIdBody, server_only=True)
def view_backup_codes(ctx: Context) -> dict[str, Any]:
    """The user's unused backup codes (server only: for an admin or a recovery page)."""
    row = rows.find(ctx, ctx.body["userId"])
    if row is None:
        raise APIError(400, "BACKUP_CODES_NOT_ENABLED")
    options = challenge.settings(ctx).backup_codes
    known = codes.open_backup_codes(ctx.state.secret, str(row["backupCodes"]), options)
    return {"status": True, "backupCodes": known}
