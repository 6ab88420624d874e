"""The social package's hooks on core endpoints, added to the plugins' by the extension."""

from __future__ import annotations

from ..context import Context
from ..hooks import Hook
from .state import OAUTH_STATE_COOKIE


def expire_oauth_state(ctx: Context) -> None:
    """After sign-out: under ``account.store_state_strategy="cookie"``, expire the
    ``oauth_state`` cookie the request carried, as Better Auth 1.7.24's
    ``deleteSessionCookie`` does (a cookie never sent is left alone)."""
    if ctx.options.account.store_state_strategy != "cookie":
        return
    spec = ctx.specs.get(OAUTH_STATE_COOKIE)
    if spec.name in ctx.cookies:
        ctx.expire_cookie(spec)


#: ``(phase, hook)`` pairs in the shape of :func:`~..plugins.base.plugin_hooks`.
SOCIAL_HOOKS: tuple[tuple[str, Hook], ...] = (
    ("after", Hook(expire_oauth_state, endpoints=frozenset({"sign_out"}))),
)
