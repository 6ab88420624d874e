"""The magic-link page: "Email me a sign-in link", linked from the sign-in page.

The mailed link opens ``/magic-link/verify``, which signs the browser in and redirects
to ``/magic-link/done`` here: that page goes on to ``next`` (or to the two-factor page
when the sign-in is held for a second factor). A bad link comes back to the form with
the reason. Templates: ``betterauth/pages/passwordless/magic_link.html``.
"""

from __future__ import annotations

from flask import redirect
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from flask_betterauth import APIError
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import after_sign_in
from flask_betterauth.pages import call_api
from flask_betterauth.pages import link_error
from flask_betterauth.pages import message_for
from flask_betterauth.pages import refuse_without_csrf
from flask_betterauth.pages import render_page
from flask_betterauth.pages import safe_next

TEMPLATE = "passwordless/magic_link.html"
MESSAGES = {
    "INVALID_TOKEN": "This sign-in link is not valid any more: it was used, or it expired. "
    "Ask for a new one.",
    "new_user_signup_disabled": "There is no account for this address.",
}


def magic_link_page() -> View:
    """Ask for an address and mail it a sign-in link."""
    error = request.args.get("error")
    if request.method == "GET":
        return render_page(TEMPLATE, error=link_error(error) if error else None)
    refused = refuse_without_csrf(TEMPLATE)
    if refused:
        return refused
    done = url_for(".magic_link_done", next=safe_next())
    back = url_for(".magic_link", next=safe_next())
    body = {
        "email": request.form.get("email", "").strip(),
        "callbackURL": done,
        "errorCallbackURL": back,
    }
    try:
        call_api("sign_in_magic_link", body)
    except APIError as error:
        return render_page(TEMPLATE, error.status, error=message_for(error))
    return render_page(TEMPLATE, sent=body["email"])


def magic_link_done() -> Response:
    """Where the link lands once it signed the browser in (or held it for 2FA)."""
    if request.args.get("twoFactorRedirect") == "true":
        methods = request.args.get("twoFactorMethods", "")
        return redirect(url_for(".two_factor", next=safe_next(), methods=methods), code=303)
    return redirect(after_sign_in(), code=303)


def add_pages(kit: PageKit) -> None:
    """Add the magic-link page and its link on the sign-in page."""
    kit.add_page("/magic-link", "magic_link", magic_link_page, ("GET", "POST"))
    kit.add_page("/magic-link/done", "magic_link_done", magic_link_done)
    kit.add_sign_in_method("betterauth/pages/passwordless/magic_link_sign_in.html")
    kit.add_messages(MESSAGES)
