"""Additional fields sent by clients: checked against their declarations, defaults applied."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from .clock import parse_iso
from .errors import APIError
from .schema import Column
from .schema import Table
from .validation import is_unicode_text


def _default(column: Column) -> Any:
    default: Any = column.default
    return default() if callable(default) else default


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str) and "\x00" not in v and is_unicode_text(v),
    # A ``number`` column is an integer column (as in Better Auth's DDL): a fraction
    # would be cut by PostgreSQL and kept by SQLite, so it is refused instead.
    "number": lambda v: _is_number(v) and float(v).is_integer(),
    "boolean": lambda v: isinstance(v, bool),
    "json": lambda v: True,
    "string[]": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    "number[]": lambda v: isinstance(v, list) and all(_is_number(i) for i in v),
    "date": lambda v: isinstance(v, str),
}


def _convert(column: Column, value: Any) -> Any:
    kind = column.type
    ok = _CHECKS[kind](value)
    if ok and kind == "date":
        try:
            return parse_iso(value)
        except ValueError:
            ok = False
    if not ok:
        raise APIError(
            400, "VALIDATION_ERROR", f"[body.{column.name}] Invalid input: expected {kind}"
        )
    return value


def parse_input(table: Table, raw: Any, *, creating: bool) -> dict[str, Any]:
    """The additional fields of ``table`` found in the raw body, checked and converted.

    On create, missing fields get their defaults and required ones without a default are
    refused (400 ``MISSING_FIELD``); a field clients may not set (``input=False``) gets its
    default, and a truthy value for it is refused (400 ``FIELD_NOT_ALLOWED``).
    """
    body: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    result: dict[str, Any] = {}
    for column in table.additional:
        present = column.name in body
        value = body.get(column.name)
        if not column.input:
            if value and (not creating or column.default is None):
                raise APIError(400, "FIELD_NOT_ALLOWED", f"{column.name} is not allowed to be set")
            if creating:
                result[column.name] = _default(column)
            continue
        if value is None:
            if creating and column.default is not None:
                result[column.name] = _default(column)
            elif creating and column.required:
                raise APIError(400, "MISSING_FIELD", f"{column.name} is required")
            elif present:
                result[column.name] = None
            continue
        result[column.name] = _convert(column, value)
    return result
