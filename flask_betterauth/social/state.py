"""The OAuth state of one redirect flow (spec 3.1 and 3.3): a verification row holding
the flow's JSON for 10 minutes and a signed ``state`` cookie for 5, single use.

Only the state's hash is stored in the row (the core's verification rule), so a copy of
the table cannot finish anyone's flow.
"""

from __future__ import annotations

import json
import string
from typing import Any

from ..clock import now
from ..clock import to_ms
from ..context import Context
from ..crypto import constant_time_equal
from ..crypto import random_string

PREFIX = "auth-state:"
STATE_COOKIE = "state"
ROW_SECONDS = 600
COOKIE_SECONDS = 300
#: Better Auth's alphabet for state, PKCE verifier and nonce.
ALPHABET = string.ascii_letters + string.digits + "-_"


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
    ctx.verifications.put(PREFIX, state, json.dumps(value), ROW_SECONDS)
    ctx.set_signed_cookie(ctx.specs.get(STATE_COOKIE), state, COOKIE_SECONDS)
    return state


def take(ctx: Context, state: str | None) -> dict[str, Any]:
    """The flow named by ``state``, used up (row deleted, cookie expired).

    :raises StateError: ``state_not_found``, ``state_mismatch`` (to the default error
        URL when the row is missing, else to the flow's), ``state_invalid``.
    """
    if not state:
        raise StateError("state_not_found")
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
