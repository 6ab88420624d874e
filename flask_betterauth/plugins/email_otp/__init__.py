"""The ``email_otp`` plugin: one-time codes by mail, to sign in (and up), verify an
address and reset a password; wire-compatible with Better Auth's ``emailOTP`` plugin and
its ``emailOTPClient``.

Codes are stored hashed by default, three wrong tries use a code up, and only a sign-in
code is mailed to an address without an account (so no other answer tells whether an
address has one). ``sign-in/email-otp`` goes through the same path as every sign-in, so
a user with two-factor authentication on is asked for the second factor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from jinja2 import PackageLoader

from flask_betterauth import NotBuiltError
from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import MailPurpose
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import current_context

from .endpoints import check_verification_otp
from .endpoints import send_code
from .endpoints import send_verification_otp
from .endpoints import sign_in_email_otp
from .endpoints import verify_email_otp
from .pages import add_pages
from .password import change_email_email_otp
from .password import forget_password_email_otp
from .password import request_email_change_email_otp
from .password import request_password_reset_email_otp
from .password import reset_password_email_otp
from .server import create_verification_otp
from .server import get_verification_otp
from .settings import ERROR_CODES
from .settings import MAIL
from .settings import PLUGIN_ID
from .settings import TEMPLATE
from .settings import EmailOTPSettings

__all__ = ["EmailOTPSettings", "email_otp"]

logger = logging.getLogger("flask_betterauth")

ENDPOINTS = (
    send_verification_otp,
    check_verification_otp,
    verify_email_otp,
    sign_in_email_otp,
    request_password_reset_email_otp,
    forget_password_email_otp,
    reset_password_email_otp,
    request_email_change_email_otp,
    change_email_email_otp,
    create_verification_otp,
    get_verification_otp,
)


def _send_on_sign_up(ctx: Context) -> None:
    """After a sign-up: mail an ``email-verification`` code to the new account."""
    returned = ctx.returned
    if not isinstance(returned, Mapping) or not isinstance(returned.get("user"), Mapping):
        return
    email = returned["user"].get("email")
    if not email or not ctx.mailer.can_send(MAIL):
        return
    try:
        send_code(ctx, str(email), "email-verification")
    except APIError:
        logger.exception("could not send the sign-up verification code to %s", email)


def _code_instead_of_link(user: Record, url: str, token: str) -> None:
    """The core's verification mail, sent as an ``email-verification`` code (the
    ``override_default_email_verification`` option)."""
    ctx = current_context()
    if ctx is None:
        raise RuntimeError("email verification codes are sent during an endpoint call")
    send_code(ctx, str(user["email"]).lower(), "email-verification")


def email_otp(
    send_verification_otp: Callable[[str, str, str], Any] | bool | None = None,
    *,
    otp_length: int = 6,
    expires_in: int = 300,
    allowed_attempts: int = 3,
    disable_sign_up: bool = False,
    send_verification_on_sign_up: bool = False,
    override_default_email_verification: bool = False,
    store_otp: str = "hashed",
    generate_otp: Callable[[str, str], str] | None = None,
    rate_limit: dict[str, int] | None = None,
    resend_strategy: str = "rotate",
    change_email: Mapping[str, Any] | None = None,
) -> Plugin:
    """One-time codes by mail (Better Auth's ``emailOTP``).

    :param send_verification_otp: ``send_verification_otp(email, otp, type)``, the app's
        sender (``type``: ``"sign-in"``, ``"email-verification"`` or
        ``"forget-password"``); or ``True`` / ``None`` for the built-in sender (template
        ``email_otp``), which ``None`` uses only when one is configured.
    :param otp_length: digits of a code (6).
    :param expires_in: seconds a code works (300).
    :param allowed_attempts: wrong tries a code survives (3); the next try, even with
        the right code, answers ``403 TOO_MANY_ATTEMPTS`` and the code is gone.
    :param disable_sign_up: a sign-in code for an address without an account is
        neither mailed nor accepted.
    :param send_verification_on_sign_up: mail an ``email-verification`` code after each
        sign-up.
    :param override_default_email_verification: every verification mail of the core
        (on sign-up, on sign-in, ``send-verification-email``) is a code, not a link.
    :param store_otp: ``"hashed"`` (base64url SHA-256, the default), ``"encrypted"``
        (with the app secret) or ``"plain"`` (Better Auth's default form, row names too).
    :param generate_otp: ``generate_otp(email, type) -> str``, the app's own codes.
    :param rate_limit: ``{"window": 60, "max": 3}`` for each endpoint.
    :param resend_strategy: ``"rotate"``: a new request makes a new code. Better Auth's
        ``"reuse"`` (send the unexpired code again) is not built: it raises
        :class:`~flask_betterauth.NotBuiltError`.
    :param change_email: Better Auth's ``changeEmail`` by code: not built;
        ``{"enabled": True}`` raises :class:`~flask_betterauth.NotBuiltError` (its two
        endpoints answer 400, as Better Auth's do while it is off).
    """
    if resend_strategy != "rotate":
        raise NotBuiltError(f"email_otp(resend_strategy={resend_strategy!r}) is not built yet")
    if change_email and change_email.get("enabled"):
        raise NotBuiltError("email_otp(change_email=...) is not built yet")
    options = EmailOTPSettings(
        send_verification_otp=send_verification_otp,
        otp_length=otp_length,
        expires_in=expires_in,
        allowed_attempts=allowed_attempts,
        disable_sign_up=disable_sign_up,
        send_verification_on_sign_up=send_verification_on_sign_up,
        override_default_email_verification=override_default_email_verification,
        store_otp=store_otp,
        generate_otp=generate_otp,
    )
    limit = {"window": 60, "max": 3, **(rate_limit or {})}
    hooks: dict[str, list[Hook]] = {}
    if send_verification_on_sign_up and not override_default_email_verification:
        sign_up = Hook(_send_on_sign_up, matcher=lambda ep: ep.path.startswith("/sign-up"))
        hooks["after"] = [sign_up]

    def init(app_options: Mapping[str, Any]) -> dict[str, Any] | None:
        if not override_default_email_verification:
            return None
        return {"email_verification": {"send_verification_email": _code_instead_of_link}}

    return Plugin(
        id=PLUGIN_ID,
        endpoints=ENDPOINTS,
        hooks=hooks,
        rate_limit=[
            EndpointRateLimit(frozenset({e.name}), limit["window"], limit["max"])
            for e in ENDPOINTS
            if not e.server_only
        ],
        error_codes=ERROR_CODES,
        mail_purposes=[
            MailPurpose(
                MAIL,
                lambda app_options: send_verification_otp,
                {TEMPLATE: "Your code"},
                arguments=("email", "otp", "type"),
                on_by_default=True,
                loader=PackageLoader("flask_betterauth.plugins.email_otp", "templates"),
            )
        ],
        init=init,
        state=lambda app_options: options,
        pages=add_pages,
    )
