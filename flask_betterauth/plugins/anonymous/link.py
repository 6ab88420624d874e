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
from flask_betterauth.plugins import find_session

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
    token = ctx.sessions.token_from(ctx)
    guest = find_session(ctx, token) if token else None
    if guest is None or not guest.user.get("isAnonymous") or guest.user["id"] == new.user["id"]:
        return
    settings = settings_of(ctx)
    if settings.on_link_account is not None:
        settings.on_link_account(guest, new)
    if not settings.disable_delete_anonymous_user:
        ctx.users.delete(guest.user["id"])
