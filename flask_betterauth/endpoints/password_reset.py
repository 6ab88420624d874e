"""Password reset: ``POST /request-password-reset``, ``GET /reset-password/:token`` (the
mailed link) and ``POST /reset-password``.

The token is 24 random letters and digits, single use, valid for
``email_and_password.reset_password_token_expires_in`` seconds, and stored hashed
(:mod:`flask_betterauth.verifications`).
"""

from __future__ import annotations

import logging
from typing import Any

from marshmallow import fields

from ..after_response import after_response
from ..context import Context
from ..dispatch import Redirect
from ..errors import APIError
from ..links import js_encode
from ..links import mail_token_link
from ..links import set_query
from ..password_rules import check_new_password
from ..password_rules import check_password_length
from ..password_rules import reset_password_of
from ..records import Record
from ..registry import endpoint
from ..validation import BodySchema
from ..validation import StrictString

logger = logging.getLogger("flask_betterauth")

PREFIX = "reset-password:"
TOKEN_LENGTH = 24
REQUEST_ANSWER = {
    "status": True,
    "message": "If this email exists in our system, check your email for the reset link",
}


class RequestPasswordResetBody(BodySchema):
    """The body of ``POST /request-password-reset``."""

    email = fields.Email(required=True)
    redirectTo = StrictString()


@endpoint("/request-password-reset", body=RequestPasswordResetBody)
def request_password_reset(ctx: Context) -> dict[str, Any]:
    """Mail a reset link to the account of this address; the answer is the same, as
    fast, whether or not there is one (the mail goes out after it, and a mail that fails
    is logged, not answered)."""
    mailer = ctx.state.mailer
    if not mailer.can_send("reset_password"):
        logger.error(
            "Reset password isn't enabled: pass email_and_password="
            '{"send_reset_password": fn} or configure a mail sender (BETTER_AUTH_MAIL)'
        )
        raise APIError(400, "RESET_PASSWORD_DISABLED")
    user = ctx.users.find_by_email(ctx.body["email"])
    if user is not None:
        redirect_to = ctx.body.get("redirectTo")
        after_response(
            ctx, lambda: _mail_reset_link(ctx, user, redirect_to), "the password-reset mail"
        )
    return dict(REQUEST_ANSWER)


def _mail_reset_link(ctx: Context, user: Record, redirect_to: str | None) -> None:
    """Issue a reset token for ``user`` and mail its link (after the answer: the same
    answer, as fast, whether or not the address has an account)."""
    expires_in = ctx.options.email_and_password.reset_password_token_expires_in
    token, row = ctx.verifications.issue(PREFIX, user["id"], expires_in, length=TOKEN_LENGTH)
    callback = js_encode(redirect_to) if redirect_to else ""
    url = f"{ctx.base_url}/reset-password/{token}?callbackURL={callback}"
    mail_token_link(
        ctx,
        ctx.state.mailer,
        "reset_password",
        "reset-password",
        user=user,
        url=url,
        token=token,
        row=row,
        expires_in=expires_in,
    )


class ResetPasswordCallbackQuery(BodySchema):
    """The query of ``GET /reset-password/:token``."""

    callbackURL = StrictString(required=True)


@endpoint(
    "/reset-password/:token",
    method="GET",
    query=ResetPasswordCallbackQuery,
    name="request_password_reset_callback",
)
def request_password_reset_callback(ctx: Context) -> Redirect:
    """The mailed link: send the browser to the app's page with ``?token=``, or with
    ``?error=INVALID_TOKEN``. The token is not used up here."""
    token = ctx.params.get("token", "")
    callback = ctx.query["callbackURL"]
    if ctx.verifications.find(PREFIX, token) is None:
        return Redirect(set_query(ctx.base_url, callback, {"error": "INVALID_TOKEN"}))
    return Redirect(set_query(ctx.base_url, callback, {"token": token}))


class ResetPasswordBody(BodySchema):
    """The body of ``POST /reset-password``."""

    newPassword = StrictString(required=True)
    token = StrictString()


class ResetPasswordQuery(BodySchema):
    """The query of ``POST /reset-password`` (the token may come here instead)."""

    token = StrictString()


@endpoint("/reset-password", body=ResetPasswordBody, query=ResetPasswordQuery)
def reset_password(ctx: Context) -> dict[str, Any]:
    """Set a new password with a mailed token; the token is used up. Signs no one in."""
    token = ctx.body.get("token") or ctx.query.get("token")
    if not token:
        raise APIError(400, "INVALID_TOKEN")
    password = ctx.body["newPassword"]
    check_password_length(ctx.options.email_and_password, password)
    row = ctx.verifications.find(PREFIX, token)
    if row is None:
        raise APIError(400, "INVALID_TOKEN")
    user = ctx.users.find_by_id(row["value"])
    if user is None:
        raise APIError(400, "USER_NOT_FOUND")
    check_new_password(ctx, password, user=ctx.user_json(user))

    def use_up() -> None:
        if ctx.verifications.consume(PREFIX, token) is None:
            raise APIError(400, "INVALID_TOKEN")

    reset_password_of(ctx, user, password, use_up)
    return {"status": True}
