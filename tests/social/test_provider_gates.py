"""Provider options of Better Auth 1.7.24 that change the callback: the provider's
``require_email_verification`` (no session for an unverified e-mail, the verification
mail) and generic providers' ``allow_idp_initiated`` (a code without a state restarts
the flow)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows
from tests.helpers import sql
from tests.social.conftest import Browser
from tests.social.conftest import idp_tokens
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin

ERROR = "http://localhost/api/auth/error"
SESSION = "better-auth.session_token"


class Mailbox:
    """The app's ``send_verification_email``: who got a link, to where."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, user: Any, url: str, token: str) -> None:
        self.sent.append((user.email, url))


def _gated(make_app: Any, idp: str, mailbox: Mailbox, **verification: Any) -> TestApp:
    return make_app(
        plugins=[oidc_plugin(idp, require_email_verification=True)],
        email_verification={"send_verification_email": mailbox, **verification},
    )


def test_unverified_email_gets_no_session_but_a_mail(make_app, idp, real_clock: Clock):
    mailbox = Mailbox()
    test_app = _gated(make_app, idp, mailbox)
    idp_user(idp, "rv-1", email="rv1@example.com", email_verified=False)
    browser = Browser(Caller(test_app, "http"), idp)
    reply = browser.sign_in("rv-1", callbackURL="/in", errorCallbackURL="/oops")
    assert reply.headers["Location"] == "/oops?error=email_not_verified"
    assert SESSION not in browser.caller.jar and rows(test_app, "session") == []
    # The user and the account stay; the mail (send_on_sign_up unset: the provider's
    # option asks) points back to the flow's callback URL.
    (user,) = rows(test_app, "user")
    assert user["email"] == "rv1@example.com" and user["emailVerified"] is False
    assert [a["providerId"] for a in rows(test_app, "account")] == ["oidc"]
    ((to, url),) = mailbox.sent
    assert to == "rv1@example.com" and url.endswith("&callbackURL=%2Fin")
    # Signing in again: still refused, no new mail (send_on_sign_in is off).
    again = browser.sign_in("rv-1", callbackURL="/in", errorCallbackURL="/oops")
    assert again.headers["Location"] == "/oops?error=email_not_verified"
    assert len(mailbox.sent) == 1
    # Once the local user is verified (whatever the provider says), the door opens.
    sql(test_app, 'UPDATE "user" SET "emailVerified" = :yes', yes=True)
    final = browser.sign_in("rv-1", callbackURL="/in", errorCallbackURL="/oops")
    assert final.headers["Location"] == "/in" and SESSION in browser.caller.jar


def test_send_on_sign_in_mails_again(make_app, idp, real_clock):
    mailbox = Mailbox()
    test_app = _gated(make_app, idp, mailbox, send_on_sign_in=True, send_on_sign_up=False)
    idp_user(idp, "rv-2", email="rv2@example.com", email_verified=False)
    browser = Browser(Caller(test_app, "http"), idp)
    first = browser.sign_in("rv-2", errorCallbackURL="/oops")
    assert first.headers["Location"] == "/oops?error=email_not_verified"
    assert mailbox.sent == []  # send_on_sign_up=False wins over the provider's option
    second = browser.sign_in("rv-2", errorCallbackURL="/oops")
    assert second.headers["Location"] == "/oops?error=email_not_verified"
    assert [to for to, _ in mailbox.sent] == ["rv2@example.com"]


def test_verified_email_passes_the_gate(make_app, idp, real_clock):
    mailbox = Mailbox()
    test_app = _gated(make_app, idp, mailbox)
    idp_user(idp, "rv-3", email="rv3@example.com", email_verified=True)
    browser = Browser(Caller(test_app, "http"), idp)
    assert browser.sign_in("rv-3", callbackURL="/in").headers["Location"] == "/in"
    assert mailbox.sent == [] and len(rows(test_app, "session")) == 1


def test_id_token_sign_in_to_an_unverified_email(make_app, idp, real_clock, via):
    mailbox = Mailbox()
    test_app = _gated(make_app, idp, mailbox)
    idp_user(idp, "rv-4", email="rv4@example.com", email_verified=False)
    tokens = idp_tokens(idp, "rv-4")
    caller = Caller(test_app, via)
    reply = caller.call(
        "sign_in_social", {"provider": "oidc", "idToken": {"token": tokens["id_token"]}}
    )
    assert reply.status == 403
    assert reply.json == {"message": "Email not verified", "code": "EMAIL_NOT_VERIFIED"}
    assert rows(test_app, "session") == [] and len(rows(test_app, "user")) == 1


def test_send_on_sign_up_mails_an_unverified_social_user_without_the_gate(
    make_app, idp, real_clock
):
    mailbox = Mailbox()
    test_app = make_app(
        plugins=[oidc_plugin(idp)],
        email_verification={"send_verification_email": mailbox, "send_on_sign_up": True},
    )
    idp_user(idp, "rv-5", email="rv5@example.com", email_verified=False)
    browser = Browser(Caller(test_app, "http"), idp)
    assert browser.sign_in("rv-5", callbackURL="/in").headers["Location"] == "/in"
    assert [to for to, _ in mailbox.sent] == ["rv5@example.com"]


@pytest.mark.parametrize("strategy", ["database", "cookie"])
def test_idp_initiated_callback_restarts_the_flow(make_app, idp, real_clock, strategy):
    test_app = make_app(
        plugins=[oidc_plugin(idp, allow_idp_initiated=True)],
        account={"store_state_strategy": strategy},
    )
    idp_user(idp, "ii-1", email="ii@example.com", email_verified=True)
    browser = Browser(Caller(test_app, "http"), idp)
    # The provider sends the browser here with a code of its own and no state.
    reply = browser.callback({"code": "from-the-provider"})
    assert reply.status == 302
    url = reply.headers["Location"]
    assert url.startswith(f"{idp}/oauth2/authorize?response_type=code&client_id=")
    query = parse_qs(urlsplit(url).query)
    assert len(query["state"][0]) == 32 and query["nonce"] and query["code_challenge"]
    # The restarted flow ends signed in, at the default callback URL (the origin).
    back = browser.callback(browser.login(url, "ii-1"))
    assert back.headers["Location"] == "http://localhost"
    assert SESSION in browser.caller.jar


def test_without_the_option_a_stateless_code_is_refused(social_app, idp):
    browser = Browser(Caller(social_app, "http"), idp)
    reply = browser.callback({"code": "from-the-provider"})
    assert reply.headers["Location"] == f"{ERROR}?error=state_not_found"
