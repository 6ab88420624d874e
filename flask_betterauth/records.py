"""Rows as the app sees them, and rows as the wire sees them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .clock import iso
from .clock import parse_iso
from .schema import Table

_CAMEL = re.compile(r"_([a-z])")


class Record(dict[str, Any]):
    """A row (user or session) as a dict with attribute access in snake_case.

    ``record["emailVerified"]`` and ``record.email_verified`` are the same value.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            pass
        try:
            return self[_CAMEL.sub(lambda m: m.group(1).upper(), name)]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def is_authenticated(self) -> bool:
        """Always true for a signed-in user (Flask-Login's spelling, for templates)."""
        return True


class WireRecord(Record):
    """A record read from its JSON form (the cookie cache) that keeps that form, so that
    sending it back costs nothing. Any change to the record drops the kept form."""

    __slots__ = ("wire",)

    def __init__(self, data: dict[str, Any], wire: dict[str, Any]) -> None:
        super().__init__(data)
        self.wire: dict[str, Any] | None = wire

    def __setitem__(self, key: str, value: Any) -> None:
        self.wire = None
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.wire = None
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.wire = None
        super().update(*args, **kwargs)

    def pop(self, key: str, *default: Any) -> Any:
        self.wire = None
        return super().pop(key, *default)


def to_wire(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a row: only returned fields, dates as JavaScript ISO strings."""
    kept = getattr(row, "wire", None)
    if kept is not None:
        return dict(kept)
    out: dict[str, Any] = {}
    get = row.get
    for name, is_date in table.wire_fields:
        value = get(name)
        out[name] = iso(value) if is_date and isinstance(value, datetime) else value
    return out


def from_wire(table: Table, data: dict[str, Any]) -> Record:
    """A row from its JSON form (the cookie cache), dates parsed back."""
    row = Record(data)
    for name, column in table.columns.items():
        if column.type == "date" and isinstance(row.get(name), str):
            row[name] = parse_iso(row[name])
    return row


def copy_record(record: Record) -> Record:
    """A copy of a remembered record for one request (a caller may change its copy)."""
    wire = getattr(record, "wire", None)
    return WireRecord(record, wire) if wire is not None else Record(record)


def merged(record: Record, changes: Mapping[str, Any]) -> Record:
    """``record`` with ``changes`` applied, as a new record."""
    return Record({**record, **changes})
