"""The magic-link and email-code pages in Chromium (``tests/pages/browser/
passwordless_flow.mjs``), the link and the code read from the mail the app sent over SMTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask import abort
from flask import request

from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import magic_link
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with both plugins (built-in mail), served on a free local port."""

    def add_mail_route(app: Flask) -> None:
        @app.get("/test/last-mail")
        def last_mail() -> dict[str, str]:
            to = request.args.get("to", "")
            for received in reversed(smtp_server.inbox):
                if to in received.rcpt_tos:
                    link = received.link if "http" in received.text else ""
                    return {"link": link, "text": received.text}
            abort(404)

    plugins = [magic_link(True), email_otp(True)]
    with serving_pages(tmp_path, smtp_server, add_mail_route, plugins=plugins) as base_url:
        yield base_url


def test_passwordless_pages_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("passwordless_flow.mjs", live_server, timeout=240)
    assert facts["audits"] == {"magic-link": [], "email-code": [], "email-code-step": []}
    assert facts["linkSent"].startswith("We sent a sign-in link to ann.link@example.com")
    assert facts["linkHost"] == live_server.removeprefix("http://")
    assert facts["signedInWithLink"] == "/auth/account"
    assert facts["accountEmail"] == "ann.link@example.com"
    assert facts["codeSent"] == "We sent a code to ann.link@example.com."
    assert facts["wrongCode"].startswith("That code is not right.")
    assert facts["signedInWithCode"] == "/auth/account"
    assert facts["usedLinkError"].startswith("This sign-in link is not valid any more")
