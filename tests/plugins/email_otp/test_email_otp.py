"""The email-OTP plugin (spec 4): sending (the enumeration rule), the attempt rule,
verify-email, sign-in (new and unverified users, two-factor), password reset, options."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field

import pytest

from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import two_factor
from tests.helpers import PASSWORD
from tests.helpers import SQLITE_ONLY
from tests.helpers import Caller
from tests.helpers import rows

ANN = "ann@example.com"
SESSION = "better-auth.session_token"


@dataclass
class Outbox:
    """What the app's ``send_verification_otp`` received."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def __call__(self, email: str, otp: str, kind: str) -> None:
        self.sent.append((email, otp, kind))

    @property
    def otp(self) -> str:
        return self.sent[-1][1]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def eo(plugin_app, outbox, clock):
    return plugin_app(email_otp(outbox))


def _send(caller: Caller, kind: str = "sign-in", email: str = ANN) -> None:
    reply = caller.call("send_verification_otp", {"email": email, "type": kind})
    assert reply.status == 200 and reply.json == {"success": True}, reply.json


def _wrong(otp: str) -> str:
    return "000000" if otp != "000000" else "111111"


def _verified_ann(caller: Caller, test_app) -> dict:
    reply = caller.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    with test_app.app.app_context():
        test_app.db.session.execute(test_app.db.text('UPDATE "user" SET "emailVerified" = true'))
        test_app.db.session.commit()
    return dict(reply.json["user"])


def test_sign_in_code_signs_a_new_address_up(eo, outbox):
    caller = eo.caller()
    _send(caller, email="Ann@Example.COM")
    assert outbox.sent[-1][0] == ANN and outbox.sent[-1][2] == "sign-in"
    otp = outbox.otp
    assert len(otp) == 6 and otp.isdigit()
    (row,) = rows(eo.app, "verification")
    assert ANN not in row["identifier"] and otp not in row["value"]
    assert row["identifier"].startswith("sign-in-otp-") and row["value"].endswith(":0")
    reply = caller.call("sign_in_email_otp", {"email": ANN, "otp": otp, "name": "Ann"})
    assert reply.status == 200 and set(reply.json) == {"token", "user"}
    assert reply.json["user"]["emailVerified"] is True and reply.json["user"]["name"] == "Ann"
    assert caller.jar[SESSION].startswith(reply.json["token"] + ".")
    # Used up: again (from another browser) is INVALID_OTP.
    again = eo.caller().call("sign_in_email_otp", {"email": ANN, "otp": otp})
    assert again.status == 400 and again.json["code"] == "INVALID_OTP"


def test_attempts_order(eo, outbox):
    caller = eo.caller()
    _send(caller)
    otp = outbox.otp
    for _ in range(3):
        wrong = caller.call("sign_in_email_otp", {"email": ANN, "otp": _wrong(otp)})
        assert wrong.status == 400 and wrong.json == {
            "code": "INVALID_OTP",
            "message": "Invalid OTP",
        }
    right = caller.call("sign_in_email_otp", {"email": ANN, "otp": otp})
    assert right.status == 403
    assert right.json == {"code": "TOO_MANY_ATTEMPTS", "message": "Too many attempts"}
    after = caller.call("sign_in_email_otp", {"email": ANN, "otp": otp})
    assert after.status == 400 and after.json["code"] == "INVALID_OTP"


@SQLITE_ONLY
def test_expired_newer_and_other_address(eo, outbox, clock):
    caller = eo.caller()
    _send(caller)
    clock.advance(seconds=301)
    late = caller.call("sign_in_email_otp", {"email": ANN, "otp": outbox.otp})
    assert late.status == 400 and late.json == {"code": "OTP_EXPIRED", "message": "OTP expired"}
    gone = caller.call("sign_in_email_otp", {"email": ANN, "otp": outbox.otp})
    assert gone.json["code"] == "INVALID_OTP"
    _send(caller)
    older = outbox.otp
    _send(caller)
    newer = outbox.otp
    if older != newer:
        stale = caller.call("sign_in_email_otp", {"email": ANN, "otp": older})
        assert stale.json["code"] == "INVALID_OTP"
    other = caller.call("sign_in_email_otp", {"email": "bob@example.com", "otp": newer})
    assert other.status == 400 and other.json["code"] == "INVALID_OTP"
    assert caller.call("sign_in_email_otp", {"email": ANN, "otp": newer}).status == 200


