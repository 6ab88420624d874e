"""What the two-factor endpoints share: body fields, the password check, session rotation."""

from __future__ import annotations

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import StrictBoolean
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import start_session

#: Longest code accepted in a body: a backup code is at most 65 characters, a TOTP or
#: OTP 10 digits; anything longer is a 400 before any work.
MAX_CODE_LENGTH = 128


class PasswordBody(BodySchema):
    """A body with the user's password (enable, disable, get-totp-uri, new codes)."""

    password = StrictString()


class CodeBody(BodySchema):
    """The body of the verify endpoints."""

    code = StrictString(required=True)
    trustDevice = StrictBoolean()


def checked_code(ctx: Context) -> str:
    """The body's code, refused when absurdly long.

    :raises APIError: 400 ``VALIDATION_ERROR``.
    """
    code = str(ctx.body["code"])
    if len(code) > MAX_CODE_LENGTH:
        raise APIError(400, "VALIDATION_ERROR", "[body.code] Invalid input: too long")
    return code


def check_password(ctx: Context, user_id: str, password: str | None) -> None:
    """:raises APIError: 400 ``INVALID_PASSWORD`` unless ``password`` is the user's."""
    limit = ctx.options.email_and_password.max_password_length
    if not password or len(password) > limit:
        raise APIError(400, "INVALID_PASSWORD")
    account = ctx.accounts.credential(user_id)
    stored = account.get("password") if account else None
    if not stored or not ctx.state.hasher.verify(stored, password):
        raise APIError(400, "INVALID_PASSWORD")


def rotate_session(ctx: Context, session: Record, user: Record) -> Record:
    """Replace the caller's session by a new one (new cookie), as 2FA changes: the old
    row is deleted. Returns the new session."""
    remember = not ctx.sessions.dont_remember(ctx) and not ctx.sessions.is_short(session)
    new = start_session(ctx, user, remember_me=remember)
    ctx.sessions.delete(session["token"])
    return new
