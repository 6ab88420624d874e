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
def history_app(plugin_app):
    return plugin_app(login_history_plugin()).app


def test_plugin_endpoint_on_both_faces(plugin_app):
    caller = plugin_app(login_history_plugin()).caller()
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


# -- the plugin kit: cookies, mail, token sources, rate limits, state, error codes -------


def test_plugin_error_code_message_is_found_without_being_repeated():
    from flask_betterauth import APIError

    assert APIError(400, "LOGIN_HISTORY_LIMIT_TOO_LARGE").message == (
        "Ask for at most 100 sign-ins at a time"
    )


def test_plugin_cookie_is_built_and_signed_like_the_core_cookies(make_app):
    from flask_betterauth.cookies import decode_signed
    from tests.helpers import SECRET

    test_app = make_app(
        plugins=[login_history_plugin()],
        advanced={"cookies": {"last_sign_in": {"attributes": {"same_site": "strict"}}}},
    )
    caller = Caller(test_app, "http")
    reply = caller.call("sign_up_email", ANN)
    line = next(c for c in reply.set_cookies if c.startswith("better-auth.last_sign_in="))
    assert "HttpOnly" in line and "SameSite=Strict" in line and "Path=/" in line
    value = reply.cookie("better-auth.last_sign_in")
    assert decode_signed(SECRET.encode(), value.replace("%3D", "=")).startswith("20")


def test_plugin_cookie_names_must_not_clash(make_app):
    clash = Plugin(id="clash", cookies=["session_token"])
    with pytest.raises(BetterAuthError, match="two cookies are named 'session_token'"):
        make_app(plugins=[clash])


def test_plugin_mail_purpose_calls_the_app_function(plugin_app):
    sent = []
    plugin = login_history_plugin(send_new_sign_in=lambda user, url: sent.append((user, url)))
    caller = plugin_app(plugin).caller()
    caller.call("sign_up_email", ANN)
    caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert len(sent) == 1  # the second sign-in comes from a known address
    user, url = sent[0]
    assert user["email"] == ANN["email"] and url == "http://localhost/api/auth/login-history"


def test_plugin_mail_purpose_uses_the_built_in_sender_and_its_template(make_app):
    class Collecting:
        def __init__(self):
            self.sent = []

        def send(self, mail):
            self.sent.append(mail)

    sender = Collecting()
    test_app = make_app(plugins=[login_history_plugin(send_new_sign_in=True)], mail_sender=sender)
    Caller(test_app, "api").call("sign_up_email", ANN)
    (mail,) = sender.sent
    assert mail.kind == "new-sign-in" and mail.to == ANN["email"]
    assert mail.subject == "A new sign-in to your account"
    assert "http://localhost/api/auth/login-history" in mail.text


def test_plugin_mail_purpose_true_needs_a_sender(make_app):
    with pytest.raises(BetterAuthError, match="new sign in mail option is True"):
        make_app(plugins=[login_history_plugin(send_new_sign_in=True)])


def test_plugin_token_source_is_read_after_the_cookie(history_app, via):
    caller = Caller(history_app, via)
    caller.call("sign_up_email", ANN)
    signed = caller.jar["better-auth.session_token"]
    fresh = Caller(history_app, via)
    assert fresh.call("login_history").status == 401
    reply = fresh.call("login_history", headers={"X-Session-Token": signed.replace("%3D", "=")})
    assert reply.status == 200 and len(reply.json) == 1
    bad = fresh.call("login_history", headers={"X-Session-Token": "forged.token"})
    assert bad.status == 401


def test_plugin_token_source_serves_login_required(history_app):
    from flask_betterauth import current_user
    from flask_betterauth import login_required

    @history_app.app.get("/me")
    @login_required
    def me():
        return {"email": current_user["email"]}

    caller = Caller(history_app, "http")
    caller.call("sign_up_email", ANN)
    signed = caller.jar["better-auth.session_token"].replace("%3D", "=")
    client = history_app.app.test_client()
    reply = client.get("/me", headers={"X-Session-Token": signed, "Accept": "application/json"})
    assert reply.status_code == 200 and reply.json == {"email": ANN["email"]}


def test_plugin_rate_limit_rule_by_endpoint_name(make_app, clock):
    test_app = make_app(
        plugins=[login_history_plugin(max_per_minute=2)], rate_limit={"enabled": True}
    )
    client = test_app.app.test_client()
    statuses = [client.get("/api/auth/login-history").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_plugin_state_is_built_once_per_app_and_typed(make_app, via):
    from examples.login_history import HistoryState

    test_app = make_app(plugins=[login_history_plugin(max_rows=5)])
    assert test_app.app.extensions["betterauth"].plugin_states == {
        "login-history": HistoryState(max_rows=5)
    }
    caller = Caller(test_app, via)
    caller.call("sign_up_email", ANN)
    assert caller.call("login_history", query={"limit": "6"}).status == 400
    assert caller.call("login_history", query={"limit": "5"}).status == 200


def test_plugin_session_fields_are_stored_at_creation(plugin_app):
    plugin = Plugin(
        id="org",
        schema={"session": {"fields": {"activeOrganizationId": {"type": "string"}}}},
        session_fields=lambda user: {"activeOrganizationId": "org-" + user["name"]},
    )
    caller = plugin_app(plugin).caller()
    caller.call("sign_up_email", ANN)
    reply = caller.call("get_session", query={"disableCookieCache": "1"})
    assert reply.json["session"]["activeOrganizationId"] == "org-Ann"


def test_user_update_refreshes_the_copies_in_secondary_storage(make_app, secondary_storage):
    test_app = make_app(plugins=[login_history_plugin()], secondary_storage=secondary_storage)
    caller = Caller(test_app, "http")
    caller.call("sign_up_email", ANN)
    reply = caller.call("get_session", query={"disableCookieCache": "1"})
    assert reply.json["user"]["lastSignInAt"] is not None
