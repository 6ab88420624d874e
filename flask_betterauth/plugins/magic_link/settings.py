"""The magic-link plugin's options and error codes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_betterauth.plugins import Context

PLUGIN_ID = "magic-link"
#: The mail purpose and template kind of a sign-in link.
MAIL = "magic_link"
TEMPLATE = "magic-link"
#: Verification rows are ``magic-link:<token or its hash>`` (spec 3, 13).
PREFIX = "magic-link:"
STORE_MODES = ("hashed", "plain")


@dataclass(frozen=True)
class MagicLinkSettings:
    """The options of :func:`~flask_betterauth.plugins.magic_link`, checked."""

    send_magic_link: Callable[..., Any] | bool | None
    expires_in: int
    disable_sign_up: bool
    store_token: str
    generate_token: Callable[[str], str] | None

    def __post_init__(self) -> None:
        if self.store_token not in STORE_MODES:
            raise ValueError(f"store_token must be one of {STORE_MODES}, not {self.store_token!r}")
        if not isinstance(self.expires_in, int) or self.expires_in <= 0:
            raise ValueError("expires_in must be a positive number of seconds")

    @property
    def hashed(self) -> bool:
        """Whether only the token's SHA-256 is stored (the default)."""
        return self.store_token == "hashed"  # noqa: S105


def settings(ctx: Context) -> MagicLinkSettings:
    """The plugin's options for this app."""
    return ctx.plugin_state(PLUGIN_ID, MagicLinkSettings)