@SQLITE_ONLY
def test_enumeration_rule(eo, outbox):
    caller = eo.caller()
    for kind in ("email-verification", "forget-password"):
        _send(caller, kind, "nobody@example.com")
    reply = caller.call("request_password_reset_email_otp", {"email": "nobody@example.com"})
    assert reply.json == {"success": True}
    assert outbox.sent == [] and rows(eo.app, "verification") == []
    _send(caller, "sign-in", "nobody@example.com")
    assert [kind for _, _, kind in outbox.sent] == ["sign-in"]


@SQLITE_ONLY
def test_bad_input(eo, outbox):
    caller = eo.caller()
    bad = caller.call("send_verification_otp", {"email": "nope", "type": "sign-in"})
    assert bad.status == 400 and bad.json["code"] == "INVALID_EMAIL"
    kind = caller.call("send_verification_otp", {"email": ANN, "type": "other"})
    assert kind.status == 400 and kind.json["code"] == "VALIDATION_ERROR"
    change = caller.call("send_verification_otp", {"email": ANN, "type": "change-email"})
    assert change.status == 400 and change.json == {"message": "Invalid OTP type"}
    for name, body in [
        ("sign_in_email_otp", {"email": ANN}),
        ("sign_in_email_otp", {"email": ANN, "otp": 123456}),
        ("check_verification_otp", {"email": ANN, "otp": "1"}),
        ("verify_email_otp", {"otp": "1"}),
        ("reset_password_email_otp", {"email": ANN, "otp": "1"}),
    ]:
        reply = caller.call(name, body)
        assert reply.status == 400 and reply.json["code"] == "VALIDATION_ERROR", (name, reply.json)
    huge = caller.call("sign_in_email_otp", {"email": ANN, "otp": "1" * 10000})
    assert huge.status == 400 and huge.json["code"] == "INVALID_OTP"
    short = caller.call(
        "reset_password_email_otp", {"email": ANN, "otp": "123456", "password": "x"}
    )
    assert short.status == 400 and short.json["code"] == "PASSWORD_TOO_SHORT"
    off = caller.call("change_email_email_otp", {"newEmail": "b@example.com", "otp": "1"})
    assert off.status == 401  # needs a session first; then it is off
    caller.call("sign_up_email", {"name": "A", "email": ANN, "password": PASSWORD})
    off = caller.call("request_email_change_email_otp", {"newEmail": "b@example.com"})
    assert off.status == 400 and off.json == {"message": "Change email with OTP is disabled"}


@SQLITE_ONLY
def test_check_keeps_the_code_and_counts_wrong_tries(eo, outbox):
    caller = eo.caller()
    _verified_ann(caller, eo.app)
    _send(caller, "sign-in")
    otp = outbox.otp
    body = {"email": ANN, "type": "sign-in"}
    assert caller.call("check_verification_otp", {**body, "otp": otp}).json == {"success": True}
    wrong = caller.call("check_verification_otp", {**body, "otp": _wrong(otp)})
    assert wrong.json["code"] == "INVALID_OTP"
    assert caller.call("sign_in_email_otp", {"email": ANN, "otp": otp}).status == 200
    # A new address: the code is right, but there is no user yet.
    _send(caller, "sign-in", "new@example.com")
    reply = caller.call(
        "check_verification_otp", {"email": "new@example.com", "type": "sign-in", "otp": outbox.otp}
    )
    assert reply.status == 400 and reply.json["code"] == "USER_NOT_FOUND"


