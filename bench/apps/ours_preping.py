"""Case (c), as docs/production.rst weighs it: the cookie cache off and the pool's
``pool_pre_ping`` on (a ``SELECT 1`` round trip before each checkout)."""

from __future__ import annotations

from .ours import create_app
from .ours import prepare as _prepare

app, db = create_app(cookie_cache=False, engine_options={"pool_pre_ping": True})


def prepare() -> str:
    """Sign the bench user up; the cookie carries only the session token."""
    return _prepare(app, db, cookie_cache=False)
