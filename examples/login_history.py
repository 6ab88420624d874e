"""An example plugin: a history of each user's sign-ins.

It shows every part of the plugin interface: a new table (``loginEvent``), a new field on
a core table (``user.lastSignInAt``), an endpoint served over HTTP and on ``auth.api``, an
``after`` hook, a rate-limit rule, an error code, and option defaults from ``init``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow.validate import Range

from flask_betterauth import APIError
from flask_betterauth.clock import iso
from flask_betterauth.clock import now
from flask_betterauth.context import Context
from flask_betterauth.hooks import Hook
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins.base import RateLimitRule
from flask_betterauth.registry import endpoint
from flask_betterauth.validation import BodySchema

ERROR_CODES = {"LOGIN_HISTORY_LIMIT_TOO_LARGE": "Ask for at most 100 sign-ins at a time"}


class HistoryQuery(BodySchema):
    """The query of ``GET /login-history``."""

    limit = fields.Integer(load_default=20, validate=Range(min=1))


@endpoint("/login-history", method="GET", query=HistoryQuery, auth="session")
def login_history(ctx: Context) -> list[dict[str, Any]]:
    """The signed-in user's latest sign-ins, newest first."""
    limit = ctx.query["limit"]
    if limit > 100:
        raise APIError(
            400, "LOGIN_HISTORY_LIMIT_TOO_LARGE", ERROR_CODES["LOGIN_HISTORY_LIMIT_TOO_LARGE"]
        )
    _, user = ctx.session or (None, None)
    assert user is not None
    rows = ctx.state.adapter.find_many(
        "loginEvent", {"userId": user["id"]}, limit=limit, sort_by=("createdAt", "desc")
    )
    return [{"ipAddress": r["ipAddress"], "createdAt": iso(r["createdAt"])} for r in rows]


def _record_sign_in(ctx: Context) -> None:
    """After a successful sign-in or sign-up, write the event and stamp the user."""
    if ctx.new_session is None:
        return
    session, user = ctx.new_session
    moment = now()
    adapter = ctx.state.adapter
    adapter.create(
        "loginEvent",
        {
            "id": ctx.state.generate_id(),
            "userId": user["id"],
            "ipAddress": session["ipAddress"],
            "createdAt": moment,
        },
    )
    adapter.update_many("user", {"id": user["id"]}, {"lastSignInAt": moment})


def login_history_plugin(max_per_minute: int = 30) -> Plugin:
    """Record every sign-in and serve the history at ``GET /login-history``.

    :param max_per_minute: rate limit of the history endpoint per client.
    """
    return Plugin(
        id="login-history",
        endpoints=[login_history],
        schema={
            "loginEvent": {
                "model_name": "login_event",
                "fields": {
                    "userId": {
                        "type": "string",
                        "required": True,
                        "references": "user.id",
                        "index": True,
                    },
                    "ipAddress": {"type": "string"},
                    "createdAt": {"type": "date", "required": True},
                },
            },
            "user": {"fields": {"lastSignInAt": {"type": "date", "input": False}}},
        },
        hooks={
            "after": [
                Hook(_record_sign_in, endpoints=frozenset({"sign_in_email", "sign_up_email"}))
            ]
        },
        rate_limit=[RateLimitRule(lambda path: path == "/login-history", 60, max_per_minute)],
        error_codes=ERROR_CODES,
        init=lambda options: {"session": {"fresh_age": 3600}},
    )
