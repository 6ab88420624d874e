"""The ``anonymous`` plugin: guests who can become real accounts, as Better Auth's
``anonymous()`` and its ``anonymousClient``.

``POST /sign-in/anonymous`` makes a user with a made-up email and ``isAnonymous: true``
and signs it in; when that browser later signs up or signs in by any method, the app's
``on_link_account(anonymous_user, new_user)`` may move the guest's data over, and the
guest is deleted. ``POST /delete-anonymous-user`` lets a guest leave.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin

from .endpoints import delete_anonymous_user
from .endpoints import sign_in_anonymous
from .link import link_guest
from .link import links
from .link import remember_guest
from .pages import add_pages
from .settings import ERROR_CODES
from .settings import PLUGIN_ID
from .settings import AnonymousSettings
from .settings import LinkCallback

__all__ = ["ERROR_CODES", "AnonymousSettings", "anonymous"]

#: ``user.isAnonymous`` (spec 9 and 12): set by the server only, ``false`` by default.
SCHEMA = {
    "user": {"fields": {"isAnonymous": {"type": "boolean", "default_value": False, "input": False}}}
}


def anonymous(
    email_domain_name: str | None = None,
    on_link_account: LinkCallback | None = None,
    disable_delete_anonymous_user: bool = False,
    generate_name: Callable[[Context], str] | None = None,
    generate_random_email: Callable[[], str] | None = None,
) -> Plugin:
    """Let visitors use the app as guests before they make an account.

    :param email_domain_name: guests' emails become ``temp-<id>@<this domain>`` (default
        ``<id>@anonymous.placeholder.invalid``, an address that cannot receive mail).
    :param on_link_account: ``on_link_account(anonymous_user, new_user)``, each a
        ``SignedIn`` (``.session``, ``.user``), called when a guest's browser signs up or
        signs in to another account, before the guest is deleted: move the guest's data
        here.
    :param disable_delete_anonymous_user: keep guests after linking, and refuse
        ``delete-anonymous-user``.
    :param generate_name: ``generate_name(ctx) -> str``, a guest's name ("Anonymous").
    :param generate_random_email: ``generate_random_email() -> str``, a guest's email
        instead of the made-up one (it must be a valid email).
    """
    settings = AnonymousSettings(
        email_domain_name=email_domain_name,
        generate_name=generate_name,
        generate_random_email=generate_random_email,
        on_link_account=on_link_account,
        disable_delete_anonymous_user=disable_delete_anonymous_user,
    )
    return Plugin(
        id=PLUGIN_ID,
        endpoints=(sign_in_anonymous, delete_anonymous_user),
        schema=SCHEMA,
        hooks={
            "before": [Hook(remember_guest, endpoints=frozenset({"sign_in_social"}))],
            "after": [Hook(link_guest, matcher=links, late=True)],
        },
        # Better Auth's core rule for every ``/sign-in*`` path: 3 tries in 10 s.
        rate_limit=[EndpointRateLimit(frozenset({"sign_in_anonymous"}), 10, 3)],
        error_codes=ERROR_CODES,
        state=lambda options: settings,
        pages=add_pages,
    )
