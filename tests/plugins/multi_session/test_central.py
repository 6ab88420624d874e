"""The multi-session plugin's central flows, on SQLite and PostgreSQL, over both faces."""

from __future__ import annotations

from tests.helpers import rows

from .test_multi_session import TOKEN
from .test_multi_session import multi_cookies
from .test_multi_session import sign_in


def test_list_device_sessions_lists_every_account_once(three):
    made, browser, accounts = three
    reply = browser.call("list_device_sessions")
    assert reply.status == 200
    assert sorted(e["user"]["email"] for e in reply.json) == [
        "ann@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    tokens = {e["session"]["token"] for e in reply.json}
    assert tokens == {a["token"] for a in accounts}
    assert made.caller().call("list_device_sessions").json == []


def test_set_active_switches_the_session_cookie(three):
    made, browser, accounts = three
    reply = browser.call("set_active_session", {"sessionToken": accounts[0]["token"].upper()})
    assert reply.status == 200, reply.json
    assert reply.json["user"]["email"] == "ann@example.com"
    assert reply.json["session"]["token"] == accounts[0]["token"]
    assert browser.call("get_session").json["user"]["email"] == "ann@example.com"


def test_revoke_the_active_account_makes_the_next_one_active(three):
    made, browser, accounts = three
    reply = browser.call("revoke_device_session", {"sessionToken": accounts[2]["token"]})
    assert reply.status == 200
    assert browser.call("get_session").json["user"]["email"] in {
        "ann@example.com",
        "bob@example.com",
    }
    for account in accounts[:2]:
        browser.call("revoke_device_session", {"sessionToken": account["token"]})
    assert TOKEN not in browser.jar and rows(made.app, "session") == []


def test_sign_out_ends_every_account_of_the_browser_only(three):
    made, browser, accounts = three
    elsewhere = made.caller()
    sign_in(elsewhere, "ann")
    reply = browser.call("sign_out", {})
    assert reply.status == 200
    assert multi_cookies(browser) == {} and TOKEN not in browser.jar
    (left,) = rows(made.app, "session")
    assert elsewhere.call("get_session").json["session"]["id"] == left["id"]
