"""The ``passkey`` plugin: sign in with passkeys (WebAuthn), wire-compatible with Better
Auth's ``@better-auth/passkey`` plugin and its ``passkeyClient``.

A signed-in user registers passkeys (``generate-register-options`` then
``verify-registration``), lists, renames and deletes them; anyone signs in with one
(``generate-authenticate-options`` then ``verify-authentication``), with or without
naming an account first. Attestations and assertions are verified by ``webauthn``
(py_webauthn): install ``flask-betterauth[passkey]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from flask_betterauth.plugins import Plugin

from . import _requires  # noqa: F401  (first: a clear error without webauthn)
from .authentication import generate_passkey_authentication_options
from .authentication import verify_passkey_authentication
from .manage import delete_passkey
from .manage import list_passkeys
from .manage import update_passkey
from .pages import register as register_pages
from .registration import generate_passkey_registration_options
from .registration import verify_passkey_registration
from .rows import SCHEMA
from .settings import CHALLENGE_COOKIE
from .settings import ERROR_CODES
from .settings import PLUGIN_ID
from .settings import PasskeySettings
from .settings import check_selection
from .settings import origins_of

__all__ = ["ERROR_CODES", "PasskeySettings", "passkey"]

ENDPOINTS = (
    generate_passkey_registration_options,
    generate_passkey_authentication_options,
    verify_passkey_registration,
    verify_passkey_authentication,
    list_passkeys,
    delete_passkey,
    update_passkey,
)


def passkey(
    rp_id: str | None = None,
    rp_name: str | None = None,
    origin: str | Sequence[str] | None = None,
    authenticator_selection: Mapping[str, Any] | None = None,
) -> Plugin:
    """Passkeys (Better Auth's ``passkey()``).

    :param rp_id: the relying party id: the site's registrable domain, without scheme or
        port (``"example.com"``, ``"localhost"`` in development). Default: the host of
        the ``base_url`` option, else ``"localhost"``. Browsers refuse IP addresses.
    :param rp_name: the name browsers show when asking for a passkey (default: the
        ``app_name`` option).
    :param origin: the origin (or list of origins) the browser page must have
        (``"https://example.com"``). Default: the request's ``Origin`` header, which the
        core's origin check has already vetted against the trusted origins.
    :param authenticator_selection: ``{"authenticatorAttachment": "platform",
        "residentKey": "required", "userVerification": "required"}``, any of them, over
        the defaults (``residentKey`` and ``userVerification`` ``"preferred"``).
    """
    origins = origins_of(origin)
    selection = check_selection(authenticator_selection)

    def state(options: Any) -> PasskeySettings:
        return PasskeySettings(
            rp_id=rp_id,
            rp_name=rp_name or options.app_name,
            origins=origins,
            authenticator_selection=selection,
        )

    return Plugin(
        id=PLUGIN_ID,
        endpoints=ENDPOINTS,
        schema=SCHEMA,
        error_codes=ERROR_CODES,
        cookies=[CHALLENGE_COOKIE],
        state=state,
        pages=register_pages,
    )
