"""The cookie state strategy's central flow on PostgreSQL (the rest of
test_state_cookie.py never reaches the database for its state)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import rows
from tests.social.conftest import Browser
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgresql_schema_url: str) -> str:
    """PostgreSQL only: SQLite runs every case in test_state_cookie.py."""
    return postgresql_schema_url


def test_cookie_state_sign_in_and_link_on_postgresql(make_app: Any, idp: str, real_clock: Clock):
    test_app = make_app(plugins=[oidc_plugin(idp)], account={"store_state_strategy": "cookie"})
    idp_user(idp, "pg-ck-1", email="pgck@example.com", email_verified=True)
    browser = Browser(Caller(test_app, "http"), idp)
    reply = browser.sign_in("pg-ck-1", callbackURL="/in", newUserCallbackURL="/welcome")
    assert reply.headers["Location"] == "/welcome"
    assert rows(test_app, "verification") == []
    again = browser.sign_in("pg-ck-1", callbackURL="/in")
    assert again.headers["Location"] == "/in"
    assert len(rows(test_app, "user")) == 1 and len(rows(test_app, "session")) == 2
