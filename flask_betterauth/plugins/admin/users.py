"""The admin endpoints on users: create, get, update, set-role, set-user-password, remove."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from marshmallow.validate import Email

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import check_password_length
from flask_betterauth.plugins import endpoint

from .fields import CreateUserBody
from .fields import GetUserQuery
from .fields import SetRoleBody
from .fields import SetUserPasswordBody
from .fields import UpdateUserBody
from .fields import UserIdBody
from .settings import admin_session
from .settings import require
from .settings import roles_text
from .settings import settings_of

BAN_FIELDS = ("banned", "banReason", "banExpires")
_is_email = Email()


def _checked_email(value: Any) -> str:
    email = str(value).lower()
    try:
        _is_email(email)
    except ValidationError:
        raise APIError(400, "INVALID_EMAIL") from None
    return email


def _target(ctx: Context, user_id: str) -> Record:
    found = ctx.users.find_by_id(user_id)
    if found is None:
        raise APIError(404, "USER_NOT_FOUND")
    return found


@endpoint("/admin/create-user", body=CreateUserBody, auth="optional")
def create_user(ctx: Context) -> dict[str, Any]:
    """Create a user (with a password: a credential account too); no session is made.

    Over HTTP a session is required; an ``auth.api`` call without one acts as the server.
    """
    found = ctx.session
    if found is None and ctx.is_http:
        raise APIError(401, "UNAUTHORIZED")
    caller = found.user if found is not None else None
    body = ctx.body
    if caller is not None:
        require(ctx, caller, {"user": ["create"]}, "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS")
    data = dict(body.get("data") or {})
    data_role = data.pop("role", None)
    requested = body.get("role") if body.get("role") is not None else data_role
    if requested is not None:
        if caller is not None:
            require(ctx, caller, {"user": ["set-role"]}, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE")
        settings_of(ctx).check_role_names(requested if isinstance(requested, list) else [requested])
    if caller is not None and any(key in data for key in BAN_FIELDS):
        require(ctx, caller, {"user": ["ban"]}, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")
    email = _checked_email(body["email"])
    password = body.get("password")
    if password:
        check_password_length(ctx.options.email_and_password, password, minimum=False)
    if ctx.users.find_by_email(email) is not None:
        raise APIError(400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    table = ctx.state.tables["user"]
    known = {key: value for key, value in data.items() if key in table.columns and key != "id"}
    extra = _stored_values(ctx, known)
    extra["role"] = (
        roles_text(requested) if requested is not None else settings_of(ctx).default_role
    )
    for key in ("email", "name", "createdAt", "updatedAt"):
        extra.pop(key, None)
    for column in table.additional:
        if column.name not in extra and column.default is not None:
            extra[column.name] = column.default() if callable(column.default) else column.default
    user = ctx.users.new(email, body["name"], **extra)
    password_hash = ctx.state.hasher.hash(password) if password else None
    try:
        created = ctx.users.create(user, password_hash=password_hash)
    except Exception as error:  # a race on the email, or a value the column refuses
        if ctx.users.find_by_email(email) is not None:
            raise APIError(400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") from error
        raise APIError(500, "FAILED_TO_CREATE_USER") from error
    return {"user": ctx.user_json(created)}


@endpoint("/admin/get-user", method="GET", query=GetUserQuery, auth="optional")
def get_user(ctx: Context) -> dict[str, Any]:
    """The user with id ``id`` (the user object itself, not wrapped)."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["get"]}, "YOU_ARE_NOT_ALLOWED_TO_GET_USER")
    return ctx.user_json(_target(ctx, ctx.query["id"]))


