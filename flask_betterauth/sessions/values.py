"""The values the sessions room hands around: a session with its user, where a session
read finds the request (:class:`Carrier`), where else a token may come from
(:class:`TokenSource`), and the stored forms of a token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple
from typing import Protocol

from ..cookies import AuthCookies
from ..cookies import CookieSpec
from ..crypto import HASHED_TOKEN_LENGTH
from ..crypto import hash_token
from ..records import Record
from ..security.ip import HeaderSource


class SignedIn(NamedTuple):
    """A session and its user, as one value (``ctx.session``, ``ctx.new_session``)."""

    #: The session row (its ``token`` the raw token the client holds).
    session: Record
    #: The user row.
    user: Record


class Carrier(Protocol):
    """Where a session read or write finds the request's cookies and headers, and puts
    its own cookies."""

    @property
    def cookies(self) -> Mapping[str, str]: ...

    @property
    def headers(self) -> HeaderSource: ...

    @property
    def specs(self) -> AuthCookies: ...

    def set_cookie(self, spec: CookieSpec, value: str, max_age: int | None) -> None: ...

    def expire_cookie(self, spec: CookieSpec, name: str | None = None) -> None: ...


class TokenSource(Protocol):
    """Where a session token may come from besides the session cookie (a bearer header,
    a multi-session cookie): ``source(carrier, key)`` returns the raw token or ``None``.

    ``key`` is the app's signing key, for sources that carry signed tokens
    (:func:`~flask_betterauth.cookies.decode_signed`).
    """

    def __call__(self, carrier: Carrier, key: bytes) -> str | None: ...


def stored_token_candidates(token: str) -> list[str]:
    """The values a session's ``token`` column may hold for the cookie's raw ``token``.

    We store the hash. A 32-character token may also be a Better Auth row, stored raw;
    a hash-length value is never looked up raw, so a leaked hash is no cookie.
    """
    hashed = hash_token(token)
    return [hashed] if len(token) == HASHED_TOKEN_LENGTH else [hashed, token]


def listed_token_candidates(token: str) -> list[str]:
    """The stored values a token given to ``revoke-session`` may name.

    ``list-sessions`` shows the caller's other sessions by their stored value (a hash
    is all we keep), so a hash-length value also names the row that holds it. Only the
    session's owner can revoke with it, and it is never accepted as a cookie.
    """
    candidates = stored_token_candidates(token)
    return [*candidates, token] if len(token) == HASHED_TOKEN_LENGTH else candidates
