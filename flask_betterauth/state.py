"""The per-app state of the extension, built once by ``init_app`` and then frozen."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import cast

from flask import Request
from flask import current_app
from werkzeug.wrappers import Response

from .accounts import Accounts
from .cookies import AuthCookies
from .hooks import HookTable
from .mail.mailer import Mailer
from .models import Models
from .options import Options
from .passwords import PasswordHasher
from .registry import Registry
from .schema import Table
from .security.origins import TrustedOrigins
from .security.ratelimit import RateLimiter
from .sessions.service import Sessions
from .storage import Adapter
from .users import Users
from .verifications import Verifications

OnRequest = Callable[[Request], Response | None]
OnResponse = Callable[[Request, Response], Response | None]


@dataclass(frozen=True)
class AuthState:
    """Everything an endpoint or the Flask glue needs, resolved from the options once.

    Stored in ``app.extensions["betterauth"]``; read it with :func:`current_state`.
    """

    options: Options
    secret: str
    key: bytes
    base_url: str | None
    #: The origin of ``base_url`` (``None`` when the base URL is inferred per request).
    base_origin: str | None
    base_path: str
    tables: dict[str, Table]
    models: Models
    adapter: Adapter
    hasher: PasswordHasher
    accounts: Accounts
    verifications: Verifications
    sessions: Sessions
    users: Users
    #: The mail sender of the account flows (made from the options and ``app.config``).
    mailer: Mailer
    #: Whether anonymous mail goes out after the response
    #: (``advanced.mail_after_response`` resolved for this app).
    mail_after_response: bool
    #: The rate limiter of the HTTP routes; ``None`` when rate limiting is off.
    rate_limiter: RateLimiter | None
    registry: Registry
    hooks: HookTable
    trusted: TrustedOrigins
    cookies_plain: AuthCookies
    cookies_secure: AuthCookies
    secure_cookies: bool | None
    origin_check: bool
    generate_id: Callable[[], str]
    #: ``BETTER_AUTH_SIGN_IN_URL``, read once at ``init_app`` (``None`` when not set).
    sign_in_url: str | None
    #: The Host header values taken when ``base_url`` is ``None`` (:mod:`.hosts`).
    allowed_hosts: tuple[str, ...]
    error_codes: Mapping[str, str]
    #: The ids of the app's plugins, in order.
    plugin_ids: tuple[str, ...]
    #: The plugins' ``on_request`` and ``on_response`` functions, in plugin order.
    on_request: tuple[OnRequest, ...]
    on_response: tuple[OnResponse, ...]
    #: The plugins' ``pages(kit)`` functions, for the ready-made pages.
    plugin_pages: tuple[Callable[[Any], None], ...]
    #: Each plugin's own state (``Plugin(state=...)``), by plugin id.
    plugin_states: Mapping[str, object]
    #: Values computed on first use and kept (the OpenAPI document).
    extras: dict[str, Any] = field(default_factory=dict)

    def cookies_for(self, https: bool) -> AuthCookies:
        """The cookie names and attributes for a request over HTTPS or plain HTTP."""
        secure = self.secure_cookies if self.secure_cookies is not None else https
        return self.cookies_secure if secure else self.cookies_plain


def current_state() -> AuthState:
    """The auth state of the current Flask app.

    :raises RuntimeError: outside an app context, or when the app has no BetterAuth.
    """
    try:
        # One context lookup: this runs on every protected view.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    except RuntimeError:
        raise RuntimeError(
            "Working outside of an application context: BetterAuth serves the current "
            "Flask app. Call auth.api and read auth state inside 'with app.app_context():' "
            "(or a request)."
        ) from None
    try:
        return cast(AuthState, app.extensions["betterauth"])
    except KeyError:
        raise RuntimeError(
            "The current Flask app is not registered with BetterAuth. Did you forget "
            "to call 'auth.init_app(app, db)'?"
        ) from None
