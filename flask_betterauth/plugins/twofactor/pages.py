"""The two-factor pages: a section of the account page, the set-up page (QR code, the
secret in text, backup codes shown once) and the second step of sign-in.

Mounted with the ready-made pages (``pages=True``); the templates are
``betterauth/pages/two_factor/*.html``, which an app overrides by name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import segno
from flask import request
from flask import url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from flask_betterauth import APIError
from flask_betterauth import current_user
from flask_betterauth import login_required
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
from flask_betterauth.pages import safe_next

MESSAGES = {
    "INVALID_CODE": "That code is not right. Try the newest code.",
    "INVALID_BACKUP_CODE": "That backup code is not right, or it was used already.",
    "INVALID_TWO_FACTOR_COOKIE": "This sign-in expired. Sign in again.",
    "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE": "Too many wrong codes. Sign in again.",
    "OTP_HAS_EXPIRED": "That code expired. Send a new one.",
    "ACCOUNT_TEMPORARILY_LOCKED": "Too many wrong codes: wait 15 minutes and sign in again.",
    "INVALID_PASSWORD": "That password is not right.",
}


def qr_svg(uri: str) -> Markup:
    """The ``otpauth://`` URI as an inline SVG QR code."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    return Markup(svg)  # noqa: S704 (segno's own SVG markup)


# -- the account section -------------------------------------------------------------------


def _section_data() -> dict[str, Any]:
    return {"enabled": bool(current_user and current_user.get("twoFactorEnabled"))}


def _disable(form: MultiDict[str, str]) -> Done:
    result = call_api("disable_two_factor", {"password": form.get("password", "")})
    return Done("two-factor-off", result)


SECTION = AccountSection(
    id="two-factor",
    title="Two-factor authentication",
    template="betterauth/pages/two_factor/section.html",
    actions={"disable-two-factor": _disable},
    data=_section_data,
    order=35,
)


# -- the set-up page -----------------------------------------------------------------------


@login_required
def setup_two_factor() -> View:
    """Turn 2FA on: the password, then the QR code and backup codes, then a first code."""
    template = "two_factor/setup.html"
    if request.method == "GET":
        return render_page(template, step="password")
    refused = refuse_without_csrf(template, step="password")
    if refused:
        return refused
    if request.form.get("action") == "verify":
        try:
            result = call_api("verify_totp", {"code": request.form.get("code", "").strip()})
        except APIError as error:
            return render_page(template, error.status, step="verify", error=message_for(error))
        return redirect_with(url_for(".account", notice="two-factor-on") + "#two-factor", result)
    try:
        result = call_api("enable_two_factor", {"password": request.form.get("password", "")})
    except APIError as error:
        return render_page(template, error.status, step="password", error=message_for(error))
    uri = str(result.response["totpURI"])
    return render_page(
        template,
        step="scan",
        qr=qr_svg(uri),
        key=authenticator_key_of(uri),
        backup_codes=result.response["backupCodes"],
    )


def authenticator_key_of(uri: str) -> str:
    """The base32 key of a ``totpURI``, in groups of four for typing."""
    key = parse_qs(urlsplit(uri).query)["secret"][0]
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


# -- the second step of sign-in --------------------------------------------------------------


def sign_in_step(result: Any) -> str | None:
    """After the sign-in page: a held sign-in goes to the code page."""
    body = result.response if isinstance(result.response, dict) else {}
    if not body.get("twoFactorRedirect"):
        return None
    methods = ",".join(body.get("twoFactorMethods") or [])
    return url_for("betterauth_pages.two_factor", next=safe_next(), methods=methods)


_VERIFY = {
    "totp": "verify_totp",
    "otp": "verify_two_factor_otp",
    "backup": "verify_backup_code",
}


def two_factor_step() -> View:
    """The code page of a held sign-in: an authenticator code, a mailed code or a backup
    code, and "trust this device"."""
    template = "two_factor/verify.html"
    methods = [m for m in request.values.get("methods", "totp").split(",") if m]
    context: dict[str, Any] = {"methods": methods}
    if request.method == "GET":
        return render_page(template, **context)
    refused = refuse_without_csrf(template, **context)
    if refused:
        return refused
    action = request.form.get("action", "")
    try:
        if action == "send-otp":
            call_api("send_two_factor_otp", {})
            return render_page(template, otp_sent=True, **context)
        if action not in _VERIFY:
            raise APIError(400, "VALIDATION_ERROR", "This form is not known here.")
        body = {
            "code": request.form.get("code", "").strip(),
            "trustDevice": "trust_device" in request.form,
        }
        result = call_api(_VERIFY[action], body)
    except APIError as error:
        return render_page(template, error.status, error=message_for(error), **context)
    return redirect_with(after_sign_in(), result)


def register(kit: PageKit) -> None:
    """Add the two-factor pages to the ready-made pages."""
    kit.add_account_section(SECTION)
    kit.add_page("/two-factor/setup", "two_factor_setup", setup_two_factor, ("GET", "POST"))
    kit.add_page("/two-factor", "two_factor", two_factor_step, ("GET", "POST"))
    kit.add_sign_in_step(sign_in_step)
    kit.add_notice("two-factor-on", "Two-factor authentication is on.")
    kit.add_notice("two-factor-off", "Two-factor authentication is off.")
    kit.add_messages(MESSAGES)
