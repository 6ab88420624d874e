"""The two-factor pages: turn 2FA on from the account page (QR code, key, backup codes
shown once), the second step of sign-in (TOTP, backup code, OTP), trust this device."""

from __future__ import annotations

import re

import pytest

from flask_betterauth.plugins import two_factor
from tests.pages.conftest import ANN
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts
from tests.pages.conftest import notice
from tests.plugins.two_factor.conftest import code_at

_KEY = re.compile(r'<code id="two-factor-key">([A-Z2-7 ]+)</code>')
_CODES = re.compile(r"<li><code>([A-Za-z0-9]{5}-[A-Za-z0-9]{5})</code></li>")


@pytest.fixture
def tf_pages(make_pages_app, outbox, clock):
    app = make_pages_app(plugins=[two_factor(otp_options={"send_otp": outbox})])
    return PageClient(app.test_client())


def _enable(page: PageClient, clock) -> tuple[str, list[str]]:
    """Ann signs up and turns 2FA on through the pages; her key and backup codes."""
    assert page.sign_up().status_code == 303
    account = page.get("/auth/account")
    assert "Two-factor authentication is <strong>off</strong>" in account.text
    shown = page.submit("/auth/two-factor/setup", {"action": "enable", "password": ANN["password"]})
    assert shown.status_code == 200
    assert "<svg" in shown.text and "<path" in shown.text
    key = _KEY.search(shown.text).group(1).replace(" ", "")
    codes = _CODES.findall(shown.text)
    assert len(codes) == 10
    done = page.submit("/auth/two-factor/setup", {"action": "verify", "code": code_at(key, clock)})
    assert done.status_code == 303 and "notice=two-factor-on" in done.headers["Location"]
    account = page.get("/auth/account")
    assert notice(page.get(done.headers["Location"])) == "Two-factor authentication is on."
    assert "Two-factor authentication is <strong>on</strong>" in account.text
    return key, codes


def _held(page: PageClient) -> str:
    page.submit("/auth/sign-out", {})
    reply = page.sign_in()
    assert reply.status_code == 303
    assert reply.headers["Location"].startswith("/auth/two-factor?")
    assert page.cookie("better-auth.two_factor")
    assert page.get("/private").status_code in (302, 303)
    return reply.headers["Location"]


def test_enable_then_sign_in_with_totp(tf_pages, clock):
    key, _ = _enable(tf_pages, clock)
    step = _held(tf_pages)
    page = tf_pages.get(step)
    assert "Code from your authenticator app" in page.text and "Send me a code" in page.text
    wrong = tf_pages.submit(step, {"action": "totp", "code": "12"})
    assert wrong.status_code == 401 and "That code is not right" in " ".join(alerts(wrong).values())
    done = tf_pages.submit(step, {"action": "totp", "code": code_at(key, clock)})
    assert done.status_code == 303
    assert tf_pages.get("/private").status_code == 200


def test_sign_in_with_a_backup_code_and_trust_the_device(tf_pages, clock):
    _, codes = _enable(tf_pages, clock)
    step = _held(tf_pages)
    done = tf_pages.submit(step, {"action": "backup", "code": codes[0], "trust_device": "on"})
    assert done.status_code == 303
    assert tf_pages.cookie("better-auth.trust_device")
    tf_pages.submit("/auth/sign-out", {})
    again = tf_pages.sign_in()
    assert again.status_code == 303 and not again.headers["Location"].startswith("/auth/two")
    assert tf_pages.get("/private").status_code == 200


def test_sign_in_with_a_mailed_code(tf_pages, outbox, clock):
    _enable(tf_pages, clock)
    step = _held(tf_pages)
    sent = tf_pages.submit(step, {"action": "send-otp"})
    assert sent.status_code == 200 and "We sent you a code." in sent.text
    done = tf_pages.submit(step, {"action": "otp", "code": outbox.last})
    assert done.status_code == 303
    assert tf_pages.get("/private").status_code == 200


def test_turn_off_from_the_account_page(tf_pages, clock):
    _enable(tf_pages, clock)
    wrong = tf_pages.act("disable-two-factor", password="wrong-password")
    assert wrong.status_code == 400
    done = tf_pages.act("disable-two-factor", password=ANN["password"])
    assert done.status_code == 303 and "two-factor-off" in done.headers["Location"]
    tf_pages.submit("/auth/sign-out", {})
    assert not tf_pages.sign_in().headers["Location"].startswith("/auth/two")


def test_setup_needs_the_password_and_csrf(tf_pages):
    tf_pages.sign_up()
    wrong = tf_pages.submit("/auth/two-factor/setup", {"action": "enable", "password": "nope"})
    assert wrong.status_code == 400 and "That password is not right." in wrong.text
    forged = tf_pages.client.post("/auth/two-factor/setup", data={"password": ANN["password"]})
    assert forged.status_code == 400 and "<svg" not in forged.text
