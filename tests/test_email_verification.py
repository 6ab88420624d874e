"""Email verification end to end: the link arrives over SMTP and is followed over HTTP
(spec 3.3, 3.4, 3.16, 3.17, 8.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from flask_betterauth import jwt
from flask_betterauth.storage.secondary import MemoryStorage
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows
from tests.mailserver import SMTPServer

MakeApp = Callable[..., TestApp]


ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
BOB = {"name": "Bob", "email": "bob@example.com", "password": PASSWORD}
BASE = "/api/auth"


def follow(client: FlaskClient, link: str) -> Any:
    """Open an absolute link from a mail with the test client."""
    parts = urlsplit(link)
    return client.get(parts.path, query_string=parts.query)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def user_row(test_app: TestApp, email: str) -> dict[str, Any]:
    (row,) = [r for r in rows(test_app, "user") if r["email"] == email]
    return row


@pytest.fixture
def mail_app(make_app: MakeApp, smtp_server: SMTPServer) -> Callable[..., TestApp]:
    """Apps that mail through the test SMTP server, verification mail on sign-up."""

    def build(**options: Any) -> TestApp:
        options.setdefault("email_verification", {}).setdefault("send_on_sign_up", True)
        return make_app(smtp_server.config(), **options)

    return build


def test_the_sign_up_link_verifies_the_address(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(session={"cookie_cache": {"enabled": True}})
    client = test_app.app.test_client()
    response = client.post(f"{BASE}/sign-up/email", json={**ANN, "callbackURL": "/welcome"})
    assert response.status_code == 200 and response.json["token"]

    mail = smtp_server.last("ann@example.com")
    assert mail.subject == "Verify your email address for Better Auth"
    assert mail.link.startswith("http://localhost/api/auth/verify-email?token=")
    assert mail.link.endswith("&callbackURL=%2Fwelcome")
    assert mail.link in mail.html.replace("&amp;", "&")
    claims = jwt.decode(token_of(mail.link), SECRET.encode())
    assert claims["email"] == "ann@example.com"
    assert claims["userId"] == response.json["user"]["id"]
    assert claims["exp"] - claims["iat"] == 3600

    opened = follow(client, mail.link)

    assert opened.status_code == 302
    assert opened.headers["Location"] == "/welcome"
    assert user_row(test_app, "ann@example.com")["emailVerified"] is True
    cached = client.get(f"{BASE}/get-session").json  # the cookie cache was re-issued
    assert cached["user"]["emailVerified"] is True


def test_without_callback_the_answer_is_json_and_a_second_click_changes_nothing(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(email_verification={"auto_sign_in_after_verification": True})
    test_app.app.test_client().post(f"{BASE}/sign-up/email", json=ANN)
    token = token_of(smtp_server.last().link)
    browser = test_app.app.test_client()

    first = browser.get(f"{BASE}/verify-email", query_string={"token": token})
    assert (first.status_code, first.json) == (200, {"status": True, "user": None})
    sessions = len(rows(test_app, "session"))

    again = test_app.app.test_client().get(f"{BASE}/verify-email", query_string={"token": token})
    assert (again.status_code, again.json) == (200, {"status": True, "user": None})
    assert "Set-Cookie" not in again.headers
    assert len(rows(test_app, "session")) == sessions


def test_auto_sign_in_after_verification_starts_a_session(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(
        email_and_password={"require_email_verification": True},
        email_verification={"auto_sign_in_after_verification": True},
    )
    signed_up = test_app.app.test_client().post(f"{BASE}/sign-up/email", json=ANN)
    assert signed_up.json["token"] is None
    phone = test_app.app.test_client()

    opened = follow(phone, smtp_server.last().link)

    assert opened.status_code == 302
    session = phone.get(f"{BASE}/get-session").json
    assert session["user"]["email"] == "ann@example.com"
    assert session["user"]["emailVerified"] is True


@pytest.mark.parametrize(
    ("callback", "location"),
    [
        (None, None),
        ("/welcome", "/welcome?error=TOKEN_EXPIRED"),
        ("/welcome?from=mail#top", "/welcome?from=mail&error=TOKEN_EXPIRED#top"),
        ("http://localhost/welcome", "http://localhost/welcome?error=TOKEN_EXPIRED"),
    ],
    ids=["json", "relative", "with-query-and-fragment", "absolute"],
)
def test_an_expired_link_is_refused(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
    clock: Clock,
    callback: str | None,
    location: str | None,
) -> None:
    test_app = mail_app(email_verification={"expires_in": 600})
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json=ANN)
    token = token_of(smtp_server.last().link)
    clock.advance(seconds=600)
    query = {"token": token, **({"callbackURL": callback} if callback else {})}

    response = client.get(f"{BASE}/verify-email", query_string=query)

    if location is None:
        assert response.status_code == 401
        assert response.json == {"message": "Token expired", "code": "TOKEN_EXPIRED"}
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == location
    assert user_row(test_app, "ann@example.com")["emailVerified"] is False


def test_a_link_just_before_expiry_still_works(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
    clock: Clock,
) -> None:
    test_app = mail_app(email_verification={"expires_in": 600})
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json=ANN)
    clock.advance(seconds=599)
    assert follow(client, smtp_server.last().link).status_code == 302
    assert user_row(test_app, "ann@example.com")["emailVerified"] is True


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    return f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"


@pytest.mark.parametrize(
    ("make_token", "code"),
    [
        (lambda t, ids: _tampered(t), "INVALID_TOKEN"),
        (lambda t, ids: "not-a-token", "INVALID_TOKEN"),
        (
            lambda t, ids: jwt.encode(
                {"email": "ann@example.com", "userId": ids["ann"]}, b"another-secret", 3600
            ),
            "INVALID_TOKEN",
        ),
        (
            lambda t, ids: jwt.encode(
                {"email": "ann@example.com", "userId": ids["bob"]}, SECRET.encode(), 3600
            ),
            "INVALID_TOKEN",
        ),
        (
            lambda t, ids: jwt.encode(
                {"email": "nobody@example.com", "userId": ids["ann"]}, SECRET.encode(), 3600
            ),
            "USER_NOT_FOUND",
        ),
        (lambda t, ids: jwt.encode({"email": 42}, SECRET.encode(), 3600), "INVALID_TOKEN"),
    ],
    ids=["tampered", "garbage", "other-secret", "foreign-user-id", "unknown-email", "bad-claim"],
)
def test_forged_and_foreign_tokens_are_refused(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
    make_token: Callable[[str, dict[str, str]], str],
    code: str,
) -> None:
    test_app = mail_app()
    client = test_app.app.test_client()
    ids = {
        "ann": client.post(f"{BASE}/sign-up/email", json=ANN).json["user"]["id"],
        "bob": client.post(f"{BASE}/sign-up/email", json=BOB).json["user"]["id"],
    }
    token = make_token(token_of(smtp_server.last("ann@example.com").link), ids)

    response = client.get(f"{BASE}/verify-email", query_string={"token": token})
    redirected = client.get(
        f"{BASE}/verify-email", query_string={"token": token, "callbackURL": "/done"}
    )

    assert (response.status_code, response.json["code"]) == (401, code)
    assert (redirected.status_code, redirected.headers["Location"]) == (302, f"/done?error={code}")
    assert not any(r["emailVerified"] for r in rows(test_app, "user"))


def test_an_untrusted_callback_is_refused_before_anything_happens(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app()
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json=ANN)
    token = token_of(smtp_server.last().link)

    for callback in ("https://evil.example/", "//evil.example", "javascript:alert(1)"):
        response = client.get(
            f"{BASE}/verify-email", query_string={"token": token, "callbackURL": callback}
        )
        assert (response.status_code, response.json["code"]) == (403, "INVALID_CALLBACK_URL")
    assert user_row(test_app, "ann@example.com")["emailVerified"] is False


# -- require_email_verification, send_on_sign_in ---------------------------------------------


def test_sign_in_waits_for_verification_and_resends_the_link(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(
        email_and_password={"require_email_verification": True},
        email_verification={"send_on_sign_up": None, "send_on_sign_in": True},
    )
    client = test_app.app.test_client()
    signed_up = client.post(f"{BASE}/sign-up/email", json=ANN)
    assert signed_up.status_code == 200 and signed_up.json["token"] is None
    assert "Set-Cookie" not in signed_up.headers
    assert len(smtp_server.inbox) == 1  # send_on_sign_up follows require_email_verification

    wrong = client.post(f"{BASE}/sign-in/email", json={**ANN, "password": "wrong-password"})
    assert (wrong.status_code, wrong.json["code"]) == (401, "INVALID_EMAIL_OR_PASSWORD")
    assert len(smtp_server.inbox) == 1  # no mail before the password is right

    refused = client.post(f"{BASE}/sign-in/email", json={**ANN, "callbackURL": "/after-verify"})
    assert refused.status_code == 403
    assert refused.json == {"message": "Email not verified", "code": "EMAIL_NOT_VERIFIED"}
    assert "Set-Cookie" not in refused.headers
    resent = smtp_server.last()
    assert len(smtp_server.inbox) == 2
    assert resent.link.endswith("callbackURL=%2Fafter-verify")

    assert follow(client, resent.link).headers["Location"] == "/after-verify"
    signed_in = client.post(f"{BASE}/sign-in/email", json=ANN)
    assert signed_in.status_code == 200 and signed_in.json["token"]


def test_sign_in_without_send_on_sign_in_sends_nothing(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(email_and_password={"require_email_verification": True})
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json=ANN)
    response = client.post(f"{BASE}/sign-in/email", json=ANN)
    assert (response.status_code, response.json["code"]) == (403, "EMAIL_NOT_VERIFIED")
    assert len(smtp_server.inbox) == 1


def test_require_verification_without_a_sender_still_refuses(make_app: MakeApp) -> None:
    test_app = make_app(email_and_password={"require_email_verification": True})
    client = test_app.app.test_client()
    assert client.post(f"{BASE}/sign-up/email", json=ANN).json["token"] is None
    response = client.post(f"{BASE}/sign-in/email", json=ANN)
    assert (response.status_code, response.json["code"]) == (403, "EMAIL_NOT_VERIFIED")


def test_enumeration_safe_sign_up_sends_no_mail_for_a_taken_address(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(email_and_password={"require_email_verification": True})
    client = test_app.app.test_client()
    first = client.post(f"{BASE}/sign-up/email", json=ANN).json
    second = client.post(f"{BASE}/sign-up/email", json=ANN)

    assert second.status_code == 200
    assert second.json["token"] is None
    assert set(second.json["user"]) == set(first["user"])
    assert second.json["user"]["id"] != first["user"]["id"]
    assert len(smtp_server.inbox) == 1


def test_sign_up_mail_off_when_send_on_sign_up_is_false(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(
        email_and_password={"require_email_verification": True},
        email_verification={"send_on_sign_up": False},
    )
    test_app.app.test_client().post(f"{BASE}/sign-up/email", json=ANN)
    assert smtp_server.inbox == []


def test_a_sign_up_whose_mail_fails_is_undone(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(email_and_password={"require_email_verification": True})
    client = test_app.app.test_client()
    smtp_server.stop()
    try:
        failed = client.post(f"{BASE}/sign-up/email", json=ANN)
    finally:
        smtp_server.start()

    assert (failed.status_code, failed.json["code"]) == (503, "EMAIL_SEND_FAILED")
    assert rows(test_app, "user") == [] and rows(test_app, "account") == []
    retried = client.post(f"{BASE}/sign-up/email", json=ANN)
    assert retried.status_code == 200
    assert smtp_server.last().rcpt_tos == ["ann@example.com"]


# -- POST /send-verification-email ------------------------------------------------------------


def test_a_signed_in_user_asks_for_a_new_link(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(email_verification={"send_on_sign_up": False})
    client = test_app.app.test_client()
    client.post(f"{BASE}/sign-up/email", json=ANN)

    mismatch = client.post(f"{BASE}/send-verification-email", json={"email": "bob@example.com"})
    assert mismatch.status_code == 400
    assert mismatch.json == {"message": "Email mismatch", "code": "EMAIL_MISMATCH"}

    sent = client.post(
        f"{BASE}/send-verification-email",
        json={"email": "ANN@example.com", "callbackURL": "/verified?x=1&y=2"},
    )
    assert (sent.status_code, sent.json) == (200, {"status": True})
    link = smtp_server.last().link
    assert link.endswith("&callbackURL=%2Fverified%3Fx%3D1%26y%3D2")
    assert follow(client, link).headers["Location"] == "/verified?x=1&y=2"

    client.get(f"{BASE}/get-session", query_string={"disableCookieCache": "true"})
    again = client.post(f"{BASE}/send-verification-email", json={"email": "ann@example.com"})
    assert again.status_code == 400
    assert again.json == {"message": "Email is already verified", "code": "EMAIL_ALREADY_VERIFIED"}


def test_anonymous_requests_get_one_answer_and_mail_only_unverified_accounts(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(email_verification={"send_on_sign_up": False})
    setup = test_app.app.test_client()
    setup.post(f"{BASE}/sign-up/email", json=ANN)
    setup.post(f"{BASE}/sign-up/email", json=BOB)
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        table = test_app.state.models.tables["user"]
        conn.execute(
            table.update().where(table.c.email == "bob@example.com").values(emailVerified=True)
        )
    stranger = test_app.app.test_client()

    answers = [
        stranger.post(f"{BASE}/send-verification-email", json={"email": email})
        for email in ("nobody@example.com", "bob@example.com", "ann@example.com")
    ]

    assert [(a.status_code, a.json) for a in answers] == [(200, {"status": True})] * 3
    assert [m.rcpt_tos for m in smtp_server.inbox] == [["ann@example.com"]]


def test_send_verification_email_needs_a_sender(make_app: MakeApp) -> None:
    response = (
        make_app()
        .app.test_client()
        .post(f"{BASE}/send-verification-email", json={"email": "ann@example.com"})
    )
    assert response.status_code == 400
    assert response.json == {
        "message": "Verification email isn't enabled",
        "code": "VERIFICATION_EMAIL_NOT_ENABLED",
    }


def test_the_app_callback_and_hooks_get_the_user(make_app: MakeApp) -> None:
    calls: list[tuple[str, Any]] = []

    def send(user: Any, url: str, token: str) -> None:
        calls.append(("send", (user.email, user["id"], url, token)))

    test_app = make_app(
        email_verification={
            "send_verification_email": send,
            "send_on_sign_up": True,
            "before_email_verification": lambda user: calls.append(("before", user.email_verified)),
            "after_email_verification": lambda user: calls.append(("after", user.email_verified)),
        }
    )
    client = test_app.app.test_client()
    user_id = client.post(f"{BASE}/sign-up/email", json=ANN).json["user"]["id"]
    (_, (email, sent_id, url, token)) = calls[0]
    assert (email, sent_id) == ("ann@example.com", user_id)
    assert url == f"http://localhost/api/auth/verify-email?token={token}&callbackURL=%2F"

    with test_app.app.app_context():
        response = test_app.auth.api.verify_email(query={"token": token})

    assert response == {"status": True, "user": None}
    assert calls[1:] == [("before", False), ("after", True)]


def test_verify_email_on_the_api_face_redirects_through_headers(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app()
    test_app.app.test_client().post(f"{BASE}/sign-up/email", json=ANN)
    token = token_of(smtp_server.last().link)
    with test_app.app.test_request_context():
        reply = test_app.auth.api.verify_email(
            query={"token": token, "callbackURL": "/done"}, return_headers=True
        )
    assert reply.headers["Location"] == "/done"
    assert user_row(test_app, "ann@example.com")["emailVerified"] is True


def test_verification_reaches_sessions_kept_in_secondary_storage(
    mail_app: Callable[..., TestApp], smtp_server: SMTPServer
) -> None:
    test_app = mail_app(secondary_storage=MemoryStorage())
    laptop = test_app.app.test_client()
    laptop.post(f"{BASE}/sign-up/email", json=ANN)
    phone = test_app.app.test_client()
    phone.post(f"{BASE}/sign-in/email", json=ANN)

    follow(test_app.app.test_client(), smtp_server.last().link)

    for browser in (laptop, phone):
        session = browser.get(f"{BASE}/get-session", query_string={"disableCookieCache": "1"})
        assert session.json["user"]["emailVerified"] is True
