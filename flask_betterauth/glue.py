"""Flask glue: ``current_user``, ``current_session``, ``login_required``, templates.

The session is read at most once per request and only when something asks for it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any
from typing import TypeVar
from typing import cast
from urllib.parse import quote

from flask import after_this_request
from flask import current_app
from flask import g
from flask import has_request_context
from flask import redirect
from flask import request
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from .cookies import CookieSpec
from .cookies import parse_cookie_header
from .errors import APIError
from .headers import RequestHeaders
from .http import json_dumps
from .records import Record
from .security.ip import HeaderSource
from .sessions.values import SignedIn
from .state import AuthState
from .state import current_state

F = TypeVar("F", bound=Callable[..., Any])
#: Where ``login_required`` sends a browser without ``BETTER_AUTH_SIGN_IN_URL`` or pages.
DEFAULT_SIGN_IN_URL = "/sign-in"
_MISSING = object()


class _RequestCarrier:
    """Lets the session reader see this request's cookies and headers, and queue cookies
    to send."""

    __slots__ = ("_request", "cookies", "specs")

    def __init__(self, state: AuthState) -> None:
        current = request._get_current_object()  # type: ignore[attr-defined]
        self._request = current
        self.cookies = parse_cookie_header(current.environ.get("HTTP_COOKIE"))
        self.specs = state.cookies_for(current.is_secure)

    @property
    def headers(self) -> HeaderSource:
        """The request's headers (read by token sources only)."""
        return RequestHeaders(self._request.environ)

    def set_cookie(self, spec: CookieSpec, value: str, max_age: int | None) -> None:
        _queue(spec.header(value, max_age))

    def expire_cookie(self, spec: CookieSpec, name: str | None = None) -> None:
        target = replace(spec, name=name) if name else spec
        _queue(target.expired())


def _queue(header: str) -> None:
    """Send ``header`` as a ``Set-Cookie`` of this request's response.

    Only a request whose session read changed cookies registers the callback, so the
    other requests pay nothing for it.
    """
    queued = g.get("_betterauth_cookies")
    if queued is None:
        queued = g._betterauth_cookies = []
        after_this_request(send_queued_cookies)
    queued.append(header)


def load_session() -> SignedIn | None:
    """The ``(session, user)`` of the current request, read once and kept on ``g``."""
    if not has_request_context():
        return None
    # One proxy lookup, then plain attribute access: this runs on every protected view.
    app_g = g._get_current_object()
    pair = app_g.__dict__.get("_betterauth_session", _MISSING)
    if pair is _MISSING:
        state = current_state()
        pair = state.sessions.read(_RequestCarrier(state))
        app_g._betterauth_session = pair
    return cast("SignedIn | None", pair)


def _user() -> Record | None:
    pair = load_session()
    return pair.user if pair else None


def _session() -> Record | None:
    pair = load_session()
    return pair.session if pair else None


#: The signed-in user (a :class:`~flask_betterauth.records.Record`), or ``None``.
current_user: Any = LocalProxy(_user)
#: The current session (``current_session.expires_at`` and so on), or ``None``.
current_session: Any = LocalProxy(_session)


def send_queued_cookies(response: Response) -> Response:
    """``after_request``: add the cookies a session read queued (refresh, expiry)."""
    for header in g.pop("_betterauth_cookies", ()):
        response.headers.add("Set-Cookie", header)
    return response


def template_context() -> dict[str, Any]:
    """Jinja sees ``current_user`` and ``current_session``."""
    return {"current_user": current_user, "current_session": current_session}


def _is_page_request() -> bool:
    """Whether a browser is opening a page (then sign-in is a redirect away).

    A browser says so with ``Sec-Fetch-Mode: navigate``; any other mode (``fetch()``,
    ``XMLHttpRequest``, an image) is a script's request. Without that header (an older
    browser, curl, an HTTP library), a page request names ``text/html`` in ``Accept`` and
    prefers it to JSON, so ``Accept: */*`` (curl's and ``fetch()``'s default) is not one.
    A request with no ``Accept`` at all (Flask's test client) is taken for a page, as
    before this rule, so that existing tests of redirects keep their meaning.
    """
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    if request.is_json:
        return False
    if "Accept" not in request.headers:
        return True
    accept = request.accept_mimetypes
    html = max((q for kind, q in accept if kind == "text/html"), default=0)
    return html > 0 and html >= accept.quality("application/json")


def _pages_sign_in_url() -> str | None:
    """The sign-in page of the ready-made pages, when they are mounted."""
    pages = current_app.extensions.get("betterauth_pages")
    return pages.sign_in_url if pages is not None else None


def _refuse(error: APIError) -> Response:
    if not _is_page_request():
        return Response(json_dumps(error.to_dict()), error.status, mimetype="application/json")
    target = current_state().sign_in_url or _pages_sign_in_url() or DEFAULT_SIGN_IN_URL
    sep = "&" if "?" in target else "?"
    return redirect(f"{target}{sep}next={quote(request.full_path.rstrip('?'), safe='/')}")


def login_required(view: F | None = None, *, fresh: bool = False) -> Any:
    """Protect a view: only a signed-in user gets through.

    Without a session, a browser opening a page (``Sec-Fetch-Mode: navigate``, or
    ``text/html`` preferred in ``Accept``) is redirected to ``BETTER_AUTH_SIGN_IN_URL``
    (default: the ready-made sign-in page when the pages are mounted, else ``/sign-in``)
    with ``?next=``; any other request (``fetch()``, curl, an API client) gets ``401``
    JSON ``UNAUTHORIZED``. With ``fresh=True`` the session must also be younger than
    ``session.fresh_age`` (``403`` ``SESSION_NOT_FRESH`` otherwise).

    Use as ``@login_required`` or ``@login_required(fresh=True)``.
    """

    tier = "fresh" if fresh else "session"

    def decorate(func: F) -> F:
        is_async = inspect.iscoroutinefunction(func)

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            pair = load_session()
            if pair is None or fresh:
                try:
                    current_state().sessions.check(pair, tier)
                except APIError as error:
                    return _refuse(error)
            if is_async:
                return current_app.ensure_sync(func)(*args, **kwargs)
            return func(*args, **kwargs)

        return cast(F, wrapper)

    return decorate(view) if view is not None else decorate
