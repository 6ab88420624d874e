"""The OAuth state of one redirect flow (spec 3.1 to 3.3), in one of Better Auth's two
``account.store_state_strategy`` places:

``"database"`` (the default)
    a verification row holding the flow's JSON for 10 minutes and a signed ``state``
    cookie for 5, single use. Only the state's hash is stored in the row (the core's
    verification rule), so a copy of the table cannot finish anyone's flow.
``"cookie"``
    no row: the same JSON, encrypted (XChaCha20-Poly1305 with the key Better Auth 1.7.24
    derives for the purpose ``oauth-state-cookie``), in the ``oauth_state`` cookie for
    10 minutes, expired by the callback that uses it.
"""

from __future__ import annotations

import json
import logging
import string
from typing import Any
from weakref import WeakKeyDictionary

from ..clock import now
from ..clock import to_ms
from ..context import Context
from ..crypto import constant_time_equal
from ..crypto import random_string
from ..symmetric import DecryptionError
from ..symmetric import purpose_secret
from ..symmetric import symmetric_decrypt
from ..symmetric import symmetric_encrypt

logger = logging.getLogger("flask_betterauth")

PREFIX = "auth-state:"
STATE_COOKIE = "state"
ROW_SECONDS = 600
COOKIE_SECONDS = 300
#: The cookie of the ``"cookie"`` strategy (it lives ``ROW_SECONDS``), and the purpose
#: its key is derived for.
OAUTH_STATE_COOKIE = "oauth_state"
COOKIE_PURPOSE = "oauth-state-cookie"
#: Browsers drop a ``Set-Cookie`` line longer than this (name, value and attributes).
COOKIE_LIMIT = 4096
#: Better Auth's alphabet for state, PKCE verifier and nonce.
ALPHABET = string.ascii_letters + string.digits + "-_"


#: Per request: the server context plugins added for the flow being started, and the
#: flow this request started or used up (see :func:`oauth_state`).
_PENDING: WeakKeyDictionary[Context, dict[str, Any]] = WeakKeyDictionary()
_FLOWS: WeakKeyDictionary[Context, dict[str, Any]] = WeakKeyDictionary()


def add_oauth_server_context(ctx: Context, values: dict[str, Any]) -> None:
    """Attach server-trusted ``values`` to the OAuth flow this request starts (Better
    Auth's ``addOAuthServerContext``): call it from a ``before`` hook of
    ``sign_in_social`` or ``link_social``. They ride the state as ``serverContext``
    (never from the request body, unlike ``additionalData``) and come back on the
    callback in ``oauth_state(ctx)["serverContext"]``. Several calls merge."""
    _PENDING[ctx] = {**_PENDING.get(ctx, {}), **values}


def pending_server_context(ctx: Context) -> dict[str, Any] | None:
    """What :func:`add_oauth_server_context` gathered for this request, if anything."""
    return dict(_PENDING[ctx]) if _PENDING.get(ctx) else None


def oauth_state(ctx: Context) -> dict[str, Any] | None:
    """The OAuth state of this request (Better Auth's ``getOAuthState``): on the callback
    the flow it used up, on ``sign_in_social`` / ``link_social`` the one it started;
    ``None`` elsewhere. Keys other than the documented ones (``callbackURL``,
    ``serverContext``...) come from the client's ``additionalData``: do not trust them."""
    return _FLOWS.get(ctx)


