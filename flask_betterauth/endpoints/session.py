"""``GET /get-session``: the current session and user, or ``null``."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..errors import APIError
from ..records import to_wire
from ..registry import endpoint
from ..validation import BodySchema
from ..validation import TruthyFlag


class GetSessionQuery(BodySchema):
    """The query of ``GET /get-session``; any non-empty value means true."""

    disableCookieCache = TruthyFlag()
    disableRefresh = TruthyFlag()


@endpoint("/get-session", method=("GET", "POST"), query=GetSessionQuery, auth="optional")
def get_session(ctx: Context) -> dict[str, Any] | None:
    """The signed-in session and its user; refreshes the session when it is due."""
    ctx.response_headers["Cache-Control"] = "no-store"
    ctx.response_headers["Pragma"] = "no-cache"
    if ctx.method == "POST":
        raise APIError(405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED")
    pair = ctx.state.sessions.read(
        ctx,
        disable_cookie_cache=ctx.query.get("disableCookieCache", False),
        disable_refresh=ctx.query.get("disableRefresh", False),
    )
    if pair is None:
        return None
    tables = ctx.state.tables
    return {
        "session": to_wire(tables["session"], pair.session),
        "user": to_wire(tables["user"], pair.user),
    }
