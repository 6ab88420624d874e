"""The multi-session cookies (spec 8): one per session this browser started, named
``<session_token cookie>_multi-<token lower-cased>``, holding the signed token, written
with the session cookie's attributes."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import replace

from flask_betterauth.plugins import AuthState
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import CookieSpec
from flask_betterauth.plugins import SignedIn
from flask_betterauth.plugins import decode_signed
from flask_betterauth.plugins import find_session

MARK = "_multi-"


def cookie_name(session_cookie: str, token: str) -> str:
    """The multi-session cookie of the session ``token``."""
    return f"{session_cookie}{MARK}{token.lower()}"


def spec_of(ctx: Context, token: str) -> CookieSpec:
    """The multi-session cookie of ``token``, with the session cookie's attributes."""
    spec = ctx.specs.session_token
    return replace(spec, name=cookie_name(spec.name, token))


def tracked(
    cookies: Mapping[str, str], session_cookie: str, key: bytes
) -> Iterator[tuple[str, str]]:
    """``(cookie name, token)`` of each correctly signed multi-session cookie sent."""
    prefix = session_cookie + MARK
    for name, value in cookies.items():
        if name.startswith(prefix):
            token = decode_signed(key, value) if value else None
            if token:
                yield name, token


def names(cookies: Mapping[str, str], session_cookie: str) -> list[str]:
    """Every multi-session cookie name sent, signed correctly or not."""
    prefix = session_cookie + MARK
    return [name for name in cookies if name.startswith(prefix)]


def device_sessions_of(
    where: Context | AuthState, cookies: Mapping[str, str], session_cookie: str
) -> list[SignedIn]:
    """The unexpired sessions the browser's multi-session cookies name, the first of
    each user only, in cookie order."""
    key = where.state.key if isinstance(where, Context) else where.key
    found: list[SignedIn] = []
    seen: set[str] = set()
    for _, token in tracked(cookies, session_cookie, key):
        pair = find_session(where, token)
        if pair is not None and pair.user["id"] not in seen:
            seen.add(pair.user["id"])
            found.append(pair)
    return found
