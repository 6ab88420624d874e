"""Database hooks: before and after every write, refusing, changing, rolled back together."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from flask_betterauth import BetterAuthError
from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def _count(test_app, table):
    with test_app.app.app_context():
        model = test_app.state.models.tables[table]
        with test_app.db.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_before_create_changes_the_row(make_app, via):
    hooks = {
        "user": {"create": {"before": lambda data, ctx: {"data": {"name": data["name"] + "!"}}}}
    }
    caller = Caller(make_app(database_hooks=hooks), via)
    assert caller.call("sign_up_email", ANN).json["user"]["name"] == "Ann!"


def test_before_create_refuses_the_write(make_app, via):
    hooks = {"user": {"create": {"before": lambda data, ctx: False}}}
    test_app = make_app(database_hooks=hooks)
    reply = Caller(test_app, via).call("sign_up_email", ANN)
    assert reply.status == 400
    assert reply.json["code"] == "FAILED_TO_CREATE_USER"
    assert _count(test_app, "user") == 0


def test_refused_session_fails_sign_in(make_app, via):
    hooks = {"session": {"create": {"before": lambda data, ctx: False}}}
    test_app = make_app(database_hooks=hooks, email_and_password={"auto_sign_in": False})
    caller = Caller(test_app, via)
    caller.call("sign_up_email", ANN)
    reply = caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert reply.json["code"] == "FAILED_TO_CREATE_SESSION"
    assert reply.cookie("better-auth.session_token") is None


def test_after_hook_raising_leaves_nothing_written(make_app, via):
    def explode(row, ctx):
        raise RuntimeError("audit log is down")

    test_app = make_app(database_hooks={"account": {"create": {"after": explode}}})
    caller = Caller(test_app, via)
    with pytest.raises(RuntimeError, match="audit log"):
        caller.call("sign_up_email", ANN)
    assert _count(test_app, "user") == 0
    assert _count(test_app, "account") == 0


def test_after_hooks_see_rows_and_the_context(make_app, via):
    seen = []
    hooks = {
        "user": {
            "create": {
                "after": lambda row, ctx: seen.append(("user", row["email"], ctx.endpoint.name))
            }
        },
        "session": {
            "create": {
                "after": lambda row, ctx: seen.append(
                    ("session", row["userId"] is not None, ctx.endpoint.name)
                )
            },
            "delete": {
                "after": lambda row, ctx: seen.append(
                    ("session-deleted", row["id"] is not None, ctx.endpoint.name)
                )
            },
        },
    }
    caller = Caller(make_app(database_hooks=hooks), via)
    caller.call("sign_up_email", ANN)
    caller.call("sign_out", {})
    assert seen == [
        ("user", "ann@example.com", "sign_up_email"),
        ("session", True, "sign_up_email"),
        ("session-deleted", True, "sign_out"),
    ]


def test_before_delete_can_keep_a_row(make_app, via):
    test_app = make_app(database_hooks={"session": {"delete": {"before": lambda row, ctx: False}}})
    caller = Caller(test_app, via)
    caller.call("sign_up_email", ANN)
    assert caller.call("sign_out", {}).json == {"success": True}
    assert _count(test_app, "session") == 1


def test_update_hooks_change_the_write(make_app, clock, via):
    changes = []

    def before(data, ctx):
        changes.append(sorted(data))
        return {"data": {"ipAddress": "hooked"}}

    test_app = make_app(database_hooks={"session": {"update": {"before": before}}})
    caller = Caller(test_app, via)
    caller.call("sign_up_email", ANN)
    clock.advance(days=2)
    caller.call("get_session", query={"disableCookieCache": "1"})
    assert changes == [["expiresAt", "updatedAt"]]
    reply = caller.call("get_session", query={"disableCookieCache": "1"})
    assert reply.json["session"]["ipAddress"] == "hooked"


def test_refused_session_refresh_ends_the_read(make_app, clock, via):
    test_app = make_app(database_hooks={"session": {"update": {"before": lambda data, ctx: False}}})
    caller = Caller(test_app, via)
    caller.call("sign_up_email", ANN)
    assert caller.call("get_session").json is not None
    clock.advance(days=2)
    assert caller.call("get_session", query={"disableCookieCache": "1"}).json is None


def test_database_hook_errors_name_the_bad_key(make_app):
    with pytest.raises(BetterAuthError, match="unknown table 'users'"):
        make_app(database_hooks={"users": {}})
    with pytest.raises(BetterAuthError, match="unknown operation 'insert'"):
        make_app(database_hooks={"user": {"insert": {}}})
    with pytest.raises(BetterAuthError, match="must be a function"):
        make_app(database_hooks={"user": {"create": {"during": print}}})
