"""The guest mode on the ready-made pages: "Continue as a guest" under the sign-in
form, and a section of the account page that makes the guest a real account (sign up or
sign in: the linking hook does the rest) or deletes it.

Templates ``betterauth/pages/anonymous/*.html``, which an app overrides by name.
"""

from __future__ import annotations

from flask import request
from flask import url_for
from werkzeug.datastructures import MultiDict

from flask_betterauth import APIError
from flask_betterauth import current_user
from flask_betterauth.pages import AccountSection
from flask_betterauth.pages import Done
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import after_sign_in
from flask_betterauth.pages import call_api
from flask_betterauth.pages import message_for
from flask_betterauth.pages import redirect_with
from flask_betterauth.pages import refuse_without_csrf
from flask_betterauth.pages import render_page

_TEMPLATE = "anonymous/guest.html"
#: Words for the plugin's codes, for a person at a form.
MESSAGES = {
    "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY": "You are already using the app as a guest.",
    "USER_IS_NOT_ANONYMOUS": "This is not a guest account.",
    "DELETE_ANONYMOUS_USER_DISABLED": "Guest accounts can not be deleted here.",
    "INVALID_EMAIL_FORMAT": "A guest account could not be made. Try again later.",
}


def guest() -> View:
    """``GET`` explains guest mode; ``POST`` signs in as a new guest."""
    if request.method == "GET":
        return render_page(_TEMPLATE)
    refused = refuse_without_csrf(_TEMPLATE)
    if refused:
        return refused
    try:
        result = call_api("sign_in_anonymous", {})
    except APIError as error:
        return render_page(_TEMPLATE, error.status, error=message_for(error))
    return redirect_with(after_sign_in(), result)


def _is_guest() -> bool:
    return bool(current_user and current_user.get("isAnonymous"))


def _leave(form: MultiDict[str, str]) -> Done:
    result = call_api("delete_anonymous_user", {})
    return Done("guest-left", result, redirect_to=url_for(".sign_in", notice="guest-left"))


SECTION = AccountSection(
    id="guest",
    title="You are a guest",
    template="betterauth/pages/anonymous/section.html",
    actions={"leave-guest": _leave},
    order=1,
    shown=_is_guest,
)


def add_pages(kit: PageKit) -> None:
    """The plugin's ``pages`` callback."""
    kit.add_page("/guest", "guest", guest, ("GET", "POST"))
    kit.add_sign_in_method("betterauth/pages/anonymous/sign_in.html")
    kit.add_account_section(SECTION)
    kit.add_notice("guest-left", "Your guest account was deleted.")
    kit.add_messages(MESSAGES)
