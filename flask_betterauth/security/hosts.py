"""Which ``Host`` header values may build the app's own URLs when no base URL is set.

With ``BETTER_AUTH_URL`` (or ``base_url=``) the Host header is never used. Without it,
the app's origin (in mailed links, and as a trusted origin) comes from the Host header,
so only a host listed in ``advanced.allowed_hosts`` (in debug and testing, by default,
a loopback name) is taken; any other is a ``400 INVALID_HOST``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import APIError
from .origins import origin_of

logger = logging.getLogger("flask_betterauth")

#: The hosts taken in debug and testing when neither a base URL nor a list is given.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
HOW_TO_SET_URL = (
    "Set BETTER_AUTH_URL in app.config or the environment to the app's public URL "
    "(for example BETTER_AUTH_URL=https://app.example.com), or pass base_url=...; or, "
    "for an app served under several names, list them in "
    "advanced={'allowed_hosts': ['app.example.com', ...]}"
)


def _split(host: str) -> tuple[str, int | None] | None:
    """``(name, port)`` of a ``host[:port]`` text, lower-cased; ``None`` if malformed."""
    try:
        parts = urlsplit("//" + host.strip().lower())
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name or parts.path or parts.query or parts.fragment or parts.username:
        return None
    return name, port


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether the ``host`` header value (``name[:port]``) is one of ``allowed``.

    An entry without a port admits its name on any port; ``name:port`` that port only.
    Names compare exactly (case aside): no wildcards.
    """
    wanted = _split(host)
    if wanted is None:
        return False
    for entry in allowed:
        parsed = _split(entry)
        if parsed is not None and parsed[0] == wanted[0] and parsed[1] in (None, wanted[1]):
            return True
    return False


def origin_from_host(host: str, host_url: str, allowed: Iterable[str]) -> str:
    """The app's origin for a request to ``host`` (``host_url``: its ``scheme://host/``).

    :raises APIError: ``400 INVALID_HOST`` when ``host`` is not allowed.
    """
    origin = origin_of(host_url) if host_allowed(host, allowed) else None
    if origin is None:
        logger.warning("refused a request for host %r: %s", host, HOW_TO_SET_URL)
        raise APIError(400, "INVALID_HOST")
    return origin
