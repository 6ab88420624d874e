"""The context of one endpoint call: what came in, and what goes out besides the body."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from werkzeug.datastructures import Headers

from .cookies import AuthCookies
from .cookies import CookieSpec
from .cookies import parse_cookie_header
from .ip import client_ip
from .origins import TrustedOrigins
from .records import Record
from .registry import Endpoint
from .state import AuthState


class Context:
    """Everything a handler sees; it never touches ``flask.request``.

    Built by the HTTP face from the request and by ``auth.api`` from its keywords, so a
    handler runs the same way in both.

    :ivar body: the validated body (after the schema ran; the raw body before).
    :ivar raw_body: the body as sent, for additional fields.
    :ivar session: the caller's ``(session, user)`` when the endpoint's tier read it.
    :ivar new_session: the session this call created, if any.
    :ivar response_headers: headers to send, every ``Set-Cookie`` included.
    :ivar deferred: work to run once the response is sent
        (:mod:`flask_betterauth.after_response`), each with its name for the log.
    """

    def __init__(
        self,
        state: AuthState,
        endpoint: Endpoint,
        *,
        method: str,
        body: Any,
        query: Mapping[str, Any],
        headers: Headers,
        params: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        https: bool = False,
        request_origin: str | None = None,
        remote_addr: str | None = None,
        is_http: bool = False,
    ) -> None:
        self.state = state
        self.options = state.options
        self.endpoint = endpoint
        self.method = method
        self.raw_body = body
        self.body: Any = body
        self.query: dict[str, Any] = dict(query)
        self.headers = headers
        self.params = dict(params or {})
        self.cookies: Mapping[str, str] = (
            cookies if cookies is not None else parse_cookie_header(headers.get("Cookie"))
        )
        self.is_http = is_http
        self.remote_addr = remote_addr
        self.specs: AuthCookies = state.cookies_for(https)
        self.origin = state.base_origin or request_origin or ""
        self.base_url = state.base_url or (self.origin + state.base_path)
        self.trusted: TrustedOrigins = state.trusted.with_origin(self.origin)
        self.session: tuple[Record, Record] | None = None
        self.new_session: tuple[Record, Record] | None = None
        self.response_headers = Headers()
        self.deferred: list[tuple[Callable[[], None], str]] = []
        self.status = 200
        self.returned: Any = None

    def set_cookie(self, spec: CookieSpec, value: str, max_age: int | None) -> None:
        """Send ``spec``'s cookie with ``value`` (``max_age=None``: a browser-session cookie)."""
        self.response_headers.add("Set-Cookie", spec.header(value, max_age))

    def expire_cookie(self, spec: CookieSpec, name: str | None = None) -> None:
        """Delete ``spec``'s cookie, or the cookie ``name`` written with its attributes."""
        target = replace(spec, name=name) if name else spec
        self.response_headers.add("Set-Cookie", target.expired())

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header, or ``""``; stored as text, so NUL characters and
        lone surrogates (which no database takes everywhere) are dropped."""
        agent = self.headers.get("User-Agent") or ""
        return agent.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")

    @property
    def client_ip(self) -> str:
        """The client IP from the configured headers, else the socket address, else ``""``
        (rules in :mod:`flask_betterauth.ip`)."""
        ip_options = self.options.advanced.ip_address
        if ip_options.disable_ip_tracking:
            return ""
        found = client_ip(
            self.headers,
            self.remote_addr,
            header_names=ip_options.ip_address_headers,
            trusted_proxies=tuple(ip_options.trusted_proxies),
            ipv6_subnet=ip_options.ipv6_subnet,
        )
        return found or ""
