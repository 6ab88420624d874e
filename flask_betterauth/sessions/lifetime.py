"""How long a session lives when made with ``rememberMe: false``, and how to tell one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from typing import Any

#: A session made with ``rememberMe: false`` lives one day and is never extended.
SHORT_SESSION = 24 * 3600
#: Slack when telling such a session by its stored life (``expiresAt - createdAt``):
#: Better Auth takes the two times from separate clock reads.
SHORT_SESSION_SLACK = 60
#: The cookie cache of a ``rememberMe: false`` session is trusted for one minute.
SHORT_CACHE = 60


def is_short_session(session: Mapping[str, Any], expires_in: int) -> bool:
    """Whether ``session`` was made with ``rememberMe: false``, told by the session itself
    rather than by the ``dont_remember`` cookie (which a stolen session cookie may lack):
    such a session was given one day from its creation, when the app's sessions live
    longer (``expires_in`` seconds). Better Auth's rows qualify alike."""
    short = timedelta(seconds=SHORT_SESSION + SHORT_SESSION_SLACK)
    if timedelta(seconds=expires_in) <= short:
        return False
    created, expires = session.get("createdAt"), session.get("expiresAt")
    if not isinstance(created, datetime) or not isinstance(expires, datetime):
        return False
    return bool(expires - created <= short)
