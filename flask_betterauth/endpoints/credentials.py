"""What the email-and-password endpoints share: length rules and starting a session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import signals
from ..context import Context
from ..errors import APIError
from ..options.groups import EmailAndPasswordOptions
from ..records import Record
from ..records import to_wire
from ..security.breach import check_breached


def js_length(text: str) -> int:
    """Length in UTF-16 code units, as JavaScript counts (Better Auth's limits use it)."""
    return len(text.encode("utf-16-le")) // 2


def check_password_length(
    options: EmailAndPasswordOptions, password: str, *, minimum: bool = True
) -> None:
    """400 ``PASSWORD_TOO_SHORT`` / ``PASSWORD_TOO_LONG`` against the configured limits."""
    length = js_length(password)
    if minimum and length < options.min_password_length:
        raise APIError(400, "PASSWORD_TOO_SHORT")
    if length > options.max_password_length:
        raise APIError(400, "PASSWORD_TOO_LONG")


def check_new_password(
    ctx: Context, password: str, *, user: Mapping[str, Any] | None = None
) -> None:
    """Every check a password must pass before it is set: length, the app's
    ``password_policy``, then (when on) the breached-password check.

    ``user`` is what the policy sees of the account (its wire fields); by default the
    signed-in user of ``ctx``, else ``{}``.

    :raises APIError: 400 ``PASSWORD_TOO_SHORT`` / ``PASSWORD_TOO_LONG`` /
        ``PASSWORD_POLICY_VIOLATION`` (with the policy's message) / ``PASSWORD_COMPROMISED``;
        503 ``BREACH_CHECK_UNAVAILABLE``.
    """
    options = ctx.options.email_and_password
    check_password_length(options, password)
    if options.password_policy is not None:
        if user is None:
            user = user_json(ctx, ctx.session.user) if ctx.session else {}
        message = options.password_policy(password, dict(user))
        if message:
            raise APIError(400, "PASSWORD_POLICY_VIOLATION", str(message))
    check_breached(options.breached_passwords, password)


def start_session(ctx: Context, user: Record, *, remember_me: bool) -> Record:
    """Create a session for ``user``, send its cookies, and return the session."""
    pair = ctx.state.sessions.create(
        user, remember_me=remember_me, ip=ctx.client_ip, user_agent=ctx.user_agent
    )
    ctx.state.sessions.set_cookies(ctx, pair, dont_remember=not remember_me)
    ctx.new_session = pair
    signals.send(signals.session_created, session=pair.session, user=user)
    return pair.session


def user_json(ctx: Context, user: Record) -> dict[str, object]:
    """``user`` in its wire form."""
    return to_wire(ctx.state.tables["user"], user)
