"""A user's sessions across devices: list them, end one, end all, end all but this one.

``GET /list-sessions``, ``POST /revoke-session``, ``POST /revoke-sessions`` and
``POST /revoke-other-sessions`` (spec 3.7, 3.8), also as ``auth.api.list_sessions()`` and
so on; and ``POST /update-session`` (spec 3.10) for the session's additional fields.

Session tokens are kept hashed, so ``list-sessions`` can give the caller's *own*
session its real token but every other session only its stored value. That value
identifies the session to ``revoke-session`` (for its owner) and is useless as a cookie.
"""

from __future__ import annotations

from typing import Any

from ..additional_fields import parse_input
from ..context import Context
from ..errors import APIError
from ..records import to_wire
from ..registry import endpoint
from ..sessions.flows import reissue_cookies
from ..validation import BodySchema
from ..validation import StrictString


@endpoint("/list-sessions", method="GET", auth="fresh")
def list_sessions(ctx: Context) -> list[dict[str, Any]]:
    """The signed-in user's unexpired sessions (this one with its token, the others with
    the value that names them to ``revoke-session``)."""
    current, user = ctx.signed_in
    table = ctx.state.tables["session"]
    listed = []
    for session in ctx.state.sessions.list_active(user["id"]):
        if session["id"] == current["id"]:
            session["token"] = current["token"]
        listed.append(to_wire(table, session))
    return listed


class RevokeSessionBody(BodySchema):
    """The body of ``POST /revoke-session``."""

    token = StrictString(required=True)


@endpoint("/revoke-session", body=RevokeSessionBody, auth="sensitive")
def revoke_session(ctx: Context) -> dict[str, bool]:
    """End one of the user's sessions, named by its token or the value ``list-sessions``
    gave; a token of someone else's session, or of none, is ignored."""
    current, user = ctx.signed_in
    sessions = ctx.state.sessions
    token = ctx.body["token"]
    target = sessions.find_listed(token)
    is_current = token == current["token"]
    if target is not None and target["userId"] == user["id"]:
        sessions.revoke(target)
        is_current = is_current or target["id"] == current["id"]
    if is_current:
        sessions.clear_cookies(ctx)
    return {"status": True}


@endpoint("/revoke-sessions", auth="sensitive")
def revoke_sessions(ctx: Context) -> dict[str, bool]:
    """End every session of the user, this one included, and expire its cookies."""
    ctx.state.sessions.revoke_user(ctx.signed_in.user["id"])
    ctx.state.sessions.clear_cookies(ctx)
    return {"status": True}


@endpoint("/revoke-other-sessions", auth="sensitive")
def revoke_other_sessions(ctx: Context) -> dict[str, bool]:
    """End every session of the user except this one; the cookies stay as they are."""
    current, user = ctx.signed_in
    ctx.state.sessions.revoke_others(user["id"], current)
    return {"status": True}


__all__ = [
    "list_sessions",
    "revoke_other_sessions",
    "revoke_session",
    "revoke_sessions",
]


@endpoint("/update-session", auth="session")
def update_session(ctx: Context) -> dict[str, Any]:
    """Change the current session's additional fields (core fields are ignored; fields
    clients may not set are refused); answers ``{"session": ...}`` and re-issues the
    cookies."""
    body = ctx.body
    if not isinstance(body, dict):
        raise APIError(400, "BODY_MUST_BE_AN_OBJECT")
    changes = parse_input(ctx.state.tables["session"], body, creating=False)
    if not changes:
        raise APIError(400, None, "No fields to update")
    current, user = ctx.signed_in
    updated = ctx.state.sessions.update(current, changes)
    if updated is None:
        ctx.state.sessions.clear_cookies(ctx)
        raise APIError(401, "FAILED_TO_GET_SESSION")
    reissue_cookies(ctx, updated, user)
    return {"session": to_wire(ctx.state.tables["session"], updated)}
