"""Request fields with the admin plugin's Zod rules (coerced ids, role or roles, records)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import StrictString


class CoercedString(fields.Field):  # type: ignore[type-arg]
    """``z.coerce.string()``: a string, or a number or boolean turned into one (as
    JavaScript's ``String``); anything else is refused."""

    default_error_messages = {"invalid": "Invalid input: expected string"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, str) and "\x00" not in value:
            return value
        raise self.make_error("invalid")


class RoleInput(fields.Field):  # type: ignore[type-arg]
    """A role name or a list of them."""

    default_error_messages = {"invalid": "Invalid input: expected string or array of strings"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise self.make_error("invalid")


class JsonObject(fields.Field):  # type: ignore[type-arg]
    """``z.record(...)``: a JSON object, kept as sent."""

    default_error_messages = {"invalid": "Invalid input: expected record"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, dict):
            return dict(value)
        raise self.make_error("invalid")


class Seconds(fields.Field):  # type: ignore[type-arg]
    """``z.number()``: a JSON number (not a boolean, not a string)."""

    default_error_messages = {"invalid": "Invalid input: expected number"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise self.make_error("invalid")


class UserIdBody(BodySchema):
    """``{userId}``."""

    userId = CoercedString(required=True)


class CreateUserBody(BodySchema):
    """The body of ``POST /admin/create-user``."""

    email = StrictString(required=True)
    name = StrictString(required=True)
    password = StrictString()
    role = fields.Raw()
    data = JsonObject()


class UpdateUserBody(BodySchema):
    """The body of ``POST /admin/update-user``."""

    userId = CoercedString(required=True)
    data = JsonObject(required=True)


class SetRoleBody(BodySchema):
    """The body of ``POST /admin/set-role``."""

    userId = CoercedString(required=True)
    role = RoleInput(required=True)


class SetUserPasswordBody(BodySchema):
    """The body of ``POST /admin/set-user-password``."""

    newPassword = StrictString(required=True)
    userId = CoercedString(required=True)


class BanUserBody(BodySchema):
    """The body of ``POST /admin/ban-user``."""

    userId = CoercedString(required=True)
    banReason = StrictString()
    banExpiresIn = Seconds()


class RevokeUserSessionBody(BodySchema):
    """The body of ``POST /admin/revoke-user-session``."""

    sessionToken = StrictString(required=True)


class GetUserQuery(BodySchema):
    """The query of ``GET /admin/get-user``."""

    id = StrictString(required=True)


class HasPermissionBody(BodySchema):
    """The body of ``POST /admin/has-permission``."""

    userId = CoercedString()
    role = StrictString()
    permission = fields.Raw()
    permissions = fields.Raw()
