"""What every page view shares: calling ``auth.api`` for this browser, carrying its
cookies onto the response, words for error codes and notices, and a safe ``next``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import cast

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from ..api import API
from ..api import APIResponse
from ..errors import APIError
from ..security.origins import is_safe_relative
from .csrf import csrf_valid
from .kit import PageKit
from .kit import PagesOptions

#: Words for the API's error codes, where the catalogue's message is not enough for a
#: person at a form. Other codes show the catalogue's message.
MESSAGES = {
    "INVALID_EMAIL_OR_PASSWORD": "The email address or the password is wrong.",
    "INVALID_EMAIL": "Email: Not a valid email address.",
    "INVALID_PASSWORD": "The password is wrong.",
    "PASSWORD_TOO_SHORT": "The password is too short.",
    "PASSWORD_TOO_LONG": "The password is too long.",
    "USER_ALREADY_EXISTS": "There is already an account with this email address.",
    "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": (
        "There is already an account with this email address. Use another one."
    ),
    "EMAIL_NOT_VERIFIED": "Verify your email address first: open the link we mailed you.",
    "INVALID_TOKEN": "This link is not valid, or it was already used.",
    "TOKEN_EXPIRED": "This link has expired. Ask for a new one.",
    "USER_NOT_FOUND": "There is no account for this link.",
    "INVALID_USER": "This link belongs to another account. Sign out and open it again.",
    "SESSION_NOT_FRESH": "For your safety, sign in again to do this.",
    "SESSION_EXPIRED": "For your safety, sign in again to do this.",
    "UNAUTHORIZED": "Sign in to do this.",
    "TOO_MANY_REQUESTS": "Too many attempts. Wait a minute and try again.",
    "VALIDATION_ERROR": "Fill in every field correctly.",
    "EMAIL_CAN_NOT_BE_UPDATED": "The email address can not be changed.",
    "FAILED_TO_UNLINK_LAST_ACCOUNT": "This is the only way you sign in: add a password or "
    "link another provider first.",
    "CSRF": "This form expired or came from another site. It was not sent: try again.",
}

#: Notices a page shows after a redirect, chosen by a fixed key in ``?notice=``.
NOTICES = {
    "signed-out": "You are signed out.",
    "sign-in-required": "Please sign in to see that page.",
    "verification-sent": "We sent you a link to verify your email address. Open it to go on.",
    "reset-sent": "If there is an account for this address, we sent it a link to reset "
    "the password.",
    "email-verified": "Your email address is verified.",
    "password-reset": "Your password was reset. Sign in with the new one.",
    "profile": "Your profile was saved.",
    "password": "Your password was changed.",
    "password-others-signed-out": "Your password was changed and your other devices were "
    "signed out.",
    "email-sent": "We sent a link to confirm the new address. Open it to finish the change.",
    "email-changed": "Your email address was changed.",
    "session-revoked": "That device was signed out.",
    "other-sessions-revoked": "Your other devices were signed out.",
    "delete-sent": "We sent you a link to confirm the deletion of your account.",
    "deleted": "Your account was deleted.",
    "account-linked": "The account was linked.",
    "account-unlinked": "The account was unlinked.",
}


@dataclass
class PagesSetup:
    """The pages of one app: their options, ``auth.api`` and what plugins added."""

    options: PagesOptions
    api: API
    kit: PageKit

    @property
    def sign_in_url(self) -> str:
        """The path of the sign-in page (where ``login_required`` sends a browser)."""
        return self.options.url_prefix.rstrip("/") + "/sign-in"


def setup() -> PagesSetup:
    """The pages of the current app."""
    return cast(PagesSetup, current_app.extensions["betterauth_pages"])


#: How the pages name the body fields that a ``VALIDATION_ERROR`` message points at.
FIELD_LABELS = {
    "name": "Name",
    "email": "Email",
    "newEmail": "New email address",
    "password": "Password",
    "newPassword": "New password",
    "currentPassword": "Current password",
}
_VALIDATION = re.compile(r"^\[(?:body|query)\.(\w+)\] (.+)$")


def message_for(error: APIError) -> str:
    """The words shown next to a form for ``error``."""
    code = error.code or ""
    found = setup().kit.messages.get(code) or MESSAGES.get(code)
    if code == "VALIDATION_ERROR":
        parts = _VALIDATION.match(error.message)
        if parts and parts.group(1) in FIELD_LABELS:
            return f"{FIELD_LABELS[parts.group(1)]}: {parts.group(2)}"
    return found or error.message


def link_error(code: str) -> str:
    """The words for the ``?error=CODE`` a mailed link's endpoint sent the browser with."""
    known = setup().kit.messages.get(code) or MESSAGES.get(code)
    return known or "This link could not be used. Ask for a new one."


def notice() -> str | None:
    """The words for this request's ``?notice=``, if it names a known notice."""
    key = request.args.get("notice", "")
    return setup().kit.notices.get(key) or NOTICES.get(key)


def safe_next() -> str | None:
    """``?next=`` when it is a path on this site (the API's redirect rule), else ``None``."""
    target = request.values.get("next", "")
    return target if target and is_safe_relative(target) else None


def after_sign_in() -> str:
    """Where to go once signed in: a safe ``next``, else the configured page."""
    return safe_next() or setup().options.after_sign_in_url or url_for(".account")


def call_api(name: str, body: Any = None, query: Mapping[str, Any] | None = None) -> APIResponse:
    """Run endpoint ``name`` in-process with this browser's headers (cookies included).

    :raises APIError: as the endpoint does.
    """
    endpoint = getattr(setup().api, name)
    return cast(
        APIResponse, endpoint(body=body, query=query, headers=request.headers, return_headers=True)
    )


def redirect_with(url: str, result: APIResponse | Response | None) -> Response:
    """A 303 to ``url`` carrying the cookies the endpoint set (``result`` is what
    ``return_headers=True`` or ``as_response=True`` gave)."""
    response = redirect(url, code=303)
    if result is not None:
        for cookie in result.headers.getlist("Set-Cookie"):
            response.headers.add("Set-Cookie", cookie)
    return response


def signed_in_redirect(result: APIResponse) -> Response:
    """The answer to a page's successful sign-in (any method): a plugin's sign-in step
    first (the two-factor page for a held sign-in), else :func:`after_sign_in`; the
    cookies the sign-in set go along."""
    for step in setup().kit.sign_in_steps:
        elsewhere = step(result)
        if elsewhere:
            return redirect_with(elsewhere, result)
    return redirect_with(after_sign_in(), result)


def render_page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a page template with the notice and the form as posted."""
    context.setdefault("notice", notice())
    context.setdefault("form", request.form)
    context.setdefault("next", safe_next())
    context.setdefault("kit", setup().kit)
    from .social import providers
    from .social import social_error

    context.setdefault("social_providers", providers())
    context.setdefault("social_error", social_error())
    return render_template(f"betterauth/pages/{template}", **context), status


def refuse_without_csrf(template: str, **context: Any) -> tuple[str, int] | None:
    """On a post without a valid CSRF token: the page again with the words why (400)."""
    if request.method != "POST" or csrf_valid():
        return None
    return render_page(template, 400, error=MESSAGES["CSRF"], **context)
