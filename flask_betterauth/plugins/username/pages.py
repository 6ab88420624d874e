"""The username on the ready-made pages: "Email or username" on the sign-in form, a
username field on the sign-up form, and a section of the account page to change it."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from flask_betterauth.pages import AccountSection
from flask_betterauth.pages import Done
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import SignInIdentifier
from flask_betterauth.pages import SignUpField
from flask_betterauth.pages import call_api

#: Words for the plugin's codes, for a person at a form.
MESSAGES = {
    "INVALID_USERNAME_OR_PASSWORD": "The username or the password is wrong.",
    "USERNAME_IS_ALREADY_TAKEN": "This username is taken. Choose another one.",
    "USERNAME_TOO_SHORT": "The username is too short.",
    "USERNAME_TOO_LONG": "The username is too long.",
    "INVALID_USERNAME": "Username: use letters, digits, _ and . only.",
    "INVALID_DISPLAY_USERNAME": "This username can not be shown as typed.",
    "USERNAME_IS_IMMUTABLE": "Your username can not be changed.",
}


def _save_username(form: MultiDict[str, str]) -> Done:
    typed = form.get("username", "").strip()
    body: dict[str, Any] = {"username": typed, "displayUsername": typed}
    return Done("username", call_api("update_user", body))


def add_pages(kit: PageKit) -> None:
    """The plugin's ``pages`` callback."""
    kit.set_sign_in_identifier(SignInIdentifier("username", "sign_in_username", "username"))
    kit.add_sign_up_field(SignUpField("username", "Username (optional)", autocomplete="username"))
    kit.add_account_section(
        AccountSection(
            "username",
            "Username",
            "betterauth/pages/account/username.html",
            {"username": _save_username},
            order=15,
        )
    )
    kit.add_notice("username", "Your username was saved.")
    kit.add_messages(MESSAGES)
