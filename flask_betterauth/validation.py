"""Marshmallow fields and the checking of request bodies and queries against schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import missing as missing_

from .errors import APIError


def is_unicode_text(value: str) -> bool:
    """Whether ``value`` is real Unicode text: no lone surrogates (JSON's ``"\\ud800"``),
    which cannot be encoded as UTF-8 and so cannot be hashed or stored."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: The JSON Schema pattern of a :class:`StrictString` (no NUL character), for the
#: OpenAPI document.
NO_NUL_PATTERN = "^[^\\u0000]*$"


class StrictString(fields.String):
    """A string and nothing else (no bytes), without NUL characters (no database column
    can hold them everywhere: PostgreSQL refuses them) or lone surrogates.

    Its OpenAPI schema says so with :data:`NO_NUL_PATTERN`, unless ``metadata`` gives
    another ``pattern`` (which must exclude NUL too)."""

    default_error_messages = {
        "nul": "Invalid input: NUL characters are not allowed",
        "surrogate": "Invalid input: not valid Unicode text",
    }

    def __init__(self, *, metadata: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(metadata={"pattern": NO_NUL_PATTERN, **(metadata or {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if "\x00" in value:
            raise self.make_error("nul")
        if not is_unicode_text(value):
            raise self.make_error("surrogate")
        return value


#: What the user's ``image`` may hold: an ``http(s)://`` URL with a host, a path on the
#: app (``/avatars/1.png``, not ``//host``), a base64 ``data:image/`` URL of a raster
#: type (not SVG, which can carry script), or ``""``. Schemes are lower case; no
#: whitespace, control character or backslash anywhere. ``javascript:`` and every other
#: scheme are refused, so a template that renders the image as a link cannot run script.
#: A JSON Schema (ECMA-262) pattern too: the OpenAPI document states it. (``(?!\n)``
#: keeps Python's ``$``, which also matches before a final newline, from taking one.)
IMAGE_URL_PATTERN = (
    r"^(?:https?://[^\x00-\x20\x7f\\/?#]+(?:[/?#][^\x00-\x20\x7f\\]*)?"
    r"|/(?:[^\x00-\x20\x7f\\/][^\x00-\x20\x7f\\]*)?"
    r"|data:image/(?:png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/]*={0,2})?(?!\n)$"
)
_IMAGE_URL = re.compile(IMAGE_URL_PATTERN)


def check_image_url(value: object) -> None:
    """Refuse an ``image`` that is not ``None`` or a URL of :data:`IMAGE_URL_PATTERN`.

    :raises APIError: ``400 INVALID_IMAGE_URL``.
    """
    if isinstance(value, str) and not _IMAGE_URL.fullmatch(value):
        raise APIError(400, "INVALID_IMAGE_URL")


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


def _accepts_nothing(schema: Schema) -> bool:
    """Whether an empty input loads as ``{}`` (no required field, no default): then the
    schema need not run for it, which spares every plain ``GET`` a marshmallow pass."""
    known = schema.__dict__.get("_accepts_nothing")
    if known is None:
        known = all(not f.required and f.load_default is missing_ for f in schema.fields.values())
        schema.__dict__["_accepts_nothing"] = known
    return bool(known)


def validate(schema: Schema, data: Any, location: str) -> dict[str, Any]:
    """``data`` checked and converted by ``schema``.

    :raises APIError: 400 ``VALIDATION_ERROR`` with ``[body.field] message`` issues.
    """
    if not data and data is not False and data != 0 and _accepts_nothing(schema):
        return {}
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
