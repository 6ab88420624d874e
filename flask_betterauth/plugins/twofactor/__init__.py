"""The ``two_factor`` plugin: TOTP, one-time codes, backup codes and trusted devices,
wire-compatible with Better Auth's ``twoFactor`` plugin and its ``twoFactorClient``.

A sign-in of a user with 2FA on answers ``{"twoFactorRedirect": true, "twoFactorMethods":
[...]}`` with a signed ``two_factor`` cookie instead of a session; the session starts when
``/two-factor/verify-totp``, ``verify-otp`` or ``verify-backup-code`` accepts a code. The
hold applies to every endpoint declared with ``sign_in=True`` except those that prove a
second factor themselves (``second_factor=True``: a passkey).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import PackageLoader

from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import MailPurpose
from flask_betterauth.plugins import Plugin

from .challenge import TRUST_DEVICE_COOKIE
from .challenge import TWO_FACTOR_COOKIE
from .challenge import hold_sign_in
from .code_endpoints import OTP_MAIL
from .code_endpoints import OTP_TEMPLATE
from .code_endpoints import generate_backup_codes
from .code_endpoints import send_two_factor_otp
from .code_endpoints import verify_backup_code
from .code_endpoints import verify_two_factor_otp
from .code_endpoints import view_backup_codes
from .pages import register as register_pages
from .rows import SCHEMA
from .settings import ERROR_CODES
from .settings import PLUGIN_ID
from .settings import BackupCodeOptions
from .settings import LockoutOptions
from .settings import OtpOptions
from .settings import TotpOptions
from .settings import TwoFactorSettings
from .totp_endpoints import disable_two_factor
from .totp_endpoints import enable_two_factor
from .totp_endpoints import generate_totp
from .totp_endpoints import get_totp_uri
from .totp_endpoints import verify_totp

__all__ = [
    "BackupCodeOptions",
    "LockoutOptions",
    "OtpOptions",
    "TotpOptions",
    "two_factor",
]

ENDPOINTS = (
    enable_two_factor,
    disable_two_factor,
    get_totp_uri,
    verify_totp,
    generate_totp,
    send_two_factor_otp,
    verify_two_factor_otp,
    verify_backup_code,
    generate_backup_codes,
    view_backup_codes,
)


def two_factor(
    issuer: str | None = None,
    totp_options: Mapping[str, Any] | TotpOptions | None = None,
    otp_options: Mapping[str, Any] | OtpOptions | None = None,
    backup_code_options: Mapping[str, Any] | BackupCodeOptions | None = None,
    skip_verification_on_enable: bool = False,
    two_factor_cookie_max_age: int = 600,
    trust_device_max_age: int = 30 * 24 * 3600,
    account_lockout: Mapping[str, Any] | LockoutOptions | None = None,
) -> Plugin:
    """Two-factor authentication (Better Auth's ``twoFactor``).

    :param issuer: the name authenticator apps show (default: the ``app_name`` option).
    :param totp_options: ``{"digits": 6, "period": 30, "disable": False}``
        (:class:`TotpOptions`).
    :param otp_options: ``{"send_otp": fn or True, "period": 3, "digits": 6,
        "allowed_attempts": 5, "store_otp": "plain"}`` (:class:`OtpOptions`); without
        ``send_otp`` there are no one-time codes.
    :param backup_code_options: ``{"amount": 10, "length": 10,
        "store_backup_codes": "encrypted"}`` (:class:`BackupCodeOptions`).
    :param skip_verification_on_enable: turn TOTP on at ``enable`` without a first code.
    :param two_factor_cookie_max_age: seconds a held sign-in waits for its code (600).
    :param trust_device_max_age: seconds a trusted browser skips 2FA (30 days).
    :param account_lockout: ``{"enabled": True, "max_failed_attempts": 10,
        "duration_seconds": 900}`` (:class:`LockoutOptions`).
    """
    settings = TwoFactorSettings.from_arguments(
        issuer=issuer,
        totp_options=totp_options,
        otp_options=otp_options,
        backup_code_options=backup_code_options,
        account_lockout=account_lockout,
        skip_verification_on_enable=skip_verification_on_enable,
        two_factor_cookie_max_age=two_factor_cookie_max_age,
        trust_device_max_age=trust_device_max_age,
    )
    send_otp = settings.otp.send_otp
    return Plugin(
        id=PLUGIN_ID,
        endpoints=ENDPOINTS,
        schema=SCHEMA,
        hooks={
            "after": [Hook(hold_sign_in, matcher=lambda ep: ep.sign_in and not ep.second_factor)]
        },
        rate_limit=[
            EndpointRateLimit(frozenset(e.name for e in ENDPOINTS if not e.server_only), 10, 3)
        ],
        error_codes=ERROR_CODES,
        cookies=[TWO_FACTOR_COOKIE, TRUST_DEVICE_COOKIE],
        mail_purposes=[
            MailPurpose(
                OTP_MAIL,
                lambda options: send_otp,
                {OTP_TEMPLATE: "Your sign-in code"},
                arguments=("user", "token"),
                loader=PackageLoader("flask_betterauth.plugins.twofactor", "templates"),
            )
        ],
        state=lambda options: settings,
        pages=register_pages,
    )
