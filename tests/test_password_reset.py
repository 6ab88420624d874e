"""Password reset end to end: the link arrives over SMTP, leads to the app's page with the
token, and the token sets a new password once (spec 3.18-3.20, 8.3, 8.6)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from flask_betterauth.crypto import hash_token
from tests.helpers import PASSWORD
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows
from tests.mailserver import SMTPServer

MakeApp = Callable[..., TestApp]


ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
BASE = "/api/auth"
NEW_PASSWORD = "a brand new password"
ANSWER = {
    "status": True,
    "message": "If this email exists in our system, check your email for the reset link",
}


@pytest.fixture
def reset_app(make_app: MakeApp, smtp_server: SMTPServer) -> Callable[..., TestApp]:
    """Apps that mail reset links through the test SMTP server; Ann has signed up."""

    def build(**options: Any) -> TestApp:
        test_app = make_app(smtp_server.config(), **options)
        response = test_app.app.test_client().post(f"{BASE}/sign-up/email", json=ANN)
        assert response.status_code == 200
        return test_app

    return build


def request_reset(client: FlaskClient, redirect_to: str | None = "/reset") -> Any:
    body: dict[str, Any] = {"email": "ann@example.com"}
    if redirect_to is not None:
        body["redirectTo"] = redirect_to
    return client.post(f"{BASE}/request-password-reset", json=body)


def open_link(client: FlaskClient, link: str) -> Any:
    parts = urlsplit(link)
    return client.get(parts.path, query_string=parts.query)


def token_from_page(location: str) -> str:
    return parse_qs(urlsplit(location).query)["token"][0]


def sign_in(client: FlaskClient, password: str) -> int:
    response = client.post(
        f"{BASE}/sign-in/email", json={"email": "ann@example.com", "password": password}
    )
    return int(response.status_code)


def test_the_whole_reset_flow(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = reset_app()
    client = test_app.app.test_client()

    requested = request_reset(client, "/reset?step=2")
    assert (requested.status_code, requested.json) == (200, ANSWER)

    mail = smtp_server.last("ann@example.com")
    assert mail.subject == "Reset your password for Better Auth"
    link = urlsplit(mail.link)
    assert link.path.startswith("/api/auth/reset-password/")
    token = link.path.rsplit("/", 1)[1]
    assert len(token) == 24 and token.isalnum()
    assert link.query == "callbackURL=%2Freset%3Fstep%3D2"
    (row,) = rows(test_app, "verification")
    assert row["identifier"] == f"reset-password:{hash_token(token)}"
    assert token not in str(row)  # only the hash is stored

    landed = open_link(client, mail.link)
    assert landed.status_code == 302
    assert landed.headers["Location"] == f"http://localhost/reset?step=2&token={token}"
    assert landed.data == b""

    reset = client.post(
        f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": token}
    )
    assert (reset.status_code, reset.json) == (200, {"status": True})
    assert "Set-Cookie" not in reset.headers
    assert rows(test_app, "verification") == []
    assert sign_in(client, PASSWORD) == 401
    assert sign_in(client, NEW_PASSWORD) == 200


def test_unknown_addresses_get_the_same_answer_and_no_mail(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    client = reset_app().app.test_client()
    response = client.post(
        f"{BASE}/request-password-reset", json={"email": "nobody@example.com", "redirectTo": "/r"}
    )
    assert (response.status_code, response.json) == (200, ANSWER)
    assert smtp_server.inbox == []


def test_a_used_token_is_refused(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    client = reset_app().app.test_client()
    request_reset(client)
    token = token_from_page(open_link(client, smtp_server.last().link).headers["Location"])
    body = {"newPassword": NEW_PASSWORD, "token": token}
    assert client.post(f"{BASE}/reset-password", json=body).status_code == 200

    replay = client.post(f"{BASE}/reset-password", json={**body, "newPassword": "attacker pw 1"})

    assert replay.status_code == 400
    assert replay.json == {"message": "Invalid token", "code": "INVALID_TOKEN"}
    assert open_link(client, smtp_server.last().link).headers["Location"] == (
        "http://localhost/reset?error=INVALID_TOKEN"
    )
    assert sign_in(client, NEW_PASSWORD) == 200


def test_an_expired_token_is_refused(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
    clock: Clock,
) -> None:
    client = reset_app(
        email_and_password={"reset_password_token_expires_in": 900}
    ).app.test_client()
    request_reset(client)
    link = smtp_server.last().link
    token = urlsplit(link).path.rsplit("/", 1)[1]
    assert "works once, for 15 minutes" in smtp_server.last().text

    clock.advance(seconds=899)
    assert open_link(client, link).headers["Location"].endswith(f"token={token}")
    clock.advance(seconds=1)
    assert (
        open_link(client, link).headers["Location"] == "http://localhost/reset?error=INVALID_TOKEN"
    )
    response = client.post(
        f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": token}
    )
    assert (response.status_code, response.json["code"]) == (400, "INVALID_TOKEN")
    assert sign_in(client, PASSWORD) == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),
        lambda t: t.upper() if t != t.upper() else t.lower(),
        lambda t: t + "x",
        lambda t: hash_token(t),
    ],
    ids=["one-character-off", "other-case", "longer", "the-stored-hash"],
)
def test_tampered_tokens_are_refused(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
    mangle: Callable[[str], str],
) -> None:
    client = reset_app().app.test_client()
    request_reset(client)
    token = urlsplit(smtp_server.last().link).path.rsplit("/", 1)[1]
    forged = mangle(token)

    landed = client.get(f"{BASE}/reset-password/{forged}", query_string={"callbackURL": "/reset"})
    reset = client.post(
        f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": forged}
    )

    assert landed.headers["Location"] == "http://localhost/reset?error=INVALID_TOKEN"
    assert (reset.status_code, reset.json["code"]) == (400, "INVALID_TOKEN")
    assert sign_in(client, PASSWORD) == 200


def test_a_token_names_one_user_only(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = reset_app()
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json={**ANN, "email": "bob@example.com", "name": "Bob"})
    client.post(f"{BASE}/request-password-reset", json={"email": "bob@example.com"})
    bobs_token = urlsplit(smtp_server.last("bob@example.com").link).path.rsplit("/", 1)[1]

    client.post(f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": bobs_token})

    assert sign_in(client, PASSWORD) == 200  # Ann is untouched
    bob = client.post(
        f"{BASE}/sign-in/email", json={"email": "bob@example.com", "password": NEW_PASSWORD}
    )
    assert bob.status_code == 200


def test_the_token_may_come_in_the_query(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    client = reset_app().app.test_client()
    request_reset(client, None)
    link = smtp_server.last().link
    assert link.endswith("?callbackURL=")
    token = urlsplit(link).path.rsplit("/", 1)[1]

    missing = client.post(f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD})
    assert (missing.status_code, missing.json["code"]) == (400, "INVALID_TOKEN")
    response = client.post(
        f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD}, query_string={"token": token}
    )
    assert response.status_code == 200


def test_the_new_password_must_fit_the_length_rules(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    client = reset_app().app.test_client()
    request_reset(client)
    token = urlsplit(smtp_server.last().link).path.rsplit("/", 1)[1]
    for password, code in (("short", "PASSWORD_TOO_SHORT"), ("x" * 129, "PASSWORD_TOO_LONG")):
        response = client.post(
            f"{BASE}/reset-password", json={"newPassword": password, "token": token}
        )
        assert (response.status_code, response.json["code"]) == (400, code)
    # the refusals did not use the token up
    ok = client.post(f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": token})
    assert ok.status_code == 200


def test_untrusted_redirects_are_refused(reset_app: Callable[..., TestApp]) -> None:
    client = reset_app().app.test_client()
    response = request_reset(client, "https://evil.example/reset")
    assert response.status_code == 403
    assert response.json == {"message": "Invalid redirectURL", "code": "INVALID_REDIRECT_URL"}
    landed = client.get(
        f"{BASE}/reset-password/whatever", query_string={"callbackURL": "//evil.example"}
    )
    assert (landed.status_code, landed.json["code"]) == (403, "INVALID_CALLBACK_URL")


def test_reset_needs_a_sender(make_app: MakeApp) -> None:
    response = (
        make_app()
        .app.test_client()
        .post(f"{BASE}/request-password-reset", json={"email": "ann@example.com"})
    )
    assert response.status_code == 400
    assert response.json == {
        "message": "Reset password isn't enabled",
        "code": "RESET_PASSWORD_DISABLED",
    }


@pytest.mark.parametrize("revoke", [True, False], ids=["revoke", "keep"])
def test_sessions_end_on_reset_only_when_configured(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
    revoke: bool,
) -> None:
    test_app = reset_app(email_and_password={"revoke_sessions_on_password_reset": revoke})
    laptop = test_app.app.test_client()
    assert sign_in(laptop, PASSWORD) == 200
    request_reset(laptop)
    token = urlsplit(smtp_server.last().link).path.rsplit("/", 1)[1]

    laptop.post(f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": token})

    session = laptop.get(f"{BASE}/get-session", query_string={"disableCookieCache": "1"}).json
    assert (session is None) is revoke
    assert (rows(test_app, "session") == []) is revoke


def test_on_password_reset_and_a_callback_sender(make_app: MakeApp) -> None:
    sent: list[tuple[Any, str, str]] = []
    reset_users: list[Any] = []
    test_app = make_app(
        email_and_password={
            "send_reset_password": lambda user, url, token: sent.append((user, url, token)),
            "on_password_reset": reset_users.append,
        }
    )
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json=ANN)
    with test_app.app.app_context():
        test_app.auth.api.request_password_reset(
            body={"email": "ann@example.com", "redirectTo": "/r"}
        )
    ((user, url, token),) = sent
    assert user.email == "ann@example.com"
    assert url == f"http://localhost/api/auth/reset-password/{token}?callbackURL=%2Fr"

    with test_app.app.test_request_context():
        landed = test_app.auth.api.request_password_reset_callback(
            params={"token": token}, query={"callbackURL": "/r"}, return_headers=True
        )
    assert landed.headers["Location"] == f"http://localhost/r?token={token}"
    with test_app.app.app_context():
        answer = test_app.auth.api.reset_password(
            body={"newPassword": NEW_PASSWORD, "token": token}
        )
    assert answer == {"status": True}
    assert [u.email for u in reset_users] == ["ann@example.com"]


def test_a_user_without_a_password_gets_one(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = reset_app()
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        conn.execute(test_app.state.models.tables["account"].delete())
    client = test_app.app.test_client()
    request_reset(client)
    token = urlsplit(smtp_server.last().link).path.rsplit("/", 1)[1]

    client.post(f"{BASE}/reset-password", json={"newPassword": NEW_PASSWORD, "token": token})

    (account,) = rows(test_app, "account")
    assert (account["providerId"], account["accountId"]) == ("credential", account["userId"])
    assert sign_in(client, NEW_PASSWORD) == 200


def test_two_resets_racing_with_one_token_succeed_once(
    reset_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = reset_app()
    request_reset(test_app.app.test_client())
    token = urlsplit(smtp_server.last().link).path.rsplit("/", 1)[1]
    start = threading.Barrier(2)
    statuses: list[int] = []

    def reset(password: str) -> None:
        client = test_app.app.test_client()
        start.wait()
        response = client.post(
            f"{BASE}/reset-password", json={"newPassword": password, "token": token}
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=reset, args=(p,)) for p in ("first password", "second password")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 400]
    client = test_app.app.test_client()
    assert sorted([sign_in(client, "first password"), sign_in(client, "second password")]) == [
        200,
        401,
    ]
