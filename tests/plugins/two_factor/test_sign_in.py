"""The sign-in challenge (spec 2.3): held sign-ins, the factors, attempts, the cookie."""

from __future__ import annotations

from flask import jsonify

from flask_betterauth import current_user
from flask_betterauth import login_required
from tests.helpers import PASSWORD
from tests.helpers import rows
from tests.plugins.two_factor.conftest import ANN
from tests.plugins.two_factor.conftest import SIGN_IN
from tests.plugins.two_factor.conftest import code_at
from tests.plugins.two_factor.conftest import enroll
from tests.plugins.two_factor.conftest import held_sign_in
from tests.plugins.two_factor.conftest import session_count

TWO_FACTOR = "better-auth.two_factor"
SESSION = "better-auth.session_token"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_sign_in_is_held_without_a_session(tf, tf_app, clock):
    enroll(tf, clock)
    tf.call("sign_out", {})
    before = session_count(tf_app)
    reply = tf.call("sign_in_email", SIGN_IN)
    assert reply.status == 200
    assert reply.json == {"twoFactorRedirect": True, "twoFactorMethods": ["totp", "otp"]}
    assert session_count(tf_app) == before
    lines = reply.set_cookies
    assert any(line.startswith(f"{SESSION}=;") and "Max-Age=0" in line for line in lines)
    assert any(line.startswith(f"{TWO_FACTOR}=2fa-") and "Max-Age=600" in line for line in lines)
    assert not any(line.startswith(f"{SESSION}=") and "Max-Age=0" not in line for line in lines)
    assert tf.call("get_session").json is None
    # Only hashes of the challenge are stored.
    challenge = tf.jar[TWO_FACTOR].split(".")[0]
    assert all(challenge not in row["identifier"] for row in rows(tf_app, "verification"))


