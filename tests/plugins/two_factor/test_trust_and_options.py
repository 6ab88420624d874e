"""Trusted devices (spec 2.4), OTP as the method, options, the built-in OTP mail."""

from __future__ import annotations

import re

import pytest

from flask_betterauth import BetterAuthError
from flask_betterauth.plugins import two_factor
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows
from tests.plugins.two_factor.conftest import ANN
from tests.plugins.two_factor.conftest import SIGN_IN
from tests.plugins.two_factor.conftest import code_at
from tests.plugins.two_factor.conftest import enroll
from tests.plugins.two_factor.conftest import held_sign_in
from tests.plugins.two_factor.conftest import secret_of

TRUST = "better-auth.trust_device"
TRUST_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}!trust-device-[A-Za-z0-9]{32}\.")


def test_trusted_device_skips_the_challenge_and_rotates(tf, tf_app, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf, rememberMe=False)
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock), "trustDevice": True})
    assert reply.status == 200
    assert TRUST_VALUE.match(tf.jar[TRUST].replace("%21", "!"))
    assert any(x.startswith(TRUST) and "Max-Age=2592000" in x for x in reply.set_cookies)
    assert reply.cookie("better-auth.dont_remember") == ""
    first = tf.jar[TRUST]
    signed_in = held_sign_in(tf)
    assert signed_in.json.get("token") and "twoFactorRedirect" not in signed_in.json
    assert tf.jar[TRUST] != first
    # The old cookie no longer works once rotated.
    tf.jar[TRUST] = first
    again = held_sign_in(tf)
    assert again.json["twoFactorRedirect"] is True
    assert again.cookie(TRUST) == ""


