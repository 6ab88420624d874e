"""An example plugin: a history of each user's sign-ins.

It shows every part of the plugin kit (:mod:`flask_betterauth.plugins`): a new table
(``loginEvent``), a new field on a core table (``user.lastSignInAt``), an endpoint served
over HTTP and on ``auth.api``, an ``after`` hook, a rate-limit rule, an error code, option
defaults from ``init``, per-app state, its own cookie, its own mail and a session token
source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import DictLoader
from marshmallow import fields
from marshmallow.validate import Range

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Carrier
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import MailPurpose
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import decode_signed
from flask_betterauth.plugins import define_error_codes
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import iso
from flask_betterauth.plugins import now

PLUGIN_ID = "login-history"
ERROR_CODES = define_error_codes(
    {"LOGIN_HISTORY_LIMIT_TOO_LARGE": "Ask for at most 100 sign-ins at a time"}
)
#: The plugin's cookie: the time of the browser's latest sign-in, signed.
LAST_SIGN_IN_COOKIE = "last_sign_in"
#: The default text and HTML of the plugin's mail (an app may override them by name).
TEMPLATES = DictLoader(
    {
        "betterauth/mail/new_sign_in.txt": "A new sign-in to {{ app_name }}.\nSee {{ url }}",
        "betterauth/mail/new_sign_in.html": "<p>A new sign-in. <a href='{{ url }}'>See</a></p>",
    }
)


@dataclass(frozen=True)
class HistoryState:
    """The plugin's per-app state, built once at ``init_app``."""

    max_rows: int


class HistoryQuery(BodySchema):
    """The query of ``GET /login-history``."""

    limit = fields.Integer(load_default=20, validate=Range(min=1))


@endpoint("/login-history", method="GET", query=HistoryQuery, auth="session")
def login_history(ctx: Context) -> list[dict[str, Any]]:
    """The signed-in user's latest sign-ins, newest first."""
    limit = ctx.query["limit"]
    if limit > ctx.plugin_state(PLUGIN_ID, HistoryState).max_rows:
        raise APIError(400, "LOGIN_HISTORY_LIMIT_TOO_LARGE")
    mine = {"userId": ctx.signed_in.user["id"]}
    rows = ctx.adapter.find_many("loginEvent", mine, limit=limit, sort_by=("createdAt", "desc"))
    return [{"ipAddress": r["ipAddress"], "createdAt": iso(r["createdAt"])} for r in rows]


def _record_sign_in(ctx: Context) -> None:
    """After a successful sign-in or sign-up: write the event, stamp the user, set the
    cookie, and mail the user about a sign-in from an address not seen before."""
    if ctx.new_session is None:
        return
    session, user = ctx.new_session
    moment = now()
    known = ctx.adapter.count(
        "loginEvent", {"userId": user["id"], "ipAddress": session["ipAddress"]}
    )
    ctx.adapter.create(
        "loginEvent",
        {
            "id": ctx.generate_id(),
            "userId": user["id"],
            "ipAddress": session["ipAddress"],
            "createdAt": moment,
        },
    )
    ctx.users.update(user, {"lastSignInAt": moment})
    ctx.set_signed_cookie(ctx.cookie_spec(LAST_SIGN_IN_COOKIE), iso(moment), 400 * 24 * 3600)
    if not known and ctx.mailer.can_send("new_sign_in"):
        url = ctx.base_url + "/login-history"
        ctx.mailer.send("new_sign_in", "new-sign-in", user=user, url=url, token="", expires_in=0)


def header_token(carrier: Carrier, key: bytes) -> str | None:
    """The session token of an ``X-Session-Token`` header (the signed cookie value)."""
    raw = carrier.headers.get("X-Session-Token")
    return decode_signed(key, raw) if raw else None


def login_history_plugin(
    max_per_minute: int = 30,
    max_rows: int = 100,
    send_new_sign_in: Callable[..., Any] | bool | None = None,
) -> Plugin:
    """Record every sign-in and serve the history at ``GET /login-history``.

    :param max_per_minute: rate limit of the history endpoint per client.
    :param max_rows: the most sign-ins one request may ask for.
    :param send_new_sign_in: who mails the user about a sign-in from a new address:
        ``send_new_sign_in(user, url)``, ``True`` for the built-in sender, or ``None``.
    """
    return Plugin(
        id=PLUGIN_ID,
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
        rate_limit=[EndpointRateLimit(frozenset({"login_history"}), 60, max_per_minute)],
        error_codes=ERROR_CODES,
        init=lambda options: {"session": {"fresh_age": 3600}},
        state=lambda options: HistoryState(max_rows=max_rows),
        cookies=[LAST_SIGN_IN_COOKIE],
        mail_purposes=[
            MailPurpose(
                "new_sign_in",
                lambda options: send_new_sign_in,
                {"new-sign-in": "A new sign-in to your account"},
                arguments=("user", "url"),
                loader=TEMPLATES,
            )
        ],
        token_sources=[header_token],
    )
