"""The admin page in Chromium as two people (``tests/pages/browser/admin_flow.mjs``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from flask_betterauth.pages.forms import setup
from flask_betterauth.plugins import admin
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser


def _people(app: Flask) -> None:
    """Ada, an admin, and 24 users without passwords (made as the server would)."""
    with app.test_request_context():
        api = setup().api
        body = {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery"}
        api.create_user(body={**body, "role": "admin"})
        for n in range(24):
            api.create_user(body={"email": f"user{n:02d}@example.com", "name": f"User {n:02d}"})


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    with serving_pages(tmp_path, smtp_server, prepare=_people, plugins=[admin()]) as base_url:
        yield base_url


def test_admin_page_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("admin_flow.mjs", live_server, timeout=180)
    assert facts["audits"] == {"admin": [], "impersonating": []}
    assert facts["bobAdminStatus"] == 403
    assert facts["total"] == "26 users."
    assert (facts["firstPageRows"], facts["secondPageRows"]) == (20, 6)
    assert facts["found"] == "bob@example.com"
    assert facts["bannedBadge"] == "banned: No reason"
    assert facts["bobAfterBan"] == "/auth/sign-in"  # his session ended with the ban
    assert facts["bobBannedError"] == "This account is banned."
    assert facts["bobSignedInAgain"] == "/auth/account"
    assert "You are signed in as bob@example.com" in facts["impersonatingBar"]
    assert facts["impersonatedEmail"] == "bob@example.com"
    assert (facts["backAt"], facts["barAfterStop"]) == ("/auth/admin", 0)
    assert facts["totalAfter"] == "26 users."
