"""Session flows the endpoints share: start a session (cookies, signal), tell a short
(``rememberMe: false``) session, and send a session's cookies again."""

from __future__ import annotations

from .. import signals
from ..context import Context
from ..records import Record
from .values import SignedIn


def start_session(ctx: Context, user: Record, *, remember_me: bool) -> Record:
    """Create a session for ``user``, send its cookies, and return the session."""
    pair = ctx.state.sessions.create(
        user, remember_me=remember_me, ip=ctx.client_ip, user_agent=ctx.user_agent
    )
    ctx.state.sessions.set_cookies(ctx, pair, dont_remember=not remember_me)
    ctx.new_session = pair
    signals.send(signals.session_created, session=pair.session, user=user)
    return pair.session


def dont_remember(ctx: Context, session: Record) -> bool:
    """Whether the caller's ``session`` was made with ``rememberMe: false``: by its
    ``dont_remember`` cookie, or by the session's own short life (a stolen session cookie
    without its ``dont_remember`` companion is still a short session)."""
    return ctx.sessions.dont_remember(ctx) or ctx.sessions.is_short(session)


def reissue_cookies(ctx: Context, session: Record, user: Record) -> None:
    """Send the session's cookies again, the cookie cache carrying ``user`` as it now is.

    ``session`` must have been read from its store in this call (never from the cookie
    cache), so a cache entry is only ever re-issued for a session storage confirmed.
    """
    short = dont_remember(ctx, session)
    ctx.sessions.set_cookies(ctx, SignedIn(session, user), dont_remember=short)
