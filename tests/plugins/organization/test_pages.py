"""The organization pages' refusals, shown in words (the flows themselves run in
Chromium, ``test_browser.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.pages.forms import MESSAGES
from flask_betterauth.plugins import organization
from tests.helpers import SQLITE_ONLY
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts

pytestmark = SQLITE_ONLY


@pytest.fixture
def browser(make_pages_app: Any) -> PageClient:
    client = PageClient(make_pages_app(plugins=[organization()]).test_client())
    assert client.sign_up().status_code == 303
    return client


def test_pages_refuse_in_words(browser):
    assert "You have no active organization" in browser.get("/auth/organization/members").text
    made = browser.submit("/auth/organizations", {"action": "create", "name": "A", "slug": "a"})
    assert made.status_code == 303
    taken = browser.submit("/auth/organizations", {"action": "create", "name": "B", "slug": "a"})
    assert taken.status_code == 400
    assert "An organization with this slug exists. Choose another." in alerts(taken).values()
    bad = browser.submit(
        "/auth/organization/members", {"action": "invite", "email": "nope", "role": "member"}
    )
    assert "That e-mail address is not valid." in alerts(bad).values()
    unknown = browser.get("/auth/accept-invitation/nope")
    assert unknown.status_code == 400
    assert "This invitation was used, withdrawn or has expired." in alerts(unknown).values()
    forged = browser.client.post("/auth/organizations", data={"action": "create", "slug": "x"})
    assert forged.status_code == 400
    assert MESSAGES["CSRF"] in alerts(forged).values() and ">A<" in forged.text
    org_id = browser.client.get("/api/auth/organization/list").json[0]["id"]
    invited = browser.submit(
        "/auth/organization/members",
        {"action": "invite", "email": "b@example.com", "role": "member"},
    )
    assert invited.status_code == 303
    invitation_id = browser.client.get(
        "/api/auth/organization/list-invitations", query_string={"organizationId": org_id}
    ).json[0]["id"]
    bea = PageClient(browser.client.application.test_client())
    assert bea.sign_up(email="b@example.com", name="Bea").status_code == 303
    for client, path in (
        (browser, "/auth/organization/members"),
        (bea, f"/auth/accept-invitation/{invitation_id}"),
    ):
        forged = client.client.post(path, data={"action": "remove", "member_id": "x"})
        assert forged.status_code == 400, path
        assert MESSAGES["CSRF"] in alerts(forged).values(), path
    assert "Decline" in forged.text  # the invitation is still shown


def test_pages_need_a_session(make_pages_app):
    client = make_pages_app(plugins=[organization()]).test_client()
    response = client.get("/auth/organizations", headers={"Accept": "text/html"})
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
