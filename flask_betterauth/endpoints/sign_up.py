"""``POST /sign-up/email``: create a user with an email and a password."""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow.validate import Length

from .. import signals
from ..additional_fields import parse_input
from ..context import Context
from ..errors import APIError
from ..password_rules import check_new_password
from ..password_rules import check_password_length
from ..records import Record
from ..registry import FORM
from ..registry import JSON
from ..registry import endpoint
from ..sessions.flows import start_session
from ..storage import ConflictError
from ..validation import IMAGE_URL_PATTERN
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString
from ..validation import check_image_url
from ..verification_mail import mail_after_sign_up


class SignUpEmailBody(BodySchema):
    """The body of ``POST /sign-up/email`` (additional user fields ride along at the top)."""

    name = StrictString(required=True)
    # 254: the longest address SMTP carries (RFC 5321); longer ones would also overflow
    # PostgreSQL's unique index on user.email (a 500 instead of a 400).
    email = fields.Email(required=True, validate=Length(max=254))
    password = StrictString(required=True, validate=Length(min=1))
    image = StrictString(allow_none=True, metadata={"pattern": IMAGE_URL_PATTERN})
    callbackURL = StrictString()
    rememberMe = StrictBoolean()


@endpoint("/sign-up/email", body=SignUpEmailBody, media_types=(JSON, FORM), form_csrf=True)
def sign_up_email(ctx: Context) -> dict[str, Any]:
    """Sign up with a name, an email and a password; signs in unless configured not to."""
    options = ctx.options.email_and_password
    if not options.enabled or options.disable_sign_up:
        raise APIError(400, "EMAIL_PASSWORD_SIGN_UP_DISABLED")
    password = ctx.body["password"]
    check_password_length(options, password)
    check_image_url(ctx.body.get("image"))
    extra = parse_input(ctx.state.tables["user"], ctx.raw_body, creating=True)
    body = ctx.body
    user = ctx.users.new(body["email"], body["name"], image=body.get("image"), **extra)
    check_new_password(ctx, password, user=ctx.user_json(user))
    quiet = options.require_email_verification or not options.auto_sign_in
    if ctx.users.find_by_email(user["email"]) is not None:
        return _existing(ctx, user, password, quiet)
    try:
        user = ctx.users.create(user, password_hash=ctx.state.hasher.hash(password))
    except ConflictError:
        return _existing(ctx, user, None, quiet)
    mail_after_sign_up(ctx, user, ctx.body.get("callbackURL"))
    signals.send(signals.user_signed_up, user=user)
    if quiet:
        return {"token": None, "user": ctx.user_json(user)}
    session = start_session(ctx, user, remember_me=ctx.body.get("rememberMe") is not False)
    return {"token": session["token"], "user": ctx.user_json(user)}


def _existing(ctx: Context, user: Record, password: str | None, quiet: bool) -> dict[str, Any]:
    """An email already taken: 422, or a look-alike success when enumeration-safe."""
    if not quiet:
        raise APIError(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    if password is not None:
        ctx.state.hasher.burn(password)
    return {"token": None, "user": ctx.user_json(user)}
