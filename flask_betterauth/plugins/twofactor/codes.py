"""The factors themselves: TOTP secrets and codes, backup codes, one-time codes.

Stored the way Better Auth stores them (spec 2.1): a TOTP secret is 32 random characters,
kept encrypted, and the authenticator gets base32 of their UTF-8 bytes; backup codes are a
JSON array, encrypted by default; an OTP is kept plain, hashed or encrypted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
from datetime import datetime
from urllib.parse import quote

import pyotp

from flask_betterauth.plugins import DecryptionError
from flask_betterauth.plugins import symmetric_decrypt
from flask_betterauth.plugins import symmetric_encrypt

from .settings import BackupCodeOptions
from .settings import TotpOptions

ALPHANUMERIC = string.ascii_letters + string.digits
#: ``encodeURIComponent`` leaves these alone besides letters and digits.
_URI_SAFE = "-_.!~*'()"


def random_text(length: int, alphabet: str = ALPHANUMERIC) -> str:
    """``length`` random characters of ``alphabet``."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


# -- TOTP ----------------------------------------------------------------------------


def new_totp_secret() -> str:
    """A new secret as Better Auth makes one: 32 random letters and digits."""
    return random_text(32)


def authenticator_key(secret: str) -> str:
    """The base32 key an authenticator app is given (no padding).

    A stored ``base32:<key>`` secret (Better Auth's migration format) is that key already.
    """
    if secret.startswith("base32:"):
        return secret[len("base32:") :].upper().rstrip("=")
    return base64.b32encode(secret.encode()).decode().rstrip("=")


def totp_uri(secret: str, options: TotpOptions, issuer: str, account: str) -> str:
    """The ``otpauth://`` URI of Better Auth (label ``issuer:account``, then secret,
    issuer, digits and period), for a QR code or manual entry."""
    label = f"{quote(issuer, safe=_URI_SAFE)}:{quote(account, safe=_URI_SAFE)}"
    return (
        f"otpauth://totp/{label}?secret={authenticator_key(secret)}"
        f"&issuer={quote(issuer, safe=_URI_SAFE)}"
        f"&digits={options.digits}&period={options.period}"
    )


def _totp(secret: str, options: TotpOptions) -> pyotp.TOTP:
    key = authenticator_key(secret)
    key += "=" * (-len(key) % 8)
    return pyotp.TOTP(key, digits=options.digits, interval=options.period)


def totp_code(secret: str, options: TotpOptions, moment: datetime) -> str:
    """The code of ``moment`` (``generateTOTP``; tests and the server-only endpoint)."""
    return _totp(secret, options).at(moment)


def totp_matches(secret: str, options: TotpOptions, code: str, moment: datetime) -> bool:
    """Whether ``code`` is the code of ``moment`` or of one step either side."""
    if len(code) != options.digits or not code.isascii() or not code.isdigit():
        return False
    return bool(_totp(secret, options).verify(code, for_time=moment, valid_window=1))


def seal_secret(app_secret: str, totp_secret: str) -> str:
    """The stored form of a TOTP secret."""
    return symmetric_encrypt(app_secret, totp_secret)


def open_secret(app_secret: str, stored: str) -> str:
    """The TOTP secret of a stored value.

    :raises DecryptionError: when it was sealed with another secret.
    """
    return symmetric_decrypt(app_secret, stored)


# -- backup codes -----------------------------------------------------------------------


def new_backup_codes(options: BackupCodeOptions) -> list[str]:
    """A new set: ``amount`` codes of ``length`` letters and digits, a dash after five."""
    codes = []
    for _ in range(options.amount):
        raw = random_text(options.length)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def seal_backup_codes(app_secret: str, codes: list[str], options: BackupCodeOptions) -> str:
    """The stored form of a set: a JSON array, encrypted unless stored ``plain``."""
    text = json.dumps(codes, separators=(",", ":"))
    if options.store_backup_codes == "encrypted":
        return symmetric_encrypt(app_secret, text)
    return text


def open_backup_codes(app_secret: str, stored: str, options: BackupCodeOptions) -> list[str]:
    """The codes of a stored set, ``[]`` when it cannot be read."""
    try:
        encrypted = options.store_backup_codes == "encrypted"
        text = symmetric_decrypt(app_secret, stored) if encrypted else stored
        codes = json.loads(text)
    except (DecryptionError, ValueError):
        return []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        return []
    return codes


def without_code(codes: list[str], code: str) -> list[str] | None:
    """The set after using ``code``, or ``None`` when it is not one of them (every code is
    compared, in constant time)."""
    found = False
    for known in codes:
        if hmac.compare_digest(known.encode(), code.encode()):
            found = True
    return [c for c in codes if c != code] if found else None


# -- one-time codes ---------------------------------------------------------------------


def new_otp(digits: int) -> str:
    """A random code of ``digits`` decimal digits."""
    return random_text(digits, string.digits)


def stored_otp(app_secret: str, otp: str, mode: str) -> str:
    """The stored form of ``otp``: plain, ``hashed`` (base64url SHA-256) or encrypted."""
    if mode == "hashed":
        return _hashed(otp)
    if mode == "encrypted":
        return symmetric_encrypt(app_secret, otp)
    return otp


def otp_matches(app_secret: str, stored: str, code: str, mode: str) -> bool:
    """Whether ``code`` is the code ``stored`` keeps."""
    if mode == "hashed":
        expected = _hashed(code)
    elif mode == "encrypted":
        try:
            expected, stored = code, symmetric_decrypt(app_secret, stored)
        except DecryptionError:
            return False
    else:
        expected = code
    return hmac.compare_digest(stored.encode(), expected.encode())


def _hashed(otp: str) -> str:
    digest = hashlib.sha256(otp.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_trust(key: bytes, user_id: str, trust_id: str) -> str:
    """The HMAC that binds a trust-device record to its user (base64url, no padding)."""
    digest = hmac.new(key, f"{user_id}!{trust_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
