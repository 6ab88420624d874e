"""Test helpers: an app factory, a controllable clock, and a caller for both faces."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from http.cookies import SimpleCookie
from typing import Any
from typing import cast

import pytest
import sqlalchemy as sa
from flask import Flask
from flask import Response
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
from flask_betterauth import clock
from flask_betterauth.options import merge_options
from flask_betterauth.state import AuthState

SECRET = "test-secret-0123456789-0123456789-abcdef"
FAST_HASHING: dict[str, Any] = {
    "email_and_password": {"enabled": True, "password": {"bcrypt_rounds": 4}}
}
PASSWORD = "password123"

#: Run a test on SQLite only: PostgreSQL runs the central flows (the suite's time budget).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class TestApp:
    """A Flask app with the extension, its ``db`` and its ``auth``."""

    __test__ = False
    app: Flask
    db: SQLAlchemy
    auth: BetterAuth

    @property
    def state(self) -> AuthState:
        """The app's auth state (readable outside an app context, unlike ``auth.state``)."""
        return cast(AuthState, self.app.extensions["betterauth"])

    def dispose(self) -> None:
        """Close the app's database connections (its engine's pool), as a test ends."""
        with self.app.app_context():
            self.db.engine.dispose()


def build_app(
    database_url: str,
    config: dict[str, Any] | None = None,
    *,
    create_tables: bool = True,
    **options: Any,
) -> TestApp:
    """A testing app on ``database_url``, its tables created unless ``create_tables`` is
    false; ``options`` extend the defaults (email and password on, fast bcrypt)."""
    app = Flask("flask_betterauth_tests")
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=database_url,
        BETTER_AUTH_SECRET=SECRET,
        BETTER_AUTH_URL="http://localhost",
    )
    app.config.update(config or {})
    db, auth = attach_auth(app, create_tables=create_tables, **merge_options(FAST_HASHING, options))
    return TestApp(app, db, auth)


def attach_auth(
    app: Flask, *, create_tables: bool = True, **options: Any
) -> tuple[SQLAlchemy, BetterAuth]:
    """A new ``db`` and the extension with ``options`` on the configured ``app``, its
    tables created unless ``create_tables`` is false."""
    db = SQLAlchemy()
    db.init_app(app)
    auth = BetterAuth()
    auth.init_app(app, db, **options)
    if create_tables:
        with app.app_context():
            db.create_all()
    return db, auth


class Clock:
    """A clock the tests move by hand: ``clock.advance(days=1)``."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


@dataclass
class Reply:
    """One answer, whichever face produced it."""

    status: int
    json: Any
    headers: Any

    @property
    def set_cookies(self) -> list[str]:
        """Every ``Set-Cookie`` line."""
        return list(self.headers.getlist("Set-Cookie"))

    def cookie(self, name: str) -> str | None:
        """The value the last ``Set-Cookie`` line for ``name`` gives it, as a browser
        keeps it (``""`` when it expires it)."""
        for line in reversed(self.set_cookies):
            if line.split("=", 1)[0] == name:
                return line.split("=", 1)[1].split(";", 1)[0]
        return None


@dataclass
class Caller:
    """Calls endpoints over HTTP (test client) or in-process (``auth.api``), keeping
    cookies like a browser in both, so one test proves both faces."""

    app: TestApp
    via: str
    jar: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = self.app.app.test_client(use_cookies=False)

    def _store(self, reply: Reply) -> None:
        for line in reply.set_cookies:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(line.split(";", 1)[0])
            for name, morsel in parsed.items():
                if "Max-Age=0" in line:
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.value

    def call(
        self,
        name: str,
        body: Any = None,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Run endpoint ``name`` through this caller's face."""
        state = self.app.app.extensions["betterauth"]
        endpoint = state.registry.by_name[name]
        headers = dict(headers or {})
        if self.jar:
            headers.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.jar.items()))
        if self.via == "http":
            reply = self._http(endpoint, body, query, headers)
        else:
            with self.app.app.test_request_context():
                response = self.app.auth.api.call(
                    name, body=body, query=query, headers=headers, as_response=True
                )
            reply = Reply(response.status_code, _json(response), response.headers)
        self._store(reply)
        return reply

    def _http(self, endpoint: Any, body: Any, query: Any, headers: dict[str, str]) -> Reply:
        method = "POST" if "POST" in endpoint.methods and "GET" not in endpoint.methods else "GET"
        path = state_path(self.app) + endpoint.path
        kwargs: dict[str, Any] = {"headers": headers, "query_string": query}
        if body is not None:
            kwargs["json"] = body
        response = self.client.open(path, method=method, **kwargs)
        return Reply(response.status_code, _json(response), response.headers)


def state_path(app: TestApp) -> str:
    """The base path the auth routes are served at."""
    return str(app.app.extensions["betterauth"].base_path)


def _json(response: Response) -> Any:
    return response.get_json(silent=True) if response.data else None


def set_clock(source: Clock | None) -> None:
    """Install (or remove) the test clock."""
    clock.set_clock(source)


def sql(test_app: TestApp, statement: str, **params: Any) -> list[dict[str, Any]]:
    """Run one SQL statement on the app's database, bypassing the extension; returns the
    rows as dicts (empty for writes). Quote ``"user"``: it is a reserved word."""
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        result = conn.execute(sa.text(statement), params)
        return [dict(row._mapping) for row in result] if result.returns_rows else []


def rows(test_app: TestApp, table: str) -> list[dict[str, Any]]:
    """Every row of auth table ``table`` (``"user"``, ``"session"``...), read straight from
    the database, keyed by logical field names, dates as aware datetimes."""
    with test_app.app.app_context():
        sa_table = test_app.state.models.tables[table]
        with test_app.db.engine.connect() as conn:
            result = conn.execute(sa.select(sa_table))
            columns = list(sa_table.c)
            return [
                {col.key: value for col, value in zip(columns, row, strict=True)} for row in result
            ]
