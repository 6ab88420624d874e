"""``GET /multi-session/list-device-sessions``, ``POST /multi-session/set-active`` and
``POST /multi-session/revoke`` (spec 8)."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import SignedIn
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import find_session
from flask_betterauth.plugins import to_wire

from .cookies import device_sessions_of
from .cookies import spec_of
from .cookies import tracked


class SessionTokenBody(BodySchema):
    """The body of ``set-active`` and ``revoke``."""

    sessionToken = StrictString(required=True)


def pair_json(ctx: Context, pair: SignedIn) -> dict[str, Any]:
    """``{"session", "user"}`` in wire form (the session with its raw token)."""
    tables = ctx.state.tables
    return {
        "session": to_wire(tables["session"], pair.session),
        "user": to_wire(tables["user"], pair.user),
    }


def _tracked_token(ctx: Context) -> str:
    """The token of the multi-session cookie that ``sessionToken`` names.

    :raises APIError: 401 ``INVALID_SESSION_TOKEN`` when the browser has no such cookie
        (or it is not correctly signed).
    """
    token = ctx.signed_cookie(spec_of(ctx, ctx.body["sessionToken"]))
    if not token:
        raise APIError(401, "INVALID_SESSION_TOKEN")
    return token


def _make_active(ctx: Context, pair: SignedIn) -> None:
    ctx.sessions.set_cookies(ctx, pair, dont_remember=ctx.sessions.is_short(pair.session))
    ctx.new_session = pair


@endpoint("/multi-session/list-device-sessions", method="GET")
def list_device_sessions(ctx: Context) -> list[dict[str, Any]]:
    """The accounts signed in in this browser: ``[{session, user}]``, one per user."""
    cookie = ctx.specs.session_token.name
    return [pair_json(ctx, pair) for pair in device_sessions_of(ctx, ctx.cookies, cookie)]


@endpoint("/multi-session/set-active", body=SessionTokenBody)
def set_active_session(ctx: Context) -> dict[str, Any]:
    """Make another account of this browser the active one (its session cookie is set).

    :raises APIError: 401 ``INVALID_SESSION_TOKEN`` when the browser holds no such
        session, or it has ended (its multi-session cookie is then expired).
    """
    token = _tracked_token(ctx)
    pair = find_session(ctx, token)
    if pair is None:
        ctx.expire_cookie(spec_of(ctx, ctx.body["sessionToken"]))
        raise APIError(401, "INVALID_SESSION_TOKEN")
    _make_active(ctx, pair)
    return pair_json(ctx, pair)


@endpoint("/multi-session/revoke", body=SessionTokenBody, auth="session")
def revoke_device_session(ctx: Context) -> dict[str, bool]:
    """Sign one account of this browser out; when it was the active one, the next
    still-valid account becomes active (or, with none left, the cookies go).

    :raises APIError: 401 ``INVALID_SESSION_TOKEN`` when the browser holds no such session.
    """
    token = _tracked_token(ctx)
    ctx.sessions.delete(token)
    ctx.expire_cookie(spec_of(ctx, ctx.body["sessionToken"]))
    if ctx.signed_in.session["token"] != token:
        return {"status": True}
    cookie = ctx.specs.session_token.name
    for _, other in tracked(ctx.cookies, cookie, ctx.state.key):
        pair = find_session(ctx, other) if other != token else None
        if pair is not None:
            _make_active(ctx, pair)
            return {"status": True}
    ctx.sessions.clear_cookies(ctx)
    return {"status": True}