class StateError(Exception):
    """The callback's state does not check out; ``code`` is the redirect's ``error`` and
    ``error_url`` where it goes (``None``: the default error URL)."""

    def __init__(self, code: str, error_url: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.error_url = error_url


def mint(ctx: Context, data: dict[str, Any]) -> str:
    """Store a new flow with ``data`` (callback URLs, verifier, nonce, link) and set
    its cookie; returns the state."""
    state = random_string(32, ALPHABET)
    value = {**data, "expiresAt": to_ms(now()) + ROW_SECONDS * 1000, "oauthState": state}
    _FLOWS[ctx] = value
    if ctx.options.account.store_state_strategy == "cookie":
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        sealed = symmetric_encrypt(purpose_secret(ctx.state.secret, COOKIE_PURPOSE), text)
        spec = ctx.specs.get(OAUTH_STATE_COOKIE)
        if len(spec.header(sealed, ROW_SECONDS)) > COOKIE_LIMIT:
            # As in Better Auth the cookie is sent anyway; the browser will drop it and
            # the callback answer state_mismatch, so say why here.
            logger.warning(
                "The OAuth state cookie is %d bytes, over the %d browsers keep: the "
                "callback will fail with state_mismatch. Send less additionalData, or use "
                'account.store_state_strategy="database".',
                len(spec.header(sealed, ROW_SECONDS)),
                COOKIE_LIMIT,
            )
        ctx.set_cookie(spec, sealed, ROW_SECONDS)
        return state
    ctx.verifications.put(PREFIX, state, json.dumps(value), ROW_SECONDS)
    ctx.set_signed_cookie(ctx.specs.get(STATE_COOKIE), state, COOKIE_SECONDS)
    return state


def take(ctx: Context, state: str | None) -> dict[str, Any]:
    """The flow named by ``state``, used up (row deleted and ``state`` cookie expired, or
    the ``oauth_state`` cookie expired).

    :raises StateError: ``state_not_found``, ``state_mismatch`` (to the default error
        URL when the row is missing, else to the flow's), ``state_invalid``.
    """
    if not state:
        raise StateError("state_not_found")
    if ctx.options.account.store_state_strategy == "cookie":
        flow = _take_cookie(ctx, state)
    else:
        flow = _take_row(ctx, state)
    _FLOWS[ctx] = flow
    return flow


def _take_row(ctx: Context, state: str) -> dict[str, Any]:
    """The ``"database"`` strategy's read (spec 3.3)."""
    row = ctx.verifications.find(PREFIX, state)
    if row is None:
        raise StateError("state_mismatch")
    try:
        value = json.loads(row["value"])
    except ValueError:
        raise StateError("state_invalid") from None
    if not isinstance(value, dict):
        raise StateError("state_invalid")
    error_url = value.get("errorURL")
    error_url = error_url if isinstance(error_url, str) and error_url else None
    stored = value.get("oauthState")
    if isinstance(stored, str) and not constant_time_equal(stored, state):
        raise StateError("state_mismatch", error_url)
    if not ctx.options.account.skip_state_cookie_check:
        cookie = ctx.signed_cookie(ctx.specs.get(STATE_COOKIE))
        if cookie is None or not constant_time_equal(cookie, state):
            # The row stays: the browser that started the flow may still finish it.
            raise StateError("state_mismatch", error_url)
    ctx.expire_cookie(ctx.specs.get(STATE_COOKIE))
    if ctx.verifications.consume(PREFIX, state) is None:
        raise StateError("state_mismatch", error_url)  # another callback won the race
    expires = value.get("expiresAt")
    if not isinstance(expires, int) or expires < to_ms(now()):
        raise StateError("state_mismatch", error_url)
    return value


def _valid_shape(value: Any) -> bool:
    """Better Auth's state schema: ``callbackURL`` and ``codeVerifier`` strings, a
    numeric ``expiresAt``, optional string URLs and ``oauthState``, a ``link`` object."""
    if not isinstance(value, dict):
        return False
    if not isinstance(value.get("callbackURL"), str):
        return False
    if not isinstance(value.get("codeVerifier"), str):
        return False
    expires = value.get("expiresAt")
    if isinstance(expires, bool) or not isinstance(expires, (int, float)):
        return False
    for key in ("errorURL", "newUserURL", "oauthState", "idTokenNonce"):
        if key in value and not isinstance(value[key], str):
            return False
    if "serverContext" in value and not isinstance(value["serverContext"], dict):
        return False
    link = value.get("link")
    return link is None or (isinstance(link, dict) and isinstance(link.get("email"), str))


def _take_cookie(ctx: Context, state: str) -> dict[str, Any]:
    """The ``"cookie"`` strategy's read, as Better Auth 1.7.24's ``parseGenericState``:
    no cookie is ``state_mismatch``, a cookie that does not decrypt to a state is
    ``state_invalid`` (both to the default error URL), another flow's cookie is
    ``state_mismatch`` to the flow's error URL; the cookie is expired only once it
    matched, and an expired flow is ``state_mismatch`` after that."""
    spec = ctx.specs.get(OAUTH_STATE_COOKIE)
    sealed = ctx.cookies.get(spec.name)
    if not sealed:
        raise StateError("state_mismatch")
    try:
        value = json.loads(
            symmetric_decrypt(purpose_secret(ctx.state.secret, COOKIE_PURPOSE), sealed)
        )
    except (DecryptionError, ValueError):
        raise StateError("state_invalid") from None
    if not _valid_shape(value):
        raise StateError("state_invalid")
    error_url = value.get("errorURL") or None
    stored = value.get("oauthState")
    if not stored or not constant_time_equal(stored, state):
        raise StateError("state_mismatch", error_url)
    ctx.expire_cookie(spec)
    if value["expiresAt"] < to_ms(now()):
        raise StateError("state_mismatch", error_url)
    return dict(value)
