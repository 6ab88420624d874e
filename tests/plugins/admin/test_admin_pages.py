"""The admin page of the ready-made pages: admins only, search and paging, ban/unban,
impersonate and the "stop impersonating" bar (Flask test client, SQLite)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import admin
from tests.helpers import PASSWORD
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/pages.sqlite"


def _run(app: Any, statement: str, **params: Any) -> None:
    with app.app_context(), app.extensions["sqlalchemy"].engine.begin() as conn:
        conn.execute(sa.text(statement), params)


@pytest.fixture
def site(make_pages_app: Any) -> Any:
    """Ann (admin) and 25 other users."""
    app = make_pages_app(plugins=[admin()])
    ann = PageClient(app.test_client())
    assert ann.sign_up().status_code == 303
    _run(app, "UPDATE \"user\" SET role = 'admin' WHERE email = 'ann@example.com'")
    for n in range(25):  # straight into the table: no password needed but user03's
        moment = f"2030-01-01 00:00:{n:02d}"
        _run(
            app,
            'INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt", '
            "role, banned) VALUES (:id, :name, :email, false, :at, :at, 'user', false)",
            id=f"u{n:02d}",
            name=f"User {n:02d}",
            email=f"user{n:02d}@example.com",
            at=moment,
        )
    body = {"name": "User 03", "email": "user03@example.com", "password": PASSWORD}
    _run(app, 'DELETE FROM "user" WHERE id = :id', id="u03")
    assert PageClient(app.test_client()).sign_up(**body).status_code == 303
    _run(
        app,
        'UPDATE "user" SET "createdAt" = :at WHERE email = :e',
        at="2030-01-01 00:00:03",
        e=body["email"],
    )
    return app


def test_admins_only(site: Any) -> None:
    anonymous = site.test_client().get("/auth/admin")
    assert anonymous.status_code == 302 and "/auth/sign-in" in anonymous.headers["Location"]
    bob = PageClient(site.test_client())
    assert bob.sign_in("user03@example.com").status_code == 303
    refused = bob.get("/auth/admin")
    assert refused.status_code == 403
    assert "Only admins can see this page." in alerts(refused).values()
    assert 'data-testid="admin-user"' not in refused.text


def test_search_and_paging(site: Any) -> None:
    ann = PageClient(site.test_client())
    ann.sign_in()
    first = ann.get("/auth/admin")
    assert first.status_code == 200
    assert "26 users." in first.text and "Page 1 of 2" in first.text
    assert first.text.count('data-testid="admin-user"') == 20
    assert "user24@example.com" in first.text  # newest first
    second = ann.get("/auth/admin?page=2")
    assert second.text.count('data-testid="admin-user"') == 6 and "ann@example.com" in second.text
    found = ann.get("/auth/admin?q=USER1")
    assert "10 users matching" in found.text
    assert "Page 1 of 1" in found.text


def test_ban_unban_and_impersonate(site: Any) -> None:
    ann = PageClient(site.test_client())
    ann.sign_in()
    page = ann.get("/auth/admin?q=user03").text
    user_id = page.split('name="user_id" value="')[1].split('"')[0]
    banned = ann.submit("/auth/admin?q=user03", {"action": "ban", "user_id": user_id})
    assert banned.status_code == 303
    assert 'data-testid="banned"' in ann.get("/auth/admin?q=user03").text
    assert PageClient(site.test_client()).sign_in("user03@example.com").status_code == 403
    ann.submit("/auth/admin?q=user03", {"action": "unban", "user_id": user_id})
    assert 'data-testid="banned"' not in ann.get("/auth/admin?q=user03").text

    started = ann.submit("/auth/admin?q=user03", {"action": "impersonate", "user_id": user_id})
    assert started.status_code == 303
    account = ann.get("/auth/account").text
    assert 'data-testid="impersonating"' in account and "user03@example.com" in account
    assert ann.get("/auth/admin").status_code == 403  # as user03: no admin page
    stopped = ann.submit("/auth/admin/stop-impersonating", {}, page="/auth/account")
    assert stopped.status_code == 303 and stopped.headers["Location"].endswith("/auth/admin")
    back = ann.get("/auth/admin")
    assert back.status_code == 200 and 'data-testid="impersonating"' not in back.text


def test_refusals_in_words(site: Any) -> None:
    _run(site, "UPDATE \"user\" SET role = 'admin' WHERE email = 'user05@example.com'")
    ann = PageClient(site.test_client())
    ann.sign_in()
    page = ann.get("/auth/admin?q=user05").text
    user_id = page.split('name="user_id" value="')[1].split('"')[0]
    refused = ann.submit("/auth/admin?q=user05", {"action": "impersonate", "user_id": user_id})
    assert refused.status_code == 403
    assert "Admins can not be impersonated." in alerts(refused).values()
    odd = ann.submit("/auth/admin", {"action": "explode", "user_id": user_id})
    assert odd.status_code == 400
    forged = ann.client.post("/auth/admin", data={"action": "ban", "user_id": user_id})
    assert forged.status_code == 400
