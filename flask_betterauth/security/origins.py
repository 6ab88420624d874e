"""Trusted origins, safe redirect targets, and the Origin/CSRF checks of requests."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

from flask import has_request_context
from flask import request
from werkzeug.datastructures import Headers
from werkzeug.urls import iri_to_uri

from ..errors import APIError
from ..options.advanced import AdvancedOptions

#: Body or query fields that name a place to send the browser, and the code for each.
URL_FIELDS = {
    "callbackURL": "INVALID_CALLBACK_URL",
    "redirectTo": "INVALID_REDIRECT_URL",
    "errorCallbackURL": "INVALID_ERROR_CALLBACK_URL",
    "newUserCallbackURL": "INVALID_NEW_USER_CALLBACK_URL",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_WIDE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HOST = re.compile(r"^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_.])?$")
_FETCH_METADATA = ("Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest")
#: Schemes that run code when navigated to; never a trusted origin, whatever the pattern.
_DANGEROUS_SCHEMES = ("javascript", "data", "vbscript")


def _ascii_host(hostname: str) -> str | None:
    """``hostname`` as a browser would send it (IDNA, lower case), or ``None`` when it is
    not a plain DNS name or IP literal (so that no odd character is read one way here and
    another way by a browser)."""
    if ":" in hostname:
        try:
            return f"[{ipaddress.IPv6Address(hostname).compressed}]"
        except ValueError:
            return None
    try:
        host = hostname.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        return None
    return host if _HOST.match(host) else None


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL, lower-cased; else ``None``.

    Backslashes count as slashes, as browsers read http(s) URLs, so
    ``http://evil.example\\@app.example`` is on ``evil.example`` here too.
    """
    text = url.strip()
    if "\\" in text and text[:5].lower() in ("http:", "https"):
        text = text.replace("\\", "/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = _ascii_host(parts.hostname)
    if host is None:
        return None
    default = {"http": 80, "https": 443}[scheme]
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{scheme}://{host}{suffix}"


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


_IP_WILDCARD_HOST = re.compile(r"^(?=.*\d)[\d*?.]+$")


def _glob(pattern: str) -> re.Pattern[str]:
    """``*`` and ``?`` of a trusted-origin pattern, as a case-insensitive regex."""
    body = "".join(
        "[^/\\\\]*" if c == "*" else "[^/\\\\]" if c == "?" else re.escape(c) for c in pattern
    )
    return re.compile(f"^{body}$", re.IGNORECASE)


def _ipv4_ok(pattern_authority: str, authority: str) -> bool:
    """A wildcard host of digits and dots (``192.168.*.*``) admits only IPv4 literals,
    so that ``*`` cannot stretch over ``192.168.attacker.example``."""
    if not _IP_WILDCARD_HOST.match(pattern_authority.split(":", 1)[0]):
        return True
    try:
        ipaddress.IPv4Address(authority.split(":", 1)[0])
    except ValueError:
        return False
    return True


def _host(url: str) -> str | None:
    """``host[:port]`` of an absolute http(s) URL (default port left out), lower-cased."""
    origin = origin_of(url)
    return origin.split("://", 1)[1] if origin else None


@dataclass(frozen=True)
class _CustomURL:
    scheme: str
    authority: str
    path: str


def _resolve_path(path: str) -> str:
    """``path`` percent-decoded with ``.`` and ``..`` resolved ("" for the root)."""
    segments: list[str] = []
    for segment in unquote(path).split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in (".", ""):
            segments.append(segment)
    return "/" + "/".join(segments) if segments else ""


def _parse_custom(value: str, pattern: bool = False) -> _CustomURL | None:
    """A custom-scheme URL (``myapp://host/path``) split by hand, as Better Auth does."""
    if _CONTROL_WIDE.search(value):
        return None
    scheme, colon, rest = value.partition(":")
    if not colon or not scheme:
        return None
    authority = ""
    if rest.startswith("//"):
        rest = rest[2:]
        cut = re.search(r"[/#]" if pattern else r"[/?#]", rest)
        authority, rest = (rest, "") if cut is None else (rest[: cut.start()], rest[cut.start() :])
    cut = re.search(r"#" if pattern else r"[?#]", rest)
    path = rest if cut is None else rest[: cut.start()]
    return _CustomURL(scheme.lower(), authority.lower(), _resolve_path(path))


def matches_pattern(url: str, pattern: str) -> bool:
    """Whether absolute ``url`` belongs to the trusted-origin ``pattern`` (spec 8.1).

    Patterns: an exact origin; a host wildcard without scheme (``*.example.com``, any
    scheme, the host with its port compared); a wildcard with scheme
    (``https://*.example.com``); a custom scheme, any host (``myapp://``), one host
    (``myapp://host``) or a path prefix (``myapp://host/cb``, after resolving ``..``);
    IP wildcards (``192.168.*.*``) admit IPv4 literals only.
    """
    if url.startswith("/"):
        return False
    wildcard = "*" in pattern or "?" in pattern
    if wildcard and "://" not in pattern:
        host = _host(url)
        return host is not None and bool(_glob(pattern).match(host)) and _ipv4_ok(pattern, host)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("http", "https"):
        origin = origin_of(url)
        if origin is None:
            return False
        if not wildcard:
            return origin == origin_of(pattern)
        pattern_authority = pattern.split("://", 1)[1]
        return bool(_glob(pattern).match(origin)) and _ipv4_ok(
            pattern_authority, origin.split("://", 1)[1]
        )
    parsed, wanted = _parse_custom(url), _parse_custom(pattern, wildcard)
    if parsed is None or wanted is None or parsed.scheme != wanted.scheme:
        return False
    if scheme in _DANGEROUS_SCHEMES:
        return False
    if wildcard:
        if "@" in parsed.authority:
            return False
        if wanted.authority and not (
            _glob(wanted.authority).match(parsed.authority)
            and _ipv4_ok(wanted.authority, parsed.authority)
        ):
            return False
        return not wanted.path or bool(_glob(wanted.path).match(parsed.path or "/"))
    if wanted.authority and parsed.authority != wanted.authority:
        return False
    if not wanted.path:
        return True
    return parsed.path == wanted.path or parsed.path.startswith(wanted.path + "/")


@dataclass(frozen=True)
class TrustedOrigins:
    """The origins a request may come from and a redirect may go to.

    Patterns are those of :func:`matches_pattern`. ``dynamic``, the ``trusted_origins``
    option when it is a callable, is asked per request (with the Flask request, or
    ``None`` outside one) for more origins.
    """

    patterns: tuple[str, ...]
    dynamic: Callable[[Any], Any] | None = None

    def with_origin(self, origin: str | None) -> TrustedOrigins:
        """These patterns, the app's own ``origin`` (when it is inferred per request) and
        the dynamic ones of the current request."""
        patterns = self.patterns
        if origin and origin not in patterns:
            patterns = (origin, *patterns)
        if self.dynamic is not None:
            extra = self.dynamic(request if has_request_context() else None) or ()
            patterns = (*patterns, *(p for p in extra if p and isinstance(p, str)))
        if patterns is self.patterns and self.dynamic is None:
            return self
        return TrustedOrigins(patterns)

    def matches(self, url: str) -> bool:
        """Whether the absolute ``url`` belongs to a trusted origin."""
        return any(matches_pattern(url, pattern) for pattern in self.patterns)

    def allows_redirect(self, url: str) -> bool:
        """Whether ``url`` is a safe relative path or lies on a trusted origin."""
        return is_safe_relative(url) or self.matches(url)


def build_trusted(
    configured: Iterable[str],
    base_url: str | None,
    env: str | None,
    dynamic: Callable[[Any], Any] | None = None,
) -> TrustedOrigins:
    """The trusted origins from options, the base URL and ``BETTER_AUTH_TRUSTED_ORIGINS``
    (plus ``dynamic``, the option when it is a callable of the request)."""
    patterns = [origin_of(base_url) if base_url else None, *configured]
    patterns += [p.strip() for p in (env or "").split(",")]
    return TrustedOrigins(tuple(dict.fromkeys(p for p in patterns if p)), dynamic)


def written_location(url: str) -> str | None:
    """``url`` exactly as it goes out in a ``Location`` header, or ``None`` when it cannot
    be written with the same meaning it was checked with.

    Werkzeug writes ``Location`` through ``iri_to_uri`` (non-ASCII and ``\\`` are
    percent-encoded, the host goes to IDNA). A backslash, a control character, a value
    that does not convert, or one whose origin (as a WHATWG parser reads it) changes on
    the way is refused: ``http://app\\@evil.example`` is on ``app`` as typed but on
    ``evil.example`` once written as ``http://app%5C@evil.example``.
    """
    if "\\" in url or _CONTROL_WIDE.search(url):
        return None
    try:
        written = iri_to_uri(url)
    except ValueError:
        return None
    if _CONTROL_WIDE.search(written) or origin_of(written) != origin_of(url):
        return None
    if is_safe_relative(url) and not is_safe_relative(written):
        return None
    return written


def check_url_fields(
    trusted: TrustedOrigins, *sources: Mapping[str, object], check_trust: bool = True
) -> None:
    """Refuse any redirect field in ``sources`` (body, query) that is not a safe target.

    A value that is not a safe path or on a trusted origin is a 403 with the field's code
    (unless ``check_trust`` is off: the path is in ``disable_origin_check``); one that
    cannot be written to ``Location`` with the meaning it was checked with
    (:func:`written_location`: ``\\``, control characters) is a 400 with that code, always.
    """
    for source in sources:
        for name, code in URL_FIELDS.items():
            value = source.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise APIError(400, None, f"Invalid {name}: expected a string")
            if not value:
                continue
            if check_trust and not trusted.allows_redirect(value):
                raise APIError(403, code)
            written = written_location(value)
            if written is None:
                raise APIError(400, code)
            if check_trust and not trusted.allows_redirect(written):
                raise APIError(403, code)


def location_header(url: str) -> str:
    """The ``Location`` header for a redirect to ``url``, written once, here, in the form
    that goes on the wire (so nothing rewrites it after the checks).

    :raises APIError: 400 ``INVALID_CALLBACK_URL`` when ``url`` does not survive the
        writing (:func:`written_location`).
    """
    written = written_location(url)
    if written is None:
        raise APIError(400, "INVALID_CALLBACK_URL")
    return written


def check_origin(trusted: TrustedOrigins, headers: Headers) -> None:
    """The Origin (or Referer) of a request must be trusted (403 otherwise)."""
    origin = headers.get("Origin") or headers.get("Referer")
    if origin == "null" and headers.get("Sec-Fetch-Site") == "same-origin":
        return
    if not origin or origin == "null":
        raise APIError(403, "MISSING_OR_NULL_ORIGIN")
    if not trusted.matches(origin):
        raise APIError(403, "INVALID_ORIGIN")


def check_form_csrf(
    trusted: TrustedOrigins, headers: Headers, has_cookies: bool, *, skip_origin: bool = False
) -> None:
    """First-sign-in protection of sign-up and sign-in (Better Auth's form-CSRF rules).

    ``skip_origin`` (the path is in ``disable_origin_check``) leaves only the refusal of
    cross-site navigations.
    """
    if has_cookies:
        if not skip_origin:
            check_origin(trusted, headers)
        return
    site = headers.get("Sec-Fetch-Site")
    if any((headers.get(name) or "").strip() for name in _FETCH_METADATA):
        if site == "cross-site" and headers.get("Sec-Fetch-Mode") == "navigate":
            raise APIError(403, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED")
        if not skip_origin:
            check_origin(trusted, headers)
        return
    if (headers.get("Origin") or headers.get("Referer")) and not skip_origin:
        check_origin(trusted, headers)


def check_request_origin(
    trusted: TrustedOrigins, headers: Headers, *, form_csrf: bool, skip_origin: bool
) -> None:
    """The Origin/CSRF checks of one state-changing HTTP request (spec 8.1).

    A request that carries a ``Cookie`` header (any, even empty or expired) must come from
    a trusted origin; sign-in and sign-up (``form_csrf``) also get the first-login rules.
    """
    has_cookies = "Cookie" in headers
    if form_csrf:
        check_form_csrf(trusted, headers, has_cookies, skip_origin=skip_origin)
    elif has_cookies and not skip_origin:
        check_origin(trusted, headers)


def path_skipped(setting: bool | list[str] | None, path: str) -> bool:
    """Whether ``advanced.disable_origin_check`` (``True``, or a list of path prefixes)
    covers ``path``; a prefix matches itself and what lies below it, nothing else."""
    if setting is True:
        return True
    if isinstance(setting, list):
        for prefix in setting:
            prefix = prefix.rstrip("/")
            if path == prefix or path.startswith(prefix + "/"):
                return True
    return False


def csrf_enabled(advanced: AdvancedOptions, testing: bool) -> bool:
    """Whether the Origin/CSRF checks run at all (per-path skips aside).

    Off with ``disable_csrf_check``; off with ``disable_origin_check=True`` unless
    ``disable_csrf_check`` is explicitly ``False`` (Better Auth's compatibility rule); off
    by default when ``app.testing`` (URL checks stay on then).
    """
    if advanced.disable_csrf_check:
        return False
    skip = advanced.disable_origin_check
    if skip is None:
        return not testing
    return not (skip is True and advanced.disable_csrf_check is None)


def concrete_path(template: str, params: Mapping[str, str]) -> str:
    """An endpoint path with its ``:name`` segments filled in from ``params``."""
    return "/".join(
        params.get(part[1:], part) if part.startswith(":") else part for part in template.split("/")
    )
