"""``POST /sign-in/magic-link`` and ``GET /magic-link/verify`` (spec 3.1, 3.2)."""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urljoin

from marshmallow import fields

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import ConflictError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import Redirect
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import check_email
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import finish_sign_in
from flask_betterauth.plugins import set_query
from flask_betterauth.plugins import to_wire

from .settings import MAIL
from .settings import PREFIX
from .settings import TEMPLATE
from .settings import settings

LETTERS = string.ascii_letters
#: Longest token looked up; Better Auth's are 32 letters, an app's own may be longer.
MAX_TOKEN_LENGTH = 512


class SignInMagicLinkBody(BodySchema):
    """The body of ``POST /sign-in/magic-link``."""

    email = StrictString(required=True)
    name = StrictString()
    callbackURL = StrictString()
    newUserCallbackURL = StrictString()
    errorCallbackURL = StrictString()
    metadata = fields.Dict()


class VerifyQuery(BodySchema):
    """The query of ``GET /magic-link/verify``."""

    token = StrictString(required=True)
    callbackURL = StrictString()
    newUserCallbackURL = StrictString()
    errorCallbackURL = StrictString()


def _valid_email(email: str) -> bool:
    try:
        check_email(email)
    except APIError:
        return False
    return True


@endpoint("/sign-in/magic-link", body=SignInMagicLinkBody, form_csrf=True)
def sign_in_magic_link(ctx: Context) -> dict[str, Any]:
    """Mail a single-use sign-in link to ``email``; the answer is the same whether or
    not the address has an account (the account is made when the link is used)."""
    body = ctx.body
    email = body["email"]
    if not _valid_email(email):
        raise APIError(400, "VALIDATION_ERROR", "[body.email] Invalid email address")
    if not ctx.mailer.can_send(MAIL):
        raise APIError(400, None, "send magic link is not implemented")
    options = settings(ctx)
    record: dict[str, Any] = {"type": "magic-link", "email": email}
    if body.get("name") is not None:
        record["name"] = body["name"]
    value = json.dumps(record, separators=(",", ":"))
    if options.generate_token is not None:
        token = str(options.generate_token(email))
        row = ctx.verifications.put(PREFIX, token, value, options.expires_in, hashed=options.hashed)
    else:
        token, row = ctx.verifications.issue(
            PREFIX, value, options.expires_in, alphabet=LETTERS, hashed=options.hashed
        )
    params = {"token": token, "callbackURL": body.get("callbackURL") or "/"}
    for name in ("newUserCallbackURL", "errorCallbackURL"):
        if body.get(name):
            params[name] = body[name]
    url = f"{ctx.base_url}/magic-link/verify?{urlencode(params)}"
    user = ctx.users.find_by_email(email)
    recipient = dict(user) if user is not None else {"email": email, "name": body.get("name")}
    recipient["email"] = email  # as typed, as Better Auth passes it
    try:
        ctx.mailer.send(
            MAIL,
            TEMPLATE,
            user=Record(recipient),
            url=url,
            token=token,
            expires_in=options.expires_in,
            extra={"metadata": body.get("metadata") or {}, "new_user": user is None},
        )
    except APIError:
        ctx.verifications.discard(row)
        raise
    return {"status": True}


def _record(value: Any) -> dict[str, Any] | None:
    """The row's ``{"type": "magic-link", "email", "name"?}``, or ``None`` when it is not
    one (Better Auth's strict schema)."""
    try:
        record = json.loads(str(value))
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("type") != "magic-link":
        return None
    if set(record) - {"type", "email", "name"}:
        return None
    email, name = record.get("email"), record.get("name")
    if not isinstance(email, str) or not _valid_email(email):
        return None
    if name is not None and not isinstance(name, str):
        return None
    return record


@endpoint("/magic-link/verify", method="GET", query=VerifyQuery, sign_in=True)
def magic_link_verify(ctx: Context) -> Any:
    """Use a magic link: sign its address in (making the account on first use) and
    redirect to ``callbackURL`` (``newUserCallbackURL`` for a new account); without a
    ``callbackURL`` the answer is ``{token, user, session}``. A bad link redirects to
    ``errorCallbackURL`` with ``?error=INVALID_TOKEN``."""
    query = ctx.query
    base = ctx.base_url
    callback = urljoin(base, query.get("callbackURL") or "/")
    error_target = urljoin(base, query.get("errorCallbackURL") or callback)
    new_user_target = urljoin(base, query.get("newUserCallbackURL") or callback)

    def failed(code: str, description: str | None = None) -> Redirect:
        params = {"error": code}
        if description:
            params["error_description"] = description
        return Redirect(set_query(base, error_target, params))

    options = settings(ctx)
    token = str(query["token"])
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return failed("INVALID_TOKEN")
    row = ctx.verifications.consume(PREFIX, token, hashed=options.hashed)
    record = _record(row["value"]) if row is not None else None
    if record is None:
        return failed("INVALID_TOKEN")
    user = ctx.users.find_by_email(record["email"])
    is_new = False
    if user is None:
        if options.disable_sign_up:
            return failed("new_user_signup_disabled")
        try:
            user = ctx.users.create(
                ctx.users.new(record["email"], record.get("name") or "", emailVerified=True)
            )
        except APIError as error:
            return failed(error.code or "failed_to_create_user", error.message)
        except ConflictError:
            return failed("failed_to_create_user")
        is_new = True
    elif not user["emailVerified"]:
        user = ctx.users.promote_unproven(user["id"])
        if user is None:
            return failed("user_not_found")
    finish_sign_in(ctx, user, callback=None, remember_me=True)
    if not query.get("callbackURL"):
        assert ctx.new_session is not None
        session = ctx.new_session.session
        return {
            "token": session["token"],
            "user": ctx.user_json(user),
            "session": to_wire(ctx.state.tables["session"], session),
        }
    return Redirect(new_user_target if is_new else callback)
