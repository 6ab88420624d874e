"""The multi-session hooks (spec 8): remember each new session of this browser in its
own cookie, and sign every account of the browser out on ``sign-out``."""

from __future__ import annotations

from collections.abc import Callable

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import find_session

from .cookies import names
from .cookies import spec_of
from .cookies import tracked


def _sets(ctx: Context, name: str) -> bool:
    """Whether the response sets (not expires) the cookie ``name``."""
    prefix = name + "="
    return any(
        line.startswith(prefix) and "Max-Age=0" not in line
        for line in ctx.response_headers.getlist("Set-Cookie")
    )


def track_new_session(maximum_sessions: int) -> Callable[[Context], None]:
    """The late after-hook on every endpoint that starts a session (spec 8): the
    browser's older sessions of the same user end, then the new session gets its
    multi-session cookie unless the browser already tracks ``maximum_sessions``."""

    def hook(ctx: Context) -> None:
        new = ctx.new_session
        if new is None:
            return
        spec = spec_of(ctx, new.session["token"])
        if spec.name in ctx.cookies or _sets(ctx, spec.name):
            return
        session_cookie = ctx.specs.session_token.name
        sent = names(ctx.cookies, session_cookie)
        ended = 0
        for name, token in tracked(ctx.cookies, session_cookie, ctx.state.key):
            pair = find_session(ctx, token)
            if pair is not None and pair.user["id"] == new.user["id"]:
                ctx.sessions.delete(token)
                ctx.expire_cookie(spec, name)
                ended += 1
        active = 1 if _sets(ctx, session_cookie) else 0
        if len(sent) - ended + active > maximum_sessions:
            return
        max_age = ctx.options.session.expires_in
        ctx.set_signed_cookie(spec, new.session["token"], max_age)

    return hook


def sign_out_all(ctx: Context) -> None:
    """After ``sign-out``: end every session this browser tracks, expire their cookies."""
    session_cookie = ctx.specs.session_token.name
    spec = ctx.specs.session_token
    for name, token in tracked(ctx.cookies, session_cookie, ctx.state.key):
        ctx.expire_cookie(spec, name)
        ctx.sessions.delete(token)
