"""The sign-in challenge (spec 2.3) and the trusted-device cookie (spec 2.4).

A sign-in of a user with 2FA on creates its session as usual; the plugin's after-hook on
every endpoint marked ``sign_in=True`` then takes it back (row deleted, cookies expired),
stores a challenge ``2fa-<20>`` naming the user and sets it in the signed ``two_factor``
cookie. The verify endpoints accept either a session (turning 2FA on, or proving it
again) or that cookie; a right code consumes the challenge, once, and starts the session.
Only hashes of the challenge and trust ids are stored (the core's verification rule).
"""

from __future__ import annotations

import hmac
import string
from dataclasses import dataclass
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import Redirect
from flask_betterauth.plugins import set_query
from flask_betterauth.plugins import start_session

from . import rows
from .codes import random_text
from .codes import sign_trust
from .settings import CHALLENGE_ATTEMPTS
from .settings import PLUGIN_ID
from .settings import TwoFactorSettings

TWO_FACTOR_COOKIE = "two_factor"
TRUST_DEVICE_COOKIE = "trust_device"
CHALLENGE_PREFIX = "2fa-"
ATTEMPTS_PREFIX = "2fa-attempts-2fa-"
TRUST_PREFIX = "trust-device-"
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def settings(ctx: Context) -> TwoFactorSettings:
    """The plugin's options for this app."""
    return ctx.plugin_state(PLUGIN_ID, TwoFactorSettings)


@dataclass(frozen=True)
class Subject:
    """Who a verify endpoint is about: a signed-in user, or a held sign-in."""

    user: Record
    #: The caller's session (enabling or proving 2FA again), else ``None``.
    session: Record | None
    #: The challenge's random part (sign-in), else ``None``.
    challenge: str | None

    @property
    def signing_in(self) -> bool:
        """Whether this completes a held sign-in."""
        return self.challenge is not None

    @property
    def otp_key(self) -> str:
        """Where this subject's one-time code is kept (spec 2.2)."""
        if self.challenge is not None:
            return CHALLENGE_PREFIX + self.challenge
        assert self.session is not None
        return f"{self.user['id']}!{self.session['id']}"


def invalid_cookie() -> APIError:
    """401 ``INVALID_TWO_FACTOR_COOKIE``."""
    return APIError(401, "INVALID_TWO_FACTOR_COOKIE")


def subject(ctx: Context) -> Subject:
    """The caller: their session if they have one, else their held sign-in.

    :raises APIError: 401 ``INVALID_TWO_FACTOR_COOKIE`` without either.
    """
    if ctx.session is not None:
        return Subject(ctx.session.user, ctx.session.session, None)
    value = ctx.signed_cookie(ctx.cookie_spec(TWO_FACTOR_COOKIE))
    if not value or not value.startswith(CHALLENGE_PREFIX):
        raise invalid_cookie()
    challenge = value[len(CHALLENGE_PREFIX) :]
    row = ctx.verifications.find(CHALLENGE_PREFIX, challenge)
    user = ctx.users.find_by_id(str(row["value"])) if row is not None else None
    if user is None:
        raise invalid_cookie()
    return Subject(user, None, challenge)


