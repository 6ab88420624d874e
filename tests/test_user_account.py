"""Account changes end to end over HTTP: update-user, change-password, verify-password,
set-password (server only), change-email (mail over SMTP), delete-user (with the mailed
confirmation link) and list-accounts (spec 3.9, 3.11-3.15, 2.3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from flask_betterauth import APIError
from flask_betterauth.crypto import hash_token
from tests.helpers import PASSWORD
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows
from tests.mailserver import SMTPServer

MakeApp = Callable[..., TestApp]


ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
BOB = {"name": "Bob", "email": "bob@example.com", "password": PASSWORD}
BASE = "/api/auth"
NEW_PASSWORD = "another password 2"


def signed_up(test_app: TestApp, person: dict[str, str] = ANN) -> FlaskClient:
    """A browser in which ``person`` has just signed up (and so is signed in)."""
    client = test_app.app.test_client()
    response = client.post(f"{BASE}/sign-up/email", json=person)
    assert response.status_code == 200, response.json
    return client


def follow(client: FlaskClient, link: str) -> Any:
    parts = urlsplit(link)
    return client.get(parts.path, query_string=parts.query)


def session_of(client: FlaskClient) -> Any:
    return client.get(f"{BASE}/get-session", query_string={"disableCookieCache": "1"}).json


def fresh_user(test_app: TestApp, email: str = "ann@example.com") -> dict[str, Any]:
    (row,) = [r for r in rows(test_app, "user") if r["email"] == email]
    return row


def set_verified(test_app: TestApp, email: str) -> None:
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        table = test_app.state.models.tables["user"]
        conn.execute(table.update().where(table.c.email == email).values(emailVerified=True))


# -- update-user ---------------------------------------------------------------------------------


def test_update_user_changes_name_and_image_and_the_cookie_cache(make_app: MakeApp) -> None:
    test_app = make_app(
        session={"cookie_cache": {"enabled": True}},
        user={"additional_fields": {"locale": {"type": "string", "required": False}}},
    )
    client = signed_up(test_app)

    response = client.post(
        f"{BASE}/update-user",
        json={"name": "Annie", "image": "https://img.example/a.png", "locale": "fr"},
    )

    assert (response.status_code, response.json) == (200, {"status": True})
    assert any("better-auth.session_data=" in c for c in response.headers.getlist("Set-Cookie"))
    cached = client.get(f"{BASE}/get-session").json["user"]
    assert (cached["name"], cached["image"], cached["locale"]) == (
        "Annie",
        "https://img.example/a.png",
        "fr",
    )
    row = fresh_user(test_app)
    assert (row["name"], row["locale"]) == ("Annie", "fr")
    assert row["updatedAt"] > row["createdAt"] or row["updatedAt"] == row["createdAt"]

    cleared = client.post(f"{BASE}/update-user", json={"image": None})
    assert cleared.status_code == 200
    assert fresh_user(test_app)["image"] is None


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        (
            {"email": "new@example.com"},
            400,
            {"message": "Email can not be updated", "code": "EMAIL_CAN_NOT_BE_UPDATED"},
        ),
        ({}, 400, {"message": "No fields to update"}),
        ({"emailVerified": True, "id": "x"}, 400, {"message": "No fields to update"}),
        ([1, 2], 400, {"message": "Body must be an object", "code": "BODY_MUST_BE_AN_OBJECT"}),
        (
            {"name": 42},
            400,
            {"message": "[body.name] Invalid input: expected string", "code": "VALIDATION_ERROR"},
        ),
    ],
    ids=["email", "nothing", "core-fields-only", "array", "name-not-a-string"],
)
def test_update_user_refusals(
    make_app: MakeApp, body: Any, status: int, answer: dict[str, str]
) -> None:
    test_app = make_app()
    client = signed_up(test_app)
    response = client.post(f"{BASE}/update-user", json=body)
    assert (response.status_code, response.json) == (status, answer)
    assert fresh_user(test_app)["name"] == "Ann"
    assert fresh_user(test_app)["emailVerified"] is False


def test_update_user_needs_a_session(make_app: MakeApp) -> None:
    response = make_app().app.test_client().post(f"{BASE}/update-user", json={"name": "X"})
    assert (response.status_code, response.json["code"]) == (401, "UNAUTHORIZED")


def test_server_only_fields_cannot_be_set(make_app: MakeApp) -> None:
    test_app = make_app(
        user={
            "additional_fields": {
                "role": {"type": "string", "input": False, "default_value": "user"}
            }
        }
    )
    client = signed_up(test_app)
    response = client.post(f"{BASE}/update-user", json={"role": "admin"})
    assert (response.status_code, response.json["code"]) == (400, "FIELD_NOT_ALLOWED")
    assert fresh_user(test_app)["role"] == "user"


# -- change-password, verify-password, set-password ------------------------------------------------


def test_change_password_keeps_sessions_unless_asked(make_app: MakeApp) -> None:
    test_app = make_app()
    laptop = signed_up(test_app)
    phone = test_app.app.test_client()
    phone.post(f"{BASE}/sign-in/email", json=ANN)

    wrong = laptop.post(
        f"{BASE}/change-password",
        json={"currentPassword": "not it at all", "newPassword": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert wrong.json == {"message": "Invalid password", "code": "INVALID_PASSWORD"}

    changed = laptop.post(
        f"{BASE}/change-password", json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )
    assert changed.status_code == 200
    assert changed.json["token"] is None
    assert changed.json["user"]["email"] == "ann@example.com"
    assert session_of(phone) is not None and session_of(laptop) is not None

    stranger = test_app.app.test_client()
    assert stranger.post(f"{BASE}/sign-in/email", json=ANN).status_code == 401
    assert (
        stranger.post(f"{BASE}/sign-in/email", json={**ANN, "password": NEW_PASSWORD}).status_code
        == 200
    )


def test_change_password_can_end_every_other_session(make_app: MakeApp) -> None:
    test_app = make_app()
    laptop = signed_up(test_app)
    old_token = session_of(laptop)["session"]["token"]
    phone = test_app.app.test_client()
    phone.post(f"{BASE}/sign-in/email", json=ANN)

    changed = laptop.post(
        f"{BASE}/change-password",
        json={
            "currentPassword": PASSWORD,
            "newPassword": NEW_PASSWORD,
            "revokeOtherSessions": True,
        },
    )

    assert changed.status_code == 200
    new_token = changed.json["token"]
    assert new_token and new_token != old_token
    assert session_of(phone) is None
    assert session_of(laptop)["session"]["token"] == new_token
    assert len(rows(test_app, "session")) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"currentPassword": PASSWORD, "newPassword": "short"}, "PASSWORD_TOO_SHORT"),
        ({"currentPassword": PASSWORD, "newPassword": "x" * 129}, "PASSWORD_TOO_LONG"),
        ({"currentPassword": "x" * 129, "newPassword": NEW_PASSWORD}, "PASSWORD_TOO_LONG"),
        ({"currentPassword": PASSWORD}, "VALIDATION_ERROR"),
        (
            {
                "currentPassword": PASSWORD,
                "newPassword": NEW_PASSWORD,
                "revokeOtherSessions": "yes",
            },
            "VALIDATION_ERROR",
        ),
    ],
    ids=["too-short", "too-long", "current-too-long", "missing-new", "bad-flag"],
)
def test_change_password_refusals(make_app: MakeApp, body: dict[str, Any], code: str) -> None:
    test_app = make_app()
    client = signed_up(test_app)
    response = client.post(f"{BASE}/change-password", json=body)
    assert (response.status_code, response.json["code"]) == (400, code)
    assert client.post(f"{BASE}/sign-in/email", json=ANN).status_code == 200


def test_verify_password(make_app: MakeApp) -> None:
    test_app = make_app()
    client = signed_up(test_app)
    assert client.post(f"{BASE}/verify-password", json={"password": PASSWORD}).json == {
        "status": True
    }
    wrong = client.post(f"{BASE}/verify-password", json={"password": "nope nope"})
    assert (wrong.status_code, wrong.json["code"]) == (400, "INVALID_PASSWORD")
    anonymous = test_app.app.test_client().post(
        f"{BASE}/verify-password", json={"password": PASSWORD}
    )
    assert anonymous.status_code == 401


def test_set_password_is_server_only_and_for_users_without_one(make_app: MakeApp) -> None:
    test_app = make_app()
    client = signed_up(test_app)
    assert (
        client.post(f"{BASE}/set-password", json={"newPassword": NEW_PASSWORD}).status_code == 404
    )
    cookie = client.get_cookie("better-auth.session_token")
    assert cookie is not None
    headers = {"Cookie": f"better-auth.session_token={cookie.value}"}

    with test_app.app.app_context(), pytest.raises(APIError) as raised:
        test_app.auth.api.set_password(body={"newPassword": NEW_PASSWORD}, headers=headers)
    assert (raised.value.status, raised.value.code) == (400, "PASSWORD_ALREADY_SET")

    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        conn.execute(test_app.state.models.tables["account"].delete())
    with test_app.app.app_context():
        answer = test_app.auth.api.set_password(body={"newPassword": NEW_PASSWORD}, headers=headers)
    assert answer == {"status": True}
    (account,) = rows(test_app, "account")
    assert account["providerId"] == "credential"
    signed_in = client.post(f"{BASE}/sign-in/email", json={**ANN, "password": NEW_PASSWORD})
    assert signed_in.status_code == 200


# -- change-email --------------------------------------------------------------------------------


@pytest.fixture
def mail_app(make_app: MakeApp, smtp_server: SMTPServer) -> Callable[..., TestApp]:
    def build(**change_email: Any) -> TestApp:
        return make_app(
            smtp_server.config(),
            user={"change_email": {"enabled": True, **change_email}},
            session={"cookie_cache": {"enabled": True}},
        )

    return build


def test_change_email_by_a_link_to_the_new_address(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app()
    client = signed_up(test_app)

    response = client.post(
        f"{BASE}/change-email", json={"newEmail": "Ann.New@Example.com", "callbackURL": "/settings"}
    )

    assert (response.status_code, response.json) == (200, {"status": True})
    assert fresh_user(test_app)["email"] == "ann@example.com"  # not until the link is opened
    mail = smtp_server.last()
    assert mail.rcpt_tos == ["ann.new@example.com"]
    assert mail.subject == "Confirm your new email address for Better Auth"
    opened = follow(client, mail.link)
    assert (opened.status_code, opened.headers["Location"]) == (302, "/settings")
    assert fresh_user(test_app, "ann.new@example.com")["emailVerified"] is False
    assert client.get(f"{BASE}/get-session").json["user"]["email"] == "ann.new@example.com"

    replay = client.get(
        urlsplit(mail.link).path,
        query_string={"token": parse_qs(urlsplit(mail.link).query)["token"][0]},
    )
    assert (replay.status_code, replay.json["code"]) == (401, "INVALID_TOKEN")


def test_change_email_of_a_verified_user_asks_the_old_address_first(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(send_change_email_confirmation=True)
    client = signed_up(test_app)
    set_verified(test_app, "ann@example.com")
    client.get(f"{BASE}/get-session", query_string={"disableCookieCache": "1"})

    client.post(f"{BASE}/change-email", json={"newEmail": "ann2@example.com"})
    confirmation = smtp_server.last()
    assert confirmation.rcpt_tos == ["ann@example.com"]
    assert "from ann@example.com to ann2@example.com" in " ".join(confirmation.text.split())

    confirmed = test_app.app.test_client().get(
        urlsplit(confirmation.link).path, query_string=urlsplit(confirmation.link).query
    )
    assert (confirmed.status_code, confirmed.headers["Location"]) == (302, "/")
    verification = smtp_server.last()
    assert verification.rcpt_tos == ["ann2@example.com"]
    assert fresh_user(test_app)["email"] == "ann@example.com"

    follow(client, verification.link)
    row = fresh_user(test_app, "ann2@example.com")
    assert row["emailVerified"] is True  # a verified user stays verified


def test_change_email_link_opened_by_another_signed_in_user_is_refused(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app()
    ann = signed_up(test_app)
    bob = signed_up(test_app, BOB)
    ann.post(f"{BASE}/change-email", json={"newEmail": "ann2@example.com"})
    link = smtp_server.last().link
    token = parse_qs(urlsplit(link).query)["token"][0]

    response = bob.get(f"{BASE}/verify-email", query_string={"token": token})

    assert (response.status_code, response.json["code"]) == (401, "INVALID_USER")
    assert fresh_user(test_app)["email"] == "ann@example.com"


def test_change_email_without_verification_for_unverified_users(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(update_email_without_verification=True)
    client = signed_up(test_app)

    response = client.post(f"{BASE}/change-email", json={"newEmail": "ann2@example.com"})

    assert response.status_code == 200
    assert fresh_user(test_app, "ann2@example.com")["emailVerified"] is False
    assert client.get(f"{BASE}/get-session").json["user"]["email"] == "ann2@example.com"
    mail = smtp_server.last()
    assert mail.rcpt_tos == ["ann2@example.com"]
    follow(client, mail.link)
    assert fresh_user(test_app, "ann2@example.com")["emailVerified"] is True


def test_change_email_to_a_taken_address_says_nothing(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(update_email_without_verification=True)
    client = signed_up(test_app)
    signed_up(test_app, BOB)

    response = client.post(f"{BASE}/change-email", json={"newEmail": "BOB@example.com"})

    assert (response.status_code, response.json) == (200, {"status": True})
    assert smtp_server.inbox == []
    assert fresh_user(test_app)["email"] == "ann@example.com"


def test_change_email_refusals(make_app: MakeApp, smtp_server: SMTPServer) -> None:
    disabled = signed_up(make_app(smtp_server.config()))
    response = disabled.post(f"{BASE}/change-email", json={"newEmail": "x@example.com"})
    assert response.json == {"message": "Change email is disabled", "code": "CHANGE_EMAIL_DISABLED"}

    # The apps share one database: each signs up someone else.
    no_sender = signed_up(make_app(user={"change_email": {"enabled": True}}), BOB)
    response = no_sender.post(f"{BASE}/change-email", json={"newEmail": "x@example.com"})
    assert (response.status_code, response.json) == (
        400,
        {"message": "Verification email isn't enabled"},
    )

    carol = {**ANN, "email": "carol@example.com"}
    same = signed_up(
        make_app(smtp_server.config(), user={"change_email": {"enabled": True}}), carol
    )
    response = same.post(f"{BASE}/change-email", json={"newEmail": "CAROL@example.com"})
    assert (response.status_code, response.json) == (400, {"message": "Email is the same"})


def test_a_change_email_mail_that_fails_changes_nothing(
    mail_app: Callable[..., TestApp],
    smtp_server: SMTPServer,
) -> None:
    test_app = mail_app(update_email_without_verification=True)
    client = signed_up(test_app)
    smtp_server.stop()
    try:
        response = client.post(f"{BASE}/change-email", json={"newEmail": "ann2@example.com"})
    finally:
        smtp_server.start()
    assert (response.status_code, response.json["code"]) == (503, "EMAIL_SEND_FAILED")
    assert fresh_user(test_app)["email"] == "ann@example.com"


# -- delete-user -----------------------------------------------------------------------------------


def test_delete_user_with_a_fresh_session(make_app: MakeApp) -> None:
    deleted: list[str] = []
    test_app = make_app(
        user={
            "delete_user": {
                "enabled": True,
                "after_delete": lambda user: deleted.append(user.email),
            }
        }
    )
    client = signed_up(test_app)
    signed_up(test_app, BOB)

    response = client.post(f"{BASE}/delete-user", json={})

    assert (response.status_code, response.json) == (
        200,
        {"success": True, "message": "User deleted"},
    )
    expired = [c for c in response.headers.getlist("Set-Cookie") if "Max-Age=0" in c]
    assert any(c.startswith("better-auth.session_token=") for c in expired)
    assert [r["email"] for r in rows(test_app, "user")] == ["bob@example.com"]
    assert {r["userId"] for r in rows(test_app, "account")} == {
        fresh_user(test_app, "bob@example.com")["id"]
    }
    assert session_of(client) is None
    assert deleted == ["ann@example.com"]


def test_a_stale_session_needs_the_password(make_app: MakeApp, clock: Clock) -> None:
    test_app = make_app(user={"delete_user": {"enabled": True}})
    client = signed_up(test_app)
    clock.advance(days=1, seconds=1)

    stale = client.post(f"{BASE}/delete-user", json={})
    assert stale.status_code == 400
    assert stale.json == {
        "message": "Session expired. Re-authenticate to perform this action.",
        "code": "SESSION_EXPIRED",
    }
    wrong = client.post(f"{BASE}/delete-user", json={"password": "not the password"})
    assert (wrong.status_code, wrong.json["code"]) == (400, "INVALID_PASSWORD")
    assert len(rows(test_app, "user")) == 1

    right = client.post(f"{BASE}/delete-user", json={"password": PASSWORD})
    assert right.json == {"success": True, "message": "User deleted"}
    assert rows(test_app, "user") == []


def test_delete_user_disabled_is_an_empty_404(make_app: MakeApp) -> None:
    client = signed_up(make_app())
    response = client.post(f"{BASE}/delete-user", json={})
    assert response.status_code == 404 and response.data == b""
    callback = client.get(f"{BASE}/delete-user/callback", query_string={"token": "x"})
    assert callback.status_code == 404
    assert callback.json == {"message": "Not found", "code": "NOT_FOUND"}


def test_before_delete_can_refuse(make_app: MakeApp) -> None:
    def refuse(user: Any) -> None:
        raise APIError(400, "HAS_OPEN_ORDERS", "Close your orders first")

    test_app = make_app(user={"delete_user": {"enabled": True, "before_delete": refuse}})
    client = signed_up(test_app)
    response = client.post(f"{BASE}/delete-user", json={})
    assert response.json == {"message": "Close your orders first", "code": "HAS_OPEN_ORDERS"}
    assert len(rows(test_app, "user")) == 1 and session_of(client) is not None


@pytest.fixture
def delete_app(make_app: MakeApp, smtp_server: SMTPServer) -> TestApp:
    return make_app(
        smtp_server.config(),
        user={"delete_user": {"enabled": True, "send_delete_account_verification": True}},
    )


def test_delete_user_by_the_mailed_link(delete_app: TestApp, smtp_server: SMTPServer) -> None:
    client = signed_up(delete_app)

    response = client.post(f"{BASE}/delete-user", json={"callbackURL": "/goodbye"})

    assert response.json == {"success": True, "message": "Verification email sent"}
    assert len(rows(delete_app, "user")) == 1
    mail = smtp_server.last()
    assert mail.subject == "Confirm the deletion of your Better Auth account"
    parts = urlsplit(mail.link)
    assert parts.path == "/api/auth/delete-user/callback"
    token = parse_qs(parts.query)["token"][0]
    assert len(token) == 32 and token == token.lower() and token.isalnum()
    assert parts.query.endswith("&callbackURL=%2Fgoodbye")
    (row,) = rows(delete_app, "verification")
    assert row["identifier"] == f"delete-account-{hash_token(token)}"

    stranger = delete_app.app.test_client()
    refused = follow(stranger, mail.link)
    assert (refused.status_code, refused.json["code"]) == (404, "FAILED_TO_GET_USER_INFO")

    opened = follow(client, mail.link)
    assert (opened.status_code, opened.headers["Location"]) == (302, "/goodbye")
    assert rows(delete_app, "user") == [] and rows(delete_app, "verification") == []
    assert session_of(client) is None


def test_a_deletion_token_is_only_for_its_own_user_and_only_once(
    delete_app: TestApp,
    smtp_server: SMTPServer,
) -> None:
    ann = signed_up(delete_app)
    bob = signed_up(delete_app, BOB)
    ann.post(f"{BASE}/delete-user", json={})
    token = parse_qs(urlsplit(smtp_server.last().link).query)["token"][0]

    foreign = bob.post(f"{BASE}/delete-user", json={"token": token})
    assert foreign.status_code == 404
    assert foreign.json == {"message": "Invalid token", "code": "INVALID_TOKEN"}
    assert len(rows(delete_app, "user")) == 2 and len(rows(delete_app, "verification")) == 1

    tampered = ann.post(
        f"{BASE}/delete-user", json={"token": token[:-1] + ("0" if token[-1] != "0" else "1")}
    )
    assert (tampered.status_code, tampered.json["code"]) == (404, "INVALID_TOKEN")

    done = ann.post(f"{BASE}/delete-user", json={"token": token})
    assert done.json == {"success": True, "message": "User deleted"}
    assert [r["email"] for r in rows(delete_app, "user")] == ["bob@example.com"]


def test_an_expired_deletion_link_is_refused(
    make_app: MakeApp,
    smtp_server: SMTPServer,
    clock: Clock,
) -> None:
    test_app = make_app(
        smtp_server.config(),
        user={
            "delete_user": {
                "enabled": True,
                "send_delete_account_verification": True,
                "delete_token_expires_in": 600,
            }
        },
        session={"fresh_age": 0},
    )
    client = signed_up(test_app)
    client.post(f"{BASE}/delete-user", json={})
    assert "works once, for 10 minutes" in smtp_server.last().text
    clock.advance(seconds=600)

    response = follow(client, smtp_server.last().link)

    assert (response.status_code, response.json["code"]) == (404, "INVALID_TOKEN")
    assert len(rows(test_app, "user")) == 1


def test_a_deletion_mail_that_fails_leaves_no_token(
    delete_app: TestApp,
    smtp_server: SMTPServer,
) -> None:
    client = signed_up(delete_app)
    smtp_server.stop()
    try:
        response = client.post(f"{BASE}/delete-user", json={})
    finally:
        smtp_server.start()
    assert (response.status_code, response.json["code"]) == (503, "EMAIL_SEND_FAILED")
    assert rows(delete_app, "verification") == []
    assert len(rows(delete_app, "user")) == 1


def test_delete_account_callback_from_the_app(make_app: MakeApp) -> None:
    sent: list[tuple[Any, str, str]] = []
    test_app = make_app(
        user={
            "delete_user": {
                "enabled": True,
                "send_delete_account_verification": lambda u, url, t: sent.append((u, url, t)),
            }
        }
    )
    client = signed_up(test_app)
    client.post(f"{BASE}/delete-user", json={})
    ((user, url, token),) = sent
    assert user.email == "ann@example.com"
    assert url == f"http://localhost/api/auth/delete-user/callback?token={token}&callbackURL=%2F"
    response = client.get(f"{BASE}/delete-user/callback", query_string={"token": token})
    assert response.json == {"success": True, "message": "User deleted"}


# -- list-accounts ---------------------------------------------------------------------------------


def test_list_accounts(make_app: MakeApp) -> None:
    test_app = make_app()
    client = signed_up(test_app)
    user_id = session_of(client)["user"]["id"]
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        table = test_app.state.models.tables["account"]
        conn.execute(
            table.insert().values(
                id="gh1",
                accountId="12345",
                providerId="github",
                userId=user_id,
                accessToken="secret-access",
                refreshToken="secret-refresh",
                scope="read:user, user:email",
                createdAt=fresh_user(test_app)["createdAt"],
                updatedAt=fresh_user(test_app)["createdAt"],
            )
        )

    response = client.get(f"{BASE}/list-accounts")

    assert response.status_code == 200
    credential, github = response.json
    assert set(credential) == {
        "id",
        "providerId",
        "accountId",
        "userId",
        "createdAt",
        "updatedAt",
        "scopes",
    }
    assert (credential["providerId"], credential["accountId"], credential["scopes"]) == (
        "credential",
        user_id,
        [],
    )
    assert (github["providerId"], github["scopes"]) == ("github", ["read:user", "user:email"])
    assert "secret" not in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True)
    assert test_app.app.test_client().get(f"{BASE}/list-accounts").status_code == 401
