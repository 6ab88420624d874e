"""Turning 2FA on and off, the TOTP URI and backup codes (spec 2.2)."""

from __future__ import annotations

import re

from tests.helpers import PASSWORD
from tests.helpers import rows
from tests.plugins.two_factor.conftest import ANN
from tests.plugins.two_factor.conftest import code_at
from tests.plugins.two_factor.conftest import enroll
from tests.plugins.two_factor.conftest import held_sign_in
from tests.plugins.two_factor.conftest import secret_of

BACKUP_CODE = re.compile(r"^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$")


def _user(test_app):
    return rows(test_app, "user")[0]


def test_enable_answers_the_uri_and_codes_but_2fa_stays_off(tf, tf_app):
    tf.call("sign_up_email", ANN)
    reply = tf.call("enable_two_factor", {"password": PASSWORD})
    assert reply.status == 200
    assert reply.json["method"] == "totp"
    uri = reply.json["totpURI"]
    assert uri.startswith("otpauth://totp/Tests:ann%40example.com?secret=")
    assert uri.endswith("&issuer=Tests&digits=6&period=30")
    assert len(secret_of(uri)) == 52
    assert len(reply.json["backupCodes"]) == 10
    assert all(BACKUP_CODE.match(c) for c in reply.json["backupCodes"])
    assert _user(tf_app)["twoFactorEnabled"] is False
    (row,) = rows(tf_app, "twoFactor")
    assert row["verified"] is False
    assert secret_of(uri) not in row["secret"] and "-" not in row["backupCodes"]


def test_enable_issuer_from_the_body(tf):
    tf.call("sign_up_email", ANN)
    reply = tf.call("enable_two_factor", {"password": PASSWORD, "issuer": "My App"})
    assert reply.json["totpURI"].startswith("otpauth://totp/My%20App:ann%40example.com?")
    assert "&issuer=My%20App&" in reply.json["totpURI"]


def test_enable_needs_the_password(tf):
    tf.call("sign_up_email", ANN)
    for body in ({"password": "wrong-password"}, {}, {"password": ""}):
        reply = tf.call("enable_two_factor", body)
        assert reply.status == 400 and reply.json["code"] == "INVALID_PASSWORD"


def test_enable_needs_a_session(tf):
    reply = tf.call("enable_two_factor", {"password": PASSWORD})
    assert reply.status == 401


def test_first_code_turns_2fa_on_and_rotates_the_session(tf, tf_app, clock):
    tf.call("sign_up_email", ANN)
    old_cookie = tf.jar["better-auth.session_token"]
    key = secret_of(tf.call("enable_two_factor", {"password": PASSWORD}).json["totpURI"])
    wrong = tf.call("verify_totp", {"code": "000000" if code_at(key, clock) != "000000" else "1"})
    assert wrong.status == 401 and wrong.json["code"] == "INVALID_CODE"
    reply = tf.call("verify_totp", {"code": code_at(key, clock)})
    assert reply.status == 200
    # The body names the old (now deleted) session and the user as before.
    assert old_cookie.startswith(reply.json["token"])
    assert reply.json["user"]["twoFactorEnabled"] is False
    assert tf.jar["better-auth.session_token"] != old_cookie
    assert _user(tf_app)["twoFactorEnabled"] is True
    assert rows(tf_app, "twoFactor")[0]["verified"] is True
    assert len(rows(tf_app, "session")) == 1
    session = tf.call("get_session")
    assert session.json["user"]["twoFactorEnabled"] is True


def test_enable_again_once_on_is_refused(tf, clock):
    enroll(tf, clock)
    reply = tf.call("enable_two_factor", {"password": PASSWORD})
    assert reply.status == 400 and reply.json["code"] == "TOTP_ALREADY_ENABLED"


def test_codes_from_the_step_before_and_after_are_accepted(tf, clock):
    tf.call("sign_up_email", ANN)
    key = secret_of(tf.call("enable_two_factor", {"password": PASSWORD}).json["totpURI"])
    assert tf.call("verify_totp", {"code": code_at(key, clock, -90)}).status == 401
    assert tf.call("verify_totp", {"code": code_at(key, clock, -30)}).status == 200


def test_get_totp_uri_gives_the_same_secret(tf, clock):
    enrolled = enroll(tf, clock)
    reply = tf.call("get_totp_uri", {"password": PASSWORD})
    assert reply.status == 200 and secret_of(reply.json["totpURI"]) == enrolled.key
    wrong = tf.call("get_totp_uri", {"password": "wrong-password"})
    assert wrong.status == 400 and wrong.json["code"] == "INVALID_PASSWORD"


def test_get_totp_uri_without_totp(tf):
    tf.call("sign_up_email", ANN)
    reply = tf.call("get_totp_uri", {"password": PASSWORD})
    assert reply.status == 400 and reply.json["code"] == "TOTP_NOT_ENABLED"


def test_disable_turns_it_off(tf, tf_app, clock):
    enroll(tf, clock)
    wrong = tf.call("disable_two_factor", {"password": "wrong-password"})
    assert wrong.status == 400 and wrong.json["code"] == "INVALID_PASSWORD"
    before = tf.jar["better-auth.session_token"]
    reply = tf.call("disable_two_factor", {"password": PASSWORD})
    assert reply.status == 200 and reply.json == {"status": True}
    assert tf.jar["better-auth.session_token"] != before
    assert rows(tf_app, "twoFactor") == []
    assert _user(tf_app)["twoFactorEnabled"] is False
    signed_in = held_sign_in(tf)
    assert "token" in signed_in.json and "twoFactorRedirect" not in signed_in.json


def test_generate_backup_codes_replaces_the_set(tf, clock):
    enrolled = enroll(tf, clock)
    reply = tf.call("generate_backup_codes", {"password": PASSWORD})
    assert reply.status == 200 and reply.json["status"] is True
    fresh = reply.json["backupCodes"]
    assert len(fresh) == 10 and not set(fresh) & set(enrolled.backup_codes)
    held_sign_in(tf)
    old = tf.call("verify_backup_code", {"code": enrolled.backup_codes[0]})
    assert old.status == 401 and old.json["code"] == "INVALID_BACKUP_CODE"
    assert tf.call("verify_backup_code", {"code": fresh[0]}).status == 200


def test_generate_backup_codes_needs_2fa_on(tf):
    tf.call("sign_up_email", ANN)
    reply = tf.call("generate_backup_codes", {"password": PASSWORD})
    assert reply.status == 400 and reply.json["code"] == "TWO_FACTOR_NOT_ENABLED"


def test_view_backup_codes_is_server_only(tf_app, tf, clock):
    enrolled = enroll(tf, clock)
    user_id = rows(tf_app, "user")[0]["id"]
    with tf_app.app.test_request_context():
        answer = tf_app.auth.api.view_backup_codes(body={"userId": user_id})
    assert answer == {"status": True, "backupCodes": enrolled.backup_codes}
    client = tf_app.app.test_client()
    assert client.post("/api/auth/two-factor/view-backup-codes", json={}).status_code == 404


def test_generate_totp_is_server_only(tf_app, clock):
    with tf_app.app.test_request_context():
        answer = tf_app.auth.api.generate_totp(body={"secret": "A" * 32})
    key = __import__("base64").b32encode(b"A" * 32).decode().rstrip("=")
    assert answer == {"code": code_at(key, clock)}
