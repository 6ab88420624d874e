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


def _check_email(email: str) -> None:
    try:
        _is_email(email)
    except ValidationError:
        raise APIError(400, "INVALID_EMAIL") from None


def _verified_user(ctx: Context, email: str, password: str) -> Record:
    """The user whose credential matches, after exactly one password hash either way."""
    hasher = ctx.state.hasher
    user = ctx.users.find_by_email(email)
    account = ctx.accounts.credential(user["id"]) if user is not None else None
    stored = account.get("password") if account else None
    if user is None or account is None or not stored:
        hasher.burn(password)
        raise APIError(401, "INVALID_EMAIL_OR_PASSWORD")
    if not hasher.verify(stored, password):
        raise APIError(401, "INVALID_EMAIL_OR_PASSWORD")
    if hasher.needs_rehash(stored):
        ctx.accounts.set_password(user["id"], hasher.hash(password))
    return user


@endpoint(
    "/sign-in/email",
    body=SignInEmailBody,
    media_types=(JSON, FORM),
    form_csrf=True,
    sign_in=True,
)
def sign_in_email(ctx: Context) -> dict[str, Any]:
    """Sign in with an email and a password; starts a new session and sets its cookies."""
    options = ctx.options.email_and_password
    if not options.enabled:
        raise APIError(400, "EMAIL_PASSWORD_DISABLED")
    email, password = ctx.body["email"], ctx.body["password"]
    _check_email(email)
    check_password_length(options, password, minimum=False)
    user = _verified_user(ctx, email, password)
    if options.require_email_verification and not user["emailVerified"]:
        refuse_unverified(ctx, user, ctx.body.get("callbackURL"))
    callback = ctx.body.get("callbackURL")
    # Written (and refused if it cannot be) before the session row exists.
    location = location_header(callback) if callback else None
    session = start_session(ctx, user, remember_me=ctx.body.get("rememberMe") is not False)
    signals.send(signals.user_signed_in, user=user, session=session)
    result: dict[str, Any] = {"redirect": bool(callback), "token": session["token"]}
    if callback and location:
        result["url"] = callback
        ctx.response_headers["Location"] = location
    result["user"] = ctx.user_json(user)
    return result
