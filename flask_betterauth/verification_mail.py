"""Verification mail the flows share: the link's token (Better Auth's HS256 JWT), who
sends it, and sending it on sign-up, on sign-in and for a change of address."""

from __future__ import annotations

import logging

from . import jwt
from .context import Context
from .errors import APIError
from .links import mail_link
from .records import Record
from .records import merged
from .users import normalise_email

logger = logging.getLogger("flask_betterauth")


def verification_token(
    ctx: Context,
    email: str,
    user_id: str | None,
    *,
    update_to: str | None = None,
    request_type: str | None = None,
) -> str:
    """A signed verification token for ``email`` (claims in Better Auth's order)."""
    claims = {
        "email": normalise_email(email),
        "updateTo": normalise_email(update_to) if update_to else None,
        "requestType": request_type,
        "userId": user_id,
    }
    return jwt.encode(claims, ctx.state.key, ctx.options.email_verification.expires_in)


def can_send_verification(ctx: Context) -> bool:
    """Whether verification mail has a sender (the app's function or the built-in one)."""
    return ctx.state.mailer.can_send("verification")


def require_verification_sender(ctx: Context) -> None:
    """:raises APIError: 400 ``VERIFICATION_EMAIL_NOT_ENABLED`` when no one sends it."""
    if not can_send_verification(ctx):
        logger.error(
            "Verification email isn't enabled: pass email_verification="
            '{"send_verification_email": fn} or configure a mail sender (BETTER_AUTH_MAIL)'
        )
        raise APIError(400, "VERIFICATION_EMAIL_NOT_ENABLED")


def send_change_email_verification(
    ctx: Context, user: Record, new_email: str, callback_url: str | None
) -> None:
    """Mail the link that moves ``user`` to ``new_email`` to that new address."""
    token = verification_token(
        ctx,
        user["email"],
        user["id"],
        update_to=new_email,
        request_type="change-email-verification",
    )
    send_verification_mail(
        ctx,
        merged(user, {"email": new_email}),
        callback_url,
        token=token,
        kind="change-email-verification",
    )


def send_verification_mail(
    ctx: Context,
    user: Record,
    callback_url: str | None,
    *,
    token: str | None = None,
    kind: str = "verify-email",
) -> None:
    """Mail ``user`` (at ``user.email``) a link to ``/verify-email``.

    :raises APIError: 400 ``VERIFICATION_EMAIL_NOT_ENABLED`` without a sender, 503
        ``EMAIL_SEND_FAILED`` when the mail could not be sent.
    """
    require_verification_sender(ctx)
    if token is None:
        token = verification_token(ctx, user["email"], user["id"])
    ctx.state.mailer.send(
        "verification",
        kind,
        user=user,
        url=mail_link(ctx, "/verify-email", token, callback_url),
        token=token,
        expires_in=ctx.options.email_verification.expires_in,
    )


def mail_after_sign_up(ctx: Context, user: Record, callback_url: str | None) -> None:
    """Send the sign-up verification mail when ``send_on_sign_up`` (by default
    ``require_email_verification``) asks for it and someone sends it.

    If it cannot be sent, the new account is removed again and the error raised, so the
    person can simply sign up again.
    """
    options = ctx.options.email_verification
    wanted = options.send_on_sign_up
    if wanted is None:
        wanted = ctx.options.email_and_password.require_email_verification
    if not wanted or not can_send_verification(ctx):
        return
    try:
        send_verification_mail(ctx, user, callback_url)
    except APIError:
        with ctx.state.adapter.transaction():
            ctx.users.delete(user["id"])
        raise


def refuse_unverified(ctx: Context, user: Record, callback_url: str | None) -> None:
    """Sign-in of an unverified user under ``require_email_verification``: mail a fresh
    link first when ``send_on_sign_in`` is on, then 403 ``EMAIL_NOT_VERIFIED``."""
    if ctx.options.email_verification.send_on_sign_in and can_send_verification(ctx):
        send_verification_mail(ctx, user, callback_url)
    raise APIError(403, "EMAIL_NOT_VERIFIED")
