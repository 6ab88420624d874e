"""What the account-lifecycle endpoints share: credentials, cookies, links and redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..context import Context
from ..cookies import JS_URI_SAFE
from ..errors import APIError
from ..records import Record
from ..sessions.values import SignedIn
from .credentials import check_password_length


def js_encode(value: str) -> str:
    """JavaScript's ``encodeURIComponent``: how Better Auth puts a URL inside a link."""
    return quote(value, safe=JS_URI_SAFE)


def mail_link(ctx: Context, path: str, token: str, callback_url: str | None) -> str:
    """``{baseURL}{path}?token=<token>&callbackURL=<encoded callback or "/">``."""
    return f"{ctx.base_url}{path}?token={token}&callbackURL={js_encode(callback_url or '/')}"


def append_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added after its query, before its fragment; a relative
    ``url`` stays relative (Better Auth's ``appendQueryParams``)."""
    parts = urlsplit(url)
    added = urlencode(params)
    query = parts.query
    if query:
        query = f"{query}{'' if query.endswith('&') else '&'}{added}"
    else:
        query = added
    return urlunsplit(parts._replace(query=query))


def set_query(base: str, url: str, params: dict[str, str]) -> str:
    """``url`` resolved against ``base``, its query parameters ``params`` set (replaced)."""
    parts = urlsplit(urljoin(base, url))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query.extend(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def mail_token_link(
    ctx: Context,
    mailer: Any,
    option: str,
    kind: str,
    *,
    user: Record,
    url: str,
    token: str,
    row: dict[str, Any],
    expires_in: int,
) -> None:
    """Mail a link that carries a single-use token; if the mail fails, the token goes too,
    so nothing half-done blocks a retry."""
    try:
        mailer.send(option, kind, user=user, url=url, token=token, expires_in=expires_in)
    except APIError:
        ctx.verifications.discard(row)
        raise


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


def merged_user(user: Record, changes: dict[str, Any]) -> Record:
    """``user`` with ``changes`` applied, as a new record."""
    return Record({**user, **changes})
