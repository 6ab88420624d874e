"""Anonymous mail goes out after the answer (issue 17, items 7, 8 and 12).

``request-password-reset`` and an anonymous ``send-verification-email`` answer the same,
as fast, for every address: the mail (and a reset's token) is sent once the response is
written, no worker sleeps to hide the difference, and a mail that fails is logged
behind the generic 200. ``advanced.mail_after_response`` is off under ``app.testing``
(its default), so the rest of the suite reads mail at once; here it is on, as in
production.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from flask import request
from werkzeug.serving import make_server

from tests.helpers import rows
from tests.security.conftest import ANN
from tests.security.conftest import BASE

BOB = {**ANN, "name": "Bob", "email": "bob@example.com"}
ON = {"advanced": {"mail_after_response": True}}
ENDPOINTS = {
    "reset": ("/request-password-reset", ANN["email"]),
    "verification": ("/send-verification-email", ANN["email"]),
}


class Outbox:
    """The app's mail senders: record each mail; ``hold`` makes them wait for ``release``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False

    def sender(self, kind: str) -> Any:
        def send(user: Any, url: str, token: str) -> None:
            if not self.gate.wait(30):
                raise RuntimeError("the test never released the mail")
            if self.fail:
                raise RuntimeError("mail provider down")
            self.sent.append((kind, user["email"]))

        return send


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def mail_app(make_app, outbox):
    """Ann (unverified) and Bob have accounts; mail goes after the response."""
    test_app = make_app(
        **ON,
        email_and_password={"send_reset_password": outbox.sender("reset")},
        email_verification={"send_verification_email": outbox.sender("verification")},
    )

    @test_app.app.post("/forgot")
    def forgot() -> str:
        """An app's own form, built on ``auth.api``."""
        test_app.auth.api.request_password_reset(
            body={"email": request.form["email"]}, headers=request.headers
        )
        return "<p>If the address has an account, a link is on its way.</p>"

    client = test_app.app.test_client()
    for person in (ANN, BOB):
        assert client.post(f"{BASE}/sign-up/email", json=person).status_code == 200
    return test_app


@pytest.fixture
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any sleep in the request path fails the test (the old 500 ms floor slept)."""

    def refuse(seconds: float) -> None:
        raise AssertionError(f"a request slept {seconds} s inside the worker")

    monkeypatch.setattr(time, "sleep", refuse)


@pytest.mark.parametrize("kind", list(ENDPOINTS))
def test_the_mail_leaves_only_after_the_response_is_closed(mail_app, outbox, no_sleeping, kind):
    path, email = ENDPOINTS[kind]
    client = mail_app.app.test_client(use_cookies=False)
    known = client.post(f"{BASE}{path}", json={"email": email}, buffered=False)
    unknown = client.post(f"{BASE}{path}", json={"email": "nobody@example.com"}, buffered=False)
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert sorted(known.headers.keys()) == sorted(unknown.headers.keys())
    assert outbox.sent == []  # answered, nothing sent yet: the answer did not wait on it
    unknown.close()
    assert outbox.sent == []
    known.close()  # what the WSGI server does once the body is written
    assert outbox.sent == [(kind, email)]


@pytest.fixture
def served(mail_app) -> Iterator[str]:
    """The app behind a real WSGI server on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, mail_app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


def _post(base: str, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
    req = urllib.request.Request(  # noqa: S310 (an http:// URL on loopback)
        f"{base}{BASE}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=20) as response:  # noqa: S310
        return response.status, response.read()


@pytest.mark.parametrize("kind", list(ENDPOINTS))
def test_over_a_real_server_the_answer_arrives_while_the_mail_is_still_pending(
    served, mail_app, outbox, kind
):
    path, email = ENDPOINTS[kind]
    outbox.gate.clear()  # the mail provider hangs until released
    status, body = _post(served, path, {"email": email})
    assert status == 200 and json.loads(body)["status"] is True
    assert outbox.sent == []
    outbox.gate.set()
    for _ in range(200):  # the server finishes the work after the answer
        if outbox.sent:
            break
        threading.Event().wait(0.05)
    assert outbox.sent == [(kind, email)]


@pytest.mark.parametrize("kind", list(ENDPOINTS))
def test_a_failed_mail_is_logged_behind_the_generic_answer(mail_app, outbox, caplog, kind):
    path, email = ENDPOINTS[kind]
    outbox.fail = True
    client = mail_app.app.test_client(use_cookies=False)
    known = client.post(f"{BASE}{path}", json={"email": email}, buffered=False)
    unknown = client.post(f"{BASE}{path}", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    known.close()
    assert "mail failed (EMAIL_SEND_FAILED)" in caplog.text
    assert outbox.sent == []
    # A reset whose mail failed leaves no usable token behind.
    assert rows(mail_app, "verification") == []


def test_auth_api_inside_a_view_sends_after_the_views_response(mail_app, outbox):
    client = mail_app.app.test_client(use_cookies=False)
    response = client.post("/forgot", data={"email": ANN["email"]}, buffered=False)
    assert response.status_code == 200
    assert outbox.sent == []
    response.close()
    assert outbox.sent == [("reset", ANN["email"])]


def test_auth_api_without_a_request_sends_at_once_and_never_fails(mail_app, outbox, caplog):
    with mail_app.app.app_context():
        answer = mail_app.auth.api.request_password_reset(body={"email": ANN["email"]})
        assert answer["status"] is True and outbox.sent == [("reset", ANN["email"])]
        outbox.fail = True
        again = mail_app.auth.api.request_password_reset(body={"email": ANN["email"]})
    assert again == answer
    assert "the password-reset mail failed (EMAIL_SEND_FAILED)" in caplog.text


def test_a_signed_in_request_for_a_new_link_still_reports_a_failed_mail(mail_app, outbox):
    client = mail_app.app.test_client()
    client.post(f"{BASE}/sign-in/email", json={"email": ANN["email"], "password": ANN["password"]})
    outbox.fail = True
    response = client.post(f"{BASE}/send-verification-email", json={"email": ANN["email"]})
    assert (response.status_code, response.get_json()["code"]) == (503, "EMAIL_SEND_FAILED")


def test_the_default_is_on_except_under_testing(make_app):
    testing = make_app()
    production = make_app({"TESTING": False})
    assert testing.app.extensions["betterauth"].mail_after_response is False
    assert production.app.extensions["betterauth"].mail_after_response is True
