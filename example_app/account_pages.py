"""The account pages of the example app: verify an email address, forget and reset a
password, and the settings page (name, email, password, delete the account).

Like :mod:`example_app.pages`, each form calls the Better Auth endpoint in-process
(``auth.api``) with the browser's headers and copies the cookies it sets onto the redirect.
The links in the mails go to the JSON API (``/api/auth/verify-email``,
``/api/auth/reset-password/<token>``), which sends the browser back to these pages.

The app mails through flask-betterauth's development sender unless configured otherwise:
each message is printed on the console and, in debug mode, listed at ``/dev/mail`` for a
browser on the same machine, so the links can be followed without a mail server.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from flask_betterauth import APIError
from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.mail.dev import read_log

from .extensions import auth
from .pages import refuse_cross_site_posts

bp = Blueprint("account", __name__)
bp.before_request(refuse_cross_site_posts)

View = Response | tuple[str, int] | str

#: Messages the pages show after a redirect, chosen by a fixed key in ``?notice=``.
NOTICES = {
    "profile": "Your name was saved.",
    "password": "Your password was changed.",
    "password-others-signed-out": "Your password was changed and your other sessions ended.",
    "email-sent": "We sent a link to your new address. Open it to finish the change.",
    "verification-sent": "We sent you a new verification link.",
    "email-changed": "Your email address was changed.",
    "password-reset": "Your password was reset. Sign in with the new one.",
    "deleted": "Your account was deleted.",
}

#: What the error codes that verify-email and reset-password put in ``?error=`` mean.
LINK_ERRORS = {
    "TOKEN_EXPIRED": "This link has expired. Ask for a new one.",
    "INVALID_TOKEN": "This link is not valid, or it was already used.",
    "USER_NOT_FOUND": "There is no account for this link.",
    "INVALID_USER": "This link belongs to another account. Sign out and open it again.",
}


def notice() -> str | None:
    """The message for ``?notice=``, if it names one."""
    return NOTICES.get(request.args.get("notice", ""))


def _call(endpoint: Callable[..., Any], body: dict[str, Any]) -> Any:
    """Run an auth endpoint for the current browser; returns its body and headers."""
    return endpoint(body=body, headers=request.headers, return_headers=True)


def _redirect(url: str, result: Any) -> Response:
    """A 303 to ``url`` carrying the cookies the endpoint set."""
    response = redirect(url, code=303)
    for cookie in result.headers.getlist("Set-Cookie"):
        response.headers.add("Set-Cookie", cookie)
    return response


# -- email verification ----------------------------------------------------------------------


@bp.get("/email-verified")
def email_verified() -> View:
    """Where a verification link lands: success, or what went wrong."""
    error = request.args.get("error")
    if error:
        message = LINK_ERRORS.get(error, "This link could not be used.")
        return render_template("email_verified.html", error=message), 400
    return render_template("email_verified.html")


@bp.post("/account/resend-verification")
@login_required
def resend_verification() -> View:
    """Mail a new verification link to the signed-in user."""
    body = {"email": current_user["email"], "callbackURL": url_for("account.email_verified")}
    try:
        result = _call(auth.api.send_verification_email, body)
    except APIError as error:
        return render_template("account.html", error=error.message), error.status
    return _redirect(url_for("account.settings", notice="verification-sent"), result)


# -- forgotten password ------------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> View:
    """Ask for a reset link; the answer is the same whether the address has an account."""
    if request.method == "GET":
        return render_template("forgot_password.html")
    body = {
        "email": request.form.get("email", ""),
        "redirectTo": url_for("account.reset_password"),
    }
    try:
        result = _call(auth.api.request_password_reset, body)
    except APIError as error:
        return render_template(
            "forgot_password.html", error=error.message, form=request.form
        ), error.status
    return render_template("forgot_password.html", sent=result.response["message"])


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password() -> View:
    """Choose a new password with the token the mailed link brought here."""
    if request.method == "GET":
        error = request.args.get("error")
        if error or not request.args.get("token"):
            message = LINK_ERRORS.get(error or "INVALID_TOKEN", "This link could not be used.")
            return render_template("reset_password.html", link_error=message), 400
        return render_template("reset_password.html", token=request.args["token"])
    token = request.form.get("token", "")
    body = {"newPassword": request.form.get("password", ""), "token": token}
    try:
        result = _call(auth.api.reset_password, body)
    except APIError as error:
        if error.code == "INVALID_TOKEN":
            return render_template(
                "reset_password.html", link_error=LINK_ERRORS["INVALID_TOKEN"]
            ), 400
        return render_template("reset_password.html", token=token, error=error.message), 400
    return _redirect(url_for("pages.sign_in", notice="password-reset"), result)


# -- account settings --------------------------------------------------------------------------


@bp.get("/account")
@login_required
def settings() -> str:
    """The settings page: a form for each change."""
    return render_template("account.html")


def _settings_form(endpoint: Callable[..., Any], body: dict[str, Any], done: str) -> View:
    """Submit one settings form; back to the page with a notice, or the error shown."""
    try:
        result = _call(endpoint, body)
    except APIError as error:
        return render_template("account.html", error=error.message, form=request.form), (
            error.status
        )
    return _redirect(url_for("account.settings", notice=done), result)


@bp.post("/account/profile")
@login_required
def update_profile() -> View:
    """Change the display name."""
    return _settings_form(auth.api.update_user, {"name": request.form.get("name", "")}, "profile")


@bp.post("/account/email")
@login_required
def change_email() -> View:
    """Start a change of address: a link goes to the new one."""
    body = {
        "newEmail": request.form.get("email", ""),
        "callbackURL": url_for("account.settings", notice="email-changed"),
    }
    return _settings_form(auth.api.change_email, body, "email-sent")


@bp.post("/account/password")
@login_required
def change_password() -> View:
    """Change the password, optionally ending every other session."""
    revoke = "revoke_other_sessions" in request.form
    body = {
        "currentPassword": request.form.get("current_password", ""),
        "newPassword": request.form.get("new_password", ""),
        "revokeOtherSessions": revoke,
    }
    done = "password-others-signed-out" if revoke else "password"
    return _settings_form(auth.api.change_password, body, done)


@bp.post("/account/delete")
@login_required
def delete_account() -> View:
    """Delete the account, after checking its password."""
    body = {"password": request.form.get("password", "")}
    try:
        result = _call(auth.api.delete_user, body)
    except APIError as error:
        return render_template("account.html", error=error.message), error.status
    return _redirect(url_for("pages.index", notice="deleted"), result)


# -- the development outbox --------------------------------------------------------------------


@bp.get("/dev/mail")
def outbox() -> str:
    """The mails the development sender logged, newest first: a development tool.

    The mails hold every user's verification and reset links, so the page exists only in
    debug mode, with the development sender, and for a client on this machine (loopback);
    anyone else gets a 404.
    """
    log = current_app.config.get("BETTER_AUTH_MAIL_LOG")
    dev_sender = current_app.config.get("BETTER_AUTH_MAIL") == "dev" and log
    if not (current_app.debug and dev_sender and _from_loopback()):
        abort(404)
    return render_template("outbox.html", mails=list(reversed(read_log(log)))[:20])


def _from_loopback() -> bool:
    """Whether the client's address is this machine's (127.0.0.0/8 or ::1)."""
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.app_context_processor
def account_context() -> dict[str, Any]:
    """Every page sees the ``?notice=`` message."""
    return {"notice": notice()}
