"""Social sign-in on the ready-made pages: "Continue with ..." on the sign-in page, the
"Linked accounts" section of the account page (test client; Chromium in
test_browser.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts
from tests.pages.conftest import make_pages_app  # noqa: F401  (the pages app factory)
from tests.pages.conftest import notice
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin


@pytest.fixture
def page(make_pages_app, idp):  # noqa: F811
    app = make_pages_app(plugins=[oidc_plugin(idp)])
    return PageClient(app.test_client())


def _through_provider(page, response, sub):
    assert response.status_code == 303, response.text
    login = requests.post(
        response.headers["Location"], data={"sub": sub}, allow_redirects=False, timeout=5
    )
    back = urlsplit(login.headers["Location"])
    return page.client.get(f"{back.path}?{back.query}")


def test_continue_with_provider_and_linked_accounts(page, idp):
    idp_user(idp, "page-1", email="page@example.com", email_verified=True, name="Page")
    shown = page.get("/auth/sign-in")
    assert "Continue with oidc" in shown.text
    started = page.submit("/auth/sign-in/social/oidc", {}, page="/auth/sign-in")
    back = _through_provider(page, started, "page-1")
    assert back.status_code == 302
    assert back.headers["Location"] == "/auth/sign-in/social/done"
    assert page.get(back.headers["Location"]).headers["Location"] == "/auth/account"
    account = page.get("/auth/account")
    assert "Linked accounts" in account.text and 'data-testid="linked-account"' in account.text
    assert 'aria-label="Unlink oidc"' in account.text
    import re

    account_id = re.search(r'name="account_id" value="([^"]+)"', account.text).group(1)
    refused = page.act("unlink-account", account_id=account_id)
    assert alerts(refused)["accounts-error"].startswith("This is the only way you sign in")


def test_social_error_is_shown_in_words(page, idp):
    page.sign_up(name="Una", email="una@example.com")
    page.get("/auth/sign-out")
    page.submit("/auth/sign-out", {})
    idp_user(idp, "una-1", email="una@example.com", email_verified=True)
    started = page.submit("/auth/sign-in/social/oidc", {}, page="/auth/sign-in")
    back = _through_provider(page, started, "una-1")
    assert back.headers["Location"] == "/auth/sign-in?error=account_not_linked"
    shown = page.get(back.headers["Location"])
    assert "An account with this email address exists" in shown.text
    # A provider's require_email_verification refusal, in words too.
    shown = page.get("/auth/sign-in?error=email_not_verified")
    assert "Confirm your email address with the link we sent" in shown.text


def test_link_from_the_account_page(page, idp):
    page.sign_up(name="Lou", email="lou@example.com")
    idp_user(idp, "lou-1", email="lou@example.com", email_verified=True)
    account = page.get("/auth/account")
    assert "Link oidc" in account.text and "No provider is linked" in account.text
    started = page.act("link-social", provider="oidc")
    back = _through_provider(page, started, "lou-1")
    assert back.headers["Location"] == "/auth/account?notice=account-linked#accounts"
    shown = page.get("/auth/account?notice=account-linked")
    assert notice(shown) == "The account was linked."
    assert 'aria-label="Unlink oidc"' in shown.text


def test_a_held_social_sign_in_goes_to_the_two_factor_page(make_pages_app, idp):  # noqa: F811
    from flask_betterauth.plugins import two_factor

    app = make_pages_app(plugins=[oidc_plugin(idp), two_factor(issuer="Pages")])
    page = PageClient(app.test_client())
    held = page.get("/auth/sign-in/social/done?twoFactorRedirect=true&twoFactorMethods=totp")
    assert held.status_code == 303
    assert urlsplit(held.headers["Location"]).path == "/auth/two-factor"
    plain = page.get("/auth/sign-in/social/done")
    assert plain.headers["Location"] == "/auth/account"
