"""Case (b): flask-betterauth with the cookie cache on (a hit costs no query)."""

from __future__ import annotations

from .ours import create_app
from .ours import prepare as _prepare

app, db = create_app(cookie_cache=True)


def prepare() -> str:
    """Sign the bench user up; the cookie carries the session token and the cache."""
    return _prepare(app, db, cookie_cache=True)
