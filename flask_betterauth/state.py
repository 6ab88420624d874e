"""The per-app state of the extension, built once by ``init_app``."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from .cookies import AuthCookies
from .hooks import HookTable
from .models import Models
from .options import Options
from .origins import TrustedOrigins
from .passwords import PasswordHasher
from .registry import Registry
from .schema import Table
from .storage import Adapter

if TYPE_CHECKING:
    from .mailer import Mailer
    from .plugins.base import Plugin
    from .ratelimit import RateLimiter
    from .sessions import Sessions


@dataclass
class AuthState:
    """Everything an endpoint or the Flask glue needs, resolved from the options once.

    Stored in ``app.extensions["betterauth"]``.
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
    registry: Registry
    trusted: TrustedOrigins
    cookies_plain: AuthCookies
    cookies_secure: AuthCookies
    secure_cookies: bool | None
    origin_check: bool
    generate_id: Callable[[], str]
    sign_in_url: str
    hooks: HookTable
    plugins: list[Plugin]
    error_codes: Mapping[str, str]
    sessions: Sessions = field(init=False)
    #: The mail sender of the account flows (made from the options and ``app.config``).
    mailer: Mailer = field(init=False)
    #: Whether anonymous mail goes out after the response
    #: (``advanced.mail_after_response`` resolved for this app).
    mail_after_response: bool = True
    #: The rate limiter of the HTTP routes; ``None`` when rate limiting is off.
    rate_limiter: RateLimiter | None = None
    #: The Host header values taken when ``base_url`` is ``None`` (:mod:`.hosts`).
    allowed_hosts: tuple[str, ...] = ()
    #: Room for plugins and features to keep per-app data (built lazily).
    extras: dict[str, Any] = field(default_factory=dict)

    def cookies_for(self, https: bool) -> AuthCookies:
        """The cookie names and attributes for a request over HTTPS or plain HTTP."""
        secure = self.secure_cookies if self.secure_cookies is not None else https
        return self.cookies_secure if secure else self.cookies_plain
