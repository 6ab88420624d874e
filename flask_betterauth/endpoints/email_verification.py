"""``POST /send-verification-email`` and ``GET /verify-email``: proving an address.

The link's token is Better Auth's: an HS256 JWT signed with the secret, claims ``email``
and ``userId`` (plus ``updateTo`` and ``requestType`` for a change of address), valid for
``email_verification.expires_in`` seconds. It is stateless, so a second click finds the
address already verified and changes nothing.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow.validate import Email

from .. import jwt
from .. import signals
from ..after_response import after_response
from ..context import Context
from ..dispatch import Redirect
from ..errors import APIError
from ..links import append_query
from ..records import merged
from ..registry import endpoint
from ..sessions.flows import reissue_cookies
from ..sessions.flows import start_session
from ..storage import ConflictError
from ..users import normalise_email
from ..validation import BodySchema
from ..validation import StrictString
from ..verification_mail import require_verification_sender
from ..verification_mail import send_change_email_verification
from ..verification_mail import send_verification_mail

_is_email = Email()


class SendVerificationEmailBody(BodySchema):
    """The body of ``POST /send-verification-email``."""

    email = fields.Email(required=True)
    callbackURL = StrictString()


@endpoint("/send-verification-email", body=SendVerificationEmailBody, auth="optional")
def send_verification_email(ctx: Context) -> dict[str, Any]:
    """Mail a verification link: to the signed-in user, or (same answer either way) to
    the unverified account of the given address."""
    require_verification_sender(ctx)
    email = normalise_email(ctx.body["email"])
    callback = ctx.body.get("callbackURL")
    pair = ctx.session
    if pair is None:
        _send_anonymously(ctx, email, callback)
        return {"status": True}
    user = pair.user
    if normalise_email(user["email"]) != email:
        raise APIError(400, "EMAIL_MISMATCH")
    if user["emailVerified"]:
        raise APIError(400, "EMAIL_ALREADY_VERIFIED")
    send_verification_mail(ctx, user, callback)
    return {"status": True}


def _send_anonymously(ctx: Context, email: str, callback: str | None) -> None:
    """Send only to an unverified account; the mail goes out after the answer (which
    is the same either way), and a mail that fails is logged, not answered."""
    user = ctx.users.find_by_email(email)
    if user is None or user["emailVerified"]:
        return
    after_response(
        ctx, lambda: send_verification_mail(ctx, user, callback), "the verification mail"
    )


class VerifyEmailQuery(BodySchema):
    """The query of ``GET /verify-email``."""

    token = StrictString(required=True)
    callbackURL = StrictString()


class _Refused(Exception):
    def __init__(self, code: str, status: int = 401) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


@endpoint("/verify-email", method="GET", query=VerifyEmailQuery, auth="optional")
def verify_email(ctx: Context) -> Any:
    """Open a mailed link: mark the address verified, or carry out a change of address.

    With ``callbackURL`` every outcome is a redirect there (errors as ``?error=CODE``);
    without it, JSON or a 401 error.
    """
    callback = ctx.query.get("callbackURL")
    try:
        user = _verify(ctx, _claims(ctx.query["token"], ctx))
    except _Refused as refused:
        if callback:
            return Redirect(append_query(callback, {"error": refused.code}))
        raise APIError(refused.status, refused.code) from None
    if callback:
        return Redirect(callback)
    return {"status": True, "user": user}


def _claims(token: str, ctx: Context) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, ctx.state.key)
    except jwt.ExpiredToken:
        raise _Refused("TOKEN_EXPIRED") from None
    except jwt.InvalidToken:
        raise _Refused("INVALID_TOKEN") from None
    email = claims.get("email")
    try:
        _is_email(email if isinstance(email, str) else "")
    except ValidationError:
        raise _Refused("INVALID_TOKEN") from None
    for name in ("updateTo", "requestType", "userId"):
        if claims.get(name) is not None and not isinstance(claims[name], str):
            raise _Refused("INVALID_TOKEN")
    return claims


def _verify(ctx: Context, claims: dict[str, Any]) -> dict[str, Any] | None:
    """Carry out what the token asks; the user to answer with (change of address) or None."""
    if claims.get("updateTo"):
        return _change_address(ctx, claims)
    email = normalise_email(str(claims["email"]))
    user = ctx.users.find_by_email(email)
    if user is None:
        raise _Refused("USER_NOT_FOUND")
    if claims.get("userId") and claims["userId"] != user["id"]:
        raise _Refused("INVALID_TOKEN")
    if user["emailVerified"]:
        return None
    options = ctx.options.email_verification
    if options.before_email_verification is not None:
        options.before_email_verification(user)
    verified = ctx.users.update(user, {"emailVerified": True})
    if options.after_email_verification is not None:
        options.after_email_verification(verified)
    signals.send(signals.email_verified, user=verified)
    current = ctx.session
    if current is None:
        if options.auto_sign_in_after_verification:
            start_session(ctx, verified, remember_me=True)
    elif current.user["id"] == verified["id"]:
        reissue_cookies(ctx, current.session, verified)
    # Someone else is signed in in this browser: the address is verified, but their
    # session stays (a link can never switch a browser into another account).
    return None


def _change_address(ctx: Context, claims: dict[str, Any]) -> dict[str, Any] | None:
    """The two steps of ``change-email`` (and the one-step form of older tokens)."""
    user_id = claims.get("userId")
    if not user_id:
        raise _Refused("INVALID_TOKEN")
    user = ctx.users.find_by_id(user_id)
    if user is None:
        raise _Refused("USER_NOT_FOUND")
    if normalise_email(user["email"]) != claims["email"]:
        raise _Refused("INVALID_TOKEN")
    current = ctx.session
    if current is not None and current.user["id"] != user["id"]:
        raise _Refused("INVALID_USER")
    new_email = normalise_email(str(claims["updateTo"]))
    callback = ctx.query.get("callbackURL")
    request_type = claims.get("requestType")
    if request_type == "change-email-confirmation":
        send_change_email_verification(ctx, user, new_email, callback)
        return None
    if request_type == "change-email-verification":
        verified = bool(user["emailVerified"])
    else:
        verified = False
        send_verification_mail(ctx, merged(user, {"email": new_email}), callback)
    try:
        changed = ctx.users.update(user, {"email": new_email, "emailVerified": verified})
    except ConflictError:
        raise _Refused("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", 422) from None
    after = ctx.options.email_verification.after_email_verification
    if verified and after is not None:
        after(changed)
    if current is not None:
        reissue_cookies(ctx, current.session, changed)
    return ctx.user_json(changed)
