"""Mail: the SMTP sender against a real server (plain, login, STARTTLS, SMTPS), the
development sender, templates and their overrides, the choice of sender, and what a
caller sees when mail cannot be sent."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import BetterAuthError
from flask_betterauth import jwt
from flask_betterauth.clock import now
from flask_betterauth.mail import Mail
from flask_betterauth.mail import MailError
from flask_betterauth.mail import build_sender
from flask_betterauth.mail.dev import DevSender
from flask_betterauth.mail.dev import read_log
from flask_betterauth.mail.smtp import SMTPSender
from tests.helpers import PASSWORD
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows
from tests.mailserver import SMTPServer
from tests.mailserver import TLSFiles
from tests.mailserver import make_tls_files
from tests.servers import free_port

MakeApp = Callable[..., TestApp]


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    """A self-signed certificate the test servers present and the test clients trust."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def _mail(**changes: Any) -> Mail:
    values: dict[str, Any] = {
        "kind": "verify-email",
        "to": "ann@example.com",
        "subject": "Verify your email address",
        "text": "Open http://localhost/x?token=abc\n",
        "html": "<p><a href='http://localhost/x?token=abc'>Open</a></p>",
        "url": "http://localhost/x?token=abc",
        "token": "abc",
    }
    values.update(changes)
    return Mail(**values)


# -- the SMTP sender against real servers ------------------------------------------------------


def test_smtp_sender_delivers_text_and_html(smtp_server: SMTPServer) -> None:
    sender = SMTPSender(smtp_server.host, smtp_server.port, sender="Example <auth@example.com>")

    sender.send(_mail(subject="Hello Ünïcode"))

    received = smtp_server.last()
    assert received.rcpt_tos == ["ann@example.com"]
    assert received.mail_from == "auth@example.com"
    assert received.subject == "Hello Ünïcode"
    assert received.text == "Open http://localhost/x?token=abc\n"
    assert "<a href='http://localhost/x?token=abc'>" in received.html
    assert received.message["Message-ID"].endswith("@example.com>")


def test_smtp_sender_logs_in_over_starttls(tls_files: TLSFiles) -> None:
    server = SMTPServer(login=("mailer", "s3cret"), starttls=tls_files.server_context())
    server.start()
    try:
        sender = SMTPSender(
            server.host,
            server.port,
            sender="auth@example.com",
            use_tls=True,
            username="mailer",
            password="s3cret",
            ssl_context=tls_files.client_context(),
        )
        sender.send(_mail())
    finally:
        server.stop()
    assert server.last().rcpt_tos == ["ann@example.com"]
    assert server.failed_logins == 0


def test_smtp_sender_speaks_implicit_tls(tls_files: TLSFiles) -> None:
    server = SMTPServer(implicit_tls=tls_files.server_context())
    server.start()
    try:
        sender = SMTPSender(
            server.host,
            server.port,
            sender="auth@example.com",
            use_ssl=True,
            ssl_context=tls_files.client_context(),
        )
        sender.send(_mail())
    finally:
        server.stop()
    assert server.last().subject == "Verify your email address"


def test_smtp_sender_refuses_an_untrusted_certificate(tls_files: TLSFiles) -> None:
    server = SMTPServer(starttls=tls_files.server_context())
    server.start()
    try:
        sender = SMTPSender(server.host, server.port, sender="auth@example.com", use_tls=True)
        with pytest.raises(MailError, match="TLS with the SMTP server"):
            sender.send(_mail())
    finally:
        server.stop()
    assert server.inbox == []


def test_smtp_sender_reports_a_refused_login_without_the_password(
    tls_files: TLSFiles,
) -> None:
    server = SMTPServer(login=("mailer", "s3cret"), starttls=tls_files.server_context())
    server.start()
    try:
        sender = SMTPSender(
            server.host,
            server.port,
            sender="auth@example.com",
            use_tls=True,
            username="mailer",
            password="wrong-password",
            ssl_context=tls_files.client_context(),
        )
        with pytest.raises(MailError, match="refused the login") as raised:
            sender.send(_mail())
    finally:
        server.stop()
    assert "wrong-password" not in str(raised.value)
    assert server.failed_logins >= 1  # smtplib tries each mechanism the server offers
    assert server.inbox == []


def test_smtp_sender_reports_an_unreachable_server() -> None:
    sender = SMTPSender("127.0.0.1", free_port(), sender="auth@example.com", timeout=5)
    with pytest.raises(MailError, match="could not reach the SMTP server 127.0.0.1"):
        sender.send(_mail())


