"""The account pages: verify the email address from the mailed link, forget and reset a
password, and change name, email and password or delete the account from the settings.

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
from .conftest import ORIGIN
from .conftest import PASSWORD
from .conftest import AuthActions
from .conftest import make_test_config

SAME_ORIGIN = {"Origin": ORIGIN}
NEW_PASSWORD = "a different horse battery"


@pytest.fixture
def mail_log(tmp_path: Path) -> Path:
    return tmp_path / "mail.jsonl"


@pytest.fixture
def app(mail_log: Path) -> Iterator[Flask]:
    """The example app in debug mode, its development sender logging to ``mail_log``."""
    config = {**make_test_config("sqlite://"), "BETTER_AUTH_MAIL_LOG": str(mail_log), "DEBUG": True}
    app = create_app(config)
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


def post(client: FlaskClient, path: str, **data: Any) -> Any:
    return client.post(path, data=data, headers=SAME_ORIGIN)


def test_the_sign_up_mail_verifies_the_address(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()
    assert "not verified" in client.get("/account").get_data(as_text=True)
    mail = last_mail(mail_log, "verify-email")
    assert mail["url"].endswith("&callbackURL=%2Femail-verified")

    page = open_link(client, mail["url"])

    assert page.status_code == 200
    assert "Your email is verified" in page.get_data(as_text=True)
    assert 'data-testid="verified">verified<' in client.get("/account").get_data(as_text=True)


def test_an_unverified_user_asks_for_a_new_link(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()
    response = post(client, "/account/resend-verification")
    assert response.status_code == 303
    assert "We sent you a new verification link." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert len([m for m in read_log(mail_log) if m["type"] == "verify-email"]) == 2


def test_a_broken_verification_link_says_so(client: FlaskClient) -> None:
    page = client.get("/api/auth/verify-email?token=nope&callbackURL=/email-verified")
    assert page.headers["Location"] == "/email-verified?error=INVALID_TOKEN"
    shown = client.get(page.headers["Location"])
    assert shown.status_code == 400
    assert "This link is not valid, or it was already used." in shown.get_data(as_text=True)


def test_forgot_and_reset_the_password(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()
    auth.sign_out()
    assert "Forgot your password?" in client.get("/sign-in").get_data(as_text=True)

    sent = post(client, "/forgot-password", email=EMAIL)
    assert "If this email exists in our system" in sent.get_data(as_text=True)
    unknown = post(client, "/forgot-password", email="nobody@example.com")
    assert unknown.get_data(as_text=True) == sent.get_data(as_text=True)

    form = open_link(client, last_mail(mail_log, "reset-password")["url"])
    assert form.status_code == 200
    token = form.request.args["token"]
    assert f'value="{token}"' in form.get_data(as_text=True)

    too_short = post(client, "/reset-password", token=token, password="short")
    assert too_short.status_code == 400 and "Password too short" in too_short.get_data(as_text=True)
    done = post(client, "/reset-password", token=token, password=NEW_PASSWORD)
    assert done.status_code == 303
    assert "Your password was reset" in client.get(done.headers["Location"]).get_data(as_text=True)

    again = post(client, "/reset-password", token=token, password="yet another one")
    assert "not valid, or it was already used" in again.get_data(as_text=True)
    assert auth.sign_in(password=PASSWORD).status_code == 401
    assert auth.sign_in(password=NEW_PASSWORD).status_code == 303


def test_a_used_reset_link_lands_on_an_error(
    client: FlaskClient, auth: AuthActions, mail_log: Path
) -> None:
    auth.sign_up()
    post(client, "/forgot-password", email=EMAIL)
    url = last_mail(mail_log, "reset-password")["url"]
    token = open_link(client, url).request.args["token"]
    post(client, "/reset-password", token=token, password=NEW_PASSWORD)

    page = open_link(client, url)

    assert page.status_code == 400
    assert page.request.args["error"] == "INVALID_TOKEN"
    assert "Ask for a new link" in page.get_data(as_text=True)


def test_change_the_name(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    response = post(client, "/account/profile", name="Ann Renamed")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your name was saved." in page
    assert "Hello, Ann Renamed" in client.get("/dashboard").get_data(as_text=True)


def test_change_the_password(client: FlaskClient, auth: AuthActions, app: Flask) -> None:
    auth.sign_up()
    other_device = app.test_client()
    other = AuthActions(other_device)
    assert other.sign_in().status_code == 303

    wrong = post(client, "/account/password", current_password="not it", new_password=NEW_PASSWORD)
    assert wrong.status_code == 400 and "Invalid password" in wrong.get_data(as_text=True)

    response = post(
        client,
        "/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        revoke_other_sessions="on",
    )
    assert response.status_code == 303
    assert "your other sessions ended" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert client.get("/dashboard").status_code == 200
    # The other device's cookie cache may vouch for it for up to five minutes (as in
    # Better Auth); the session itself is gone.
    uncached = other_device.get("/api/auth/get-session", query_string={"disableCookieCache": "1"})
    assert uncached.json is None
    auth.sign_out()
    assert auth.sign_in(password=NEW_PASSWORD).status_code == 303


def test_change_the_email(client: FlaskClient, auth: AuthActions, mail_log: Path) -> None:
    auth.sign_up()
    response = post(client, "/account/email", email="ann.new@example.com")
    assert response.status_code == 303
    assert "We sent a link to your new address" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert EMAIL in client.get("/account").get_data(as_text=True)

    page = open_link(
        client, last_mail(mail_log, "change-email-verification", "ann.new@example.com")["url"]
    )

    text = page.get_data(as_text=True)
    assert "Your email address was changed." in text
    assert 'data-testid="account-email">ann.new@example.com<' in text


def test_delete_the_account(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    wrong = post(client, "/account/delete", password="not it")
    assert wrong.status_code == 400 and "Invalid password" in wrong.get_data(as_text=True)

    response = post(client, "/account/delete", password=PASSWORD)

    assert response.status_code == 303
    assert "Your account was deleted." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert client.get("/dashboard").status_code == 302
    assert auth.sign_in().status_code == 401


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
    assert "reset" not in response.get_data(as_text=True).lower()


def test_the_outbox_is_gone_without_debug(app: Flask, auth: AuthActions) -> None:
    auth.sign_up()
    app.debug = False
    assert app.test_client().get("/dev/mail").status_code == 404


def test_the_outbox_is_gone_with_a_real_sender(tmp_path: Path) -> None:
    config = {
        **make_test_config("sqlite://"),
        "BETTER_AUTH_MAIL": "smtp",
        "MAIL_DEFAULT_SENDER": "no-reply@example.com",
    }
    app = create_app(config)
    try:
        assert app.test_client().get("/dev/mail").status_code == 404
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    "path",
    ["/account/profile", "/account/email", "/account/password", "/account/delete"],
)
def test_cross_site_posts_to_the_settings_are_refused(
    client: FlaskClient, auth: AuthActions, path: str
) -> None:
    auth.sign_up()
    response = client.post(
        path,
        data={"name": "Mallory", "email": "m@evil.example", "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert client.get("/dashboard").status_code == 200
    assert "Hello, Ann Example" in client.get("/dashboard").get_data(as_text=True)
