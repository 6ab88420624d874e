"""The account page: profile, email address, password, the sessions of every device,
and deleting the account, each a section with its own forms.

Every form on the page posts to the page itself with a hidden ``action``; the action of
the section that owns that name runs (see :class:`~flask_betterauth.pages.AccountSection`)
and the page comes back with a notice, or with the error next to that section's forms.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask import url_for
from werkzeug.datastructures import MultiDict

from ..errors import APIError
from ..glue import current_session
from ..glue import current_user
from ..glue import login_required
from .csrf import csrf_valid
from .forms import MESSAGES
from .forms import View
from .forms import call_api
from .forms import message_for
from .forms import redirect_with
from .forms import render_page
from .forms import setup
from .kit import AccountSection
from .kit import Done
from .views import verified_url

_TEMPLATE = "account.html"


@login_required
def account() -> View:
    """The account page; a post runs the action its form names."""
    if request.method == "GET":
        return _render(200)
    action = request.form.get("action", "")
    section = _owner(action)
    if section is None:
        return _render(400, general_error="This form is not known here. Reload the page.")
    if not csrf_valid():
        return _render(400, errors={section.id: MESSAGES["CSRF"]})
    try:
        done = section.actions[action](request.form)
    except APIError as error:
        return _render(error.status, errors={section.id: message_for(error)})
    target = done.redirect_to or url_for(".account", notice=done.notice) + f"#{section.id}"
    return redirect_with(target, done.result)


def _owner(action: str) -> AccountSection | None:
    for section in setup().kit.sections.values():
        if action in section.actions:
            return section
    return None


def _render(status: int, errors: dict[str, str] | None = None, **context: Any) -> View:
    """The page with each section's data, and ``errors`` by section id."""
    errors = dict(errors or {})
    sections = []
    for section in setup().kit.ordered_sections():
        if section.shown is not None and not section.shown():
            continue
        data = None
        if section.data is not None:
            try:
                data = section.data()
            except APIError as error:
                errors.setdefault(section.id, message_for(error))
        sections.append({"section": section, "data": data, "error": errors.get(section.id)})
    return render_page(_TEMPLATE, status, sections=sections, **context)


# -- the core sections' actions ----------------------------------------------------------------


def _profile(form: MultiDict[str, str]) -> Done:
    result = call_api("update_user", {"name": form.get("name", "").strip()})
    return Done("profile", result)


def _change_email(form: MultiDict[str, str]) -> Done:
    body = {
        "newEmail": form.get("email", "").strip(),
        "callbackURL": url_for(".account", notice="email-changed"),
    }
    return Done("email-sent", call_api("change_email", body))


def _resend_verification(form: MultiDict[str, str]) -> Done:
    body = {"email": current_user["email"], "callbackURL": verified_url()}
    return Done("verification-sent", call_api("send_verification_email", body))


def _change_password(form: MultiDict[str, str]) -> Done:
    revoke = "revoke_other_sessions" in form
    body = {
        "currentPassword": form.get("current_password", ""),
        "newPassword": form.get("new_password", ""),
        "revokeOtherSessions": revoke,
    }
    result = call_api("change_password", body)
    return Done("password-others-signed-out" if revoke else "password", result)


def _list_sessions() -> list[dict[str, Any]]:
    sessions: list[dict[str, Any]] = call_api("list_sessions").response
    this_id = current_session["id"] if current_session else None
    for session in sessions:
        session["current"] = session["id"] == this_id
        session["signedInAt"] = str(session["createdAt"])[:16].replace("T", " ") + " UTC"
        if session["current"]:
            session.pop("token", None)  # the cookie's own token never goes into a page
    return sorted(sessions, key=lambda s: (not s["current"], str(s["createdAt"])))


def _revoke_session(form: MultiDict[str, str]) -> Done:
    result = call_api("revoke_session", {"token": form.get("token", "")})
    return Done("session-revoked", result)


def _revoke_other_sessions(form: MultiDict[str, str]) -> Done:
    return Done("other-sessions-revoked", call_api("revoke_other_sessions"))


def _delete_account(form: MultiDict[str, str]) -> Done:
    body = {
        "password": form.get("password", ""),
        "callbackURL": url_for(".sign_in", notice="deleted"),
    }
    result = call_api("delete_user", body)
    if result.response.get("message") == "Verification email sent":
        return Done("delete-sent", result)
    return Done("deleted", result, redirect_to=url_for(".sign_in", notice="deleted"))


#: The account page's own sections, in order.
CORE_SECTIONS = (
    AccountSection(
        "profile",
        "Profile",
        "betterauth/pages/account/profile.html",
        {"profile": _profile},
        order=10,
    ),
    AccountSection(
        "email",
        "Email address",
        "betterauth/pages/account/email.html",
        {"change-email": _change_email, "resend-verification": _resend_verification},
        order=20,
    ),
    AccountSection(
        "password",
        "Password",
        "betterauth/pages/account/password.html",
        {"change-password": _change_password},
        order=30,
    ),
    AccountSection(
        "sessions",
        "Signed-in devices",
        "betterauth/pages/account/sessions.html",
        {"revoke-session": _revoke_session, "revoke-other-sessions": _revoke_other_sessions},
        data=_list_sessions,
        order=40,
    ),
    AccountSection(
        "delete",
        "Delete account",
        "betterauth/pages/account/delete.html",
        {"delete-account": _delete_account},
        order=90,
    ),
)
