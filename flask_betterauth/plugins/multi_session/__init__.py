"""The ``multi_session`` plugin: several accounts signed in in one browser, as Better
Auth's ``multiSession()`` and its ``multiSessionClient``.

Each session a browser starts is also kept in its own signed cookie
(``<session_token>_multi-<token>``); ``list-device-sessions`` lists the browser's
accounts, ``set-active`` switches to one, ``revoke`` signs one out, and ``sign-out``
signs them all out. The active account is the one in the session cookie, so
``login_required`` and ``current_user`` see it, at no extra cost. Templates list the
browser's accounts with ``device_sessions()``.
"""

from __future__ import annotations

from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin

from .endpoints import list_device_sessions
from .endpoints import revoke_device_session
from .endpoints import set_active_session
from .hooks import sign_out_all
from .hooks import track_new_session
from .pages import add_pages
from .pages import device_sessions

__all__ = ["ERROR_CODES", "device_sessions", "multi_session"]

PLUGIN_ID = "multi-session"
#: Better Auth's ``MULTI_SESSION_ERROR_CODES``.
ERROR_CODES = {"INVALID_SESSION_TOKEN": "Invalid session token"}


def multi_session(maximum_sessions: int = 5) -> Plugin:
    """Let one browser hold several accounts and switch between them.

    :param maximum_sessions: how many sessions one browser keeps track of (5); a sign-in
        past it still becomes the active account, it is just not listed.
    """
    if isinstance(maximum_sessions, bool) or not isinstance(maximum_sessions, int):
        raise TypeError("multi_session(maximum_sessions=...) takes an int")
    return Plugin(
        id=PLUGIN_ID,
        endpoints=(list_device_sessions, set_active_session, revoke_device_session),
        hooks={
            "after": [
                Hook(sign_out_all, endpoints=frozenset({"sign_out"})),
                Hook(track_new_session(maximum_sessions), matcher=lambda ep: True, late=True),
            ]
        },
        error_codes=ERROR_CODES,
        pages=add_pages,
        template_globals={"device_sessions": device_sessions},
    )
