"""Auth cookie names and attributes, signed cookie values, and ``Set-Cookie`` lines.

Everything here follows Better Auth byte for byte (spec section 5), so a cookie minted by
Better Auth with the same secret is read here, and the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit

from .crypto import constant_time_equal
from .crypto import sign
from .errors import BetterAuthError
from .options import Options

#: Characters JavaScript's ``encodeURIComponent`` leaves alone besides letters and digits.
JS_URI_SAFE = "-_.!~*'()"
COOKIE_NAMES = ("session_token", "session_data", "dont_remember")
_SAME_SITE = {"lax": "Lax", "strict": "Strict", "none": "None"}
_ATTRIBUTE_ALIASES = {
    "httpOnly": "http_only",
    "httponly": "http_only",
    "sameSite": "same_site",
    "samesite": "same_site",
    "maxAge": "max_age",
}


def parse_cookie_header(header: str | None) -> dict[str, str]:
    """The cookies of a ``Cookie`` header, the first of each name winning.

    Much cheaper than a general parser on the hot path: auth cookie values are never
    quoted (they are percent-encoded), so splitting is exact for them.
    """
    cookies: dict[str, str] = {}
    if not header:
        return cookies
    for part in header.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            cookies.setdefault(name.strip(), value.strip())
    return cookies


def encode_signed(key: bytes, value: str) -> str:
    """The wire value of a signed cookie: ``encodeURIComponent(value + "." + signature)``."""
    return quote(f"{value}.{sign(key, value)}", safe=JS_URI_SAFE)


def decode_signed(key: bytes, raw: str) -> str | None:
    """The value of a signed cookie, or ``None`` if it is malformed or its signature is bad."""
    value = unquote(raw) if "%" in raw else raw
    cut = value.rfind(".")
    if cut < 1:
        return None
    data, signature = value[:cut], value[cut + 1 :]
    if len(signature) != 44 or not signature.endswith("="):
        return None
    return data if constant_time_equal(sign(key, data), signature) else None


@dataclass(frozen=True)
class CookieSpec:
    """One auth cookie: its name and the attributes it is written with."""

    name: str
    path: str = "/"
    domain: str | None = None
    http_only: bool = True
    secure: bool = False
    same_site: str | None = "Lax"
    partitioned: bool = False

    def header(self, value: str, max_age: int | None) -> str:
        """The ``Set-Cookie`` value, attributes in Better Auth's order."""
        parts = [f"{self.name}={value}"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        if self.domain:
            parts.append(f"Domain={self.domain}")
        if self.path:
            parts.append(f"Path={self.path}")
        if self.http_only:
            parts.append("HttpOnly")
        if self.secure:
            parts.append("Secure")
        if self.same_site:
            parts.append(f"SameSite={self.same_site}")
        if self.partitioned:
            parts.append("Partitioned")
        return "; ".join(parts)

    def expired(self) -> str:
        """The ``Set-Cookie`` value that deletes this cookie."""
        return self.header("", 0)


def _normalise(attributes: Mapping[str, Any]) -> dict[str, Any]:
    result = {}
    for key, value in attributes.items():
        key = _ATTRIBUTE_ALIASES.get(key, key)
        if key == "same_site" and isinstance(value, str):
            value = _SAME_SITE.get(value.lower(), value)
        result[key] = value
    return result


def _spec(name: str, secure: bool, attributes: Mapping[str, Any]) -> CookieSpec:
    attrs: dict[str, Any] = {"secure": secure}
    attrs.update(attributes)
    attrs.pop("max_age", None)
    if attrs.get("same_site") == "None" or attrs.get("partitioned") or name.startswith("__Secure-"):
        attrs["secure"] = True
    allowed = CookieSpec.__dataclass_fields__
    return CookieSpec(name=name, **{k: v for k, v in attrs.items() if k in allowed})


@dataclass(frozen=True)
class AuthCookies:
    """The auth cookies of one scheme (secure or not), computed once at ``init_app``:
    the core's three, and the plugins' by name (:meth:`get`)."""

    session_token: CookieSpec
    session_data: CookieSpec
    dont_remember: CookieSpec
    plugin_cookies: Mapping[str, CookieSpec] = field(default_factory=dict)

    def get(self, name: str) -> CookieSpec:
        """The cookie a plugin declared as ``name``.

        :raises KeyError: when no plugin declared it.
        """
        return self.plugin_cookies[name]

    @classmethod
    def build(
        cls,
        options: Options,
        secure: bool,
        base_url: str | None = None,
        plugin_cookies: Iterable[str] = (),
    ) -> AuthCookies:
        """Names and attributes from ``advanced`` options, for ``secure`` or plain HTTP.

        :param base_url: the resolved base URL (option, config or environment); its host
            is the cross-subdomain cookie domain when none is configured.
        :param plugin_cookies: the names of the plugins' cookies, built the same way.
        :raises BetterAuthError: cross-subdomain cookies with no domain and no base URL;
            a plugin cookie named like a core cookie.
        """
        advanced = options.advanced
        base: dict[str, Any] = {}
        cross = advanced.cross_sub_domain_cookies
        if cross.enabled:
            domain = cross.domain or urlsplit(base_url or options.base_url or "").hostname
            if not domain:
                raise BetterAuthError(
                    "advanced.cross_sub_domain_cookies needs a 'domain' or a base URL "
                    "(BETTER_AUTH_URL) to take the domain from"
                )
            base["domain"] = domain
        base.update(_normalise(advanced.default_cookie_attributes))
        prefix = "__Secure-" if secure else ""
        specs: dict[str, CookieSpec] = {}
        extra: dict[str, CookieSpec] = {}
        for cookie in (*COOKIE_NAMES, *plugin_cookies):
            if cookie in specs or cookie in extra:
                raise BetterAuthError(f"two cookies are named {cookie!r}")
            override = advanced.cookies.get(cookie)
            name = (
                override.name
                if override and override.name
                else f"{advanced.cookie_prefix}.{cookie}"
            )
            attrs = {**base, **_normalise(override.attributes if override else {})}
            target = specs if cookie in COOKIE_NAMES else extra
            target[cookie] = _spec(prefix + name, secure, attrs)
        return cls(**specs, plugin_cookies=extra)
