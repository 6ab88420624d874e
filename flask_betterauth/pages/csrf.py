"""The pages' CSRF token: a random value in a cookie, its signature in each form.

A browser gets a random value in the ``HttpOnly`` cookie :data:`COOKIE_NAME` the first
time a page with a form is shown; every form carries ``HMAC(secret, value, session
cookie)`` in the hidden field :data:`FIELD_NAME`. A post is accepted only when the field
signs the cookies it came with. Another site can make a browser post, but it can neither
read the cookies nor sign a value of its own without the app's secret, so its posts are
refused.
"""

from __future__ import annotations

import secrets

from flask import g
from flask import request
from werkzeug.wrappers import Response

from ..crypto import b64url
from ..crypto import constant_time_equal
from ..crypto import hmac_sha256
from ..state import current_state

#: The cookie holding this browser's random value.
COOKIE_NAME = "betterauth_pages_csrf"
#: The hidden form field holding its signature.
FIELD_NAME = "betterauth_csrf"
#: How long the cookie lives (the token works while the cookie does): 30 days.
MAX_AGE = 30 * 24 * 3600
_PURPOSE = "betterauth-pages-csrf:"


def _signature(value: str) -> str:
    """The token for the browser's random ``value`` and its session cookie, as sent: a
    value planted in the browser (by a sibling subdomain, say) is of no use without the
    victim's session cookie, and signing in or out starts new tokens."""
    state = current_state()
    session_cookie = state.cookies_for(request.is_secure).session_token.name
    bound = f"{_PURPOSE}{value}\x00{request.cookies.get(session_cookie, '')}"
    return b64url(hmac_sha256(state.key, bound))


def csrf_token() -> str:
    """The token for this browser's forms; starts a new cookie when it has none."""
    token = g.get("_betterauth_csrf_token")
    if token is not None:
        return str(token)
    value = request.cookies.get(COOKIE_NAME, "")
    if not _well_formed(value):
        value = secrets.token_urlsafe(32)
        g._betterauth_csrf_new_value = value
    token = g._betterauth_csrf_token = _signature(value)
    return str(token)


def csrf_valid() -> bool:
    """Whether this post's form field signs the browser's cookie value."""
    value = request.cookies.get(COOKIE_NAME, "")
    sent = request.form.get(FIELD_NAME, "")
    if not _well_formed(value) or not sent:
        return False
    return constant_time_equal(sent, _signature(value))


def set_csrf_cookie(response: Response) -> Response:
    """``after_request``: send the cookie :func:`csrf_token` started, if it did."""
    value = g.pop("_betterauth_csrf_new_value", None)
    if value is not None:
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=MAX_AGE,
            path="/",
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def _well_formed(value: str) -> bool:
    return 32 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()