def test_trust_cookie_of_another_user_is_refused(tf, tf_app, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    tf.call("verify_totp", {"code": code_at(enrolled.key, clock), "trustDevice": True})
    trust = tf.jar[TRUST]
    bob = Caller(tf_app, tf.via)
    bob.call("sign_up_email", {"name": "Bob", "email": "bob@example.com", "password": PASSWORD})
    key = secret_of(bob.call("enable_two_factor", {"password": PASSWORD}).json["totpURI"])
    bob.call("verify_totp", {"code": code_at(key, clock)})
    bob.call("sign_out", {})
    bob.jar[TRUST] = trust
    reply = bob.call("sign_in_email", {"email": "bob@example.com", "password": PASSWORD})
    assert reply.json["twoFactorRedirect"] is True


def test_trust_expires(tf, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    tf.call("verify_totp", {"code": code_at(enrolled.key, clock), "trustDevice": True})
    clock.advance(days=30, seconds=1)
    assert held_sign_in(tf).json["twoFactorRedirect"] is True


def test_disable_forgets_the_device(tf, tf_app, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    tf.call("verify_totp", {"code": code_at(enrolled.key, clock), "trustDevice": True})
    reply = tf.call("disable_two_factor", {"password": PASSWORD})
    assert reply.cookie(TRUST) == ""
    assert not [r for r in rows(tf_app, "verification") if r["identifier"].startswith("trust")]


def test_otp_method_turns_2fa_on_at_once(tf, tf_app, outbox):
    tf.call("sign_up_email", ANN)
    before = tf.jar["better-auth.session_token"]
    reply = tf.call("enable_two_factor", {"password": PASSWORD, "method": "otp"})
    assert reply.status == 200 and reply.json == {"method": "otp"}
    assert tf.jar["better-auth.session_token"] != before
    assert rows(tf_app, "user")[0]["twoFactorEnabled"] is True
    held = held_sign_in(tf)
    assert held.json["twoFactorMethods"] == ["otp"]
    tf.call("send_two_factor_otp", {})
    assert tf.call("verify_two_factor_otp", {"code": outbox.last}).status == 200


def test_otp_with_a_session_turns_2fa_on(tf, tf_app, outbox):
    tf.call("sign_up_email", ANN)
    assert tf.call("send_two_factor_otp", {}).status == 200
    reply = tf.call("verify_two_factor_otp", {"code": outbox.last})
    assert reply.status == 200
    assert tf.jar["better-auth.session_token"].startswith(reply.json["token"] + ".")
    assert rows(tf_app, "user")[0]["twoFactorEnabled"] is True


def test_without_otp_configured(make_app, clock, via):
    caller = Caller(make_app(plugins=[two_factor()]), via)
    caller.call("sign_up_email", ANN)
    reply = caller.call("enable_two_factor", {"password": PASSWORD, "method": "otp"})
    assert reply.status == 400 and reply.json["code"] == "OTP_NOT_CONFIGURED"
    reply = caller.call("send_two_factor_otp", {})
    assert reply.status == 400 and reply.json == {
        "code": "OTP_NOT_CONFIGURED",
        "message": "otp isn't configured",
    }
    uri = caller.call("enable_two_factor", {"password": PASSWORD}).json["totpURI"]
    assert "/flask-betterauth:" in uri or "issuer=" in uri


def test_skip_verification_on_enable(make_app, clock, via):
    caller = Caller(make_app(plugins=[two_factor(skip_verification_on_enable=True)]), via)
    caller.call("sign_up_email", ANN)
    caller.call("enable_two_factor", {"password": PASSWORD})
    assert caller.call("get_session").json["user"]["twoFactorEnabled"] is True
    assert held_sign_in(caller).json["twoFactorMethods"] == ["totp"]


def test_totp_options_digits_and_period(make_app, clock, via):
    plugin = two_factor(totp_options={"digits": 8, "period": 60})
    caller = Caller(make_app(plugins=[plugin]), via)
    caller.call("sign_up_email", ANN)
    uri = caller.call("enable_two_factor", {"password": PASSWORD}).json["totpURI"]
    assert uri.endswith("&digits=8&period=60")
    import pyotp

    key = secret_of(uri)
    code = pyotp.TOTP(key + "=" * (-len(key) % 8), digits=8, interval=60).at(clock.now)
    assert caller.call("verify_totp", {"code": code}).status == 200


def test_totp_disabled(make_app, clock, via):
    caller = Caller(make_app(plugins=[two_factor(totp_options={"disable": True})]), via)
    caller.call("sign_up_email", ANN)
    reply = caller.call("enable_two_factor", {"password": PASSWORD})
    assert reply.status == 400 and reply.json["code"] == "TOTP_NOT_CONFIGURED"


def test_built_in_mail_sends_the_otp(make_app, smtp_server, clock):
    plugin = two_factor(otp_options={"send_otp": True})
    caller = Caller(make_app(smtp_server.config(), plugins=[plugin]), "http")
    caller.call("sign_up_email", ANN)
    assert caller.call("send_two_factor_otp", {}).status == 200
    mail = smtp_server.last(ANN["email"])
    code = re.search(r"\b(\d{6})\b", mail.text).group(1)
    assert code in mail.subject and code in mail.html
    assert caller.call("verify_two_factor_otp", {"code": code}).status == 200


@pytest.mark.parametrize("store", ["hashed", "encrypted"])
def test_otp_stored_hashed_or_encrypted(make_app, outbox, clock, store):
    plugin = two_factor(otp_options={"send_otp": outbox, "store_otp": store})
    test_app = make_app(plugins=[plugin])
    caller = Caller(test_app, "http")
    caller.call("sign_up_email", ANN)
    caller.call("send_two_factor_otp", {})
    (row,) = [r for r in rows(test_app, "verification") if r["value"].endswith(":0")]
    assert outbox.last not in row["value"]
    assert caller.call("verify_two_factor_otp", {"code": outbox.last}).status == 200


def test_plain_backup_codes(make_app, clock):
    plugin = two_factor(backup_code_options={"store_backup_codes": "plain", "amount": 3})
    test_app = make_app(plugins=[plugin])
    caller = Caller(test_app, "http")
    enrolled = enroll(caller, clock)
    assert len(enrolled.backup_codes) == 3
    assert enrolled.backup_codes[0] in rows(test_app, "twoFactor")[0]["backupCodes"]


def test_bad_options_fail_at_once():
    with pytest.raises(TypeError, match="no option"):
        two_factor(totp_options={"digit": 6})
    with pytest.raises(ValueError, match="store_otp"):
        two_factor(otp_options={"store_otp": "rot13"})
    with pytest.raises(BetterAuthError):
        from flask_betterauth.plugins import Plugin

        Plugin(id="")


def test_sign_in_form_post_is_held_too(tf_app, clock):
    caller = Caller(tf_app, "http")
    enrolled = enroll(caller, clock)
    caller.call("sign_out", {})
    client = tf_app.app.test_client(use_cookies=False)
    reply = client.post(
        "/api/auth/sign-in/email",
        json=SIGN_IN | {"callbackURL": "/dashboard"},
        headers={"Origin": "http://localhost"},
    )
    assert reply.status_code == 200 and reply.json["twoFactorRedirect"] is True
    assert "Location" not in reply.headers
    assert enrolled.key


def test_two_factor_paths_allow_three_requests_in_ten_seconds(make_app, outbox, clock):
    plugin = two_factor(otp_options={"send_otp": outbox})
    test_app = make_app(rate_limit={"enabled": True}, plugins=[plugin])
    caller = Caller(test_app, "http")
    caller.call("sign_up_email", ANN)
    statuses = [caller.call("send_two_factor_otp", {}).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    clock.advance(seconds=11)
    assert caller.call("send_two_factor_otp", {}).status == 200


def test_openapi_document_lists_the_plugin(make_app):
    from openapi_spec_validator import validate

    from flask_betterauth.plugins import open_api

    test_app = make_app(plugins=[two_factor(), open_api()])
    doc = test_app.app.test_client().get("/api/auth/open-api/generate-schema").get_json()
    validate(doc)
    paths = {path.removeprefix("/api/auth") for path in doc["paths"]}
    assert {"/two-factor/enable", "/two-factor/verify-totp", "/two-factor/send-otp"} <= paths
    assert "/two-factor/view-backup-codes" not in paths
