"""Case (c): flask-betterauth with the cookie cache off (one indexed query a request)."""

from __future__ import annotations

from .ours import create_app
from .ours import prepare as _prepare

app, db = create_app(cookie_cache=False)


def prepare() -> str:
    """Sign the bench user up; the cookie carries only the session token."""
    return _prepare(app, db, cookie_cache=False)
