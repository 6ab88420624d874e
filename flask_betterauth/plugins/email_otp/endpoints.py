"""Sending and checking codes, verifying an address, and signing in with a code."""

from __future__ import annotations

from typing import Any

from marshmallow.validate import OneOf

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import ConflictError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import check_email
from flask_betterauth.plugins import check_image_url
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import finish_sign_in
from flask_betterauth.plugins import parse_input
from flask_betterauth.plugins import reissue_cookies
from flask_betterauth.plugins import signals
from flask_betterauth.plugins import start_session

from . import codes
from .settings import MAIL
from .settings import TYPES
from .settings import settings

#: Longest code looked at; longer is a 400 before any work.
MAX_OTP_LENGTH = 64


class EmailBody(BodySchema):
    """A body with an address."""

    email = StrictString(required=True)


class SendBody(EmailBody):
    """The body of ``POST /email-otp/send-verification-otp``."""

    type = StrictString(required=True, validate=OneOf(TYPES))


class CheckBody(SendBody):
    """The body of ``POST /email-otp/check-verification-otp``."""

    otp = StrictString(required=True)


class OtpBody(EmailBody):
    """A body with an address and a code."""

    otp = StrictString(required=True)


class SignInBody(OtpBody):
    """The body of ``POST /sign-in/email-otp`` (additional user fields ride along)."""

    name = StrictString()
    image = StrictString(allow_none=True)


def address(ctx: Context) -> str:
    """The body's address, lower-cased then checked.

    :raises APIError: 400 ``INVALID_EMAIL``.
    """
    email = str(ctx.body["email"]).lower()
    check_email(email)
    return email


def code(ctx: Context) -> str:
    """The body's code (absurd lengths refused: they cannot be a code)."""
    otp = str(ctx.body["otp"])
    if len(otp) > MAX_OTP_LENGTH:
        raise APIError(400, "INVALID_OTP")
    return otp


def require_sender(ctx: Context) -> None:
    """:raises APIError: 400 when nothing sends the codes (Better Auth's message)."""
    if not ctx.mailer.can_send(MAIL):
        raise APIError(400, None, "send email verification is not implemented")


def send_code(ctx: Context, email: str, kind: str) -> None:
    """Store a new code and mail it, the enumeration rule applied: a ``sign-in`` code
    (sign-up allowed) goes to any address, the other kinds only to an account's."""
    otp, row = codes.create(ctx, email, kind)
    user = ctx.users.find_by_email(email)
    if user is None and not (kind == "sign-in" and not settings(ctx).disable_sign_up):
        ctx.verifications.discard(row)
        return
    try:
        codes.send(ctx, user["email"] if user is not None else email, otp, kind, user)
    except APIError:
        ctx.verifications.discard(row)
        raise


@endpoint("/email-otp/send-verification-otp", body=SendBody, form_csrf=True)
def send_verification_otp(ctx: Context) -> dict[str, Any]:
    """Mail a code for signing in, verifying the address, or resetting the password.

    The answer is the same for every address: whether it has an account is not told.
    """
    require_sender(ctx)
    email = address(ctx)
    if ctx.body["type"] == "change-email":
        raise APIError(400, None, "Invalid OTP type")
    send_code(ctx, email, ctx.body["type"])
    return {"success": True}


@endpoint("/email-otp/check-verification-otp", body=CheckBody)
def check_verification_otp(ctx: Context) -> dict[str, Any]:
    """Whether a code is right, leaving it usable (a wrong try still counts)."""
    email = address(ctx)
    codes.verify(ctx, email, ctx.body["type"], code(ctx), keep=True)
    if ctx.users.find_by_email(email) is None:
        raise APIError(400, "USER_NOT_FOUND")
    return {"success": True}


@endpoint("/email-otp/verify-email", body=OtpBody, auth="optional")
def verify_email_otp(ctx: Context) -> dict[str, Any]:
    """Verify an address with an ``email-verification`` code."""
    email = address(ctx)
    codes.verify(ctx, email, "email-verification", code(ctx))
    user = ctx.users.find_by_email(email)
    if user is None:
        raise APIError(400, "USER_NOT_FOUND")
    options = ctx.options.email_verification
    if options.before_email_verification is not None:
        options.before_email_verification(user)
    verified = ctx.users.update(user, {"email": email, "emailVerified": True})
    if options.after_email_verification is not None:
        options.after_email_verification(verified)
    if not user["emailVerified"]:
        signals.send(signals.email_verified, user=verified)
    if options.auto_sign_in_after_verification:
        session = start_session(ctx, verified, remember_me=True)
        return {"status": True, "token": session["token"], "user": ctx.user_json(verified)}
    current = ctx.session
    if current is not None and current.user["id"] == verified["id"]:
        reissue_cookies(ctx, current.session, verified)
    return {"status": True, "token": None, "user": ctx.user_json(verified)}


@endpoint("/sign-in/email-otp", body=SignInBody, sign_in=True)
def sign_in_email_otp(ctx: Context) -> dict[str, Any]:
    """Sign in with a ``sign-in`` code; an address without an account gets one (unless
    sign-up is off), and an unverified account loses what it had before the proof."""
    email = address(ctx)
    otp = code(ctx)
    user = ctx.users.find_by_email(email)
    new_user = None
    if user is None and not settings(ctx).disable_sign_up:
        # Checked before the code is used up, so a bad field does not cost the code.
        check_image_url(ctx.body.get("image"))
        extra = parse_input(ctx.state.tables["user"], ctx.raw_body, creating=True)
        new_user = ctx.users.new(
            email,
            ctx.body.get("name") or "",
            emailVerified=True,
            image=ctx.body.get("image"),
            **extra,
        )
    codes.verify(ctx, email, "sign-in", otp)
    if user is None:
        user = ctx.users.find_by_email(email)  # made meanwhile by a parallel sign-in?
    if user is None:
        if new_user is None:
            raise APIError(400, "INVALID_OTP")
        try:
            user = ctx.users.create(new_user)
        except ConflictError:
            raise APIError(400, "INVALID_OTP") from None
        signals.send(signals.user_signed_up, user=user)
    elif not user["emailVerified"]:
        promoted = ctx.users.promote_unproven(user["id"])
        if promoted is None:
            raise APIError(400, "INVALID_OTP")
        user = promoted
    result = finish_sign_in(ctx, user, callback=None, remember_me=True)
    return {"token": result["token"], "user": result["user"]}
