"""The SMTP server down, then back: every mail flow answers as documented, leaves no
token behind, and a retry works.

Documented answers (docs/production.rst): sign-up that must mail a verification link
answers ``503 EMAIL_SEND_FAILED`` and removes the new user again (signing up again
works); an anonymous ``send-verification-email`` and ``request-password-reset`` answer
their usual ``200`` (the mail goes out after the answer,
so the answer tells nothing) and drops the reset token whose mail failed. Both ways the
mail can go: inline, and after the response (production's default).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import PASSWORD
from tests.helpers import TestApp
from tests.helpers import build_app
from tests.helpers import rows
from tests.mailserver import SMTPServer
from tests.mailserver import running_smtp_server

BASE = "/api/auth"
ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
BOB = {"name": "Bob", "email": "bob@example.com", "password": PASSWORD}
FAILED = {"message": "The email could not be sent. Please try again later.",
          "code": "EMAIL_SEND_FAILED"}  # fmt: skip


@pytest.fixture(scope="module")
def smtp() -> Iterator[SMTPServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture(params=[False, True], ids=["inline", "after-response"])
def mail_app(request: pytest.FixtureRequest, smtp: SMTPServer, tmp_path: Path) -> TestApp:
    """Verification required on sign-up; Bob signed up (and mailed) while SMTP was up."""
    test_app = build_app(
        f"sqlite:///{tmp_path / 'mail.db'}",
        smtp.config(MAIL_TIMEOUT=2),
        email_and_password={"require_email_verification": True},
        advanced={"mail_after_response": request.param},
    )
    response = test_app.app.test_client().post(f"{BASE}/sign-up/email", json=BOB)
    response.close()
    assert response.status_code == 200
    return test_app


def _post(test_app: TestApp, path: str, body: dict[str, str]) -> tuple[int, object]:
    response = test_app.app.test_client().post(f"{BASE}{path}", json=body)
    answer = (response.status_code, response.get_json(silent=True))
    response.close()  # the WSGI server's close: work after the response runs here
    return answer


def test_smtp_down_then_back(mail_app: TestApp, smtp: SMTPServer) -> None:
    verifications_before = len(rows(mail_app, "verification"))
    smtp.stop()
    try:
        assert _post(mail_app, "/sign-up/email", ANN) == (503, FAILED)
        assert [u["email"] for u in rows(mail_app, "user")] == ["bob@example.com"]
        status, body = _post(mail_app, "/send-verification-email", {"email": BOB["email"]})
        assert (status, body) == (200, {"status": True})  # anonymous: the generic answer
        status, body = _post(mail_app, "/request-password-reset", {"email": BOB["email"]})
        assert status == 200 and isinstance(body, dict) and body["status"] is True
        assert len(rows(mail_app, "verification")) == verifications_before  # none dangling
    finally:
        smtp.start()
    before = len(smtp.inbox)
    assert _post(mail_app, "/sign-up/email", ANN)[0] == 200  # the retry works
    assert smtp.last("ann@example.com").subject
    assert _post(mail_app, "/request-password-reset", {"email": BOB["email"]})[0] == 200
    reset = smtp.last("bob@example.com")
    assert len(smtp.inbox) == before + 2
    token = urlsplit(reset.link).path.rsplit("/", 1)[1]
    new_password = "a brand new password"
    assert _post(mail_app, "/reset-password", {"newPassword": new_password, "token": token}) == (
        200, {"status": True},
    )  # fmt: skip
