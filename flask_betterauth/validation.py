"""Marshmallow fields and the checking of request bodies and queries against schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields

from .errors import APIError


class StrictString(fields.String):
    """A string and nothing else (no bytes)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return value


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only: no ``"false"`` strings or ``0``, as Better Auth's Zod."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class TruthyFlag(fields.Field):  # type: ignore[type-arg]
    """A query flag with JavaScript truthiness: any non-empty string means true."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        return bool(value)


class BodySchema(Schema):
    """Base of every request schema: unknown keys are dropped, as Better Auth does."""

    class Meta:
        unknown = EXCLUDE


def _messages(errors: Any, location: str) -> list[str]:
    if isinstance(errors, Mapping):
        out = []
        for key, value in errors.items():
            where = f"{location}.{key}" if key != "_schema" else location
            out.extend(_messages(value, where))
        return out
    if isinstance(errors, list):
        return [
            f"[{location}] {m}" if isinstance(m, str) else "; ".join(_messages(m, location))
            for m in errors
        ]
    return [f"[{location}] {errors}"]


def validate(schema: Schema, data: Any, location: str) -> dict[str, Any]:
    """``data`` checked and converted by ``schema``.

    :raises APIError: 400 ``VALIDATION_ERROR`` with ``[body.field] message`` issues.
    """
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise APIError(400, "VALIDATION_ERROR", f"[{location}] Invalid input: expected object")
    try:
        return dict(schema.load(data))
    except ValidationError as error:
        raise APIError(
            400, "VALIDATION_ERROR", "; ".join(_messages(error.messages, location))
        ) from None
