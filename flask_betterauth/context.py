"""The context of one endpoint call: what came in, and what goes out besides the body."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from typing import TypeVar

from werkzeug.datastructures import Headers

from .accounts import Accounts
from .cookies import AuthCookies
from .cookies import CookieSpec
from .cookies import decode_signed
from .cookies import encode_signed
from .cookies import parse_cookie_header
from .errors import APIError
from .headers import ResponseHeaders
from .mail.mailer import Mailer
from .records import Record
from .records import to_wire
from .registry import Endpoint
from .security.ip import client_ip
from .security.origins import TrustedOrigins
from .sessions.service import Sessions
from .sessions.values import SignedIn
from .state import AuthState
from .storage import Adapter
from .users import Users
from .verifications import Verifications

T = TypeVar("T")


class Context:
    """Everything a handler sees; it never touches ``flask.request``.

    Built by the HTTP face from the request and by ``auth.api`` from its keywords, so a
    handler runs the same way in both.

    :ivar body: the validated body (after the schema ran; the raw body before).
    :ivar raw_body: the body as sent, for additional fields.
    :ivar session: the caller's :class:`~flask_betterauth.sessions.values.SignedIn` when the
        endpoint's tier read it (:attr:`signed_in` raises 401 when there is none).
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
        self._session: SignedIn | None = None
        self._session_read = endpoint.auth == "none"
        self.new_session: SignedIn | None = None
        self.response_headers: Headers = ResponseHeaders()
        self.deferred: list[tuple[Callable[[], None], str]] = []
        self.status = 200
        self.returned: Any = None

    @property
    def session(self) -> SignedIn | None:
        """The caller's session and user, or ``None``; for an ``optional`` endpoint it is
        read on first use, from its store (never from the cookie cache)."""
        if not self._session_read:
            self._session_read = True
            self._session = self.state.sessions.read(self, disable_cookie_cache=True)
        return self._session

    @session.setter
    def session(self, value: SignedIn | None) -> None:
        self._session = value
        self._session_read = True

    @property
    def signed_in(self) -> SignedIn:
        """The caller's session and user, which the endpoint's tier read.

        :raises APIError: 401 ``UNAUTHORIZED`` when there is none.
        """
        if self.session is None:
            raise APIError(401, "UNAUTHORIZED")
        return self.session

    def user_json(self, user: Record) -> dict[str, object]:
        """``user`` in its wire form (the fields the schema returns)."""
        return to_wire(self.state.tables["user"], user)

    @property
    def users(self) -> Users:
        """The users service (find by email, create, update, delete)."""
        return self.state.users

    @property
    def accounts(self) -> Accounts:
        """The accounts service (credential account, link, unlink, set password)."""
        return self.state.accounts

    @property
    def verifications(self) -> Verifications:
        """The single-use tokens service (issue, find, consume)."""
        return self.state.verifications

    @property
    def sessions(self) -> Sessions:
        """The sessions service (create, list, revoke, cookies)."""
        return self.state.sessions

    @property
    def mailer(self) -> Mailer:
        """Sends the mail of every purpose, the core's and the plugins'
        (``ctx.mailer.can_send(purpose)``, ``ctx.mailer.send(purpose, kind, ...)``)."""
        return self.state.mailer

    @property
    def adapter(self) -> Adapter:
        """The storage adapter, for a plugin's own tables (core tables have services)."""
        return self.state.adapter

    def generate_id(self) -> str:
        """A new row id, made as the ``advanced.generate_id`` option says."""
        return self.state.generate_id()

    @property
    def base_path(self) -> str:
        """The path the auth routes are served under (``/api/auth``)."""
        return self.state.base_path

    def cookie_spec(self, name: str) -> CookieSpec:
        """The cookie a plugin declared as ``name`` (``Plugin(cookies=[name])``), with the
        name and attributes of this request's scheme."""
        return self.specs.get(name)

    def set_signed_cookie(self, spec: CookieSpec, value: str, max_age: int | None) -> None:
        """Send ``spec``'s cookie holding ``value`` signed with the app's secret."""
        self.set_cookie(spec, encode_signed(self.state.key, value), max_age)

    def signed_cookie(self, spec: CookieSpec) -> str | None:
        """The value of ``spec``'s cookie when it came correctly signed, else ``None``."""
        raw = self.cookies.get(spec.name)
        return decode_signed(self.state.key, raw) if raw else None

    def plugin_state(self, plugin_id: str, kind: type[T]) -> T:
        """The per-app state the plugin ``plugin_id`` built with ``Plugin(state=...)``.

        :raises TypeError: when that state is not a ``kind``.
        """
        found = self.state.plugin_states.get(plugin_id)
        if not isinstance(found, kind):
            raise TypeError(f"plugin {plugin_id!r} has no state of type {kind.__name__}")
        return found

    def set_cookie(self, spec: CookieSpec, value: str, max_age: int | None) -> None:
        """Send ``spec``'s cookie with ``value`` (``max_age=None``: a browser-session cookie)."""
        self.response_headers.add("Set-Cookie", spec.header(value, max_age))

    def expire_cookie(self, spec: CookieSpec, name: str | None = None) -> None:
        """Delete ``spec``'s cookie, or the cookie ``name`` written with its attributes."""
        target = replace(spec, name=name) if name else spec
        self.response_headers.add("Set-Cookie", target.expired())

    def cancel_new_session(self) -> None:
        """Undo the session this call created (a sign-in held for a second factor): its
        row is deleted, its ``session_token`` and ``session_data`` cookies are replaced by
        expired ones (``dont_remember`` stays), and :attr:`new_session` becomes ``None``,
        so later hooks see no session."""
        if self.new_session is None:
            return
        self.sessions.delete(self.new_session.session["token"])
        self.new_session = None
        names = (self.specs.session_token.name, self.specs.session_data.name)
        kept = [
            line
            for line in self.response_headers.getlist("Set-Cookie")
            if not line.split("=", 1)[0].startswith(names)
        ]
        self.response_headers.remove("Set-Cookie")
        for line in kept:
            self.response_headers.add("Set-Cookie", line)
        self.expire_cookie(self.specs.session_token)
        self.expire_cookie(self.specs.session_data)

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header, or ``""``; stored as text, so NUL characters and
        lone surrogates (which no database takes everywhere) are dropped."""
        agent = self.headers.get("User-Agent") or ""
        return agent.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")

    @property
    def client_ip(self) -> str:
        """The client IP from the configured headers, else the socket address, else ``""``
        (rules in :mod:`flask_betterauth.security.ip`)."""
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
