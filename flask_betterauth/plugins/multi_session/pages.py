"""The browser's accounts for templates (``device_sessions()``) and the account
switcher on the ready-made pages."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask import request

from flask_betterauth.plugins import SignedIn
from flask_betterauth.plugins import current_state

from .cookies import device_sessions_of


def device_sessions() -> list[SignedIn]:
    """The accounts signed in in this browser (``SignedIn``: ``.session``, ``.user``),
    one per user, the active one included; ``[]`` outside a request. Reads the
    multi-session cookies, so it costs one session lookup per account when called
    (nothing when not)."""
    if not has_request_context():
        return []
    state = current_state()
    session_cookie = state.cookies_for(request.is_secure).session_token.name
    return device_sessions_of(state, request.cookies, session_cookie)


def add_pages(kit: Any) -> None:
    """The plugin's ``pages`` callback."""
