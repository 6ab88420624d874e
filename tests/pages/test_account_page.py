"""The account page: profile, email, password, the sessions of every device, deletion."""

from __future__ import annotations

import re

import pytest

from tests.helpers import PASSWORD

from .conftest import ANN
from .conftest import PageClient
from .conftest import alerts
from .conftest import notice

SESSION_COOKIE = "better-auth.session_token"
NEW_PASSWORD = "another good password"


def test_account_page_needs_a_session(browser):
    response = browser.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/sign-in?next=/auth/account"


def test_account_page_shows_every_section_accessibly(ann):
    page = ann.get("/auth/account").text
    assert page.count("<h1") == 1
    sections = re.findall(r'<section class="ba-card" id="([^"]+)"', page)
    assert sections == ["profile", "email", "password", "sessions", "delete"]
    for input_id in re.findall(r'<input id="([^"]+)"', page):
        assert f'<label for="{input_id}">' in page
    assert len(set(re.findall(r' id="([^"]+)"', page))) == len(re.findall(r' id="', page))
    assert 'data-testid="email-state">not verified' in page


def test_profile_is_saved(ann):
    response = ann.act("profile", name="Ann Lee")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/account?notice=profile#profile"
    page = ann.get("/auth/account?notice=profile")
    assert notice(page) == "Your profile was saved."
    assert 'value="Ann Lee"' in page.text


def test_change_of_address_mails_a_link(ann, smtp_server):
    response = ann.act("change-email", email="ann.new@example.com")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/account?notice=email-sent#email"
    assert smtp_server.last(to="ann.new@example.com").link


def test_change_of_address_to_a_bad_one_is_shown_in_its_section(ann):
    response = ann.act("change-email", email="nope")
    assert response.status_code == 400
    assert alerts(response) == {"email-error": "New email address: Not a valid email address."}
    assert 'aria-describedby="email-error"' in response.text


def test_resend_verification_from_the_account_page(ann, smtp_server):
    before = len(smtp_server.inbox)
    response = ann.act("resend-verification")
    assert response.headers["Location"] == "/auth/account?notice=verification-sent#email"
    assert len(smtp_server.inbox) == before + 1


def test_password_change_checks_the_current_one(ann):
    wrong = ann.act("change-password", current_password="wrong one", new_password=NEW_PASSWORD)
    assert wrong.status_code == 400
    assert alerts(wrong) == {"password-error": "The password is wrong."}
    assert 'aria-describedby="password-error"' in wrong.text
    done = ann.act("change-password", current_password=PASSWORD, new_password=NEW_PASSWORD)
    assert done.status_code == 303
    assert done.headers["Location"] == "/auth/account?notice=password#password"


def test_password_change_can_sign_out_other_devices(ann, pages_app):
    phone = PageClient(pages_app.test_client())
    phone.sign_in()
    response = ann.act(
        "change-password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        revoke_other_sessions="on",
    )
    assert "notice=password-others-signed-out" in response.headers["Location"]
    assert ann.get("/private").status_code == 200
    assert phone.get("/private").status_code == 302


def _listed(browser: PageClient) -> list[str]:
    return re.findall(r'name="token" value="([^"]+)"', browser.get("/auth/account").text)


def test_sessions_of_other_devices_are_listed_and_revoked(ann, pages_app):
    phone = PageClient(pages_app.test_client())
    phone.sign_in()
    page = ann.get("/auth/account").text
    assert page.count('data-testid="session"') == 2
    assert "this device" in page
    own_token = ann.cookie(SESSION_COOKIE).split(".")[0]
    assert own_token not in page
    listed = _listed(ann)
    assert len(listed) == 1
    response = ann.act("revoke-session", token=listed[0])
    assert response.headers["Location"] == "/auth/account?notice=session-revoked#sessions"
    assert phone.get("/private").status_code == 302
    assert ann.get("/private").status_code == 200
    assert _listed(ann) == []


def test_sign_out_every_other_device(ann, pages_app):
    phones = [PageClient(pages_app.test_client()) for _ in range(2)]
    for phone in phones:
        phone.sign_in()
    response = ann.act("revoke-other-sessions")
    assert "notice=other-sessions-revoked" in response.headers["Location"]
    assert [phone.get("/private").status_code for phone in phones] == [302, 302]
    assert ann.get("/private").status_code == 200


def test_sessions_need_a_fresh_sign_in(make_pages_app, clock):
    app = make_pages_app(session={"fresh_age": 60})
    browser = PageClient(app.test_client())
    browser.sign_up()
    clock.advance(minutes=5)
    page = browser.get("/auth/account")
    assert page.status_code == 200
    assert alerts(page) == {"sessions-error": "For your safety, sign in again to do this."}
    assert 'data-testid="session"' not in page.text


def test_delete_account_checks_the_password(ann):
    wrong = ann.act("delete-account", password="wrong one")
    assert wrong.status_code == 400
    assert alerts(wrong) == {"delete-error": "The password is wrong."}


def test_delete_account_by_mailed_link(make_pages_app, smtp_server):
    app = make_pages_app(user={"delete_user": {"send_delete_account_verification": True}})
    ann = PageClient(app.test_client())
    ann.sign_up()
    response = ann.act("delete-account", password=PASSWORD)
    assert response.headers["Location"] == "/auth/account?notice=delete-sent#delete"
    link = smtp_server.last(to=ANN["email"]).link
    assert "/api/auth/delete-user/callback" in link
    path = link.split("http://localhost", 1)[1]
    landed = ann.get(path)
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/auth/sign-in?notice=deleted"
    assert notice(ann.get("/auth/sign-in?notice=deleted")) == "Your account was deleted."
    assert ann.sign_in().status_code == 401


def test_delete_account_at_once(ann):
    browser = ann
    response = browser.act("delete-account", password=PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-in?notice=deleted"
    assert browser.cookie(SESSION_COOKIE) is None
    assert browser.sign_in().status_code == 401


def test_unknown_action_is_refused(ann):
    response = ann.act("launch-rockets")
    assert response.status_code == 400
    assert "This form is not known here" in response.text


@pytest.mark.parametrize("token", [None, "forged"])
def test_account_post_without_a_valid_token_is_refused_in_its_section(ann, token):
    data = {"action": "profile", "name": "Mallory"}
    if token:
        data["betterauth_csrf"] = token
    response = ann.client.post("/auth/account", data=data)
    assert response.status_code == 400
    assert alerts(response)["profile-error"].startswith("This form expired")
    assert 'value="Ann"' in ann.get("/auth/account").text
