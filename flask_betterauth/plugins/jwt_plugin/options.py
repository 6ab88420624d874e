"""The options of the ``jwt`` plugin, checked once when the factory is called."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_betterauth import BetterAuthError
from flask_betterauth import NotBuiltError

#: The algorithms Better Auth can generate keys for, and the curve each uses.
ALGORITHMS: dict[str, str | None] = {
    "EdDSA": "Ed25519",
    "ES256": "P-256",
    "ES512": "P-521",
    "RS256": None,
    "PS256": None,
}
DEFAULT_GRACE_PERIOD = 30 * 24 * 3600
DEFAULT_EXPIRATION = 15 * 60

#: Seconds per unit of a time span ("15m", "2 hours"), as Better Auth's ``sec`` reads them.
_UNITS: dict[str, float] = {}
for _names, _seconds in (
    (("s", "sec", "secs", "second", "seconds"), 1),
    (("m", "min", "mins", "minute", "minutes"), 60),
    (("h", "hr", "hrs", "hour", "hours"), 3600),
    (("d", "day", "days"), 86400),
    (("w", "week", "weeks"), 604800),
    (("y", "yr", "yrs", "year", "years"), 31557600),
):
    _UNITS.update(dict.fromkeys(_names, _seconds))
_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$", re.IGNORECASE)

#: ``define_payload(session)`` / ``get_subject(session)``: ``session`` is
#: ``{"user": {...}, "session": {...}}`` in their JSON form.
SessionFunction = Callable[[dict[str, Any]], Any]


def seconds_of(span: str | int | timedelta) -> int:
    """The seconds of a duration: an int, a :class:`~datetime.timedelta`, or a span as
    Better Auth writes them (``"15m"``, ``"2 hours"``, ``"1d"``).

    :raises BetterAuthError: for anything else.
    """
    if isinstance(span, timedelta):
        return int(span.total_seconds())
    if isinstance(span, int) and not isinstance(span, bool):
        return span
    match = _SPAN.match(span) if isinstance(span, str) else None
    if match is None or match.group(2).lower() not in _UNITS:
        raise BetterAuthError(
            f"jwt: {span!r} is not a duration (seconds, a timedelta, or like '15m', '2 hours')"
        )
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def _take(given: Mapping[str, Any] | None, where: str, allowed: set[str]) -> dict[str, Any]:
    values = dict(given or {})
    unknown = set(values) - allowed
    if unknown:
        raise BetterAuthError(
            f"jwt: unknown option(s) {sorted(unknown)} in {where!r}; it takes {sorted(allowed)}"
        )
    return values


@dataclass(frozen=True)
class JwtOptions:
    """The resolved options (see :func:`~flask_betterauth.plugins.jwt` for their meaning)."""

    alg: str
    crv: str | None
    #: The curve named in ``key_pair_config`` (listed for stored keys that lack one).
    configured_crv: str | None
    modulus_length: int
    disable_private_key_encryption: bool
    rotation_interval: int | None
    grace_period: int
    jwks_path: str
    issuer: str | None
    audience: str | list[str] | None
    expiration_time: int
    define_payload: SessionFunction | None
    get_subject: SessionFunction | None
    disable_setting_jwt_header: bool


def resolve(
    jwks: Mapping[str, Any] | None,
    jwt: Mapping[str, Any] | None,
    disable_setting_jwt_header: bool,
) -> JwtOptions:
    """Check the factory's arguments and resolve the defaults.

    :raises BetterAuthError: for an unknown option or a bad value.
    :raises NotBuiltError: for Better Auth options not built here (``remote_url``,
        ``jwt.sign``, ``key_pair_configs``).
    """
    keys = _take(
        jwks,
        "jwks",
        {
            "key_pair_config",
            "disable_private_key_encryption",
            "rotation_interval",
            "grace_period",
            "jwks_path",
            "remote_url",
            "key_pair_configs",
        },
    )
    tokens = _take(
        jwt,
        "jwt",
        {"issuer", "audience", "expiration_time", "define_payload", "get_subject", "sign"},
    )
    for option, value in (
        ("jwks.remote_url", keys.get("remote_url")),
        ("jwks.key_pair_configs", keys.get("key_pair_configs")),
        ("jwt.sign", tokens.get("sign")),
    ):
        if value is not None:
            raise NotBuiltError(f"jwt: option {option!r} is not built yet")
    pair = _take(
        keys.get("key_pair_config"), "jwks.key_pair_config", {"alg", "crv", "modulus_length"}
    )
    alg = pair.get("alg", "EdDSA")
    if alg not in ALGORITHMS:
        raise BetterAuthError(f"jwt: key_pair_config alg {alg!r} is not one of {list(ALGORITHMS)}")
    crv = pair.get("crv")
    if crv is not None and crv != ALGORITHMS[alg]:
        raise BetterAuthError(f"jwt: alg {alg!r} takes no curve {crv!r}")
    jwks_path = keys.get("jwks_path", "/jwks")
    if not isinstance(jwks_path, str) or not jwks_path.startswith("/") or ".." in jwks_path:
        raise BetterAuthError("jwt: jwks_path must start with '/' and not contain '..'")
    rotation = keys.get("rotation_interval")
    audience = tokens.get("audience")
    if audience is not None and not isinstance(audience, (str, list)):
        raise BetterAuthError("jwt: audience is a string or a list of strings")
    return JwtOptions(
        alg=alg,
        crv=ALGORITHMS[alg],
        configured_crv=crv,
        modulus_length=int(pair.get("modulus_length", 2048)),
        disable_private_key_encryption=bool(keys.get("disable_private_key_encryption", False)),
        rotation_interval=seconds_of(rotation) if rotation is not None else None,
        grace_period=seconds_of(keys.get("grace_period", DEFAULT_GRACE_PERIOD)),
        jwks_path=jwks_path,
        issuer=tokens.get("issuer"),
        audience=audience,
        expiration_time=seconds_of(tokens.get("expiration_time", DEFAULT_EXPIRATION)),
        define_payload=tokens.get("define_payload"),
        get_subject=tokens.get("get_subject"),
        disable_setting_jwt_header=disable_setting_jwt_header,
    )
