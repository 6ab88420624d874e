"""Provider tokens at rest: ``account.encrypt_oauth_tokens`` seals access and refresh
tokens with Better Auth's envelope; plain values (written before the option was on, or
by Better Auth without it) are read as they are."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..context import Context
from ..symmetric import DecryptionError
from ..symmetric import symmetric_decrypt
from ..symmetric import symmetric_encrypt

_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")
SEALED = ("accessToken", "refreshToken")
#: Token fields written to an ``account`` row (``scope`` is handled by the callers).
TOKEN_FIELDS = (
    "accessToken",
    "refreshToken",
    "idToken",
    "accessTokenExpiresAt",
    "refreshTokenExpiresAt",
)


def seal(ctx: Context, value: str | None) -> str | None:
    """``value`` as stored: encrypted when the option is on."""
    if value is None or not ctx.options.account.encrypt_oauth_tokens:
        return value
    return symmetric_encrypt(ctx.state.secret, value)


def unseal(ctx: Context, value: Any) -> str | None:
    """A stored token in clear: decrypted when it is an envelope (hex of the right
    shape, or ``$ba$``), else as stored."""
    if not isinstance(value, str) or not value:
        return None
    if not (value.startswith("$ba$") or _HEX.match(value)):
        return value
    try:
        return symmetric_decrypt(ctx.state.secret, value)
    except DecryptionError:
        return value


def row_fields(ctx: Context, tokens: Mapping[str, Any]) -> dict[str, Any]:
    """The token columns to write for ``tokens`` (only those the provider gave)."""
    fields: dict[str, Any] = {}
    for name in TOKEN_FIELDS:
        value = tokens.get(name)
        if value is None:
            continue
        fields[name] = seal(ctx, value) if name in SEALED else value
    return fields
