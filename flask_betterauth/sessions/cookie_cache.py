"""The ``session_data`` cookie: Better Auth's signed "compact" copy of the session."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from ..crypto import b64url
from ..crypto import b64url_decode
from ..crypto import hmac_sha256

#: A ``Set-Cookie`` line longer than this is split over ``name.0``, ``name.1``, ...
CHUNK_LIMIT = 4050
MAX_CHUNKS = 100


def _js_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encode(
    key: bytes,
    session: dict[str, Any],
    user: dict[str, Any],
    now_ms: int,
    lifetime: int,
    version: str,
) -> str:
    """The cookie value for ``session`` and ``user`` (already in wire form).

    :param lifetime: seconds the cache is valid for (``expiresAt`` inside the cookie).
    """
    payload = {"session": session, "user": user, "updatedAt": now_ms, "version": version}
    expires_at = now_ms + lifetime * 1000
    signature = b64url(hmac_sha256(key, _js_json({**payload, "expiresAt": expires_at})))
    body = {"session": payload, "expiresAt": expires_at, "signature": signature}
    return b64url(_js_json(body).encode())


def decode(key: bytes, value: str, now_ms: int) -> dict[str, Any] | None:
    """The payload (``session``, ``user``, ``updatedAt``, ``version``) if the cookie is
    well-formed, correctly signed and not past its ``expiresAt``; else ``None``."""
    try:
        body = json.loads(b64url_decode(value))
        payload, expires_at, signature = body["session"], body["expiresAt"], body["signature"]
    except (ValueError, KeyError, TypeError):
        return None
    if not (
        isinstance(payload, dict) and isinstance(expires_at, int) and isinstance(signature, str)
    ):
        return None
    expected = b64url(hmac_sha256(key, _js_json({**payload, "expiresAt": expires_at})))
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    if expires_at <= now_ms:
        return None
    if not isinstance(payload.get("session"), dict) or not isinstance(payload.get("user"), dict):
        return None
    return payload


def expires_at(value: str) -> int:
    """The ``expiresAt`` (ms) inside a cookie that :func:`decode` accepted."""
    return int(json.loads(b64url_decode(value))["expiresAt"])


def read_chunks(cookies: Mapping[str, str], name: str) -> tuple[str | None, list[str]]:
    """The cookie value, joined from ``name.N`` chunks when split, and every name present."""
    if name in cookies:
        return cookies[name], [name]
    prefix = name + "."
    parts = []
    for key, value in cookies.items():
        suffix = key[len(prefix) :] if key.startswith(prefix) else ""
        if suffix.isdigit():
            parts.append((int(suffix), key, value))
    if not parts:
        return None, []
    parts.sort()
    return "".join(v for _, _, v in parts), [k for _, k, _ in parts]


def split(name: str, value: str, overhead: int) -> list[tuple[str, str]] | None:
    """``[(name, value)]``, or chunks when one line would be too long; ``None`` if too big."""
    if len(name) + len(value) + overhead + 1 <= CHUNK_LIMIT:
        return [(name, value)]
    size = CHUNK_LIMIT - overhead - len(name) - 6
    chunks = [value[i : i + size] for i in range(0, len(value), size)]
    if len(chunks) > MAX_CHUNKS:
        return None
    return [(f"{name}.{i}", chunk) for i, chunk in enumerate(chunks)]
