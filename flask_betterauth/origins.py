"""Trusted origins, safe redirect targets, and the Origin/CSRF checks of requests."""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote
from urllib.parse import urlsplit

from werkzeug.datastructures import Headers

from .errors import APIError

#: Body or query fields that name a place to send the browser, and the code for each.
URL_FIELDS = {
    "callbackURL": "INVALID_CALLBACK_URL",
    "redirectTo": "INVALID_REDIRECT_URL",
    "errorCallbackURL": "INVALID_ERROR_CALLBACK_URL",
    "newUserCallbackURL": "INVALID_NEW_USER_CALLBACK_URL",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL, lower-cased; else ``None``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}{suffix}"


def is_safe_relative(url: str) -> bool:
    """A same-site path: starts with one ``/``, no backslash, control or encoded slash."""
    if not url.startswith("/") or url.startswith("//"):
        return False
    if "\\" in url or _CONTROL.search(url):
        return False
    path = url.split("?", 1)[0].split("#", 1)[0]
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered:
        return False
    decoded = unquote(path)
    return not (decoded.startswith("//") or "\\" in decoded or _CONTROL.search(decoded))


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(pattern).replace(r"\*", "[^/]*") + "$", re.IGNORECASE)


@dataclass(frozen=True)
class TrustedOrigins:
    """The origins a request may come from and a redirect may go to.

    Patterns: an exact origin (``https://app.example``), a host wildcard
    (``*.example.com``, any scheme), a wildcard with scheme (``https://*.example.com``), or
    a custom scheme (``myapp://``).
    """

    patterns: tuple[str, ...]

    def with_origin(self, origin: str | None) -> TrustedOrigins:
        """These patterns plus ``origin`` (the app's own, when it is inferred per request)."""
        if not origin or origin in self.patterns:
            return self
        return TrustedOrigins((origin, *self.patterns))

    def matches(self, url: str) -> bool:
        """Whether the absolute ``url`` belongs to a trusted origin."""
        origin = origin_of(url)
        for pattern in self.patterns:
            if "*" in pattern:
                if "://" in pattern:
                    if origin and _wildcard(pattern).match(origin):
                        return True
                else:
                    host = urlsplit(url).hostname or ""
                    if origin and _wildcard(pattern).match(host):
                        return True
            elif pattern.endswith("://"):
                if url.lower().startswith(pattern.lower()) and not origin:
                    return True
            elif origin is not None and origin == origin_of(pattern):
                return True
        return False

    def allows_redirect(self, url: str) -> bool:
        """Whether ``url`` is a safe relative path or lies on a trusted origin."""
        return is_safe_relative(url) or self.matches(url)


def build_trusted(
    configured: Iterable[str], base_url: str | None, env: str | None
) -> TrustedOrigins:
    """The trusted origins from options, the base URL and ``BETTER_AUTH_TRUSTED_ORIGINS``."""
    patterns = [origin_of(base_url) if base_url else None, *configured]
    patterns += [p.strip() for p in (env or "").split(",")]
    return TrustedOrigins(tuple(dict.fromkeys(p for p in patterns if p)))


def check_url_fields(trusted: TrustedOrigins, *sources: Mapping[str, object]) -> None:
    """Refuse any redirect field in ``sources`` (body, query) that is not a safe target."""
    for source in sources:
        for name, code in URL_FIELDS.items():
            value = source.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise APIError(400, None, f"Invalid {name}: expected a string")
            if value and not trusted.allows_redirect(value):
                raise APIError(403, code)


def check_origin(trusted: TrustedOrigins, headers: Headers) -> None:
    """The Origin (or Referer) of a request must be trusted (403 otherwise)."""
    origin = headers.get("Origin") or headers.get("Referer")
    if origin == "null" and headers.get("Sec-Fetch-Site") == "same-origin":
        return
    if not origin or origin == "null":
        raise APIError(403, "MISSING_OR_NULL_ORIGIN")
    if not trusted.matches(origin):
        raise APIError(403, "INVALID_ORIGIN")


def check_form_csrf(trusted: TrustedOrigins, headers: Headers, has_cookies: bool) -> None:
    """First-sign-in protection of sign-up and sign-in (Better Auth's form-CSRF rules)."""
    if has_cookies:
        check_origin(trusted, headers)
        return
    site = headers.get("Sec-Fetch-Site")
    if site is not None or headers.get("Sec-Fetch-Mode") or headers.get("Sec-Fetch-Dest"):
        if site == "cross-site" and headers.get("Sec-Fetch-Mode") == "navigate":
            raise APIError(403, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED")
        check_origin(trusted, headers)
        return
    if headers.get("Origin") or headers.get("Referer"):
        check_origin(trusted, headers)
