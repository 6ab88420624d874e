"""The HTML face of the example app: sign-up, sign-in and sign-out forms and a dashboard.

The form views never touch the database themselves: each one calls the matching Better
Auth endpoint in-process (``auth.api``), passing the browser's own headers, and copies the
cookies the endpoint sets onto the redirect it answers with.

In-process calls skip the origin checks that guard ``/api/auth``, so the blueprint refuses
cross-site form posts itself (:func:`refuse_cross_site_posts`): without that, another site
could post its own credentials to ``/sign-in`` and sign a visitor into the wrong account.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from datetime import timezone
from typing import Any

from flask import Blueprint
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from flask_betterauth import APIError
from flask_betterauth import current_user
from flask_betterauth import login_required

from .extensions import auth

bp = Blueprint("pages", __name__)

View = Response | tuple[str, int] | str

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def refuse_cross_site_posts() -> None:
    """Answer 403 to a form post that a browser says came from another site.

    Browsers send ``Sec-Fetch-Site``; older ones at least send ``Origin`` on a post. A
    request with neither is not from a browser page, so no visitor's cookies are at stake.
    """
    if request.method in _SAFE_METHODS:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        same_site = fetch_site in ("same-origin", "none")
    else:
        origin = request.headers.get("Origin")
        same_site = origin is None or origin == request.host_url.rstrip("/")
    if not same_site:
        abort(403, description="Form posts from other sites are refused.")


@bp.get("/")
def index() -> str:
    """The home page, with links to the other pages."""
    return render_template("index.html")


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> View:
    """Show the sign-up form, or create the account and sign it in."""
    if request.method == "GET":
        return render_template("sign_up.html")
    body = {
        "name": request.form.get("name", ""),
        "email": request.form.get("email", ""),
        "password": request.form.get("password", ""),
        "callbackURL": url_for("account.email_verified"),
    }
    return _submit(auth.api.sign_up_email, body, "sign_up.html", url_for("pages.dashboard"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> View:
    """Show the sign-in form, or check the password and start a session."""
    if request.method == "GET":
        if current_user:
            return redirect(_next_url())
        return render_template("sign_in.html")
    body = {
        "email": request.form.get("email", ""),
        "password": request.form.get("password", ""),
        "rememberMe": "remember_me" in request.form,
    }
    return _submit(auth.api.sign_in_email, body, "sign_in.html", _next_url())


@bp.post("/sign-out")
def sign_out() -> View:
    """End the current session; the form button for it is in the page header."""
    return _submit(auth.api.sign_out, None, "index.html", url_for("pages.index"))


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    """A page only a signed-in user sees: who they are and when the session ends."""
    return render_template("dashboard.html")


@bp.app_template_filter("utc")
def format_utc(value: datetime | str) -> str:
    """Format a timestamp (a datetime, or an ISO string off the wire) as UTC to the minute."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _next_url() -> str:
    """Where to go once signed in: ``?next=`` (set by ``login_required``) if it is a path on
    this site, else the dashboard. Anything else could send the visitor to another site.
    """
    target = request.args.get("next", "")
    local = (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    )
    return target if local else url_for("pages.dashboard")


def _submit(
    endpoint: Callable[..., Any], body: dict[str, Any] | None, template: str, success_url: str
) -> View:
    """Call an auth endpoint for a form; redirect with its cookies, or show its error."""
    try:
        result = endpoint(body=body, headers=request.headers, return_headers=True)
    except APIError as error:
        return render_template(template, error=error.message, form=request.form), error.status
    response = redirect(success_url, code=303)
    for cookie in result.headers.getlist("Set-Cookie"):
        response.headers.add("Set-Cookie", cookie)
    return response