def test_smtp_sender_from_config_reads_the_mail_keys() -> None:
    sender = SMTPSender.from_config(
        {
            "MAIL_SERVER": "smtp.example.com",
            "MAIL_USE_TLS": True,
            "MAIL_USERNAME": "user",
            "MAIL_PASSWORD": "pw",
            "MAIL_DEFAULT_SENDER": ("Example", "noreply@example.com"),
            "MAIL_TIMEOUT": 3,
        }
    )
    assert (sender.host, sender.port, sender.use_tls, sender.use_ssl) == (
        "smtp.example.com",
        587,
        True,
        False,
    )
    assert (sender.username, sender.password, sender.timeout) == ("user", "pw", 3.0)
    assert sender.sender == "Example <noreply@example.com>"
    assert (
        SMTPSender.from_config({"MAIL_USE_SSL": True, "MAIL_DEFAULT_SENDER": "a@example.com"}).port
        == 465
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "MAIL_DEFAULT_SENDER"),
        (
            {"MAIL_DEFAULT_SENDER": "a@example.com", "MAIL_USE_TLS": True, "MAIL_USE_SSL": True},
            "not both",
        ),
    ],
    ids=["no-sender-address", "tls-and-ssl"],
)
def test_smtp_configuration_mistakes_fail_at_start(config: dict[str, Any], message: str) -> None:
    with pytest.raises(BetterAuthError, match=message):
        build_sender(None, {"BETTER_AUTH_MAIL": "smtp", **config})


# -- the development sender -------------------------------------------------------------------


def test_dev_sender_prints_and_appends_json_lines(tmp_path: Path) -> None:
    log = tmp_path / "outbox" / "mail.jsonl"
    stream = io.StringIO()
    sender = DevSender(log, stream=stream)

    sender.send(_mail())
    sender.send(_mail(kind="reset-password", to="bob@example.com", token="t2"))

    printed = stream.getvalue()
    assert "Mail (verify-email) to ann@example.com" in printed
    assert "Link: http://localhost/x?token=abc" in printed
    lines = log.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "type": "verify-email",
            "email": "ann@example.com",
            "subject": "Verify your email address",
            "url": "http://localhost/x?token=abc",
            "token": "abc",
        },
        {
            "type": "reset-password",
            "email": "bob@example.com",
            "subject": "Verify your email address",
            "url": "http://localhost/x?token=abc",
            "token": "t2",
        },
    ]
    assert read_log(log)[1]["token"] == "t2"
    assert read_log(tmp_path / "missing.jsonl") == []


def test_dev_sender_is_chosen_by_config(
    make_app: MakeApp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "mail.jsonl"
    test_app = make_app(
        {"BETTER_AUTH_MAIL": "dev", "BETTER_AUTH_MAIL_LOG": str(log)},
        email_verification={"send_on_sign_up": True},
    )
    response = test_app.app.test_client().post("/api/auth/sign-up/email", json=ANN)

    assert response.status_code == 200
    (entry,) = read_log(log)
    assert entry["type"] == "verify-email" and entry["email"] == "ann@example.com"
    assert entry["url"].startswith("http://localhost/api/auth/verify-email?token=")
    assert entry["url"].endswith(f"token={entry['token']}&callbackURL=%2F")
    assert entry["url"] in capsys.readouterr().out


# -- choosing the sender -------------------------------------------------------------------------


class _Collecting:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)


def test_an_own_sender_object_receives_rendered_mail(make_app: MakeApp) -> None:
    sender = _Collecting()
    test_app = make_app(
        mail_sender=sender, app_name="Example", email_verification={"send_on_sign_up": True}
    )
    test_app.app.test_client().post("/api/auth/sign-up/email", json=ANN)

    (mail,) = sender.sent
    assert (mail.kind, mail.to) == ("verify-email", "ann@example.com")
    assert mail.subject == "Verify your email address for Example"
    assert mail.url in mail.text and mail.url.replace("&", "&amp;") in mail.html
    assert "Hello Ann," in mail.text
    assert "works for 1 hour" in mail.text
    assert jwt.decode(mail.token, b"test-secret-0123456789-0123456789-abcdef")["email"] == (
        "ann@example.com"
    )


@pytest.mark.parametrize(
    ("choice", "config", "message"),
    [
        ("carrier-pigeon", {}, "must be 'smtp' or 'dev'"),
        (object(), {}, "send\\(mail\\) method"),
        (None, {"BETTER_AUTH_MAIL": "fax"}, "must be 'smtp' or 'dev'"),
    ],
    ids=["unknown-name", "no-send-method", "unknown-config-name"],
)
def test_a_bad_sender_choice_fails_at_start(
    make_app: MakeApp, choice: Any, config: dict[str, Any], message: str
) -> None:
    with pytest.raises(BetterAuthError, match=message):
        make_app(config, mail_sender=choice)


