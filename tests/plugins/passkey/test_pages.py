"""The passkey pages without a browser: the account section lists, renames and deletes
passkeys; the sign-in page offers the passkey button and autofill. (The ceremonies
themselves run in Chromium: test_browser.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest

from flask_betterauth.plugins import passkey
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts
from tests.pages.conftest import notice

from .authenticator import Authenticator

API = "/api/auth"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def page(make_pages_app: Any) -> PageClient:
    return PageClient(make_pages_app(plugins=[passkey()]).test_client())


def _add_passkey(page: PageClient, device: Authenticator, name: str) -> None:
    """What passkey.js does on the account page, through the same browser's cookies."""
    client = page.client
    options = client.get(f"{API}/passkey/generate-register-options", headers=ORIGIN).get_json()
    body = {"response": device.create(options), "name": name}
    reply = client.post(f"{API}/passkey/verify-registration", json=body, headers=ORIGIN)
    assert reply.status_code == 200, reply.get_json()


def test_account_section_lists_renames_and_deletes(page: PageClient) -> None:
    assert page.sign_up().status_code == 303
    account = page.get("/auth/account")
    assert 'id="passkeys"' in account.text and "You have no passkey yet" in account.text
    assert "Add a passkey" in account.text and "passkey.js" in account.text
    _add_passkey(page, Authenticator(), "Laptop")
    account = page.get("/auth/account")
    assert re.search(r'data-testid="passkey-name">Laptop<', account.text)
    passkey_id = re.search(r'name="id" value="([^"]+)"', account.text).group(1)
    renamed = page.act("rename-passkey", id=passkey_id, name="Phone")
    assert renamed.status_code == 303
    assert notice(page.get(renamed.headers["Location"])) == "Your passkey is renamed."
    assert 'data-testid="passkey-name">Phone<' in page.get("/auth/account").text
    blank = page.act("rename-passkey", id=passkey_id, name="  ")
    assert blank.status_code == 400 and alerts(blank)
    no_script = page.act("add-passkey", name="x")
    assert no_script.status_code == 400
    assert "needs JavaScript" in " ".join(alerts(no_script).values())
    deleted = page.act("delete-passkey", id=passkey_id)
    assert notice(page.get(deleted.headers["Location"])) == "Your passkey is deleted."
    assert "You have no passkey yet" in page.get("/auth/account").text
    gone = page.act("delete-passkey", id=passkey_id)
    assert gone.status_code == 404
    assert "gone already" in " ".join(alerts(gone).values())


def test_sign_in_page_offers_passkeys(page: PageClient) -> None:
    sign_in = page.get("/auth/sign-in?next=/private")
    assert 'autocomplete="username webauthn"' in sign_in.text
    assert "Sign in with a passkey" in sign_in.text
    assert 'data-done="/auth/passkey/signed-in?next=/private"' in sign_in.text
    assert page.get("/auth/passkey/signed-in?next=/private").headers["Location"] == "/private"
    with page.get("/auth/static/passkey.js") as script:
        assert script.status_code == 200 and "navigator.credentials.get" in script.text
