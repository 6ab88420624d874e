"""The two-factor plugin's options and error codes."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from typing import Any
from typing import TypeVar

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import define_error_codes

PLUGIN_ID = "two-factor"

ERROR_CODES = define_error_codes(
    {
        "OTP_NOT_ENABLED": "OTP not enabled",
        "OTP_NOT_CONFIGURED": "OTP is not available",
        "OTP_HAS_EXPIRED": "OTP has expired",
        "TOTP_NOT_ENABLED": "TOTP not enabled",
        "TOTP_ALREADY_ENABLED": "TOTP is already enabled",
        "TOTP_NOT_CONFIGURED": "TOTP is not available",
        "TWO_FACTOR_NOT_ENABLED": "Two factor isn't enabled",
        "BACKUP_CODES_NOT_ENABLED": "Backup codes aren't enabled",
        "INVALID_BACKUP_CODE": "Invalid backup code",
        "INVALID_CODE": "Invalid code",
        "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE": "Too many attempts. Please request a new code.",
        "ACCOUNT_TEMPORARILY_LOCKED": (
            "Too many failed verification attempts. Your account is temporarily locked. "
            "Please try again later."
        ),
        "INVALID_TWO_FACTOR_COOKIE": "Invalid two factor cookie",
    }
)

#: Tries per sign-in challenge (TOTP and backup codes) before it is cancelled.
CHALLENGE_ATTEMPTS = 5
STORE_MODES = ("plain", "encrypted", "hashed")

T = TypeVar("T")


def _build(kind: type[T], value: Mapping[str, Any] | T | None, name: str) -> T:
    """``kind`` from a mapping of its field names (or as given)."""
    if value is None:
        return kind()
    if isinstance(value, kind):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"two_factor({name}=...) takes a mapping")
    known = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    unknown = set(value) - known
    if unknown:
        raise TypeError(f"two_factor({name}=...) has no option(s) {sorted(unknown)}")
    return kind(**value)


@dataclass(frozen=True)
class TotpOptions:
    """``totp_options``: the authenticator-app codes (RFC 6238, SHA-1).

    :param digits: digits of a code (6).
    :param period: seconds each code lives (30); one step either side is accepted.
    :param disable: turn TOTP off (OTP and backup codes only).
    """

    digits: int = 6
    period: int = 30
    disable: bool = False

    def __post_init__(self) -> None:
        if not 6 <= self.digits <= 10 or self.period < 1:
            raise ValueError("totp_options: digits must be 6-10 and period positive")


@dataclass(frozen=True)
class OtpOptions:
    """``otp_options``: one-time codes sent by mail or text.

    :param send_otp: ``send_otp(user, otp)`` delivers a code; ``True`` mails it with the
        built-in sender (template ``betterauth/mail/two_factor_otp``); ``None``: OTP off.
    :param period: minutes a code lives (3).
    :param digits: digits of a code (6).
    :param allowed_attempts: wrong tries before the code must be sent again (5).
    :param store_otp: ``"plain"`` (Better Auth's default), ``"hashed"`` or ``"encrypted"``.
    """

    send_otp: Callable[..., Any] | bool | None = None
    period: int = 3
    digits: int = 6
    allowed_attempts: int = 5
    store_otp: str = "plain"

    def __post_init__(self) -> None:
        if self.store_otp not in STORE_MODES:
            raise ValueError(f"otp_options.store_otp must be one of {STORE_MODES}")
        if not 4 <= self.digits <= 10 or self.period < 1 or self.allowed_attempts < 1:
            raise ValueError("otp_options: digits 4-10, period and allowed_attempts positive")

    @property
    def enabled(self) -> bool:
        """Whether a sender is configured."""
        return self.send_otp is not None and self.send_otp is not False


@dataclass(frozen=True)
class BackupCodeOptions:
    """``backup_code_options``: the single-use recovery codes.

    :param amount: codes per set (10).
    :param length: characters per code before the dash (10, shown ``xxxxx-xxxxx``).
    :param store_backup_codes: ``"encrypted"`` (Better Auth's default) or ``"plain"``.
    """

    amount: int = 10
    length: int = 10
    store_backup_codes: str = "encrypted"

    def __post_init__(self) -> None:
        if self.store_backup_codes not in ("plain", "encrypted"):
            raise ValueError("backup_code_options.store_backup_codes: 'plain' or 'encrypted'")
        if not 1 <= self.amount <= 100 or not 4 <= self.length <= 64:
            raise ValueError("backup_code_options: amount 1-100, length 4-64")


@dataclass(frozen=True)
class LockoutOptions:
    """``account_lockout``: consecutive failed second factors lock the account.

    :param enabled: on by default.
    :param max_failed_attempts: failures before the lock (10).
    :param duration_seconds: how long the lock lasts (900).
    """

    enabled: bool = True
    max_failed_attempts: int = 10
    duration_seconds: int = 900


@dataclass(frozen=True)
class TwoFactorSettings:
    """Every option of the plugin, resolved (the plugin's per-app state)."""

    issuer: str | None
    totp: TotpOptions
    otp: OtpOptions
    backup_codes: BackupCodeOptions
    lockout: LockoutOptions
    skip_verification_on_enable: bool
    two_factor_cookie_max_age: int
    trust_device_max_age: int

    @classmethod
    def from_arguments(
        cls,
        *,
        issuer: str | None,
        totp_options: Mapping[str, Any] | TotpOptions | None,
        otp_options: Mapping[str, Any] | OtpOptions | None,
        backup_code_options: Mapping[str, Any] | BackupCodeOptions | None,
        account_lockout: Mapping[str, Any] | LockoutOptions | None,
        skip_verification_on_enable: bool,
        two_factor_cookie_max_age: int,
        trust_device_max_age: int,
    ) -> TwoFactorSettings:
        """The settings the factory's arguments describe."""
        return cls(
            issuer=issuer,
            totp=_build(TotpOptions, totp_options, "totp_options"),
            otp=_build(OtpOptions, otp_options, "otp_options"),
            backup_codes=_build(BackupCodeOptions, backup_code_options, "backup_code_options"),
            lockout=_build(LockoutOptions, account_lockout, "account_lockout"),
            skip_verification_on_enable=skip_verification_on_enable,
            two_factor_cookie_max_age=two_factor_cookie_max_age,
            trust_device_max_age=trust_device_max_age,
        )

    def require_totp(self) -> None:
        """:raises APIError: 400 ``TOTP_NOT_CONFIGURED`` when TOTP is off."""
        if self.totp.disable:
            raise APIError(400, "TOTP_NOT_CONFIGURED", "totp isn't configured")