@pytest.mark.parametrize(
    "options",
    [
        {"email_verification": {"send_verification_email": True}},
        {"email_and_password": {"send_reset_password": True}},
        {"user": {"delete_user": {"enabled": True, "send_delete_account_verification": True}}},
        {"user": {"change_email": {"enabled": True, "send_change_email_confirmation": True}}},
    ],
    ids=["verification", "reset", "delete", "change-email"],
)
def test_asking_for_the_built_in_sender_without_one_fails_at_start(
    make_app: MakeApp, options: dict[str, Any]
) -> None:
    with pytest.raises(BetterAuthError, match="no mail sender is configured"):
        make_app(**options)


@pytest.mark.parametrize("name", ["send_on_sign_up", "send_on_sign_in"])
def test_sending_on_sign_up_or_in_without_a_sender_fails_at_start(
    make_app: MakeApp, name: str
) -> None:
    with pytest.raises(BetterAuthError, match=f"email_verification.{name} is on"):
        make_app(email_verification={name: True})


def test_without_a_sender_the_mail_flows_are_off(make_app: MakeApp) -> None:
    test_app = make_app()
    with test_app.app.app_context():
        mailer = test_app.app.extensions["betterauth"].mailer
    purposes = ("verification", "reset_password", "change_email_confirmation", "delete_account")
    assert [mailer.can_send(p) for p in purposes] == [False] * 4


def test_a_sender_turns_on_verification_and_reset_only(make_app: MakeApp) -> None:
    test_app = make_app(mail_sender=_Collecting())
    mailer = test_app.app.extensions["betterauth"].mailer
    purposes = ("verification", "reset_password", "change_email_confirmation", "delete_account")
    assert [mailer.can_send(p) for p in purposes] == [True, True, False, False]


def test_false_turns_a_flow_off_despite_a_sender(make_app: MakeApp) -> None:
    test_app = make_app(
        mail_sender=_Collecting(), email_and_password={"send_reset_password": False}
    )
    response = test_app.app.test_client().post(
        "/api/auth/request-password-reset", json={"email": "ann@example.com"}
    )
    assert response.status_code == 400
    assert response.json == {
        "message": "Reset password isn't enabled",
        "code": "RESET_PASSWORD_DISABLED",
    }


# -- templates -------------------------------------------------------------------------------------


def test_an_app_template_of_the_same_name_replaces_the_default(
    make_app: MakeApp, tmp_path: Path
) -> None:
    folder = tmp_path / "templates" / "betterauth" / "mail"
    folder.mkdir(parents=True)
    (folder / "reset_password.txt").write_text(
        '{% set subject = "Your " ~ app_name ~ " reset link" %}Hi {{ user.name }}: {{ url }}\n'
    )
    sender = _Collecting()
    test_app = make_app(mail_sender=sender, app_name="Shop")
    test_app.app.template_folder = str(tmp_path / "templates")
    client = test_app.app.test_client()
    client.post("/api/auth/sign-up/email", json=ANN)

    client.post("/api/auth/request-password-reset", json={"email": "ann@example.com"})

    (mail,) = sender.sent
    assert mail.subject == "Your Shop reset link"
    assert mail.text == f"Hi Ann: {mail.url}\n"
    assert "Choose a new password" in mail.html  # the HTML template is still the package's


@pytest.mark.parametrize(
    "kind",
    [
        "verify-email",
        "change-email-verification",
        "change-email-confirmation",
        "reset-password",
        "delete-account",
    ],
)
def test_every_default_template_renders_the_link(make_app: MakeApp, kind: str) -> None:
    test_app = make_app(mail_sender=_Collecting(), app_name="Shop")
    mailer = test_app.app.extensions["betterauth"].mailer
    url = "https://shop.example/api/auth/x?token=t&callbackURL=%2F"

    subject, text, html = mailer.render(
        kind,
        user={"name": "Ann <b>", "email": "ann@example.com"},
        email="ann@example.com",
        url=url,
        token="t",
        new_email="new@example.com",
        expires_in=7200,
        expires_text="2 hours",
    )

    assert "Shop" in subject
    assert url in text and "Ann <b>" in text
    assert url.replace("&", "&amp;") in html
    assert "Ann &lt;b&gt;" in html and "Ann <b>" not in html


# -- failures reach the caller, and leave nothing behind ------------------------------------------


