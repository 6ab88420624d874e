"""``POST /sign-in/anonymous`` and ``POST /delete-anonymous-user`` (spec 9)."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import start_session

from .settings import settings_of


class NoBody(BodySchema):
    """Both endpoints take no body (``{}`` or none); anything sent is ignored."""


@endpoint("/sign-in/anonymous", body=NoBody, auth="optional", sign_in=True)
def sign_in_anonymous(ctx: Context) -> dict[str, Any]:
    """Sign in as a new guest: a user with a made-up email and ``isAnonymous: true``,
    and a normal session.

    :raises APIError: 400 ``ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY`` when the
        caller is already a guest; 400 ``INVALID_EMAIL_FORMAT`` when
        ``generate_random_email`` gives a non-email.
    """
    current = ctx.session
    if current is not None and current.user.get("isAnonymous"):
        raise APIError(400, "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY")
    settings = settings_of(ctx)
    email = settings.email()
    user = ctx.users.create(ctx.users.new(email, settings.name(ctx), isAnonymous=True))
    session = start_session(ctx, user, remember_me=True)
    return {"token": session["token"], "user": ctx.user_json(user)}


@endpoint("/delete-anonymous-user", body=NoBody, auth="sensitive")
def delete_anonymous_user(ctx: Context) -> dict[str, bool]:
    """Delete the calling guest, with their sessions, and expire the session cookies.

    :raises APIError: 400 ``DELETE_ANONYMOUS_USER_DISABLED`` when the app turned it off,
        403 ``USER_IS_NOT_ANONYMOUS`` for a real account.
    """
    user = ctx.signed_in.user
    if settings_of(ctx).disable_delete_anonymous_user:
        raise APIError(400, "DELETE_ANONYMOUS_USER_DISABLED")
    if not user.get("isAnonymous"):
        raise APIError(403, "USER_IS_NOT_ANONYMOUS")
    ctx.users.delete(user["id"])
    ctx.sessions.clear_cookies(ctx)
    return {"success": True}
