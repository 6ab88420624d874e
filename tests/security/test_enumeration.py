"""Account enumeration: answers that do not tell whether an address has an account."""

from __future__ import annotations

from bench import enumeration
from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import BASE
from tests.security.conftest import set_cookie_value
from tests.security.conftest import sign_up


def _post(client, path, body):
    return client.post(f"{BASE}{path}", json=body)


def test_unknown_email_and_wrong_password_answer_alike(browser):
    sign_up(browser)
    unknown = _post(
        browser, "/sign-in/email", {"email": "nobody@example.com", "password": PASSWORD}
    )
    wrong = _post(browser, "/sign-in/email", {"email": ANN["email"], "password": "wrong-password"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.data == wrong.data
    assert unknown.get_json()["code"] == "INVALID_EMAIL_OR_PASSWORD"
    assert set_cookie_value(unknown) is None and set_cookie_value(wrong) is None
    assert sorted(unknown.headers.keys()) == sorted(wrong.headers.keys())


def test_an_unknown_email_costs_one_password_hash(make_app):
    """The unknown-email path hashes the password once, as the wrong-password path
    verifies it once: the same work, so the same time (measured by bench/enumeration.py)."""
    work: list[str] = []

    def hash_(password: str) -> str:
        work.append("hash")
        return "h:" + password

    def verify(stored: str, password: str) -> bool:
        work.append("verify")
        return stored == "h:" + password

    client = make_app(
        email_and_password={"password": {"hash": hash_, "verify": verify}}
    ).app.test_client()
    sign_up(client)
    work.clear()
    _post(client, "/sign-in/email", {"email": "nobody@example.com", "password": PASSWORD})
    assert work == ["hash"]
    work.clear()
    _post(client, "/sign-in/email", {"email": ANN["email"], "password": "wrong-password"})
    assert work == ["verify"]


def test_request_password_reset_answers_alike(make_app):
    sent: list[str] = []
    client = make_app(
        email_and_password={"send_reset_password": lambda user, url, token: sent.append(token)}
    ).app.test_client()
    sign_up(client)
    known = _post(client, "/request-password-reset", {"email": ANN["email"]})
    unknown = _post(client, "/request-password-reset", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.data == unknown.data
    assert len(sent) == 1


def test_sign_up_with_a_taken_email_says_so_by_default(browser):
    sign_up(browser)
    response = _post(browser, "/sign-up/email", {**ANN, "name": "Other"})
    assert response.status_code == 422
    assert response.get_json()["code"] == "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"


def test_sign_up_with_a_taken_email_is_quiet_when_verification_is_required(make_app):
    client = make_app(
        email_and_password={"require_email_verification": True},
        email_verification={"send_verification_email": lambda user, url, token: None},
    ).app.test_client()
    fresh = _post(client, "/sign-up/email", ANN)
    taken = _post(client, "/sign-up/email", {**ANN, "name": "Other"})
    assert fresh.status_code == taken.status_code == 200
    assert fresh.get_json().keys() == taken.get_json().keys()
    assert taken.get_json()["token"] is None
    assert taken.get_json()["user"]["id"] != fresh.get_json()["user"]["id"]
    assert set_cookie_value(taken) is None


def test_the_timing_bench_reports_both_medians():
    result = enumeration.measure(attempts=3, rounds=4, warmup=1)
    assert result["attempts"] == 3 and result["bcrypt_rounds"] == 4
    assert result["unknown_email_ms"] > 0 and result["wrong_password_ms"] > 0
    assert 0 <= result["difference"] < 1
    assert result["same_answer"] is True
    lines = enumeration.report(result).splitlines()
    assert lines[0] == "sign-in timing, 3 attempts each, bcrypt cost 4:"
    assert lines[1].startswith("  unknown email   median") and lines[1].endswith(" ms")
    assert lines[2].startswith("  wrong password  median") and lines[2].endswith(" ms")
    assert lines[4] == "  same status and body: yes"
    assert result["reset_known_ms"] > 0 and result["reset_unknown_ms"] > 0
    assert result["reset_same_answer"] is True
    assert lines[5].startswith("request-password-reset timing, 3 attempts each")
    assert lines[6].startswith("  known address   median") and lines[6].endswith(" ms")
    assert lines[7].startswith("  unknown address median") and lines[7].endswith(" ms")
    assert lines[9] == "  same status and body: yes"