@endpoint("/admin/update-user", body=UpdateUserBody, auth="optional", name="admin_update_user")
def update_user(ctx: Context) -> dict[str, Any]:
    """Change fields of a user; each kind of field needs its own permission."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["update"]}, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS")
    data = dict(ctx.body["data"])
    user_id = ctx.body["userId"]
    if not data:
        raise APIError(400, "NO_DATA_TO_UPDATE")
    if "password" in data:
        raise APIError(400, "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER")
    if "id" in data:
        raise APIError(400, "USER_ID_CANNOT_BE_UPDATED")
    if "role" in data:
        require(ctx, caller, {"user": ["set-role"]}, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE")
        role = data["role"]
        roles = role if isinstance(role, list) else [role]
        settings_of(ctx).check_role_names(roles)
        data["role"] = ",".join(roles)
    if any(key in data for key in BAN_FIELDS):
        require(ctx, caller, {"user": ["ban"]}, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")
        if data.get("banned") is True and user_id == caller["id"]:
            raise APIError(400, "YOU_CANNOT_BAN_YOURSELF")
    if "email" in data or "emailVerified" in data:
        require(ctx, caller, {"user": ["set-email"]}, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL")
        if "email" in data:
            data["email"] = _checked_email(data["email"])
            holder = ctx.users.find_by_email(data["email"])
            if holder is not None and holder["id"] != user_id:
                raise APIError(400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    if any(key.startswith("phoneNumber") for key in data):
        require(
            ctx, caller, {"user": ["set-phone"]}, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER"
        )
    target = _target(ctx, user_id)
    table = ctx.state.tables["user"]
    changes = _stored_values(
        ctx, {key: value for key, value in data.items() if key in table.columns}
    )
    updated = ctx.users.update(target, changes) if changes else target
    if data.get("banned") is True:
        ctx.sessions.revoke_user(user_id)
    return ctx.user_json(updated)


def _stored_values(ctx: Context, changes: dict[str, Any]) -> dict[str, Any]:
    """JSON values as the columns hold them (dates from ISO strings).

    :raises APIError: 400 ``VALIDATION_ERROR`` for a value its column cannot hold.
    """
    table = ctx.state.tables["user"]
    out: dict[str, Any] = {}
    for key, value in changes.items():
        kind = table.column(key).type
        if value is None:
            if table.column(key).required:
                raise APIError(400, "VALIDATION_ERROR", f"[body.data.{key}] Invalid input")
            out[key] = None
        elif kind == "date" and isinstance(value, str):
            try:
                out[key] = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise APIError(400, "VALIDATION_ERROR", f"[body.data.{key}] Invalid date") from None
        elif kind == "boolean" and not isinstance(value, bool):
            raise APIError(400, "VALIDATION_ERROR", f"[body.data.{key}] Expected boolean")
        elif kind == "string" and not isinstance(value, str):
            raise APIError(400, "VALIDATION_ERROR", f"[body.data.{key}] Expected string")
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise APIError(400, "VALIDATION_ERROR", f"[body.data.{key}] Expected number")
        else:
            out[key] = value
    return out


@endpoint("/admin/set-role", body=SetRoleBody, auth="optional")
def set_role(ctx: Context) -> dict[str, Any]:
    """Give a user a role, or several (stored comma-joined)."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["set-role"]}, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE")
    role = ctx.body["role"]
    settings_of(ctx).check_role_names(role if isinstance(role, list) else [role])
    target = _target(ctx, ctx.body["userId"])
    return {"user": ctx.user_json(ctx.users.update(target, {"role": roles_text(role)}))}


@endpoint("/admin/set-user-password", body=SetUserPasswordBody, auth="optional")
def set_user_password(ctx: Context) -> dict[str, bool]:
    """Set a user's password (making the credential account if missing); sessions stay."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["set-password"]}, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD")
    password, user_id = ctx.body["newPassword"], ctx.body["userId"]
    if not password or not user_id:
        raise APIError(400, "VALIDATION_ERROR", "[body] newPassword and userId cannot be empty")
    check_password_length(ctx.options.email_and_password, password)
    target = _target(ctx, user_id)
    ctx.accounts.set_password(target["id"], ctx.state.hasher.hash(password))
    return {"status": True}


@endpoint("/admin/remove-user", body=UserIdBody, auth="optional")
def remove_user(ctx: Context) -> dict[str, bool]:
    """Delete a user with their sessions and accounts."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["delete"]}, "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS")
    user_id = ctx.body["userId"]
    if user_id == caller["id"]:
        raise APIError(400, "YOU_CANNOT_REMOVE_YOURSELF")
    _target(ctx, user_id)
    with ctx.adapter.transaction():
        ctx.users.delete(user_id)
    return {"success": True}
