"""The email-code page: "Email me a code", linked from the sign-in page.

First the address (a ``sign-in`` code is mailed), then the code, which signs in (or
goes to the two-factor page when the sign-in is held for a second factor). Template:
``betterauth/pages/passwordless/email_otp.html``.
"""

from __future__ import annotations

from flask import request

from flask_betterauth import APIError
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import call_api
from flask_betterauth.pages import message_for
from flask_betterauth.pages import refuse_without_csrf
from flask_betterauth.pages import render_page
from flask_betterauth.pages import signed_in_redirect

TEMPLATE = "passwordless/email_otp.html"
MESSAGES = {
    "INVALID_OTP": "That code is not right. Check the newest mail, or ask for a new code.",
    "OTP_EXPIRED": "That code expired. Ask for a new one.",
    "TOO_MANY_ATTEMPTS": "Too many wrong codes. Ask for a new one.",
    "INVALID_EMAIL": "Email: enter a valid email address.",
}


def email_code_page() -> View:
    """Ask for an address, mail it a code, then take the code."""
    if request.method == "GET":
        return render_page(TEMPLATE, step="email")
    email = request.form.get("email", "").strip()
    refused = refuse_without_csrf(TEMPLATE, step="email")
    if refused:
        return refused
    if request.form.get("action") == "verify":
        body = {"email": email, "otp": request.form.get("code", "").strip()}
        try:
            result = call_api("sign_in_email_otp", body)
        except APIError as error:
            return render_page(
                TEMPLATE, error.status, step="code", email=email, error=message_for(error)
            )
        return signed_in_redirect(result)
    try:
        call_api("send_verification_otp", {"email": email, "type": "sign-in"})
    except APIError as error:
        return render_page(TEMPLATE, error.status, step="email", error=message_for(error))
    return render_page(TEMPLATE, step="code", email=email)


def add_pages(kit: PageKit) -> None:
    """Add the email-code page and its link on the sign-in page."""
    kit.add_page("/email-code", "email_code", email_code_page, ("GET", "POST"))
    kit.add_sign_in_method("betterauth/pages/passwordless/email_otp_sign_in.html")
    kit.add_messages(MESSAGES)
