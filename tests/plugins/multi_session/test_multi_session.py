"""The multi-session plugin: per-account cookies, listing, switching, revoking, the
limit, sign-out of every account, and ``current_user`` / ``device_sessions()``."""

from __future__ import annotations

from typing import Any

import pytest
from flask import render_template_string

from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.plugins import multi_session
from flask_betterauth.plugins import two_factor
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql

TOKEN = "better-auth.session_token"
MULTI = TOKEN + "_multi-"

#: Option logic the face does not change: HTTP only (the central flows run on both).
HTTP_ONLY = pytest.mark.parametrize("via", ["http"])


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    """SQLite only here: the central flows run on PostgreSQL too, in test_central.py."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


def person(name: str) -> dict[str, str]:
    return {"name": name.title(), "email": f"{name}@example.com", "password": PASSWORD}


def sign_up(caller: Caller, name: str) -> dict[str, Any]:
    reply = caller.call("sign_up_email", person(name))
    assert reply.status == 200, reply.json
    return dict(reply.json)


def sign_in(caller: Caller, name: str) -> Any:
    return caller.call("sign_in_email", {"email": f"{name}@example.com", "password": PASSWORD})


def multi_cookies(caller: Caller) -> dict[str, str]:
    return {k: v for k, v in caller.jar.items() if k.startswith(MULTI)}


def test_each_sign_in_gets_a_multi_cookie_named_by_its_lower_cased_token(three):
    made, browser, accounts = three
    cookies = multi_cookies(browser)
    assert set(cookies) == {MULTI + a["token"].lower() for a in accounts}
    for account in accounts:
        # The same signed value as the session cookie it was set with.
        assert cookies[MULTI + account["token"].lower()].startswith(account["token"] + ".")
    assert browser.jar[TOKEN].startswith(accounts[-1]["token"] + ".")


def test_signing_in_again_as_the_same_user_replaces_the_old_session(three):
    made, browser, accounts = three
    reply = sign_in(browser, "ann")
    assert reply.status == 200
    assert MULTI + accounts[0]["token"].lower() not in browser.jar
    assert len(multi_cookies(browser)) == 3
    assert len(rows(made.app, "session")) == 3
    users = [e["user"]["email"] for e in browser.call("list_device_sessions").json]
    assert sorted(users) == ["ann@example.com", "bob@example.com", "cy@example.com"]


def test_set_active_without_the_cookie_or_for_an_ended_session_is_401(three, via):
    made, browser, accounts = three
    stranger = made.caller()
    reply = stranger.call("set_active_session", {"sessionToken": accounts[0]["token"]})
    assert reply.status == 401 and reply.json["code"] == "INVALID_SESSION_TOKEN"
    assert reply.json["message"] == "Invalid session token"
    sql(made.app, 'DELETE FROM "session" WHERE "userId" = :id', id=accounts[0]["user"]["id"])
    reply = browser.call("set_active_session", {"sessionToken": accounts[0]["token"]})
    assert reply.status == 401 and reply.json["code"] == "INVALID_SESSION_TOKEN"
    assert MULTI + accounts[0]["token"].lower() not in browser.jar


def test_set_active_with_a_forged_cookie_is_401(three):
    made, browser, accounts = three
    forged = made.caller()
    forged.jar = {MULTI + accounts[0]["token"].lower(): accounts[0]["token"] + ".bad"}
    reply = forged.call("set_active_session", {"sessionToken": accounts[0]["token"]})
    assert reply.status == 401


def test_bad_bodies_are_400(three):
    made, browser, accounts = three
    for body in [{}, {"sessionToken": 5}, {"sessionToken": None}, {"sessionToken": ["x"]}]:
        for name in ("set_active_session", "revoke_device_session"):
            reply = browser.call(name, body)
            assert reply.status == 400 and reply.json["code"] == "VALIDATION_ERROR", body


def test_revoke_another_account_keeps_the_active_one(three):
    made, browser, accounts = three
    reply = browser.call("revoke_device_session", {"sessionToken": accounts[0]["token"]})
    assert reply.status == 200 and reply.json == {"status": True}
    assert browser.call("get_session").json["user"]["email"] == "cy@example.com"
    assert len(rows(made.app, "session")) == 2
    assert MULTI + accounts[0]["token"].lower() not in browser.jar


def test_revoke_needs_a_session_and_the_cookie(three):
    made, browser, accounts = three
    reply = made.caller().call("revoke_device_session", {"sessionToken": accounts[0]["token"]})
    assert reply.status == 401
    reply = browser.call("revoke_device_session", {"sessionToken": "not-a-token"})
    assert reply.status == 401 and reply.json["code"] == "INVALID_SESSION_TOKEN"


@HTTP_ONLY
def test_maximum_sessions_stops_tracking_but_still_signs_in(plugin_app):
    made = plugin_app(multi_session(maximum_sessions=2))
    browser = made.caller()
    sign_up(browser, "ann")
    sign_up(browser, "bob")
    cy = sign_up(browser, "cy")
    assert len(multi_cookies(browser)) == 2
    assert browser.call("get_session").json["user"]["id"] == cy["user"]["id"]


def test_a_sign_in_held_for_two_factor_gets_no_multi_cookie(plugin_app):
    made = plugin_app(multi_session(), plugins=[two_factor(skip_verification_on_enable=True)])
    ann = made.caller()
    sign_up(ann, "ann")
    ann.call("enable_two_factor", {"password": PASSWORD})
    browser = made.caller()
    reply = sign_in(browser, "ann")
    assert reply.json["twoFactorRedirect"] is True
    assert multi_cookies(browser) == {}


def test_bad_maximum_is_refused():
    with pytest.raises(TypeError):
        multi_session(maximum_sessions="5")  # type: ignore[arg-type]


@HTTP_ONLY
def test_current_user_and_device_sessions_in_a_view(plugin_app, via):
    made = plugin_app(multi_session())
    app = made.app.app

    @app.route("/whoami")
    @login_required
    def whoami() -> str:
        return render_template_string(
            "{{ current_user.email }}|{% for d in device_sessions() %}{{ d.user.email }},"
            "{% endfor %}"
        )

    browser = made.caller()
    for name in ("ann", "bob", "cy"):
        sign_up(browser, name)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
    page = browser.client.get("/whoami", headers={"Cookie": cookie})
    active, _, listed = page.get_data(as_text=True).partition("|")
    assert active == "cy@example.com"
    assert sorted(listed.strip(",").split(",")) == [
        "ann@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    with app.test_request_context("/"):
        assert str(current_user) == "None"
        assert app.jinja_env.globals["device_sessions"]() == []


@HTTP_ONLY
def test_login_required_costs_no_more_statements_with_the_plugin(plugin_app, via):
    """The active account is the session cookie's: multi-session adds no work to a
    protected view, even in a browser holding several accounts."""
    import sqlalchemy as sa

    def statements(plugins: list[Any], names: tuple[str, str]) -> int:
        made = plugin_app(plugins[0], plugins=plugins[1:]) if plugins else None
        assert made is not None
        app = made.app.app

        @app.route("/private")
        @login_required
        def private() -> str:
            return str(current_user["email"])

        browser = made.caller()
        for name in names:
            sign_up(browser, name)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
        seen: list[str] = []
        with app.app_context():
            engine = made.app.db.engine
        sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        page = browser.client.get("/private", headers={"Cookie": cookie})
        assert page.get_data(as_text=True) == f"{names[1]}@example.com"
        return len(seen)

    from flask_betterauth.plugins import bearer

    assert statements([multi_session()], ("ann", "bob")) == statements([bearer()], ("cy", "dee"))


JUNK = ["", "garbage", "abc.def", "x" * 5000, "%FF%FE", "token.%ZZ", "é.signature"]


@HTTP_ONLY
def test_junk_multi_cookies_are_ignored(plugin_app):
    made = plugin_app(multi_session())
    browser = made.caller()
    ann = sign_up(browser, "ann")
    for value in JUNK:
        browser.jar[MULTI + "junk"] = value
        listed = browser.call("list_device_sessions")
        assert listed.status == 200, value
        assert [e["user"]["id"] for e in listed.json] == [ann["user"]["id"]]
        assert browser.call("set_active_session", {"sessionToken": "junk"}).status == 401
    assert sign_in(browser, "ann").status == 200
    assert browser.call("sign_out", {}).status == 200


def test_odd_session_tokens_are_401(three):
    made, browser, accounts = three
    for token in ["", " ", "é" * 40, "a" * 10_000, "../x", "A;B=C"]:
        for name in ("set_active_session", "revoke_device_session"):
            reply = browser.call(name, {"sessionToken": token})
            assert reply.status == 401 and reply.json["code"] == "INVALID_SESSION_TOKEN"


def test_the_multi_cookie_has_the_session_cookies_attributes(plugin_app):
    made = plugin_app(multi_session())
    reply = made.caller().call("sign_up_email", person("ann"))
    name = MULTI + reply.json["token"].lower()
    (line,) = [c for c in reply.set_cookies if c.startswith(name + "=")]
    (session_line,) = [c for c in reply.set_cookies if c.startswith(TOKEN + "=")]
    assert line.split(";", 1)[1] == session_line.split(";", 1)[1]
    assert line.endswith("; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax")
    assert line.split(";")[0].split("=", 1)[1] == session_line.split(";")[0].split("=", 1)[1]