def test_totp_completes_the_sign_in_once(tf, tf_app, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    held_cookie = tf.jar[TWO_FACTOR]
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert reply.status == 200
    assert reply.json["user"]["twoFactorEnabled"] is True and reply.json["token"]
    assert reply.cookie(TWO_FACTOR) == ""
    assert tf.jar[SESSION].startswith(reply.json["token"] + ".")
    assert tf.call("get_session").json["user"]["email"] == ANN["email"]
    # The challenge is single use: a replayed cookie is refused.
    tf.jar[TWO_FACTOR] = held_cookie
    del tf.jar[SESSION]
    replay = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert replay.status == 401 and replay.json["code"] == "INVALID_TWO_FACTOR_COOKIE"


def test_backup_code_completes_the_sign_in_and_is_used_up(tf, tf_app, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    code = enrolled.backup_codes[3]
    reply = tf.call("verify_backup_code", {"code": code})
    assert reply.status == 200 and reply.json["token"]
    held_sign_in(tf)
    again = tf.call("verify_backup_code", {"code": code})
    assert again.status == 401 and again.json["code"] == "INVALID_BACKUP_CODE"
    with tf_app.app.test_request_context():
        left = tf_app.auth.api.view_backup_codes(body={"userId": reply.json["user"]["id"]})
    assert len(left["backupCodes"]) == 9 and code not in left["backupCodes"]


def test_otp_completes_the_sign_in(tf, outbox, clock):
    enroll(tf, clock)
    held_sign_in(tf)
    assert tf.call("send_two_factor_otp", {}).json == {"status": True}
    assert outbox.sent[-1][0] == ANN["email"] and len(outbox.last) == 6
    wrong = tf.call("verify_two_factor_otp", {"code": _wrong(outbox.last)})
    assert wrong.status == 401 and wrong.json["code"] == "INVALID_CODE"
    reply = tf.call("verify_two_factor_otp", {"code": outbox.last})
    assert reply.status == 200 and reply.json["user"]["email"] == ANN["email"]
    assert tf.call("get_session").json is not None


def test_otp_expires_after_three_minutes(tf, outbox, clock):
    enroll(tf, clock)
    held_sign_in(tf)
    tf.call("send_two_factor_otp", {})
    clock.advance(seconds=181)
    reply = tf.call("verify_two_factor_otp", {"code": outbox.last})
    assert reply.status == 400 and reply.json["code"] == "OTP_HAS_EXPIRED"


def test_otp_allows_five_tries(tf, outbox, clock):
    enroll(tf, clock)
    held_sign_in(tf)
    tf.call("send_two_factor_otp", {})
    for _ in range(5):
        assert tf.call("verify_two_factor_otp", {"code": _wrong(outbox.last)}).status == 401
    reply = tf.call("verify_two_factor_otp", {"code": outbox.last})
    assert reply.status == 400 and reply.json["code"] == "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"
    tf.call("send_two_factor_otp", {})
    assert tf.call("verify_two_factor_otp", {"code": outbox.last}).status == 200


def test_verify_without_session_or_cookie(tf):
    for name in ("verify_totp", "verify_two_factor_otp", "verify_backup_code"):
        reply = tf.call(name, {"code": "123456"})
        assert reply.status == 401 and reply.json["code"] == "INVALID_TWO_FACTOR_COOKIE"
    reply = tf.call("send_two_factor_otp", {})
    assert reply.status == 401 and reply.json["code"] == "INVALID_TWO_FACTOR_COOKIE"


def test_five_wrong_codes_cancel_the_challenge(tf, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    for _ in range(5):
        reply = tf.call("verify_totp", {"code": _wrong(code_at(enrolled.key, clock))})
        assert reply.status == 401 and reply.json["code"] == "INVALID_CODE"
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert reply.status == 400 and reply.json["code"] == "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"
    assert reply.cookie(TWO_FACTOR) == ""
    assert tf.call("get_session").json is None


def test_backup_code_tries_share_the_budget(tf, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    for _ in range(3):
        tf.call("verify_totp", {"code": _wrong(code_at(enrolled.key, clock))})
    for _ in range(2):
        assert tf.call("verify_backup_code", {"code": "aaaaa-bbbbb"}).status == 401
    reply = tf.call("verify_backup_code", {"code": enrolled.backup_codes[0]})
    assert reply.status == 400 and reply.json["code"] == "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"


def test_expired_challenge(tf, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    clock.advance(seconds=601)
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert reply.status == 401 and reply.json["code"] == "INVALID_TWO_FACTOR_COOKIE"


def test_tampered_cookie(tf, clock):
    enrolled = enroll(tf, clock)
    held_sign_in(tf)
    value = tf.jar[TWO_FACTOR]
    tf.jar[TWO_FACTOR] = "2fa-AAAAAAAAAAAAAAAAAAAA" + value[value.index(".") :]
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert reply.status == 401 and reply.json["code"] == "INVALID_TWO_FACTOR_COOKIE"
    tf.jar[TWO_FACTOR] = value.split(".")[0]
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert reply.status == 401 and reply.json["code"] == "INVALID_TWO_FACTOR_COOKIE"


def test_lockout_after_ten_failures(tf, clock):
    enrolled = enroll(tf, clock)
    for _ in range(2):
        held_sign_in(tf)
        for _ in range(5):
            tf.call("verify_totp", {"code": _wrong(code_at(enrolled.key, clock))})
    held_sign_in(tf)
    reply = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert reply.status == 429 and reply.json["code"] == "ACCOUNT_TEMPORARILY_LOCKED"
    clock.advance(seconds=901)
    held_sign_in(tf)
    assert tf.call("verify_totp", {"code": code_at(enrolled.key, clock)}).status == 200


def test_bad_input_is_a_4xx(tf, clock):
    enroll(tf, clock)
    held_sign_in(tf)
    for body in ({}, {"code": 123456}, {"code": None}, {"code": "1" * 10_000}, {"code": ["1"]}):
        reply = tf.call("verify_totp", body)
        assert reply.status == 400 and reply.json["code"] == "VALIDATION_ERROR", body
    for code in ("12345", "1234567", "12a456", "١٢٣٤٥٦", ""):
        reply = tf.call("verify_totp", {"code": code})
        assert reply.status == 401 and reply.json["code"] == "INVALID_CODE", code
    reply = tf.call("verify_totp", {"code": "123456", "trustDevice": "yes"})
    assert reply.status == 400


def test_remember_me_false_is_kept(tf, clock):
    enrolled = enroll(tf, clock)
    reply = held_sign_in(tf, rememberMe=False)
    assert reply.cookie("better-auth.dont_remember")
    verified = tf.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    line = next(x for x in verified.set_cookies if x.startswith(SESSION + "="))
    assert "Max-Age" not in line


def test_login_required_never_sees_a_held_sign_in(tf_app, clock):
    app = tf_app.app

    @app.get("/private")
    @login_required
    def private():
        return jsonify(email=current_user.email)

    from tests.helpers import Caller

    caller = Caller(tf_app, "http")
    enrolled = enroll(caller, clock)
    held_sign_in(caller)
    cookies = "; ".join(f"{k}={v}" for k, v in caller.jar.items())
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": cookies, "Accept": "application/json"}
    assert client.get("/private", headers=headers).status_code == 401
    caller.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    cookies = "; ".join(f"{k}={v}" for k, v in caller.jar.items())
    answer = client.get("/private", headers={**headers, "Cookie": cookies})
    assert answer.status_code == 200 and answer.json == {"email": ANN["email"]}


def test_a_user_without_2fa_signs_in_directly(tf):
    tf.call("sign_up_email", ANN)
    tf.call("sign_out", {})
    reply = tf.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert reply.status == 200 and reply.json["token"]