def spend_attempt(ctx: Context, who: Subject) -> None:
    """Count one try against the held sign-in's budget before its code is checked.

    Each try takes a slot by compare-and-swap, so guesses racing each other are all
    counted. Once the budget is spent the challenge is cancelled.

    :raises APIError: 400 ``TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE`` when it is spent, 401
        ``INVALID_TWO_FACTOR_COOKIE`` when the challenge is gone.
    """
    if who.challenge is None:
        return
    while True:
        row = ctx.verifications.find(ATTEMPTS_PREFIX, who.challenge)
        if row is None:
            raise invalid_cookie()
        value = str(row["value"])
        used = int(value) if value.isdigit() else CHALLENGE_ATTEMPTS
        if used >= CHALLENGE_ATTEMPTS:
            _cancel(ctx, who.challenge)
            raise APIError(400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE")
        if ctx.verifications.swap(row, str(used + 1)):
            return


def _cancel(ctx: Context, challenge: str) -> None:
    ctx.verifications.consume(CHALLENGE_PREFIX, challenge)
    ctx.verifications.consume(ATTEMPTS_PREFIX, challenge)
    ctx.expire_cookie(ctx.cookie_spec(TWO_FACTOR_COOKIE))


def check_not_locked(ctx: Context, who: Subject) -> dict[str, Any] | None:
    """The user's ``twoFactor`` row, after refusing a held sign-in while it is locked."""
    row = rows.find(ctx, who.user["id"])
    if row is not None and who.signing_in:
        rows.check_not_locked(ctx, row, settings(ctx).lockout)
    return row


def failed(ctx: Context, who: Subject, row: dict[str, Any] | None) -> None:
    """A factor failed: it counts toward the account lockout during a sign-in."""
    if row is not None and who.signing_in:
        rows.record_failure(ctx, row, settings(ctx).lockout)


def passed(ctx: Context, who: Subject, trust_device: bool) -> dict[str, Any]:
    """A factor was right: finish the held sign-in (or answer the signed-in caller).

    :raises APIError: 401 ``INVALID_TWO_FACTOR_COOKIE`` when another request used the
        challenge first.
    """
    if who.challenge is None:
        assert who.session is not None
        return {"token": who.session["token"], "user": ctx.user_json(who.user)}
    row = rows.find(ctx, who.user["id"])
    if row is not None:
        rows.reset_failures(ctx, row, settings(ctx).lockout)
    if ctx.verifications.consume(CHALLENGE_PREFIX, who.challenge, owner=who.user["id"]) is None:
        ctx.expire_cookie(ctx.cookie_spec(TWO_FACTOR_COOKIE))
        raise invalid_cookie()
    ctx.verifications.consume(ATTEMPTS_PREFIX, who.challenge)
    remember = not ctx.sessions.dont_remember(ctx)
    session = start_session(ctx, who.user, remember_me=remember)
    ctx.expire_cookie(ctx.cookie_spec(TWO_FACTOR_COOKIE))
    if trust_device:
        _trust(ctx, who.user)
        ctx.expire_cookie(ctx.specs.dont_remember)
    return {"token": session["token"], "user": ctx.user_json(who.user)}


# -- trusted devices ----------------------------------------------------------------------


def _trust(ctx: Context, user: Record) -> None:
    """Remember this browser for the user: a record and its signed cookie."""
    max_age = settings(ctx).trust_device_max_age
    token = random_text(32)
    trust_id = TRUST_PREFIX + token
    ctx.verifications.put(TRUST_PREFIX, token, user["id"], max_age)
    value = f"{sign_trust(ctx.state.key, user['id'], trust_id)}!{trust_id}"
    ctx.set_signed_cookie(ctx.cookie_spec(TRUST_DEVICE_COOKIE), value, max_age)


def _trusted(ctx: Context, user: Record) -> bool:
    """Whether this browser's trust cookie is valid for ``user``; if so the trust moves
    to a new record and cookie (a copied old cookie stops working), if not it is expired.
    """
    spec = ctx.cookie_spec(TRUST_DEVICE_COOKIE)
    if spec.name not in ctx.cookies:
        return False
    value = ctx.signed_cookie(spec) or ""
    mac, _, trust_id = value.partition("!")
    expected = sign_trust(ctx.state.key, user["id"], trust_id)
    if trust_id.startswith(TRUST_PREFIX) and _same(mac, expected):
        token = trust_id[len(TRUST_PREFIX) :]
        if ctx.verifications.consume(TRUST_PREFIX, token, owner=user["id"]) is not None:
            _trust(ctx, user)
            return True
    ctx.expire_cookie(spec)
    return False


def _same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def forget_device(ctx: Context, user: Record) -> None:
    """Drop this browser's trust (2FA turned off): its record and its cookie."""
    spec = ctx.cookie_spec(TRUST_DEVICE_COOKIE)
    value = ctx.signed_cookie(spec) if spec.name in ctx.cookies else None
    if value:
        trust_id = value.partition("!")[2]
        if trust_id.startswith(TRUST_PREFIX):
            ctx.verifications.consume(TRUST_PREFIX, trust_id[len(TRUST_PREFIX) :], owner=user["id"])
    ctx.expire_cookie(spec)


# -- the hook on every sign-in --------------------------------------------------------------


def hold_sign_in(ctx: Context) -> dict[str, Any] | Redirect | None:
    """After a sign-in endpoint: hold the new session of a 2FA user until a second
    factor is proven (unless this browser is trusted). A sign-in that redirects keeps
    redirecting, with ``?twoFactorRedirect=true&twoFactorMethods=...`` added."""
    if ctx.new_session is None or isinstance(ctx.returned, APIError):
        return None
    user = ctx.new_session.user
    if not user.get("twoFactorEnabled") or _trusted(ctx, user):
        return None
    options = settings(ctx)
    ctx.cancel_new_session()
    if "Location" in ctx.response_headers:
        del ctx.response_headers["Location"]
    challenge = random_text(20, _ID_ALPHABET)
    max_age = options.two_factor_cookie_max_age
    ctx.verifications.put(CHALLENGE_PREFIX, challenge, user["id"], max_age)
    ctx.verifications.put(ATTEMPTS_PREFIX, challenge, "0", max_age)
    value = CHALLENGE_PREFIX + challenge
    ctx.set_signed_cookie(ctx.cookie_spec(TWO_FACTOR_COOKIE), value, max_age)
    methods = []
    if not options.totp.disable:
        row = rows.find(ctx, user["id"])
        if row is not None and row.get("verified") is not False:
            methods.append("totp")
    if options.otp.enabled:
        methods.append("otp")
    if isinstance(ctx.returned, Redirect):
        # A sign-in that answers with a redirect (a magic link opened from a mail) still
        # redirects, saying that a second factor is due, so the page there can ask it.
        params = {"twoFactorRedirect": "true", "twoFactorMethods": ",".join(methods)}
        return Redirect(set_query(ctx.base_url, ctx.returned.location, params))
    return {"twoFactorRedirect": True, "twoFactorMethods": methods}
