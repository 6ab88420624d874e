"""The ``advanced``, ``on_api_error``, ``telemetry`` and ``logger`` option groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..errors import BetterAuthError
from ..security.ip import parse_networks


@dataclass(frozen=True)
class CrossSubDomainCookies:
    """``advanced.cross_sub_domain_cookies``: share cookies with subdomains."""

    enabled: bool = False
    domain: str | None = None


@dataclass(frozen=True)
class CookieOverride:
    """``advanced.cookies.<name>``: rename one cookie or change its attributes."""

    name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IpAddressOptions:
    """``advanced.ip_address``: which headers carry the client IP, or no IP tracking.

    A named header counts only when it holds one address, unless ``trusted_proxies``
    (addresses or CIDR ranges) is set: then a chain is read from the right, skipping those
    hops. IPv6 clients are grouped by their ``/ipv6_subnet`` network. See :doc:`security`.
    """

    ip_address_headers: list[str] = field(default_factory=list)
    disable_ip_tracking: bool = False
    trusted_proxies: list[str] = field(default_factory=list)
    ipv6_subnet: int = 64

    def __post_init__(self) -> None:
        try:
            parse_networks(tuple(self.trusted_proxies))
        except ValueError as error:
            raise BetterAuthError(f"advanced.ip_address.trusted_proxies: {error}") from None
        if not 0 <= self.ipv6_subnet <= 128:
            raise BetterAuthError("advanced.ip_address.ipv6_subnet must be 0 to 128")


@dataclass(frozen=True)
class AdvancedOptions:
    """``advanced``: cookies, origin checks, client IP and id generation.

    ``disable_origin_check`` left at ``None`` means: Origin/CSRF checks off when
    ``app.testing`` (redirect-target checks stay on), on otherwise; ``True`` turns off both
    kinds, a list of path prefixes turns them off for those paths. ``disable_csrf_check``
    turns off only the Origin/CSRF checks. ``ip_address.ip_address_headers`` is empty by
    default: the socket's address is used, and a proxy header is trusted only when named.
    ``allowed_hosts`` (host names, or ``name:port``) are the ``Host`` header values the app
    builds its own URLs from when no base URL is set (any other is a ``400
    INVALID_HOST``); without a base URL, it is required outside debug and testing.
    ``mail_after_response`` left at ``None`` means on, except when ``app.testing``.
    """

    use_secure_cookies: bool | None = None
    cookie_prefix: str = "better-auth"
    cross_sub_domain_cookies: CrossSubDomainCookies = field(default_factory=CrossSubDomainCookies)
    default_cookie_attributes: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, CookieOverride] = field(default_factory=dict)
    disable_csrf_check: bool | None = None
    disable_origin_check: bool | list[str] | None = None
    ip_address: IpAddressOptions = field(default_factory=IpAddressOptions)
    generate_id: Callable[[], str] | str | None = None
    skip_trailing_slashes: bool = False
    allowed_hosts: list[str] | None = None
    #: Anonymous requests (``request-password-reset``, ``send-verification-email``
    #: without a session) send their mail after the response: see
    #: :mod:`flask_betterauth.after_response`. ``None``: on, except under ``app.testing``
    #: (so a test reads the mail as soon as the call returns).
    mail_after_response: bool | None = None


@dataclass(frozen=True)
class OnAPIErrorOptions:
    """``on_api_error``: what happens to errors besides the JSON answer.

    ``throw`` re-raises :class:`~flask_betterauth.APIError` out of the HTTP view, for the
    app's own ``errorhandler``; ``on_error(error, ctx)`` sees every error; ``error_url``
    is where ``GET /error`` sends the browser (with the error in the query).
    """

    throw: bool = False
    on_error: Callable[[Any, Any], None] | None = None
    error_url: str | None = None


@dataclass(frozen=True)
class TelemetryOptions:
    """``telemetry``: opt-in reports of versions and enabled features (never secrets).

    Off unless ``enabled`` is true or ``BETTER_AUTH_TELEMETRY=1``, and always off under
    ``app.testing``. Reports go to ``endpoint`` (or ``BETTER_AUTH_TELEMETRY_ENDPOINT``);
    ``debug`` prints them instead (see :mod:`flask_betterauth.telemetry`).
    """

    enabled: bool | None = None
    endpoint: str | None = None
    debug: bool = False

    def __post_init__(self) -> None:
        if self.endpoint is not None and not self.endpoint.startswith(("http://", "https://")):
            raise BetterAuthError("telemetry.endpoint must be an http(s) URL")


@dataclass(frozen=True)
class LoggerOptions:
    """``logger``: the ``flask_betterauth`` logger's switch, level and an extra sink.

    ``log(level, message)`` receives every record besides Python's own handlers.
    """

    disabled: bool = False
    level: str | None = None
    log: Callable[[str, str], None] | None = None

    def __post_init__(self) -> None:
        if self.level is not None and self.level.upper() not in (
            "DEBUG",
            "INFO",
            "WARNING",
            "WARN",
            "ERROR",
            "CRITICAL",
        ):
            raise BetterAuthError(f"logger.level {self.level!r} is not a logging level")