@SQLITE_ONLY
def test_verify_email(eo, outbox):
    caller = eo.caller()
    signed_up = caller.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    assert signed_up.json["user"]["emailVerified"] is False
    _send(caller, "email-verification")
    assert outbox.sent[-1][2] == "email-verification"
    reply = caller.call("verify_email_otp", {"email": ANN, "otp": outbox.otp})
    assert reply.status == 200
    assert reply.json["status"] is True and reply.json["token"] is None
    assert reply.json["user"]["emailVerified"] is True
    assert caller.call("get_session").json["user"]["emailVerified"] is True
    assert len(rows(eo.app, "account")) == 1  # verify-email keeps the password


@SQLITE_ONLY
def test_verify_email_auto_sign_in(plugin_app, outbox, clock):
    test = plugin_app(
        email_otp(outbox), email_verification={"auto_sign_in_after_verification": True}
    )
    caller = test.caller()
    caller.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    browser = test.caller()
    _send(browser, "email-verification")
    reply = browser.call("verify_email_otp", {"email": ANN, "otp": outbox.otp})
    assert reply.json["token"] and browser.jar[SESSION].startswith(reply.json["token"] + ".")


def test_sign_in_of_unverified_user_revokes_unproven_access(eo, outbox):
    squatter = eo.caller()
    squatter.call("sign_up_email", {"name": "Sq", "email": ANN, "password": PASSWORD})
    owner = eo.caller()
    _send(owner)
    reply = owner.call("sign_in_email_otp", {"email": ANN, "otp": outbox.otp})
    assert reply.status == 200 and reply.json["user"]["emailVerified"] is True
    assert rows(eo.app, "account") == []
    assert squatter.call("get_session").json is None
    assert owner.call("get_session").json is not None


def test_reset_password(eo, outbox):
    caller = eo.caller()
    _verified_ann(caller, eo.app)
    reply = caller.call("request_password_reset_email_otp", {"email": ANN})
    assert reply.json == {"success": True} and outbox.sent[-1][2] == "forget-password"
    caller.call("forget_password_email_otp", {"email": ANN})
    otp = outbox.otp
    new_password = "a-new-password-1"
    wrong = caller.call(
        "reset_password_email_otp", {"email": ANN, "otp": _wrong(otp), "password": new_password}
    )
    assert wrong.json["code"] == "INVALID_OTP"
    done = caller.call(
        "reset_password_email_otp", {"email": ANN, "otp": otp, "password": new_password}
    )
    assert done.status == 200 and done.json == {"success": True}
    again = caller.call(
        "reset_password_email_otp", {"email": ANN, "otp": otp, "password": new_password}
    )
    assert again.json["code"] == "INVALID_OTP"
    fresh = eo.caller()
    assert fresh.call("sign_in_email", {"email": ANN, "password": new_password}).status == 200
    assert fresh.call("sign_in_email", {"email": ANN, "password": PASSWORD}).status == 401


@SQLITE_ONLY
def test_disable_sign_up(plugin_app, outbox, clock):
    test = plugin_app(email_otp(outbox, disable_sign_up=True))
    caller = test.caller()
    _send(caller)
    assert outbox.sent == []  # no account: no mail, and the answer does not say so
    with test.app.app.test_request_context():
        otp = test.app.auth.api.create_verification_otp(body={"email": ANN, "type": "sign-in"})
    reply = caller.call("sign_in_email_otp", {"email": ANN, "otp": otp})
    assert reply.status == 400 and reply.json["code"] == "INVALID_OTP"
    assert rows(test.app, "user") == []


