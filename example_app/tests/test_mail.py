"""The example app's mail: sent in the app's name, its links landing on the ready-made
pages, and the development outbox at ``/dev/mail`` (debug mode, loopback clients only).

The app mails through the development sender into a file in ``tmp_path``; the tests follow
the links from there, as a person follows them from the console or ``/dev/mail``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from example_app import create_app
from example_app.extensions import db
from flask_betterauth.mail.dev import read_log

from .conftest import EMAIL
from .conftest import AuthActions
from .conftest import make_test_config

NEW_PASSWORD = "a different horse battery"


@pytest.fixture
def mail_log(tmp_path: Path) -> Path:
    return tmp_path / "mail.jsonl"


@pytest.fixture
def app(mail_log: Path) -> Iterator[Flask]:
    """The example app in debug mode, its development sender logging to ``mail_log``."""
    config = {**make_test_config("sqlite://"), "BETTER_AUTH_MAIL_LOG": str(mail_log)}
    app = create_app({**config, "DEBUG": True})
    yield app
    with app.app_context():
        db.engine.dispose()


def last_mail(mail_log: Path, kind: str, to: str = EMAIL) -> dict[str, Any]:
    mails = [m for m in read_log(mail_log) if m["type"] == kind and m["email"] == to]
    assert mails, f"no {kind} mail to {to}: {read_log(mail_log)}"
    return mails[-1]


def open_link(client: FlaskClient, url: str) -> Any:
    """Follow a link from a mail (to the API), then the redirect back to the pages."""
    parts = urlsplit(url)
    response = client.get(parts.path, query_string=parts.query)
    assert response.status_code == 302, response.data
    return client.get(response.headers["Location"])


def test_mails_carry_the_app_name(
    auth: AuthActions, mail_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    auth.sign_up()

    mail = last_mail(mail_log, "verify-email")
    printed = capsys.readouterr().out  # the development sender prints the whole mail

    assert mail["subject"] == "Verify your email address for Example app"
    assert "Mail (verify-email) to ann@example.com" in printed
    assert "Better Auth" not in printed


def test_the_verification_link_lands_on_the_verify_page(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()

    page = open_link(client, last_mail(mail_log, "verify-email")["url"])

    assert page.status_code == 200
    assert "Your email address is verified." in page.get_data(as_text=True)
    assert client.get("/api/auth/get-session").get_json()["user"]["emailVerified"] is True


def test_a_forgotten_password_is_reset_through_the_mailed_link(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()
    auth.sign_out()
    auth.submit("/auth/forgot-password", {"email": EMAIL})

    page = open_link(client, last_mail(mail_log, "reset-password")["url"])
    token = urlsplit(page.request.url).query

    assert page.status_code == 200
    assert "token=" in token
    response = auth.submit(f"/auth/reset-password?{token}", {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert auth.sign_in(password=NEW_PASSWORD).status_code == 303


def test_the_development_outbox_lists_the_links(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()
    page = client.get("/dev/mail").get_data(as_text=True)
    url = last_mail(mail_log, "verify-email")["url"]
    assert url.replace("&", "&amp;") in page
    assert f'data-testid="mail-to">{EMAIL}<' in page
    assert "A development tool" in page


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_the_outbox_answers_loopback_clients(app: Flask, address: str) -> None:
    client = app.test_client()
    assert client.get("/dev/mail", environ_base={"REMOTE_ADDR": address}).status_code == 200


@pytest.mark.parametrize("address", ["203.0.113.5", "10.0.0.2", "::ffff:203.0.113.5", ""])
def test_the_outbox_is_hidden_from_other_clients(
    app: Flask, auth: AuthActions, address: str
) -> None:
    auth.sign_up()
    client = app.test_client()
    response = client.get("/dev/mail", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 404
    assert "verify-email" not in response.get_data(as_text=True)


def test_the_outbox_is_gone_without_debug(app: Flask, auth: AuthActions) -> None:
    auth.sign_up()
    app.debug = False
    assert app.test_client().get("/dev/mail").status_code == 404


def test_the_outbox_is_gone_with_a_real_sender() -> None:
    config = {
        **make_test_config("sqlite://"),
        "DEBUG": True,
        "BETTER_AUTH_MAIL": "smtp",
        "MAIL_DEFAULT_SENDER": "no-reply@example.com",
    }
    app = create_app(config)
    try:
        assert app.test_client().get("/dev/mail").status_code == 404
    finally:
        with app.app_context():
            db.engine.dispose()
