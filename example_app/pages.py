"""The example app's own pages: the home page and a dashboard only signed-in users see.

Everything about accounts (sign in, sign up, sign out, forgotten passwords, email
verification, the account settings) is flask-betterauth's ready-made pages, mounted under
``/auth`` with ``pages=...`` in :data:`example_app.AUTH_OPTIONS`; they extend this app's
``base.html``.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

from flask import Blueprint
from flask import render_template
from flask import request
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from flask_betterauth import login_required

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    """The home page, with links to the other pages."""
    return render_template("index.html")


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    """A page only a signed-in user sees: who they are and when the session ends."""
    return render_template("dashboard.html")


@bp.app_errorhandler(404)
def not_found(error: NotFound) -> Response | tuple[str, int]:
    """A page in the app's style for an unknown address (the JSON API keeps its own)."""
    if request.path.startswith("/api/"):
        return error.get_response()
    return render_template("404.html"), 404


@bp.app_template_filter("utc")
def format_utc(value: datetime | str) -> str:
    """Format a timestamp (a datetime, or an ISO string off the wire) as UTC to the minute."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
