"""Links the package writes: mailed links with single-use tokens, and query strings
added to or set on a URL the way Better Auth does."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from .context import Context
from .cookies import JS_URI_SAFE
from .errors import APIError
from .records import Record


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
