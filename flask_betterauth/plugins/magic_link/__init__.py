"""The ``magic_link`` plugin: sign in with a link mailed to the address, wire-compatible
with Better Auth's ``magicLink`` plugin and its ``magicLinkClient``.

``POST /sign-in/magic-link`` mails a single-use link; ``GET /magic-link/verify`` signs
the address in (making its account on first use) and redirects. Only the token's
SHA-256 is stored by default. The sign-in goes through the same path as every other, so
a user with two-factor authentication on is asked for the second factor.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from jinja2 import PackageLoader

from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import MailPurpose
from flask_betterauth.plugins import Plugin

from .endpoints import magic_link_verify
from .endpoints import sign_in_magic_link
from .pages import add_pages
from .settings import MAIL
from .settings import PLUGIN_ID
from .settings import TEMPLATE
from .settings import MagicLinkSettings

__all__ = ["MagicLinkSettings", "magic_link"]


def _arguments(sender: object) -> tuple[str, ...]:
    """What the app's function is given: ``metadata`` too when it takes four arguments."""
    names = ("email", "url", "token", "metadata")
    if not callable(sender):
        return names[:3]
    try:
        parameters = inspect.signature(sender).parameters.values()
    except (TypeError, ValueError):
        return names[:3]
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return names
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return names if len(positional) >= 4 else names[:3]


def magic_link(
    send_magic_link: Callable[[str, str, str], Any] | bool | None = None,
    *,
    expires_in: int = 300,
    disable_sign_up: bool = False,
    store_token: str = "hashed",  # noqa: S107 (a storage mode, not a secret)
    generate_token: Callable[[str], str] | None = None,
    rate_limit: dict[str, int] | None = None,
) -> Plugin:
    """Sign in with a link sent by mail (Better Auth's ``magicLink``).

    :param send_magic_link: ``send_magic_link(email, url, token)``, the app's sender
        (``send_magic_link(email, url, token, metadata)`` when it takes a fourth argument:
        the request's ``metadata`` object, ``{}`` without one); or ``True`` / ``None``
        for the built-in sender (template ``magic_link``), which ``None`` uses only when
        one is configured.
    :param expires_in: seconds a link works (300).
    :param disable_sign_up: a link to an address without an account redirects with
        ``?error=new_user_signup_disabled`` instead of making the account.
    :param store_token: ``"hashed"`` (only the token's SHA-256, the default) or
        ``"plain"`` (Better Auth's default; links it mailed before a move then still work).
    :param generate_token: ``generate_token(email) -> str``, the app's own tokens.
    :param rate_limit: ``{"window": 60, "max": 5}`` for both endpoints.
    """
    options = MagicLinkSettings(
        send_magic_link=send_magic_link,
        expires_in=expires_in,
        disable_sign_up=disable_sign_up,
        store_token=store_token,
        generate_token=generate_token,
    )
    limit = {"window": 60, "max": 5, **(rate_limit or {})}
    names = frozenset({sign_in_magic_link.name, magic_link_verify.name})
    return Plugin(
        id=PLUGIN_ID,
        endpoints=(sign_in_magic_link, magic_link_verify),
        rate_limit=[EndpointRateLimit(names, limit["window"], limit["max"])],
        mail_purposes=[
            MailPurpose(
                MAIL,
                lambda app_options: send_magic_link,
                {TEMPLATE: "Your sign-in link"},
                arguments=_arguments(send_magic_link),
                on_by_default=True,
                loader=PackageLoader("flask_betterauth.plugins.magic_link", "templates"),
            )
        ],
        state=lambda app_options: options,
        pages=add_pages,
    )
