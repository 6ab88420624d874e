"""``POST /sign-in/username`` and ``POST /is-username-available``."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictBoolean
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import check_credential
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import finish_sign_in

from .rules import rules_of


class SignInUsernameBody(BodySchema):
    """The body of ``POST /sign-in/username``."""

    username = StrictString(required=True)
    password = StrictString(required=True)
    rememberMe = StrictBoolean()
    callbackURL = StrictString()


class UsernameBody(BodySchema):
    """The body of ``POST /is-username-available``."""

    username = StrictString(required=True)


@endpoint("/sign-in/username", body=SignInUsernameBody, form_csrf=True, sign_in=True)
def sign_in_username(ctx: Context) -> dict[str, Any]:
    """Sign in with a username and a password; starts a session as ``sign-in/email`` does."""
    username, password = ctx.body["username"], ctx.body["password"]
    if not username or not password:
        raise APIError(401, "INVALID_USERNAME_OR_PASSWORD")
    rules = rules_of(ctx)
    rules.check(username, 422)
    found = ctx.users.find_where({"username": rules.normalise(username)})
    user = check_credential(ctx, found, password, "INVALID_USERNAME_OR_PASSWORD")
    return finish_sign_in(
        ctx,
        user,
        callback=ctx.body.get("callbackURL"),
        remember_me=ctx.body.get("rememberMe") is not False,
    )


@endpoint("/is-username-available", body=UsernameBody)
def is_username_available(ctx: Context) -> dict[str, bool]:
    """Whether no user holds ``username`` (compared in its normalised form)."""
    username = ctx.body["username"]
    if not username:
        raise APIError(422, "INVALID_USERNAME")
    rules = rules_of(ctx)
    rules.check(username, 422)
    taken = ctx.users.find_where({"username": rules.normalise(username)})
    return {"available": taken is None}
