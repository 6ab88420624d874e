"""``POST /sign-in/email``: sign in with an email and a password."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from marshmallow.validate import Email

from .. import signals
from ..context import Context
from ..errors import APIError
from ..password_rules import check_password_length
from ..records import Record
from ..registry import FORM
from ..registry import JSON
from ..registry import endpoint
from ..security.origins import location_header
from ..sessions.flows import start_session
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString
from ..verification_mail import refuse_unverified

_is_email = Email()


class SignInEmailBody(BodySchema):
    """The body of ``POST /sign-in/email``."""

    email = StrictString(required=True)
    password = StrictString(required=True)
    callbackURL = StrictString()
    rememberMe = StrictBoolean()


def check_email(email: str) -> None:
    """:raises APIError: 400 ``INVALID_EMAIL`` unless ``email`` is an email address."""
    try:
        _is_email(email)
    except ValidationError:
        raise APIError(400, "INVALID_EMAIL") from None


def check_credential(ctx: Context, user: Record | None, password: str, error_code: str) -> Record:
    """``user`` when ``password`` matches their credential account, after exactly one
    password hash either way (so a missing user takes as long as a wrong password).

    Shared by every sign-in with a password (``sign-in/email``, a plugin's
    ``sign-in/username``); a stale hash is upgraded.

    :raises APIError: 400 ``PASSWORD_TOO_LONG``; 401 ``error_code`` when there is no such
        user, no credential account or the password is wrong.
    """
    check_password_length(ctx.options.email_and_password, password, minimum=False)
    hasher = ctx.state.hasher
    account = ctx.accounts.credential(user["id"]) if user is not None else None
    stored = account.get("password") if account else None
    if user is None or account is None or not stored:
        hasher.burn(password)
        raise APIError(401, error_code)
    if not hasher.verify(stored, password):
        raise APIError(401, error_code)
    if hasher.needs_rehash(stored):
        ctx.accounts.set_password(user["id"], hasher.hash(password))
    return user


def finish_sign_in(
    ctx: Context, user: Record, *, callback: str | None, remember_me: bool
) -> dict[str, Any]:
    """What every sign-in does once the user is known: refuse an unverified user when
    verification is required, start the session (``ctx.new_session``) and answer
    ``{redirect, token, url?, user}`` with ``Location`` when there is a callback.

    :raises APIError: 403 ``EMAIL_NOT_VERIFIED``.
    """
    if ctx.options.email_and_password.require_email_verification and not user["emailVerified"]:
        refuse_unverified(ctx, user, callback)
    # Written (and refused if it cannot be) before the session row exists.
    location = location_header(callback) if callback else None
    session = start_session(ctx, user, remember_me=remember_me)
    signals.send(signals.user_signed_in, user=user, session=session)
    result: dict[str, Any] = {"redirect": bool(callback), "token": session["token"]}
    if callback and location:
        result["url"] = callback
        ctx.response_headers["Location"] = location
    result["user"] = ctx.user_json(user)
    return result


@endpoint(
    "/sign-in/email",
    body=SignInEmailBody,
    media_types=(JSON, FORM),
    form_csrf=True,
    sign_in=True,
)
def sign_in_email(ctx: Context) -> dict[str, Any]:
    """Sign in with an email and a password; starts a new session and sets its cookies."""
    if not ctx.options.email_and_password.enabled:
        raise APIError(400, "EMAIL_PASSWORD_DISABLED")
    email, password = ctx.body["email"], ctx.body["password"]
    check_email(email)
    user = check_credential(
        ctx, ctx.users.find_by_email(email), password, "INVALID_EMAIL_OR_PASSWORD"
    )
    return finish_sign_in(
        ctx,
        user,
        callback=ctx.body.get("callbackURL"),
        remember_me=ctx.body.get("rememberMe") is not False,
    )
