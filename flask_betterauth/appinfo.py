"""What ``flask auth info`` reports about an app, and the smaller part telemetry may send.

:func:`collect` gathers versions, the database, enabled features and the configuration,
all redacted (:mod:`flask_betterauth.redact`). :func:`flags` walks the options for
booleans and counts only: by construction it holds no string a user wrote.
"""

from __future__ import annotations

import dataclasses
import os
import platform
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import sqlalchemy as sa
from flask import Flask

from .options import Options
from .redact import redact
from .redact import redact_text
from .state import AuthState

#: The distributions whose versions are reported, by display name.
PACKAGES = {
    "flask-betterauth": "flask-betterauth",
    "flask": "flask",
    "werkzeug": "werkzeug",
    "sqlalchemy": "sqlalchemy",
    "flask-sqlalchemy": "flask-sqlalchemy",
    "bcrypt": "bcrypt",
    "marshmallow": "marshmallow",
}
#: ``app.config`` keys shown by ``info`` besides every ``BETTER_AUTH_*`` key.
CONFIG_KEYS = ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_BINDS", "SECRET_KEY", "TESTING", "DEBUG")
#: Environment variables shown (redacted) when set.
ENV_PREFIXES = ("BETTER_AUTH_", "AUTH_SECRET", "DATABASE_URL")


def package_version(name: str) -> str | None:
    """The installed version of distribution ``name``, or ``None``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    """Python's version and those of the packages the extension runs on."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for label, dist in PACKAGES.items():
        found[label] = package_version(dist)
    return found


def dialect_of(app: Flask) -> str | None:
    """The database backend the app's URL names (``sqlite``, ``postgresql``), if any."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not isinstance(uri, (str, sa.engine.URL)):
        return None
    try:
        return sa.engine.make_url(uri).get_backend_name()
    except (sa.exc.ArgumentError, ValueError):
        return None


def features(options: Options) -> dict[str, bool]:
    """Every option group's ``enabled`` switch, by path, and whether plugins are on."""
    found: dict[str, bool] = {}

    def walk(value: Any, path: str) -> None:
        for item in dataclasses.fields(value):
            child = getattr(value, item.name)
            name = f"{path}.{item.name}" if path else item.name
            if item.name == "enabled" and path:
                found[path] = bool(child)
            elif dataclasses.is_dataclass(child) and not isinstance(child, type):
                walk(child, name)

    walk(options, "")
    found["secondary_storage"] = getattr(options, "secondary_storage", None) is not None
    return dict(sorted(found.items()))


def plugin_ids(state: AuthState) -> list[str]:
    """The ids of the app's plugins, in order."""
    return list(state.plugin_ids)


def flags(options: Options) -> dict[str, Any]:
    """The options as booleans and counts only, by path.

    A boolean option is itself; a list or mapping becomes its length; any other value
    becomes whether it is set. No string, number or callable of the options is copied.
    """
    found: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        for item in dataclasses.fields(value):
            child = getattr(value, item.name)
            name = f"{path}.{item.name}" if path else item.name
            if dataclasses.is_dataclass(child) and not isinstance(child, type):
                walk(child, name)
            elif isinstance(child, bool):
                found[name] = child
            elif isinstance(child, (list, tuple, Mapping)):
                found[f"{name}.count"] = len(child)
            else:
                found[f"{name}.set"] = child is not None

    walk(options, "")
    return found


def _config(app: Flask) -> dict[str, Any]:
    keys = [k for k in app.config if k.startswith("BETTER_AUTH_")]
    keys += [k for k in CONFIG_KEYS if k in app.config]
    return {key: redact(app.config[key], key) for key in sorted(set(keys))}


def _environment() -> dict[str, Any]:
    return {
        key: redact(value, key)
        for key, value in sorted(os.environ.items())
        if key.startswith(ENV_PREFIXES)
    }


def collect(app: Flask, state: AuthState, database: Mapping[str, Any]) -> dict[str, Any]:
    """Everything ``flask auth info`` shows, redacted and JSON-able.

    :param database: what the caller found out about the database (dialect, driver,
        whether the schema is up to date); its strings are redacted here too.
    """
    return {
        "versions": versions(),
        "platform": platform.platform(terse=True),
        "database": redact(dict(database)),
        "tables": {name: table.table_name for name, table in state.tables.items()},
        "features": features(state.options),
        "plugins": plugin_ids(state),
        "auth": {
            "base_url": redact_text(state.base_url) if state.base_url else None,
            "base_path": state.base_path,
            "secret_length": len(state.secret),
            "secure_cookies": state.secure_cookies,
            "origin_check": state.origin_check,
        },
        "config": _config(app),
        "environment": _environment(),
        "options": redact(state.options),
    }
