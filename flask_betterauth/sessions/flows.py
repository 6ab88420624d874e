"""Session flows the endpoints share: start a session (cookies, signal), tell a short
(``rememberMe: false``) session, send a session's cookies again, and find a session by
its token without touching cookies."""

from __future__ import annotations

from .. import signals
from ..clock import now
from ..context import Context
from ..records import Record
from ..state import AuthState
from .values import SignedIn
from .values import stored_token_candidates


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


def find_session(ctx: Context | AuthState, token: str) -> SignedIn | None:
    """The unexpired session whose raw token is ``token`` (a multi-session cookie's, the
    caller's), with its user; the session's ``token`` is the raw one. ``ctx`` may be an
    endpoint's context or the app's state (``current_state()``, in a view or template).

    It reads storage only: no cookie is sent, refreshed or expired, so a hook may look a
    session up after the endpoint has set its own cookies.
    """
    found = ctx.sessions.store.find(stored_token_candidates(token))
    if found is None or found[0]["expiresAt"] <= now():
        return None
    session = Record(found[0])
    session["token"] = token
    return SignedIn(session, Record(found[1]))