def test_an_unreachable_smtp_server_on_a_reset_answers_200_logs_and_leaves_no_token(
    make_app: MakeApp,
    smtp_server: SMTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The anonymous reset request answers alike for every address, a mail outage
    included (a 503 would tell that the address has an account): the failure is logged."""
    test_app = make_app(smtp_server.config())
    client = test_app.app.test_client()
    client.post("/api/auth/sign-up/email", json=ANN)
    smtp_server.stop()
    try:
        known = client.post("/api/auth/request-password-reset", json={"email": ANN["email"]})
        unknown = client.post("/api/auth/request-password-reset", json={"email": "x@example.com"})
    finally:
        smtp_server.start()

    assert known.status_code == unknown.status_code == 200
    assert known.data == unknown.data
    assert "the password-reset mail failed (EMAIL_SEND_FAILED)" in caplog.text
    assert rows(test_app, "verification") == []
    retry = client.post("/api/auth/request-password-reset", json={"email": "ann@example.com"})
    assert retry.status_code == 200
    assert smtp_server.last().subject.startswith("Reset your password")


def test_a_failing_reset_callback_is_logged_behind_the_generic_answer(
    make_app: MakeApp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from flask_betterauth import APIError

    def broken(user: Any, url: str, token: str) -> None:
        raise RuntimeError("provider down")

    def refusing(user: Any, url: str, token: str) -> None:
        raise APIError(429, "TOO_MANY_MAILS", "Slow down")

    for callback, code in ((broken, "EMAIL_SEND_FAILED"), (refusing, "TOO_MANY_MAILS")):
        test_app = make_app(email_and_password={"send_reset_password": callback})
        client = test_app.app.test_client()
        client.post("/api/auth/sign-up/email", json=ANN)
        response = client.post("/api/auth/request-password-reset", json={"email": ANN["email"]})
        assert (response.status_code, response.json["status"]) == (200, True)
        assert f"the password-reset mail failed ({code})" in caplog.text
        assert rows(test_app, "verification") == []


# -- the verification JWT --------------------------------------------------------------------------

KEY = b"a-secret-key-for-jwt-tests-0123456789"


def test_jwt_round_trip_and_claims_order(clock: Clock) -> None:
    token = jwt.encode({"email": "a@b.c", "updateTo": None, "userId": "u1"}, KEY, 3600)
    header, payload, _ = token.split(".")
    assert header == "eyJhbGciOiJIUzI1NiJ9"  # {"alg":"HS256"}, as jose writes it
    issued = int(now().timestamp())
    assert jwt.decode(token, KEY) == {
        "email": "a@b.c",
        "userId": "u1",
        "iat": issued,
        "exp": issued + 3600,
    }
    assert list(jwt.decode(token, KEY)) == ["email", "userId", "iat", "exp"]


def test_jwt_expires_exactly_at_exp(clock: Clock) -> None:
    token = jwt.encode({"email": "a@b.c"}, KEY, 60)
    clock.advance(seconds=59)
    assert jwt.decode(token, KEY)["email"] == "a@b.c"
    clock.advance(seconds=1)
    with pytest.raises(jwt.ExpiredToken):
        jwt.decode(token, KEY)


def _forge(header: dict[str, Any], payload: dict[str, Any], key: bytes = KEY) -> str:
    from flask_betterauth.crypto import b64url
    from flask_betterauth.crypto import hmac_sha256

    head = b64url(json.dumps(header).encode())
    body = b64url(json.dumps(payload).encode())
    return f"{head}.{body}.{b64url(hmac_sha256(key, f'{head}.{body}'))}"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not.a.jwt",
        "a.b",
        _forge({"alg": "none"}, {"email": "a@b.c"}),
        _forge({"alg": "HS512"}, {"email": "a@b.c"}),
        _forge({"alg": "HS256"}, {"email": "a@b.c"}, key=b"another-key"),
        _forge({"alg": "HS256", "crit": ["b64"]}, {"email": "a@b.c"}),
        _forge({"alg": "HS256"}, ["not", "an", "object"]),  # type: ignore[arg-type]
        _forge({"alg": "HS256"}, {"email": "a@b.c", "exp": "tomorrow"}),
        _forge({"alg": "HS256"}, {"email": "a@b.c", "nbf": 9_999_999_999}),
    ],
    ids=[
        "empty",
        "garbage",
        "two-parts",
        "alg-none",
        "other-alg",
        "other-key",
        "crit",
        "array-payload",
        "string-exp",
        "not-yet-valid",
    ],
)
def test_jwt_refuses_forgeries_and_malformed_tokens(token: str) -> None:
    with pytest.raises(jwt.InvalidToken) as raised:
        jwt.decode(token, KEY)
    assert not isinstance(raised.value, jwt.ExpiredToken)


def test_jwt_refuses_a_tampered_payload() -> None:
    token = jwt.encode({"email": "a@b.c", "userId": "u1"}, KEY, 3600)
    header, _, signature = token.split(".")
    forged = _forge({"alg": "HS256"}, {"email": "evil@b.c", "userId": "u1"}).split(".")[1]
    with pytest.raises(jwt.InvalidToken):
        jwt.decode(f"{header}.{forged}.{signature}", KEY)
