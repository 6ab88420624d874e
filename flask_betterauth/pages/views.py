"""The pages before and around a session: sign in, sign up, sign out, forgotten and
reset passwords, and where a verification link lands.

Each view answers ``GET`` with its form and ``POST`` by calling the matching endpoint
through ``auth.api`` with the browser's headers; on success it redirects (303) with the
cookies the endpoint set, otherwise it shows the form again with the error in words.
"""

from __future__ import annotations

from flask import g
from flask import redirect
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from ..errors import APIError
from ..glue import current_user
from .forms import NOTICES
from .forms import View
from .forms import after_sign_in
from .forms import call_api
from .forms import link_error
from .forms import message_for
from .forms import notice
from .forms import redirect_with
from .forms import refuse_without_csrf
from .forms import render_page
from .forms import setup


def verified_url() -> str:
    """Where verification links send the browser: the verify page, saying it worked
    (the API appends ``error=CODE`` when it did not)."""
    return url_for("betterauth_pages.verify_email", notice="email-verified")


def sign_in() -> View:
    """The sign-in form; signs in and goes to ``next`` (or the account page). A signed-in
    browser is sent on, unless it asks for the form with ``?add_account=1``."""
    refused = refuse_without_csrf("sign_in.html")
    if refused:
        return refused
    if request.method == "GET":
        # ``?add_account=1``: a signed-in browser signs in to another account too (a
        # guest to their real account, a second account with multi-session).
        if current_user and not request.args.get("add_account"):
            return redirect(after_sign_in(), code=303)
        asked = "sign-in-required" if request.args.get("next") else None
        return render_page("sign_in.html", notice=_notice_or(asked))
    typed = request.form.get("email", "").strip()
    body = {
        "email": typed,
        "password": request.form.get("password", ""),
        "rememberMe": "remember_me" in request.form,
        "callbackURL": verified_url(),
    }
    endpoint = "sign_in_email"
    identifier = setup().kit.sign_in_identifier
    if identifier is not None and "@" not in typed:
        endpoint = identifier.endpoint
        body[identifier.field] = body.pop("email")
    try:
        result = call_api(endpoint, body)
    except APIError as error:
        return render_page("sign_in.html", error.status, error=message_for(error))
    for step in setup().kit.sign_in_steps:
        elsewhere = step(result)
        if elsewhere:
            return redirect_with(elsewhere, result)
    return redirect_with(after_sign_in(), result)


def sign_up() -> View:
    """The sign-up form; creates the account and signs in (when the app allows it)."""
    refused = refuse_without_csrf("sign_up.html")
    if refused:
        return refused
    if request.method == "GET":
        return render_page("sign_up.html")
    body = {
        "name": request.form.get("name", "").strip(),
        "email": request.form.get("email", "").strip(),
        "password": request.form.get("password", ""),
        "callbackURL": verified_url(),
    }
    for extra in setup().kit.sign_up_fields:
        value = request.form.get(extra.name, "").strip()
        if value:
            body[extra.name] = value
    try:
        result = call_api("sign_up_email", body)
    except APIError as error:
        return render_page("sign_up.html", error.status, error=message_for(error))
    if not result.response.get("token"):
        # The app wants the address verified before a first sign-in.
        return redirect_with(url_for(".sign_in", notice="verification-sent"), result)
    return redirect_with(after_sign_in(), result)


def sign_out() -> View:
    """``GET`` asks to confirm (a page a plain link can lead to); ``POST`` signs out."""
    refused = refuse_without_csrf("sign_out.html")
    if refused:
        return refused
    if request.method == "GET":
        return render_page("sign_out.html")
    answer = setup().api.sign_out(headers=request.headers, as_response=True)
    if answer.status_code < 400:
        return redirect_with(url_for(".sign_in", notice="signed-out"), answer)
    # Not ended (the session store is down), but this browser's cookies are expired:
    # say so on a page that carries the expiry, shown as signed out.
    failed = APIError(answer.status_code, answer.json.get("code"), answer.json.get("message"))
    g._betterauth_session = None
    body, status = render_page("sign_out.html", failed.status, error=message_for(failed))
    page = Response(body, status, mimetype="text/html")
    for cookie in answer.headers.getlist("Set-Cookie"):
        page.headers.add("Set-Cookie", cookie)
    return page


def forgot_password() -> View:
    """Ask for a reset link; the answer is the same whether the address has an account."""
    refused = refuse_without_csrf("forgot_password.html")
    if refused:
        return refused
    if request.method == "GET":
        return render_page("forgot_password.html")
    body = {
        "email": request.form.get("email", "").strip(),
        "redirectTo": url_for(".reset_password"),
    }
    try:
        call_api("request_password_reset", body)
    except APIError as error:
        return render_page("forgot_password.html", error.status, error=message_for(error))
    return redirect(url_for(".forgot_password", notice="reset-sent"), code=303)


def reset_password() -> View:
    """Choose a new password with the token the mailed link brought here."""
    token = request.values.get("token", "")
    refused = refuse_without_csrf("reset_password.html", token=token)
    if refused:
        return refused
    if request.method == "GET":
        code = request.args.get("error") or ("" if token else "INVALID_TOKEN")
        if code:
            return render_page("reset_password.html", 400, link_error=link_error(code))
        return render_page("reset_password.html", token=token)
    body = {"newPassword": request.form.get("password", ""), "token": token}
    try:
        result = call_api("reset_password", body)
    except APIError as error:
        if error.code in ("INVALID_TOKEN", "TOKEN_EXPIRED"):
            return render_page("reset_password.html", 400, link_error=message_for(error))
        words = message_for(error)
        return render_page("reset_password.html", error.status, token=token, error=words)
    return redirect_with(url_for(".sign_in", notice="password-reset"), result)


def verify_email() -> View:
    """Where a verification link lands (success, or why not); a signed-in user whose
    address is not verified can ask for a new link here."""
    refused = refuse_without_csrf("verify_email.html")
    if refused:
        return refused
    if request.method == "GET":
        code = request.args.get("error")
        if code:
            return render_page("verify_email.html", 400, link_error=link_error(code), notice=None)
        return render_page("verify_email.html")
    if not current_user:
        return redirect(url_for(".sign_in", next=url_for(".verify_email")), code=303)
    body = {"email": current_user["email"], "callbackURL": verified_url()}
    try:
        result = call_api("send_verification_email", body)
    except APIError as error:
        return render_page("verify_email.html", error.status, error=message_for(error))
    return redirect_with(url_for(".verify_email", notice="verification-sent"), result)


def _notice_or(key: str | None) -> str | None:
    return notice() or (NOTICES[key] if key else None)
