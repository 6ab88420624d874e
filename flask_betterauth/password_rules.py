"""The rules a password meets: Better Auth's lengths (counted as JavaScript counts), the
app's ``password_policy`` and the breached-password check; proving the current one, and
setting a new one after a reset."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from . import signals
from .context import Context
from .errors import APIError
from .options.groups import EmailAndPasswordOptions
from .security.breach import check_breached


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
            user = ctx.user_json(ctx.session.user) if ctx.session else {}
        message = options.password_policy(password, dict(user))
        if message:
            raise APIError(400, "PASSWORD_POLICY_VIOLATION", str(message))
    check_breached(options.breached_passwords, password)


def reset_password_of(
    ctx: Context, user: Mapping[str, Any], password: str, use_up: Callable[[], None]
) -> None:
    """Set ``user``'s new ``password`` (checked already) as a password reset does: in one
    transaction ``use_up()`` spends the proof (a mailed token or code; it raises to refuse),
    the user's sessions are revoked when ``revoke_sessions_on_password_reset`` is on and
    the password is set; then ``on_password_reset(user)`` runs and ``password_reset`` is
    signalled."""
    hashed = ctx.state.hasher.hash(password)
    options = ctx.options.email_and_password
    with ctx.adapter.transaction():
        use_up()
        if options.revoke_sessions_on_password_reset:
            ctx.sessions.revoke_user(user["id"])
        ctx.accounts.set_password(user["id"], hashed)
    if options.on_password_reset is not None:
        options.on_password_reset(user)
    signals.send(signals.password_reset, user=user)


def check_current_password(ctx: Context, user_id: str, password: str) -> dict[str, Any]:
    """The credential account, once ``password`` is proven to be the user's.

    :raises APIError: 400 ``PASSWORD_TOO_LONG``, ``CREDENTIAL_ACCOUNT_NOT_FOUND`` when the
        user has no password, ``INVALID_PASSWORD`` when it does not match.
    """
    check_password_length(ctx.options.email_and_password, password, minimum=False)
    account = ctx.accounts.credential(user_id)
    if account is None or not account.get("password"):
        raise APIError(400, "CREDENTIAL_ACCOUNT_NOT_FOUND")
    if not ctx.state.hasher.verify(account["password"], password):
        raise APIError(400, "INVALID_PASSWORD")
    return account
