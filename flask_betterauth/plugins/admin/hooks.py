"""What the admin plugin does around other writes and endpoints.

* every new user gets the default role unless one is set;
* every new session (any sign-in method, sign-up, impersonation) is refused with ``403
  BANNED_USER`` for a banned user, and an expired ban is lifted on the way;
* ``/list-sessions`` hides impersonation sessions.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import now

from .settings import AdminSettings


def database_hooks(settings: AdminSettings) -> dict[str, Any]:
    """The user-create and session-create hooks of ``settings``."""

    def default_role(user: dict[str, Any], ctx: Context | None) -> dict[str, Any] | None:
        if user.get("role"):
            return None
        return {"data": {"role": settings.default_role}}

    def refuse_banned(session: dict[str, Any], ctx: Context | None) -> None:
        users = ctx.users if ctx is not None else current_app.extensions["betterauth"].users
        user = users.find_by_id(session["userId"])
        if user is None or not user.get("banned"):
            return
        expires = user.get("banExpires")
        if expires is not None and expires < now():
            users.update(user, {"banned": False, "banReason": None, "banExpires": None})
            return
        message = settings.banned_user_message
        text = message(user) if callable(message) else message
        raise APIError(403, "BANNED_USER", text)

    return {
        "user": {"create": {"before": default_role}},
        "session": {"create": {"before": refuse_banned}},
    }


def hide_impersonations(ctx: Context) -> Any:
    """After ``/list-sessions``: the sessions without ``impersonatedBy``."""
    listed = ctx.returned
    if not isinstance(listed, list):
        return None
    return [session for session in listed if not session.get("impersonatedBy")]
