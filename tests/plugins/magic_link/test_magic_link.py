"""The magic-link plugin (spec 3): the link, its single use, redirects, new and
unverified users, options, mail, and the two-factor step."""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from flask_betterauth.plugins import magic_link
from flask_betterauth.plugins import two_factor
from tests.helpers import PASSWORD
from tests.helpers import SQLITE_ONLY
from tests.helpers import Caller
from tests.helpers import rows

ANN = "ann@example.com"
SESSION = "better-auth.session_token"


@dataclass
class Outbox:
    """What the app's ``send_magic_link`` received."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def __call__(self, email: str, url: str, token: str) -> None:
        self.sent.append((email, url, token))

    @property
    def url(self) -> str:
        return self.sent[-1][1]

    @property
    def token(self) -> str:
        return self.sent[-1][2]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def ml(plugin_app, outbox, clock):
    return plugin_app(magic_link(outbox))


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _send(caller: Caller, email: str = ANN, **extra: Any) -> Any:
    reply = caller.call("sign_in_magic_link", {"email": email, **extra})
    assert reply.status == 200 and reply.json == {"status": True}, reply.json
    return reply


def test_link_signs_a_new_address_up_once(ml, outbox):
    caller = ml.caller()
    _send(caller, "Ann@Example.com", name="Ann")
    email, url, token = outbox.sent[-1]
    assert email == "Ann@Example.com"
    assert len(token) == 32 and token.isalpha() and token.isascii()
    assert url == f"http://localhost/api/auth/magic-link/verify?token={token}&callbackURL=%2F"
    # Only the token's SHA-256 is kept, as Better Auth's storeToken "hashed".
    hashed = base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=")
    (row,) = rows(ml.app, "verification")
    assert row["identifier"] == "magic-link:" + hashed.decode()
    assert '"email":"Ann@Example.com"' in row["value"] and '"name":"Ann"' in row["value"]
    assert rows(ml.app, "user") == []  # no account before the link is used
    reply = caller.call("magic_link_verify", query={"token": token})
    assert reply.status == 200
    assert set(reply.json) == {"token", "user", "session"}
    user = reply.json["user"]
    assert user["email"] == ANN and user["emailVerified"] is True and user["name"] == "Ann"
    assert reply.json["session"]["userId"] == user["id"]
    assert caller.jar[SESSION].startswith(reply.json["token"] + ".")
    assert caller.call("get_session").json["user"]["id"] == user["id"]
    # Single use: the same link again (another browser) is an error redirect.
    again = ml.caller().call("magic_link_verify", query={"token": token})
    assert again.status == 302
    assert again.headers["Location"] == "http://localhost/?error=INVALID_TOKEN"
    assert again.cookie(SESSION) is None


@SQLITE_ONLY
def test_redirects_new_user_callback_and_error_callback(ml, outbox, clock):
    caller = ml.caller()
    targets = {
        "callbackURL": "/home",
        "newUserCallbackURL": "/welcome?x=1",
        "errorCallbackURL": "/oops",
    }
    _send(caller, **targets)
    sent = _query(outbox.url)
    assert sent["callbackURL"] == "/home" and sent["newUserCallbackURL"] == "/welcome?x=1"
    first = caller.call("magic_link_verify", query=sent)
    assert first.status == 302 and first.headers["Location"] == "http://localhost/welcome?x=1"
    assert first.cookie(SESSION)
    _send(caller, **targets)
    existing = caller.call("magic_link_verify", query=_query(outbox.url))
    assert existing.status == 302 and existing.headers["Location"] == "http://localhost/home"
    # Expired (controlled clock): to the error callback.
    _send(caller, **targets)
    clock.advance(seconds=301)
    late = caller.call("magic_link_verify", query=_query(outbox.url))
    assert late.status == 302
    assert late.headers["Location"] == "http://localhost/oops?error=INVALID_TOKEN"
    # A made-up token, no error callback: to callbackURL with the error.
    bad = caller.call("magic_link_verify", query={"token": "x" * 32, "callbackURL": "/home"})
    assert bad.headers["Location"] == "http://localhost/home?error=INVALID_TOKEN"


@SQLITE_ONLY
def test_older_link_stays_valid_and_each_link_names_its_address(ml, outbox):
    caller = ml.caller()
    _send(caller, ANN)
    older = outbox.token
    _send(caller, "bob@example.com")
    bob = outbox.token
    _send(caller, ANN)
    assert (
        ml.caller().call("magic_link_verify", query={"token": older}).json["user"]["email"] == ANN
    )
    assert caller.call("magic_link_verify", query={"token": bob}).json["user"]["email"] == (
        "bob@example.com"
    )


def test_unverified_user_loses_password_and_sessions(ml, outbox):
    owner = ml.caller()
    squatter = ml.caller()
    signed_up = squatter.call("sign_up_email", {"name": "Sq", "email": ANN, "password": PASSWORD})
    assert signed_up.status == 200 and signed_up.json["user"]["emailVerified"] is False
    _send(owner)
    reply = owner.call("magic_link_verify", query={"token": outbox.token})
    assert reply.status == 200 and reply.json["user"]["emailVerified"] is True
    assert reply.json["user"]["id"] == signed_up.json["user"]["id"]
    assert rows(ml.app, "account") == []
    assert squatter.call("get_session").json is None
    assert owner.call("get_session").json["user"]["email"] == ANN
    refused = ml.caller().call("sign_in_email", {"email": ANN, "password": PASSWORD})
    assert refused.status == 401


@SQLITE_ONLY
def test_verified_user_keeps_password_and_sessions(ml, outbox, clock):
    first = ml.caller()
    first.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    ml.app.db  # noqa: B018
    with ml.app.app.app_context():
        ml.app.db.session.execute(ml.app.db.text('UPDATE "user" SET "emailVerified" = true'))
        ml.app.db.session.commit()
    other = ml.caller()
    _send(other)
    assert other.call("magic_link_verify", query={"token": outbox.token}).status == 200
    assert first.call("get_session").json is not None
    assert len(rows(ml.app, "account")) == 1


@SQLITE_ONLY
def test_bad_input(ml, outbox):
    caller = ml.caller()
    bad = caller.call("sign_in_magic_link", {"email": "not-an-email"})
    assert bad.status == 400 and bad.json["code"] == "VALIDATION_ERROR"
    assert bad.json["message"] == "[body.email] Invalid email address"
    missing = caller.call("sign_in_magic_link", {})
    assert missing.status == 400 and missing.json["code"] == "VALIDATION_ERROR"
    wrong_type = caller.call("sign_in_magic_link", {"email": ANN, "name": 5})
    assert wrong_type.status == 400
    untrusted = caller.call(
        "sign_in_magic_link", {"email": ANN, "callbackURL": "https://evil.example/x"}
    )
    assert untrusted.status == 403 and untrusted.json["code"] == "INVALID_CALLBACK_URL"
    untrusted = caller.call(
        "magic_link_verify", query={"token": "a", "errorCallbackURL": "https://evil.example/"}
    )
    assert untrusted.status == 403 and untrusted.json["code"] == "INVALID_ERROR_CALLBACK_URL"
    no_token = caller.call("magic_link_verify", query={})
    assert no_token.status == 400 and no_token.json["code"] == "VALIDATION_ERROR"
    long_token = caller.call("magic_link_verify", query={"token": "a" * 5000})
    assert long_token.status == 302
    assert outbox.sent == []


@SQLITE_ONLY
def test_disable_sign_up(plugin_app, outbox, clock):
    test = plugin_app(magic_link(outbox, disable_sign_up=True))
    caller = test.caller()
    _send(caller)  # same answer: nothing tells whether the address has an account
    reply = caller.call("magic_link_verify", query={"token": outbox.token, "callbackURL": "/"})
    assert reply.headers["Location"] == "http://localhost/?error=new_user_signup_disabled"
    assert rows(test.app, "user") == []


@SQLITE_ONLY
def test_plain_storage_and_own_tokens(make_app, outbox, clock):
    plugin = magic_link(outbox, store_token="plain", generate_token=lambda email: "tok-" + email)
    test_app = make_app(plugins=[plugin])
    caller = Caller(test_app, "http")
    _send(caller)
    assert outbox.token == f"tok-{ANN}"
    assert [r["identifier"] for r in rows(test_app, "verification")] == [f"magic-link:tok-{ANN}"]
    assert caller.call("magic_link_verify", query={"token": outbox.token}).status == 200


def test_options_are_checked():
    with pytest.raises(ValueError, match="store_token"):
        magic_link(store_token="encrypted")
    with pytest.raises(ValueError, match="expires_in"):
        magic_link(expires_in=0)


@SQLITE_ONLY
def test_no_sender(make_app, clock):
    caller = Caller(make_app(plugins=[magic_link()]), "http")
    reply = caller.call("sign_in_magic_link", {"email": ANN})
    assert reply.status == 400 and reply.json == {"message": "send magic link is not implemented"}


@SQLITE_ONLY
def test_built_in_mail_over_smtp(make_app, smtp_server, clock):
    test_app = make_app(smtp_server.config(), plugins=[magic_link(True)])
    caller = Caller(test_app, "http")
    _send(caller, callbackURL="/home")
    mail = smtp_server.last(ANN)
    assert "Sign in to" in mail.subject
    link = mail.link
    assert link.startswith("http://localhost/api/auth/magic-link/verify?token=")
    assert link in mail.html.replace("&amp;", "&")
    reply = caller.call("magic_link_verify", query=_query(link))
    assert reply.status == 302 and reply.headers["Location"] == "http://localhost/home"


@SQLITE_ONLY
def test_two_factor_user_gets_the_second_step(make_app, outbox, clock, via):
    plugin = two_factor(skip_verification_on_enable=True)
    test_app = make_app(plugins=[magic_link(outbox), plugin])
    caller = Caller(test_app, via)
    caller.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    with test_app.app.app_context():
        test_app.db.session.execute(test_app.db.text('UPDATE "user" SET "emailVerified" = true'))
        test_app.db.session.commit()
    assert caller.call("enable_two_factor", {"password": PASSWORD}).status == 200
    browser = Caller(test_app, via)
    _send(browser)
    sessions = len(rows(test_app, "session"))
    reply = browser.call("magic_link_verify", query={"token": outbox.token})
    assert reply.status == 200 and reply.json["twoFactorRedirect"] is True
    assert len(rows(test_app, "session")) == sessions
    assert "better-auth.two_factor" in browser.jar and SESSION not in browser.jar
    # Opened from a mail (with a callbackURL): still a redirect, saying a factor is due.
    _send(browser, callbackURL="/home")
    opened = browser.call("magic_link_verify", query=_query(outbox.url))
    assert opened.status == 302
    assert opened.headers["Location"] == (
        "http://localhost/home?twoFactorRedirect=true&twoFactorMethods=totp"
    )
    assert len(rows(test_app, "session")) == sessions


@SQLITE_ONLY
def test_one_link_opened_twice_at_once_signs_in_once(make_app, outbox, clock):
    test_app = make_app(plugins=[magic_link(outbox)])
    _send(Caller(test_app, "http"))
    path = f"/api/auth/magic-link/verify?token={outbox.token}"

    def open_link(_: int) -> int:
        return test_app.app.test_client().get(path).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(open_link, range(4)))
    assert statuses == [200, 302, 302, 302]
    assert len(rows(test_app, "session")) == 1 and len(rows(test_app, "user")) == 1


@SQLITE_ONLY
def test_metadata_reaches_a_sender_that_takes_it(make_app, clock):
    got: list[tuple[str, dict]] = []
    test_app = make_app(
        plugins=[magic_link(lambda email, url, token, meta: got.append((email, meta)))]
    )
    caller = Caller(test_app, "http")
    _send(caller, metadata={"inviteId": "i-1"})
    _send(caller)
    assert got == [(ANN, {"inviteId": "i-1"}), (ANN, {})]
    bad = caller.call("sign_in_magic_link", {"email": ANN, "metadata": "text"})
    assert bad.status == 400 and bad.json["code"] == "VALIDATION_ERROR"
