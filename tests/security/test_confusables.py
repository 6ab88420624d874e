"""Issue 17 item 13, as decided in docs/security.rst: an address that only looks like
another (Unicode confusables) is another account, with its own password and mail; it
gives no way into the account it imitates."""

from __future__ import annotations

from tests.helpers import PASSWORD
from tests.helpers import rows
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import sign_up

#: "ann@example.com" with a Cyrillic "а" (U+0430) for the Latin "a".
LOOK_ALIKE = "\u0430nn@example.com"


def test_a_look_alike_address_is_a_separate_account(browser, strict_app):
    sign_up(browser)
    sign_up(browser, {**ANN, "email": LOOK_ALIKE, "password": "other-password-1"})
    assert sorted(row["email"] for row in rows(strict_app, "user")) == sorted(
        [ANN["email"], LOOK_ALIKE]
    )
    wrong = browser.post(
        f"{BASE}/sign-in/email",
        json={"email": LOOK_ALIKE, "password": PASSWORD},
        headers={"Origin": APP_ORIGIN},
    )
    assert (wrong.status_code, wrong.get_json()["code"]) == (401, "INVALID_EMAIL_OR_PASSWORD")
