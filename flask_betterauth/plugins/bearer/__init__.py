"""The ``bearer`` plugin: a session carried in ``Authorization: Bearer <token>``.

As Better Auth's ``bearer()``: the header is read wherever the session cookie is (every
endpoint, ``login_required``, ``current_user``), and every response that sets a session
cookie also carries the token in a ``set-auth-token`` header that CORS clients may read.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote

from flask_betterauth.plugins import Carrier
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import TokenSource
from flask_betterauth.plugins import decode_signed

__all__ = ["AUTH_TOKEN_HEADER", "bearer", "bearer_token_source", "expose_auth_token"]

PLUGIN_ID = "bearer"
#: The response header that carries a new session's signed token.
AUTH_TOKEN_HEADER = "set-auth-token"  # noqa: S105 (a header name)
_SCHEME = "bearer "


@lru_cache(maxsize=1024)
def _verified(key: bytes, value: str) -> str | None:
    """The token of a signed bearer value, or ``None``; remembered, as the session
    cookie's check is, so that a client's repeated requests pay for one HMAC."""
    return decode_signed(key, value)


def bearer_token_source(require_signature: bool) -> TokenSource:
    """The token source reading ``Authorization: Bearer <token>.<signature>`` (and, unless
    ``require_signature``, a bare ``<token>``). Anything else, a bad signature included,
    is ignored: the request is then as if it had no header."""

    def source(carrier: Carrier, key: bytes) -> str | None:
        header = carrier.headers.get("Authorization")
        if not header or header[: len(_SCHEME)].lower() != _SCHEME:
            return None
        value = header[len(_SCHEME) :].strip()
        if not value:
            return None
        if "." in value:
            return _verified(key, value)
        return None if require_signature else value

    return source


def _session_cookie_value(ctx: Context) -> str | None:
    """The value of the last ``Set-Cookie`` of the session cookie in this response, unless
    it deletes the cookie."""
    prefix = ctx.specs.session_token.name + "="
    found: str | None = None
    for line in ctx.response_headers.getlist("Set-Cookie"):
        if not line.startswith(prefix):
            continue
        value, _, attributes = line[len(prefix) :].partition(";")
        expired = any(part.strip().lower() == "max-age=0" for part in attributes.split(";"))
        found = None if expired or not value else value
    return found


def expose_auth_token(ctx: Context) -> None:
    """After any endpoint: copy a new session cookie's signed token into
    ``set-auth-token`` and add that header to ``Access-Control-Expose-Headers``."""
    value = _session_cookie_value(ctx)
    if value is None:
        return
    headers = ctx.response_headers
    headers["set-auth-token"] = unquote(value)
    exposed = [
        name.strip()
        for name in (headers.get("Access-Control-Expose-Headers") or "").split(",")
        if name.strip()
    ]
    if AUTH_TOKEN_HEADER not in exposed:
        exposed.append(AUTH_TOKEN_HEADER)
    headers["Access-Control-Expose-Headers"] = ", ".join(exposed)


def bearer(require_signature: bool = False) -> Plugin:
    """Accept the session token in an ``Authorization: Bearer`` header and send it in
    ``set-auth-token``, so clients without cookies (mobile apps, servers) keep a session.

    :param require_signature: accept only signed tokens (``<token>.<signature>``, as
        ``set-auth-token`` gives them), never a bare session token.
    """
    return Plugin(
        id=PLUGIN_ID,
        hooks={"after": [Hook(expose_auth_token)]},
        # Better Auth writes the bearer token over the session cookie: it wins.
        overriding_token_sources=[bearer_token_source(require_signature)],
    )
