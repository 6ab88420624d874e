"""The admin page of the ready-made pages: users with search and paging, ban/unban and
impersonate; and the "stop impersonating" bar on every page.

Templates ``betterauth/pages/admin/users.html`` and ``.../admin/impersonating.html``,
which an app overrides by name.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask import url_for

from flask_betterauth import APIError
from flask_betterauth import login_required
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import call_api
from flask_betterauth.pages import csrf_valid
from flask_betterauth.pages import message_for
from flask_betterauth.pages import redirect_with
from flask_betterauth.pages import render_page

PER_PAGE = 20
_TEMPLATE = "admin/users.html"
MESSAGES = {
    "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS": "Only admins can see this page.",
    "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS": "You are not allowed to ban users.",
    "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS": "You are not allowed to impersonate users.",
    "YOU_CANNOT_IMPERSONATE_ADMINS": "Admins can not be impersonated.",
    "YOU_CANNOT_BAN_YOURSELF": "You can not ban yourself.",
    "BANNED_USER": "This account is banned.",
}
_ACTIONS = {"ban": "ban_user", "unban": "unban_user", "impersonate": "impersonate_user"}


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


def _listing(q: str, page: int, error: str | None = None, status: int = 200) -> View:
    query: dict[str, Any] = {"limit": PER_PAGE, "sortBy": "createdAt", "sortDirection": "desc"}
    if page > 1:
        query["offset"] = (page - 1) * PER_PAGE
    if q:
        query["searchValue"] = q.lower()
    try:
        result = call_api("list_users", query=query).response
    except APIError as refused:
        return render_page(
            _TEMPLATE, refused.status, users=[], total=0, q=q, page=1, pages=1,
            here=request.path, error=message_for(refused),
        )  # fmt: skip
    total = int(result["total"])
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    here = url_for("betterauth_pages.admin_users", q=q or None, page=page if page > 1 else None)
    return render_page(
        _TEMPLATE, status, users=result["users"], total=total, q=q, page=page, pages=pages,
        here=here, error=error,
    )  # fmt: skip


@login_required
def admin_users() -> View:
    """The users, newest first, 20 a page, searchable by email; buttons to ban, unban and
    impersonate. Non-admins get 403."""
    q = request.args.get("q", "").strip()
    page = _page_number()
    if request.method == "GET":
        return _listing(q, page)
    if not csrf_valid():
        return _listing(q, page, "This form expired or came from another site. Try again.", 400)
    action = _ACTIONS.get(request.form.get("action", ""))
    user_id = request.form.get("user_id", "")
    try:
        if action is None:
            raise APIError(400, "VALIDATION_ERROR", "This form is not known here.")
        result = call_api(action, {"userId": user_id})
    except APIError as refused:
        return _listing(q, page, message_for(refused), refused.status)
    if action == "impersonate_user":
        return redirect_with(url_for("betterauth_pages.account"), result)
    return redirect_with(request.full_path.rstrip("?"), result)


@login_required
def admin_stop_impersonating() -> View:
    """Back to the admin's own session, and to the admin page."""
    if not csrf_valid():
        return redirect_with(url_for("betterauth_pages.account"), None)
    try:
        result = call_api("stop_impersonating", {})
    except APIError:
        return redirect_with(url_for("betterauth_pages.account"), None)
    return redirect_with(url_for("betterauth_pages.admin_users"), result)


def add_pages(kit: PageKit) -> None:
    """The plugin's ``pages`` callback."""
    kit.add_page("/admin", "admin_users", admin_users, ("GET", "POST"))
    kit.add_page(
        "/admin/stop-impersonating", "admin_stop_impersonating", admin_stop_impersonating,
        ("POST",),
    )  # fmt: skip
    kit.add_banner("betterauth/pages/admin/impersonating.html")
    kit.add_messages(MESSAGES)
