"""Linking: a guest who signs up or signs in becomes that account (spec 9).

A late after-hook on every sign-in endpoint (``sign_in=True``, so a new sign-in method is
covered by declaring itself one) and on Better Auth's linking paths (sign-up, callbacks,
verify links): when the call started a session for a *different, non-anonymous* user and
the request carried a guest's session, ``on_link_account(anonymous_user, new_user)`` runs
and the guest is deleted (unless ``disable_delete_anonymous_user``). Running late means
two-factor's hold has already taken a held sign-in's session away: nothing links until
the sign-in is complete, whatever the plugin order.
"""

from __future__ import annotations

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Endpoint
from flask_betterauth.plugins import SignedIn
from flask_betterauth.plugins import add_oauth_server_context
from flask_betterauth.plugins import find_session
from flask_betterauth.plugins import oauth_state

from .settings import settings_of

#: Better Auth's anonymous after-hook paths (prefixes).
LINK_PATHS = (
    "/sign-in",
    "/sign-up",
    "/callback",
    "/magic-link/verify",
    "/email-otp/verify-email",
    "/one-tap/callback",
    "/passkey/verify-authentication",
    "/phone-number/verify",
    "/verify-email",
)


def links(endpoint: Endpoint) -> bool:
    """Whether the linking hook runs after ``endpoint``."""
    return endpoint.sign_in or endpoint.path.startswith(LINK_PATHS)


def link_guest(ctx: Context) -> None:
    """After a sign-in or sign-up: hand the guest this browser was over to the new
    account (``on_link_account``), then delete the guest."""
    new = ctx.new_session
    if new is None or isinstance(ctx.returned, APIError) or new.user.get("isAnonymous"):
        return
    guest = _guest(ctx)
    if guest is None or guest.user["id"] == new.user["id"]:
        return
    settings = settings_of(ctx)
    if settings.on_link_account is not None:
        settings.on_link_account(guest, new)
    if not settings.disable_delete_anonymous_user:
        ctx.users.delete(guest.user["id"])


def _cookie_guest(ctx: Context) -> SignedIn | None:
    token = ctx.sessions.token_from(ctx)
    found = find_session(ctx, token) if token else None
    return found if found is not None and found.user.get("isAnonymous") else None


def remember_guest(ctx: Context) -> None:
    """Before ``sign_in_social``: a guest's id rides the OAuth state (server context),
    so the callback still finds the guest when it arrives without the guest's cookie
    (an app's in-app browser), as Better Auth 1.7.24 does."""
    guest = _cookie_guest(ctx)
    if guest is not None:
        add_oauth_server_context(ctx, {"anonymousUserId": guest.user["id"]})


def _guest(ctx: Context) -> SignedIn | None:
    """The guest this request came from: its session cookie, else the OAuth state's
    ``anonymousUserId`` (that user, still a guest, with a live session)."""
    guest = _cookie_guest(ctx)
    if guest is not None:
        return guest
    flow = oauth_state(ctx) or {}
    server = flow.get("serverContext")
    user_id = server.get("anonymousUserId") if isinstance(server, dict) else None
    if not isinstance(user_id, str):
        return None
    user = ctx.users.find_by_id(user_id)
    if user is None or not user.get("isAnonymous"):
        return None
    live = ctx.sessions.list_active(user_id)
    return SignedIn(live[0], user) if live else None
