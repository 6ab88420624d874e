"""The email-OTP plugin's options and error codes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_betterauth.plugins import Context

PLUGIN_ID = "email-otp"
#: The mail purpose and template kind of a code.
MAIL = "email_otp"
TEMPLATE = "email-otp"
#: What a code is for (spec 4); ``change-email`` has endpoints of its own.
TYPES = ("email-verification", "sign-in", "forget-password", "change-email")
STORE_MODES = ("hashed", "plain", "encrypted")

ERROR_CODES = {
    "OTP_EXPIRED": "OTP expired",
    "INVALID_OTP": "Invalid OTP",
    "TOO_MANY_ATTEMPTS": "Too many attempts",
}


@dataclass(frozen=True)
class EmailOTPSettings:
    """The options of :func:`~flask_betterauth.plugins.email_otp`, checked."""

    send_verification_otp: Callable[..., Any] | bool | None
    otp_length: int
    expires_in: int
    allowed_attempts: int
    disable_sign_up: bool
    send_verification_on_sign_up: bool
    override_default_email_verification: bool
    store_otp: str
    generate_otp: Callable[[str, str], str] | None

    def __post_init__(self) -> None:
        if self.store_otp not in STORE_MODES:
            raise ValueError(f"store_otp must be one of {STORE_MODES}, not {self.store_otp!r}")
        for name in ("otp_length", "expires_in", "allowed_attempts"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{name} must be a positive whole number")

    @property
    def hashed_identifier(self) -> bool:
        """Whether the row names a hash of the address (every mode but ``plain``, which
        keeps Better Auth's ``<type>-otp-<email>`` as it is)."""
        return self.store_otp != "plain"


def settings(ctx: Context) -> EmailOTPSettings:
    """The plugin's options for this app."""
    return ctx.plugin_state(PLUGIN_ID, EmailOTPSettings)
