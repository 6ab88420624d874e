"""Resetting a password with a code, and the change-of-address endpoints (off)."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import check_new_password
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import reset_password_of

from . import codes
from .endpoints import EmailBody
from .endpoints import OtpBody
from .endpoints import address
from .endpoints import code
from .endpoints import require_sender
from .endpoints import send_code


class ResetBody(OtpBody):
    """The body of ``POST /email-otp/reset-password``."""

    password = StrictString(required=True)


class ChangeEmailBody(BodySchema):
    """The body of the change-of-address endpoints."""

    newEmail = StrictString(required=True)
    otp = StrictString()


def _request_reset(ctx: Context) -> dict[str, Any]:
    require_sender(ctx)
    send_code(ctx, address(ctx), "forget-password")
    return {"success": True}


@endpoint("/email-otp/request-password-reset", body=EmailBody)
def request_password_reset_email_otp(ctx: Context) -> dict[str, Any]:
    """Mail a ``forget-password`` code to an account's address (the same answer for an
    address without one, which gets no mail)."""
    return _request_reset(ctx)


@endpoint("/forget-password/email-otp", body=EmailBody)
def forget_password_email_otp(ctx: Context) -> dict[str, Any]:
    """The older name of ``/email-otp/request-password-reset`` (deprecated there too)."""
    return _request_reset(ctx)


@endpoint("/email-otp/reset-password", body=ResetBody)
def reset_password_email_otp(ctx: Context) -> dict[str, Any]:
    """Set a new password with a ``forget-password`` code; the address counts as
    verified afterwards."""
    email = address(ctx)
    password = str(ctx.body["password"])
    check_new_password(ctx, password, user={})
    otp = code(ctx)
    codes.verify(ctx, email, "forget-password", otp, keep=True)
    user = ctx.users.find_by_email(email)
    if user is None:
        raise APIError(400, "USER_NOT_FOUND")
    reset_password_of(ctx, user, password, lambda: codes.verify(ctx, email, "forget-password", otp))
    if not user["emailVerified"]:
        ctx.users.update(user, {"emailVerified": True})
    return {"success": True}


@endpoint("/email-otp/request-email-change", body=ChangeEmailBody, auth="sensitive")
def request_email_change_email_otp(ctx: Context) -> dict[str, Any]:
    """Changing the address with a code is not offered: always 400 (Better Auth's
    answer while ``changeEmail`` is off, its default)."""
    raise APIError(400, None, "Change email with OTP is disabled")


@endpoint("/email-otp/change-email", body=ChangeEmailBody, auth="sensitive")
def change_email_email_otp(ctx: Context) -> dict[str, Any]:
    """See :func:`request_email_change_email_otp`: always 400."""
    raise APIError(400, None, "Change email with OTP is disabled")
