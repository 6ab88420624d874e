"""A user with two-factor on gets the second step after a social sign-in too (through
the one sign-in path: the callback is a ``sign_in=True`` endpoint)."""

from __future__ import annotations

import pyotp

from flask_betterauth.plugins import two_factor
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql
from tests.plugins.two_factor.conftest import code_at
from tests.plugins.two_factor.conftest import secret_of
from tests.social.conftest import Browser
from tests.social.conftest import idp_tokens
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin

SESSION = "better-auth.session_token"
TWO_FACTOR = "better-auth.two_factor"


def test_social_sign_in_is_held_for_the_second_factor(make_app, idp, real_clock, via):
    test_app = make_app(plugins=[oidc_plugin(idp), two_factor(issuer="Tests")])
    browser = Browser(Caller(test_app, via), idp)
    caller = browser.caller
    caller.call("sign_up_email", {"name": "Tia", "email": "tia@example.com", "password": PASSWORD})
    sql(test_app, 'UPDATE "user" SET "emailVerified" = true')
    enabled = caller.call("enable_two_factor", {"password": PASSWORD})
    key = secret_of(enabled.json["totpURI"])
    assert caller.call("verify_totp", {"code": code_at(key, real_clock)}).status == 200
    caller.call("sign_out", {})
    caller.jar.clear()
    idp_user(idp, "tia-1", email="tia@example.com", email_verified=True)
    before = len(rows(test_app, "session"))
    reply = browser.sign_in("tia-1", callbackURL="/dash")
    assert reply.status == 302
    assert (
        reply.headers["Location"]
        == "http://localhost/dash?twoFactorRedirect=true&twoFactorMethods=totp"
    )
    assert SESSION not in caller.jar and TWO_FACTOR in caller.jar
    assert len(rows(test_app, "session")) == before
    assert caller.call("get_session").json is None
    code = pyotp.TOTP(key).at(real_clock.now.timestamp())
    verified = caller.call("verify_totp", {"code": code})
    assert verified.status == 200, verified.json
    assert caller.call("get_session").json["user"]["email"] == "tia@example.com"
    # ID-token sign-in is held the same way (JSON, as e-mail sign-in).
    caller.call("sign_out", {})
    caller.jar.clear()
    tokens = idp_tokens(idp, "tia-1")
    held = caller.call(
        "sign_in_social", {"provider": "oidc", "idToken": {"token": tokens["id_token"]}}
    )
    assert held.json == {"twoFactorRedirect": True, "twoFactorMethods": ["totp"]}
