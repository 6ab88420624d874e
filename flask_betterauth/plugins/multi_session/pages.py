"""The browser's accounts for templates (``device_sessions()``) and the account
switcher on the ready-made pages: a section of the account page listing the browser's
accounts, each with "Switch" and "Sign out", and "Add another account" (the sign-in form
with ``?add_account=1``). Template ``betterauth/pages/multi_session/section.html``."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask import request
from werkzeug.datastructures import MultiDict

from flask_betterauth import APIError
from flask_betterauth import current_session
from flask_betterauth.pages import AccountSection
from flask_betterauth.pages import Done
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import call_api
from flask_betterauth.plugins import SignedIn
from flask_betterauth.plugins import current_state

from .cookies import device_sessions_of


def device_sessions() -> list[SignedIn]:
    """The accounts signed in in this browser (``SignedIn``: ``.session``, ``.user``),
    one per user, the active one included; ``[]`` outside a request. Reads the
    multi-session cookies, so it costs one session lookup per account when called
    (nothing when not)."""
    if not has_request_context():
        return []
    state = current_state()
    session_cookie = state.cookies_for(request.is_secure).session_token.name
    return device_sessions_of(state, request.cookies, session_cookie)


def _accounts() -> list[dict[str, Any]]:
    active = current_session["id"] if current_session else None
    return [
        {
            "id": pair.session["id"],
            "name": pair.user["name"],
            "email": pair.user["email"],
            "active": pair.session["id"] == active,
        }
        for pair in device_sessions()
    ]


def _token_of(form: MultiDict[str, str]) -> str:
    """The token of the browser's session the form names by id (the page never shows
    tokens)."""
    wanted = form.get("session", "")
    for pair in device_sessions():
        if pair.session["id"] == wanted:
            return str(pair.session["token"])
    raise APIError(401, "INVALID_SESSION_TOKEN")


def _switch(form: MultiDict[str, str]) -> Done:
    result = call_api("set_active_session", {"sessionToken": _token_of(form)})
    return Done("account-switched", result)


def _sign_out_one(form: MultiDict[str, str]) -> Done:
    result = call_api("revoke_device_session", {"sessionToken": _token_of(form)})
    return Done("account-signed-out", result)


SECTION = AccountSection(
    id="accounts",
    title="Accounts in this browser",
    template="betterauth/pages/multi_session/section.html",
    actions={"switch-account": _switch, "sign-out-account": _sign_out_one},
    data=_accounts,
    order=5,
)


def add_pages(kit: PageKit) -> None:
    """The plugin's ``pages`` callback."""
    kit.add_account_section(SECTION)
    kit.add_notice("account-switched", "You switched accounts.")
    kit.add_notice("account-signed-out", "That account is signed out in this browser.")
    kit.add_messages({"INVALID_SESSION_TOKEN": "That account is no longer signed in here."})
