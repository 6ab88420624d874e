"""The passkey plugin's options, error codes and names (spec sections 1, 4 and 8)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import urlsplit

from flask_betterauth.plugins import Context

PLUGIN_ID = "passkey"
#: The challenge cookie: ``<cookie_prefix>.better-auth-passkey`` (spec 4).
CHALLENGE_COOKIE = "better-auth-passkey"
#: How long a challenge (its cookie and its verification row) lives, in seconds.
CHALLENGE_SECONDS = 300
#: The ``timeout`` sent in both option sets, in milliseconds.
TIMEOUT_MS = 60000

ERROR_CODES = {
    "CHALLENGE_NOT_FOUND": "Challenge not found",
    "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY": "You are not allowed to register this passkey",
    "FAILED_TO_VERIFY_REGISTRATION": "Failed to verify registration",
    "PASSKEY_NOT_FOUND": "Passkey not found",
    "AUTHENTICATION_FAILED": "Authentication failed",
    "UNABLE_TO_CREATE_SESSION": "Unable to create session",
    "FAILED_TO_UPDATE_PASSKEY": "Failed to update passkey",
}

_SELECTION_KEYS = frozenset({"authenticatorAttachment", "residentKey", "userVerification"})


@dataclass(frozen=True)
class PasskeySettings:
    """The plugin's options, with the app's defaults resolved at ``init_app``.

    :param rp_id: the relying party id (a registrable domain, no scheme or port), or
        ``None``: the host of the app's base URL (see :meth:`rp_id_for`).
    :param rp_name: the name browsers show.
    :param origins: the origins ``clientDataJSON.origin`` may hold; empty: the request's
        ``Origin`` header, as Better Auth.
    :param authenticator_selection: merged over ``residentKey``/``userVerification``
        ``"preferred"`` in the registration options.
    """

    rp_id: str | None
    rp_name: str
    origins: tuple[str, ...] = ()
    authenticator_selection: Mapping[str, str] = field(default_factory=dict)

    def rp_id_for(self, ctx: Context) -> str:
        """The RP ID: the option, else the host of the base URL, else ``"localhost"``."""
        return self.rp_id or default_rp_id(ctx.state.base_url)

    def expected_origin(self, ctx: Context) -> str | list[str]:
        """The origin(s) a ceremony must come from: the option, else the ``Origin``
        header (``""`` when there is neither)."""
        if self.origins:
            return list(self.origins) if len(self.origins) > 1 else self.origins[0]
        return str(ctx.headers.get("Origin") or "")


def check_selection(selection: Mapping[str, Any] | None) -> dict[str, str]:
    """``authenticator_selection`` checked: only WebAuthn's three string members."""
    out: dict[str, str] = {}
    for key, value in (selection or {}).items():
        if key not in _SELECTION_KEYS or not isinstance(value, str):
            raise ValueError(f"authenticator_selection: {key!r}: {value!r} is not valid")
        out[key] = value
    return out


def origins_of(origin: str | Sequence[str] | None) -> tuple[str, ...]:
    """The ``origin`` option as a tuple (one origin or several)."""
    if origin is None:
        return ()
    found = (origin,) if isinstance(origin, str) else tuple(origin)
    for one in found:
        if not isinstance(one, str) or not one.startswith(("http://", "https://")):
            raise ValueError(f"origin: {one!r} is not an http(s) origin")
    return tuple(one.rstrip("/") for one in found)


def default_rp_id(base_url: str | None) -> str:
    """Better Auth's default RP ID: the base URL's host name, else ``"localhost"``."""
    host = urlsplit(base_url).hostname if base_url else None
    return host or "localhost"


def settings(ctx: Context) -> PasskeySettings:
    """The plugin's settings for this app."""
    return ctx.plugin_state(PLUGIN_ID, PasskeySettings)
