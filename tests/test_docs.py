"""The options reference names every option group of the code."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

from flask_betterauth import options

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_option_group_has_a_table():
    page = (DOCS / "options.rst").read_text()
    groups = [
        name
        for name, value in inspect.getmembers(options, inspect.isclass)
        if dataclasses.is_dataclass(value) and value.__module__ == options.__name__
    ]
    missing = [g for g in groups if f".. option-table:: flask_betterauth.options.{g}" not in page]
    assert missing == []