@SQLITE_ONLY
def test_server_only_endpoints_and_storage_modes(make_app, outbox, clock):
    for mode in ("plain", "encrypted", "hashed"):
        test_app = make_app(plugins=[email_otp(outbox, store_otp=mode, otp_length=8)])
        with test_app.app.test_request_context():
            api = test_app.auth.api
            otp = api.create_verification_otp(body={"email": ANN, "type": "sign-in"})
            assert len(otp) == 8
            (row,) = rows(test_app, "verification")
            if mode == "plain":
                assert row["identifier"] == f"sign-in-otp-{ANN}" and row["value"] == f"{otp}:0"
                assert api.get_verification_otp(query={"email": ANN, "type": "sign-in"}) == {
                    "otp": otp
                }
            else:
                assert ANN not in row["identifier"] and otp not in row["value"]
            if mode == "encrypted":
                assert api.get_verification_otp(query={"email": ANN, "type": "sign-in"}) == {
                    "otp": otp
                }
        caller = Caller(test_app, "http")
        assert caller.call("sign_in_email_otp", {"email": ANN, "otp": otp}).status == 200
    with pytest.raises(ValueError, match="store_otp"):
        email_otp(store_otp="rot13")
    with pytest.raises(ValueError, match="allowed_attempts"):
        email_otp(allowed_attempts=0)


@SQLITE_ONLY
def test_no_sender(make_app, clock):
    caller = Caller(make_app(plugins=[email_otp()]), "http")
    reply = caller.call("send_verification_otp", {"email": ANN, "type": "sign-in"})
    assert reply.status == 400
    assert reply.json == {"message": "send email verification is not implemented"}


@SQLITE_ONLY
def test_send_verification_on_sign_up(plugin_app, outbox, clock):
    test = plugin_app(email_otp(outbox, send_verification_on_sign_up=True))
    caller = test.caller()
    caller.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    assert outbox.sent[-1][:1] == (ANN,) and outbox.sent[-1][2] == "email-verification"
    reply = caller.call("verify_email_otp", {"email": ANN, "otp": outbox.otp})
    assert reply.json["user"]["emailVerified"] is True


@SQLITE_ONLY
def test_override_default_email_verification(plugin_app, outbox, clock):
    test = plugin_app(
        email_otp(outbox, override_default_email_verification=True),
        email_verification={"send_on_sign_up": True},
    )
    caller = test.caller()
    caller.call("sign_up_email", {"name": "Ann", "email": ANN, "password": PASSWORD})
    assert [kind for _, _, kind in outbox.sent] == ["email-verification"]
    assert caller.call("send_verification_email", {"email": ANN}).status == 200
    assert len(outbox.sent) == 2
    reply = caller.call("verify_email_otp", {"email": ANN, "otp": outbox.otp})
    assert reply.json["user"]["emailVerified"] is True


@SQLITE_ONLY
def test_built_in_mail_over_smtp(make_app, smtp_server, clock):
    test_app = make_app(smtp_server.config(), plugins=[email_otp(True)])
    caller = Caller(test_app, "http")
    _send(caller)
    mail = smtp_server.last(ANN)
    otp = re.search(r"\b(\d{6})\b", mail.text).group(1)
    assert otp in mail.subject and otp in mail.html and "sign in to" in mail.text
    assert caller.call("sign_in_email_otp", {"email": ANN, "otp": otp}).status == 200


@SQLITE_ONLY
def test_two_factor_user_gets_the_second_step(make_app, outbox, clock, via):
    test_app = make_app(plugins=[email_otp(outbox), two_factor(skip_verification_on_enable=True)])
    caller = Caller(test_app, via)
    _verified_ann(caller, test_app)
    assert caller.call("enable_two_factor", {"password": PASSWORD}).status == 200
    browser = Caller(test_app, via)
    _send(browser)
    reply = browser.call("sign_in_email_otp", {"email": ANN, "otp": outbox.otp})
    assert reply.status == 200 and reply.json["twoFactorRedirect"] is True
    assert SESSION not in browser.jar and "better-auth.two_factor" in browser.jar


def test_parallel_checks_count_every_attempt(make_app, outbox, clock, tmp_path):
    test_app = make_app(plugins=[email_otp(outbox, allowed_attempts=50)])
    caller = Caller(test_app, "http")
    _send(caller)
    otp = outbox.otp

    def guess(_: int) -> int:
        client = test_app.app.test_client()
        path = "/api/auth/sign-in/email-otp"
        return client.post(path, json={"email": ANN, "otp": _wrong(otp)}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(guess, range(12)))
    assert statuses == [400] * 12
    (row,) = rows(test_app, "verification")
    assert row["value"].endswith(":12")
