"""Case (i): flask-betterauth's sign-in at the default bcrypt cost (11).

The rate limiter stays on, but without its sign-in rule (3 tries per 10 s), which would
answer nearly every benchmarked sign-in with 429.
"""

from __future__ import annotations

from .ours import create_app
from .ours import prepare as _prepare

app, db = create_app(cookie_cache=False, rate_limit={"custom_rules": {"/sign-in/email": False}})


def prepare() -> str:
    """Sign the bench user up (the benchmark then signs it in again and again)."""
    return _prepare(app, db, cookie_cache=False)
