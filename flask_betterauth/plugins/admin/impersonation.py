"""``POST /admin/impersonate-user`` and ``POST /admin/stop-impersonating``.

Impersonating starts a session for the target with ``impersonatedBy`` (one hour by
default) and keeps the admin's own session token in the signed ``admin_session`` cookie;
stopping ends the impersonation session and puts the admin's session back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import SignedIn
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now
from flask_betterauth.plugins import to_wire

from .fields import UserIdBody
from .settings import admin_session
from .settings import require
from .settings import settings_of
from .users import _target

ADMIN_COOKIE = "admin_session"


@endpoint("/admin/impersonate-user", body=UserIdBody, auth="optional")
def impersonate_user(ctx: Context) -> dict[str, Any]:
    """Sign in as another user for a while, keeping the way back in ``admin_session``."""
    session, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["impersonate"]}, "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS")
    target = _target(ctx, ctx.body["userId"])
    settings = settings_of(ctx)
    if settings.is_admin(target) and not (
        settings.allow_impersonating_admins
        or settings.user_has_permission(caller, {"user": ["impersonate-admins"]})
    ):
        raise APIError(403, "YOU_CANNOT_IMPERSONATE_ADMINS")
    lifetime = settings.impersonation_session_duration
    pair = ctx.sessions.create(
        target,
        ip=ctx.client_ip,
        user_agent=ctx.user_agent,
        fields={"impersonatedBy": caller["id"], "expiresAt": now() + timedelta(seconds=lifetime)},
    )
    remembered = ctx.signed_cookie(ctx.specs.dont_remember)
    ctx.sessions.clear_cookies(ctx)
    ctx.set_signed_cookie(
        ctx.cookie_spec(ADMIN_COOKIE),
        f"{session['token']}:{remembered or ''}",
        ctx.options.session.expires_in,
    )
    ctx.sessions.set_cookies(ctx, pair, dont_remember=True)
    ctx.new_session = pair
    return {
        "session": to_wire(ctx.state.tables["session"], pair.session),
        "user": ctx.user_json(target),
    }


def _failed() -> APIError:
    return APIError(500, None, "Failed to find admin session")


@endpoint("/admin/stop-impersonating", auth="optional")
def stop_impersonating(ctx: Context) -> dict[str, Any]:
    """End the impersonation session and sign the admin back in."""
    found = ctx.session
    if found is None:
        raise APIError(401, "UNAUTHORIZED", body=False)
    admin_id = found.session.get("impersonatedBy")
    if not admin_id:
        raise APIError(400, None, "You are not impersonating anyone")
    if ctx.users.find_by_id(admin_id) is None:
        raise APIError(500, None, "Failed to find user")
    kept = ctx.signed_cookie(ctx.cookie_spec(ADMIN_COOKIE))
    if not kept:
        raise _failed()
    token, _, remembered = kept.partition(":")
    admin = ctx.sessions.find_listed(token) if token else None
    if admin is None or admin["userId"] != admin_id or admin["expiresAt"] <= now():
        raise _failed()
    user = ctx.users.find_by_id(admin_id)
    if user is None:
        raise _failed()
    ctx.sessions.delete(found.session["token"])
    admin_session_row = Record(admin)
    admin_session_row["token"] = token
    ctx.sessions.set_cookies(ctx, SignedIn(admin_session_row, user), dont_remember=bool(remembered))
    ctx.expire_cookie(ctx.cookie_spec(ADMIN_COOKIE))
    ctx.new_session = SignedIn(admin_session_row, user)
    return {
        "session": to_wire(ctx.state.tables["session"], admin_session_row),
        "user": ctx.user_json(user),
    }
