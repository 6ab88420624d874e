"""The checks on ``sign-up/email`` and ``update-user`` bodies, and on user writes.

Before-hooks validate ``username`` and ``displayUsername`` (400 with the plugin's codes),
refuse a taken or (when immutable) changed username, and put the normalised values in the
body the endpoint reads. Database hooks do the same for users written elsewhere (an
``auth.api`` call, another plugin).
"""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context

from .rules import UsernameRules
from .rules import rules_of

#: The endpoints whose bodies the before-hooks check (their writes are not checked twice).
CHECKED_ENDPOINTS = frozenset({"sign_up_email", "update_user"})


def _body(ctx: Context) -> dict[str, Any] | None:
    return ctx.body if isinstance(ctx.body, dict) else None


def check_sign_up(ctx: Context) -> None:
    """``sign-up/email``: a valid ``displayUsername`` alone stands in for ``username``;
    then the values are checked, the username must be free, and ``displayUsername``
    defaults to the username as sent."""
    body = _body(ctx)
    if body is None:
        return
    rules = rules_of(ctx)
    display = body.get("displayUsername")
    if (
        rules.display_username
        and "username" not in body
        and isinstance(display, str)
        and rules.problem(display) is None
    ):
        body["username"] = display
    _check(ctx, rules, body, owner_id=None)
    if rules.display_username and body.get("username") and not body.get("displayUsername"):
        body["displayUsername"] = body["username"]
    _normalise(rules, body)


def check_update(ctx: Context) -> None:
    """``update-user``: the values are checked, the username must be free or the caller's
    own, and an immutable username cannot change once set."""
    body = _body(ctx)
    if body is None:
        return
    rules = rules_of(ctx)
    username = body.get("username")
    signed_in = ctx.session
    if isinstance(username, str) and rules.immutable and signed_in is not None:
        current = signed_in.user.get("username")
        if rules.problem(username) is None and current and current != rules.normalise(username):
            raise APIError(400, "USERNAME_IS_IMMUTABLE")
    owner = signed_in.user["id"] if signed_in is not None else None
    _check(ctx, rules, body, owner_id=owner)
    _normalise(rules, body)


def _check(ctx: Context, rules: UsernameRules, body: dict[str, Any], owner_id: str | None) -> None:
    username = body.get("username")
    if isinstance(username, str):
        rules.check(username, 400)
        if owner_id is None:
            if ctx.users.find_where({"username": rules.normalise(username)}) is not None:
                raise APIError(400, "USERNAME_IS_ALREADY_TAKEN")
        else:
            rules.check_free(ctx, username, owner_id)
    if rules.display_username:
        rules.check_display(body.get("displayUsername"))
    elif "displayUsername" in body:
        del body["displayUsername"]


def _normalise(rules: UsernameRules, data: dict[str, Any]) -> None:
    if isinstance(data.get("username"), str):
        data["username"] = rules.normalise(data["username"])
    if rules.display_username and isinstance(data.get("displayUsername"), str):
        data["displayUsername"] = rules.normalise_display(data["displayUsername"])


def _written_elsewhere(ctx: Any) -> bool:
    name = getattr(getattr(ctx, "endpoint", None), "name", "")
    return name not in CHECKED_ENDPOINTS


def database_hooks(rules: UsernameRules) -> dict[str, Any]:
    """The ``user`` create and update hooks: a username written outside the checked
    endpoints is validated (and, within an endpoint, must be free) and normalised;
    ``displayUsername`` defaults to it on create."""

    def before_create(data: dict[str, Any], ctx: Any) -> dict[str, Any] | None:
        username = data.get("username")
        if not isinstance(username, str) or not username or not _written_elsewhere(ctx):
            return None
        rules.check(username, 400)
        if isinstance(ctx, Context):
            rules.check_free(ctx, username, None)
        changes = {"username": rules.normalise(username)}
        if rules.display_username:
            display = data.get("displayUsername")
            changes["displayUsername"] = rules.normalise_display(display) if display else username
        return {"data": changes}

    def before_update(data: dict[str, Any], ctx: Any) -> dict[str, Any] | None:
        username = data.get("username")
        if not isinstance(username, str) or not username or not _written_elsewhere(ctx):
            return None
        rules.check(username, 400)
        if isinstance(ctx, Context):
            owner = ctx.session.user["id"] if ctx.session is not None else data.get("id")
            rules.check_free(ctx, username, owner)
        return {"data": {"username": rules.normalise(username)}}

    return {"user": {"create": {"before": before_create}, "update": {"before": before_update}}}
