"""What the organization endpoints share: the caller's membership and its permission
check, role names, and body fields."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from marshmallow import ValidationError
from marshmallow import fields

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context

from . import role_rows
from . import roles
from . import store
from .settings import settings

#: How a refusal is given to :func:`acting_member`: ``(status, code)`` or
#: ``(status, code, message)`` (``code`` ``None``: a message-only body).
Refusal = tuple[int, str | None] | tuple[int, str | None, str]


def _refuse(refusal: Refusal) -> APIError:
    return APIError(*refusal)


def acting_member(
    ctx: Context,
    org_id: str,
    missing: Refusal,
    permissions: Mapping[str, Sequence[str]] | None = None,
    refused: Refusal | None = None,
) -> dict[str, Any]:
    """The caller's membership in ``org_id``, checked to grant ``permissions`` (when given).

    :raises APIError: ``missing`` when the caller is not a member; ``refused`` when its
        roles do not grant ``permissions``.
    """
    _, user = ctx.signed_in
    member = store.find_member(ctx, org_id, user["id"])
    if member is None:
        raise _refuse(missing)
    if permissions is not None and not can(ctx, member, permissions):
        raise _refuse(refused or (403, None, "Forbidden"))
    return member


def can(ctx: Context, member: Mapping[str, Any], permissions: Mapping[str, Sequence[str]]) -> bool:
    """Whether ``member``'s roles grant ``permissions``: the app's roles and, with dynamic
    access control, the roles stored for the member's organization."""
    found = settings(ctx).roles_of(ctx.adapter, member.get("organizationId"))
    return roles.allows(found, member.get("role"), permissions)


def require(
    ctx: Context,
    member: Mapping[str, Any],
    permissions: Mapping[str, Sequence[str]],
    code: str,
    status: int = 403,
) -> None:
    """:raises APIError: ``status`` ``code`` unless ``member`` may do ``permissions``."""
    if not can(ctx, member, permissions):
        raise APIError(status, code)


def is_creator(ctx: Context, role: Any) -> bool:
    """Whether a role field holds the creator (owner) role."""
    return settings(ctx).creator_role in roles.split_roles(role)


def check_roles(ctx: Context, role: Any, org_id: str) -> str:
    """``role`` (a string or a list of them) as the stored comma-joined field.

    :raises APIError: 400 ``ROLE_NOT_FOUND`` when empty; 400 ``ROLE_NOT_FOUND: <names>``
        (no code, as Better Auth) when a name is not a role of the app (nor, with dynamic
        access control, one stored for ``org_id``).
    """
    names = roles.split_roles(role)
    if not names:
        raise APIError(400, "ROLE_NOT_FOUND")
    options = settings(ctx)
    unknown = roles.unknown_roles(options.roles, names)
    if unknown and options.dynamic_access_control.enabled:
        stored = role_rows.stored_names(ctx, org_id, unknown)
        unknown = [name for name in unknown if name not in stored]
    if unknown:
        raise APIError(400, None, f"ROLE_NOT_FOUND: {', '.join(unknown)}")
    return ",".join(names)


class RoleField(fields.Field):  # type: ignore[type-arg]
    """A role: a string or a list of strings (``"admin"``, ``["admin", "member"]``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise ValidationError("Invalid input: expected string or array of strings")


class ObjectField(fields.Field):  # type: ignore[type-arg]
    """A JSON object (``metadata``, ``permissions``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, dict):
            raise ValidationError("Invalid input: expected object")
        return value


class PermissionsField(fields.Field):  # type: ignore[type-arg]
    """``{resource: [action, ...]}``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, dict) or not all(
            isinstance(actions, list) and all(isinstance(a, str) for a in actions)
            for actions in value.values()
        ):
            raise ValidationError("Invalid input: expected {resource: [action, ...]}")
        return value


class TeamIdsField(fields.Field):  # type: ignore[type-arg]
    """A team id or a list of them."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise ValidationError("Invalid input: expected string or array of strings")
