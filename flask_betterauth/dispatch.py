"""The one pipeline every call runs through, over HTTP and on ``auth.api`` alike."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from werkzeug.datastructures import Headers

from .context import Context
from .errors import APIError
from .origins import check_form_csrf
from .origins import check_origin
from .origins import check_url_fields
from .validation import validate

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Redirect:
    """A handler's answer that sends the browser elsewhere: 302 with ``Location``."""

    location: str


@dataclass
class RawResponse:
    """A handler's answer that is not JSON (the HTML error page)."""

    body: str
    content_type: str
    status: int = 200


@dataclass
class Result:
    """What a call produced: status, body, headers (``Set-Cookie`` included)."""

    status: int
    body: Any
    headers: Headers = field(default_factory=Headers)
    error: APIError | None = None
    redirect: str | None = None
    raw: RawResponse | None = None


def dispatch(ctx: Context) -> Result:
    """Run the endpoint of ``ctx``: checks, session tier, handler; errors become results."""
    try:
        value = _run(ctx)
    except APIError as error:
        headers = ctx.response_headers
        for name, header_value in error.headers.items():
            headers[name] = header_value
        return Result(error.status, error.to_dict(), headers, error=error)
    if isinstance(value, Redirect):
        return Result(302, None, ctx.response_headers, redirect=value.location)
    if isinstance(value, RawResponse):
        return Result(value.status, None, ctx.response_headers, raw=value)
    return Result(ctx.status, value, ctx.response_headers)


def _run(ctx: Context) -> Any:
    endpoint = ctx.endpoint
    if ctx.is_http:
        _check_origin(ctx)
    if endpoint.body is not None and ctx.method not in _SAFE_METHODS:
        ctx.body = validate(endpoint.body, ctx.raw_body, "body")
    if endpoint.query is not None:
        ctx.query = validate(endpoint.query, ctx.query, "query")
    body = ctx.body if isinstance(ctx.body, dict) else {}
    check_url_fields(ctx.trusted, body, ctx.query)
    _read_session(ctx)
    return endpoint.handler(ctx)


def _check_origin(ctx: Context) -> None:
    state = ctx.state
    if not state.origin_check or ctx.method in _SAFE_METHODS:
        return
    has_cookies = bool(ctx.headers.get("Cookie"))
    if ctx.endpoint.form_csrf:
        check_form_csrf(ctx.trusted, ctx.headers, has_cookies)
    elif has_cookies:
        check_origin(ctx.trusted, ctx.headers)


def _read_session(ctx: Context) -> None:
    tier = ctx.endpoint.auth
    if tier in ("none", "optional"):
        return
    sessions = ctx.state.sessions
    pair = sessions.read(ctx, disable_cookie_cache=tier == "sensitive")
    if pair is None:
        raise APIError(401, "UNAUTHORIZED")
    if tier == "fresh" and not sessions.is_fresh(pair[0]):
        raise APIError(403, "SESSION_NOT_FRESH")
    ctx.session = pair
