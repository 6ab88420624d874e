"""The plugin interface, through the worked example plugin of the docs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from examples.login_history import login_history_plugin
from flask_betterauth import BetterAuthError
from flask_betterauth.plugins import Plugin
from flask_betterauth.registry import endpoint
from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


@pytest.fixture
def history_app(make_app):
    return make_app(plugins=[login_history_plugin()])


def test_plugin_endpoint_on_both_faces(history_app, via):
    caller = Caller(history_app, via)
    caller.call("sign_up_email", ANN)
    caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    reply = caller.call("login_history", query={"limit": "10"})
    assert reply.status == 200
    assert len(reply.json) == 2
    assert reply.json[0]["createdAt"] >= reply.json[1]["createdAt"]


def test_plugin_endpoint_needs_a_session(history_app, via):
    reply = Caller(history_app, via).call("login_history")
    assert reply.status == 401 and reply.json["code"] == "UNAUTHORIZED"


def test_plugin_error_code_is_merged_and_answered(history_app, via):
    caller = Caller(history_app, via)
    caller.call("sign_up_email", ANN)
    reply = caller.call("login_history", query={"limit": "500"})
    assert reply.status == 400 and reply.json["code"] == "LOGIN_HISTORY_LIMIT_TOO_LARGE"
    with history_app.app.app_context():
        assert "LOGIN_HISTORY_LIMIT_TOO_LARGE" in history_app.auth.ERROR_CODES
        assert "INVALID_EMAIL_OR_PASSWORD" in history_app.auth.ERROR_CODES


def test_plugin_tables_and_fields_are_models(history_app):
    with history_app.app.app_context():
        models = history_app.auth.models
        assert models.LoginEvent.__tablename__ == "login_event"
        assert "lastSignInAt" in models.User.__table__.c
        inspector = sa.inspect(history_app.db.engine)
        assert "login_event" in inspector.get_table_names()
        indexes = {i["name"] for i in inspector.get_indexes("login_event")}
        assert "login_event_userId_idx" in indexes


def test_plugin_after_hook_writes_through_the_adapter(history_app, via):
    caller = Caller(history_app, via)
    caller.call("sign_up_email", ANN)
    reply = caller.call("get_session", query={"disableCookieCache": "1"})
    assert reply.json["user"]["lastSignInAt"] is not None


def test_plugin_field_with_input_false_is_refused_from_clients(history_app, via):
    reply = Caller(history_app, via).call(
        "sign_up_email", {**ANN, "lastSignInAt": "2020-01-01T00:00:00.000Z"}
    )
    assert reply.status == 400 and reply.json["code"] == "FIELD_NOT_ALLOWED"


def test_plugin_init_sets_defaults_under_the_app_options(make_app):
    plain = make_app(plugins=[login_history_plugin()])
    assert plain.app.extensions["betterauth"].options.session.fresh_age == 3600
    chosen = make_app(plugins=[login_history_plugin()], session={"fresh_age": 10})
    assert chosen.app.extensions["betterauth"].options.session.fresh_age == 10


def test_plugin_paths_must_not_collide(make_app):
    @endpoint("/ok", method="GET", name="other_ok")
    def other_ok(ctx):
        return {}

    with pytest.raises(BetterAuthError, match="GET /ok"):
        make_app(plugins=[Plugin(id="clash", endpoints=[other_ok])])


def test_plugins_are_checked(make_app):
    with pytest.raises(BetterAuthError, match=r"plugins\[0\]"):
        make_app(plugins=["two-factor"])
    with pytest.raises(BetterAuthError, match="given twice"):
        make_app(plugins=[Plugin(id="a"), Plugin(id="a")])


def test_on_request_and_on_response(make_app, client_factory=None):
    from flask import Response

    def on_request(request):
        if request.headers.get("X-Block"):
            return Response("blocked", 451)
        return None

    def on_response(request, response):
        response.headers["X-Plugin"] = "seen"
        return response

    test_app = make_app(plugins=[Plugin(id="gate", on_request=on_request, on_response=on_response)])
    client = test_app.app.test_client()
    assert client.get("/api/auth/ok", headers={"X-Block": "1"}).status_code == 451
    reply = client.get("/api/auth/ok")
    assert reply.json == {"ok": True} and reply.headers["X-Plugin"] == "seen"
