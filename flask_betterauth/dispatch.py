"""The one pipeline every call runs through, over HTTP and on ``auth.api`` alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from werkzeug.datastructures import Headers

from .context import Context
from .errors import APIError
from .security.origins import check_request_origin
from .security.origins import check_url_fields
from .security.origins import concrete_path
from .security.origins import location_header
from .security.origins import path_skipped
from .storage import WriteRefused
from .unavailable import as_unavailable
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


_current: ContextVar[Context | None] = ContextVar("betterauth_context", default=None)


def current_context() -> Context | None:
    """The context of the endpoint call under way, if any (database hooks receive it)."""
    return _current.get()


@contextmanager
def bound(ctx: Context) -> Iterator[None]:
    """Make ``ctx`` the call under way (for work finished after its answer)."""
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)


def dispatch(ctx: Context) -> Result:
    """Run the endpoint of ``ctx``: checks, hooks, session tier, handler; errors become
    results (and reach ``on_api_error``)."""
    token = _current.set(ctx)
    try:
        try:
            value = _run(ctx)
        except Exception as raised:
            unavailable = as_unavailable(raised)
            if unavailable is None:
                raise
            raise unavailable from raised
    except APIError as error:
        on_error = ctx.options.on_api_error.on_error
        if on_error is not None:
            on_error(error, ctx)
        headers = ctx.response_headers
        for name, header_value in error.headers.items():
            headers[name] = header_value
        return Result(error.status, error.to_dict(), headers, error=error)
    finally:
        _current.reset(token)
    if isinstance(value, Redirect):
        return Result(302, None, ctx.response_headers, redirect=value.location)
    if isinstance(value, RawResponse):
        return Result(value.status, None, ctx.response_headers, raw=value)
    return Result(ctx.status, value, ctx.response_headers)


def _run(ctx: Context) -> Any:
    endpoint = ctx.endpoint
    hooks = ctx.state.hooks
    if ctx.is_http:
        _check_origin(ctx)
    for hook in hooks.before.get(endpoint.name, ()):
        answer = hook(ctx)
        if answer is not None:
            return answer
    ctx.raw_body = ctx.body
    if endpoint.body is not None and ctx.method not in _SAFE_METHODS:
        ctx.body = validate(endpoint.body, ctx.raw_body, "body")
    if endpoint.query is not None:
        ctx.query = validate(endpoint.query, ctx.query, "query")
    # Every redirect field the client sent is checked, declared by the endpoint or not
    # (a call with neither body nor query has none: most reads skip the check).
    body = ctx.raw_body if isinstance(ctx.raw_body, dict) else {}
    if body or ctx.query:
        check_url_fields(ctx.trusted, body, ctx.query, check_trust=not _origin_check_skipped(ctx))
    _read_session(ctx)
    value = _call_handler(ctx)
    after = hooks.after.get(endpoint.name, ())
    if after:
        ctx.returned = value
        for hook in after:
            replaced = hook(ctx)
            if replaced is not None:
                ctx.returned = replaced
        value = ctx.returned
    if isinstance(value, APIError):
        raise value
    if isinstance(value, Redirect):
        return Redirect(location_header(value.location))
    return value


def _call_handler(ctx: Context) -> Any:
    """The handler's value, or the ``APIError`` it raised (after hooks see both)."""
    try:
        return ctx.endpoint.handler(ctx)
    except APIError as error:
        return error
    except WriteRefused as refused:
        return APIError(400, refused.code)


def _origin_check_skipped(ctx: Context) -> bool:
    setting = ctx.options.advanced.disable_origin_check
    if not isinstance(setting, list):
        # Only a list of prefixes depends on the path: build it for that case alone.
        return setting is True
    return path_skipped(setting, concrete_path(ctx.endpoint.path, ctx.params))


def _check_origin(ctx: Context) -> None:
    if not ctx.state.origin_check or ctx.method in _SAFE_METHODS:
        return
    check_request_origin(
        ctx.trusted,
        ctx.headers,
        form_csrf=ctx.endpoint.form_csrf,
        skip_origin=_origin_check_skipped(ctx),
    )


def _read_session(ctx: Context) -> None:
    """Read the session the endpoint's tier requires (``optional`` reads it lazily, on
    the handler's first use of ``ctx.session``).

    Sensitive endpoints and every call that may change something (any method but
    ``GET``/``HEAD``/``OPTIONS``) read the session from its store, never from the cookie
    cache: a signed-out, revoked or deleted session cannot write, and nothing re-issues
    a cache entry that storage did not just confirm.
    """
    tier = ctx.endpoint.auth
    if tier not in ("none", "optional"):
        from_store = ctx.method not in _SAFE_METHODS
        ctx.session = ctx.state.sessions.require(ctx, tier, from_store=from_store)
