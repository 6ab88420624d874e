"""The reference snippets of the spec's Appendix C, for computing expected wire values.

They are kept apart from the package on purpose: a test that checks the package against
its own code proves nothing, one that checks it against these independent lines proves
the format (spec 5.3, 5.5, 7.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
import urllib.parse
from typing import Any

JS_URI_SAFE = "-_.!~*'()"  # JS encodeURIComponent leaves these (and alphanumerics) alone


def sign_cookie_value(value: str, secret: str) -> str:
    """The wire value of a signed cookie (spec 5.3)."""
    sig = base64.b64encode(hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest())
    return urllib.parse.quote(f"{value}.{sig.decode()}", safe=JS_URI_SAFE)


def read_signed_cookie(raw: str, secret: str) -> str | None | bool:
    """The value of a signed cookie; ``None`` if malformed, ``False`` if tampered."""
    value = urllib.parse.unquote(raw) if "%" in raw else raw
    cut = value.rfind(".")
    if cut < 1:
        return None
    data, sig = value[:cut], value[cut + 1 :]
    if len(sig) != 44 or not sig.endswith("="):
        return None
    good = base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha256).digest())
    return data if hmac.compare_digest(good.decode(), sig) else False


def hash_password(pw: str) -> str:
    """Better Auth's default scrypt password hash (spec 7.2)."""
    salt = os.urandom(16).hex()
    key = hashlib.scrypt(
        unicodedata.normalize("NFKC", pw).encode(),
        salt=salt.encode(),
        n=16384,
        r=16,
        p=1,
        dklen=64,
        maxmem=64 * 1024 * 1024,
    )
    return f"{salt}:{key.hex()}"


def js_json(obj: Any) -> str:
    """``JSON.stringify`` for plain data."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def b64url_nopad(b: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def compact_session_data(
    session: dict[str, Any],
    user: dict[str, Any],
    secret: str,
    now_ms: int,
    max_age: int | None = 300,
    version: str = "1",
) -> str:
    """The ``session_data`` cookie value in the compact strategy (spec 5.5)."""
    payload = {"session": session, "user": user, "updatedAt": now_ms, "version": version}
    expires_at = now_ms + (max_age or 60) * 1000
    sig = b64url_nopad(
        hmac.new(
            secret.encode(), js_json({**payload, "expiresAt": expires_at}).encode(), hashlib.sha256
        ).digest()
    )
    return b64url_nopad(
        js_json({"session": payload, "expiresAt": expires_at, "signature": sig}).encode()
    )


def decode_compact(value: str) -> dict[str, Any]:
    """The JSON inside a compact ``session_data`` value (no verification)."""
    padded = value + "=" * (-len(value) % 4)
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return decoded


def compact_signature_ok(value: str, secret: str) -> bool:
    """Verify a compact ``session_data`` value as Better Auth does (re-serialise in the
    received key order, ``expiresAt`` appended)."""
    body = decode_compact(value)
    signed = js_json({**body["session"], "expiresAt": body["expiresAt"]}).encode()
    expected = b64url_nopad(hmac.new(secret.encode(), signed, hashlib.sha256).digest())
    return hmac.compare_digest(expected, body["signature"])
