"""The codes: made, stored, mailed and checked under the attempt rule (spec 4.1).

A code lives in a verification row named ``<type>-otp-`` and the address (hashed unless
stored ``plain``), valued ``<stored code>:<failed tries>``. A new code replaces the row.
Every check is a compare-and-swap on that value, so checks racing each other each count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import DecryptionError
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import now
from flask_betterauth.plugins import symmetric_decrypt
from flask_betterauth.plugins import symmetric_encrypt

from .settings import MAIL
from .settings import TEMPLATE
from .settings import EmailOTPSettings
from .settings import settings

Row = dict[str, Any]


def prefix(kind: str) -> str:
    """The identifier's prefix for codes of ``kind``."""
    return f"{kind}-otp-"


def _sha(otp: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(otp.encode()).digest()).rstrip(b"=").decode()


def stored_form(ctx: Context, otp: str, mode: str) -> str:
    """How ``otp`` is kept: plain, base64url SHA-256, or encrypted with the app secret."""
    if mode == "hashed":
        return _sha(otp)
    if mode == "encrypted":
        return symmetric_encrypt(ctx.state.secret, otp)
    return otp


def plain_form(ctx: Context, stored: str, mode: str) -> str | None:
    """The code a stored form keeps, when it can be read back (not hashed)."""
    if mode == "hashed":
        return None
    if mode == "encrypted":
        try:
            return symmetric_decrypt(ctx.state.secret, stored)
        except DecryptionError:
            return None
    return stored


def matches(ctx: Context, stored: str, otp: str, mode: str) -> bool:
    """Whether ``otp`` is the code ``stored`` keeps (constant-time)."""
    if mode == "hashed":
        return hmac.compare_digest(stored.encode(), _sha(otp).encode())
    plain = plain_form(ctx, stored, mode)
    return plain is not None and hmac.compare_digest(plain.encode(), otp.encode())


def new_code(ctx: Context, email: str, kind: str) -> str:
    """A new code for ``email``: the app's ``generate_otp`` or random digits."""
    options = settings(ctx)
    if options.generate_otp is not None:
        made = options.generate_otp(email, kind)
        if made:
            return str(made)
    return "".join(secrets.choice(string.digits) for _ in range(options.otp_length))


def create(ctx: Context, email: str, kind: str) -> tuple[str, Row]:
    """Make and store a new code of ``kind`` for ``email`` (replacing the last one)."""
    options = settings(ctx)
    otp = new_code(ctx, email, kind)
    value = f"{stored_form(ctx, otp, options.store_otp)}:0"
    row = ctx.verifications.put(
        prefix(kind), email, value, options.expires_in, hashed=options.hashed_identifier
    )
    return otp, row


def find(ctx: Context, email: str, kind: str, *, include_expired: bool = False) -> Row | None:
    """The row of the code of ``kind`` for ``email``, if any."""
    options = settings(ctx)
    return ctx.verifications.find(
        prefix(kind), email, hashed=options.hashed_identifier, include_expired=include_expired
    )


def send(ctx: Context, email: str, otp: str, kind: str, user: Record | None) -> None:
    """Mail ``otp`` (of ``kind``) to ``email``."""
    recipient = Record(dict(user) if user is not None else {"email": email, "name": ""})
    ctx.mailer.send(
        MAIL,
        TEMPLATE,
        user=recipient,
        url="",
        token=otp,
        expires_in=settings(ctx).expires_in,
        extra={"otp": otp, "type": kind},
    )


def verify(ctx: Context, email: str, kind: str, otp: str, *, keep: bool = False) -> None:
    """Check ``otp`` against the code of ``kind`` for ``email`` (spec 4.1): a right code is
    used up, or left in place with ``keep`` (``check-verification-otp``).

    :raises APIError: 400 ``OTP_EXPIRED`` (the row goes), 400 ``INVALID_OTP`` (no code,
        or a wrong one: the try is counted), 403 ``TOO_MANY_ATTEMPTS`` (the code goes).
    """
    options: EmailOTPSettings = settings(ctx)
    while True:
        row = find(ctx, email, kind, include_expired=True)
        if row is None:
            raise APIError(400, "INVALID_OTP")
        if row["expiresAt"] <= now():
            ctx.verifications.discard(row)
            raise APIError(400, "OTP_EXPIRED")
        stored, _, count = str(row["value"]).rpartition(":")
        used = int(count) if count.isdigit() else options.allowed_attempts
        if used >= options.allowed_attempts:
            ctx.verifications.take(row)
            raise APIError(403, "TOO_MANY_ATTEMPTS")
        if not matches(ctx, stored, otp, options.store_otp):
            if ctx.verifications.swap(row, f"{stored}:{used + 1}"):
                raise APIError(400, "INVALID_OTP")
            continue  # another check changed the row first: count this try on the new value
        if keep or ctx.verifications.take(row):
            return
