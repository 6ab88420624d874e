"""The official client drives social sign-in (``tests/compat/social.mjs``) against a real
OpenID Connect provider: ``signIn.social``, the provider's login, the callback,
``getSession``, ``listAccounts``, ``getAccessToken``, ``linkSocial``, ``unlinkAccount``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.social.conftest import idp  # noqa: F401  (the provider fixture)
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin
from tests.test_compat import compat_client_installed as compat_client_installed
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat


@pytest.mark.usefixtures("compat_client_installed")
@pytest.mark.parametrize("strategy", ["database", "cookie"])
def test_social_client_flows(tmp_path: Path, idp: str, strategy: str) -> None:  # noqa: F811
    """Both ``account.store_state_strategy`` places: the client cannot tell."""
    idp_user(idp, "compat-1", email="compat@example.com", email_verified=True, name="Compat")
    idp_user(idp, "compat-2", email="linker@example.com", email_verified=True)
    env = {
        "IDP_SUB": "compat-1",
        "IDP_EMAIL": "compat@example.com",
        "LINK_SUB": "compat-2",
        "LINK_EMAIL": "linker@example.com",
    }
    state_option = {"store_state_strategy": strategy}
    with serving(tmp_path, plugins=[oidc_plugin(idp)], account=state_option) as server:
        report = run_scenario(server.url, "social", "social.mjs", env=env)
    steps = report["steps"]
    assert steps["signIn"]["error"] is None
    assert steps["signIn"]["data"]["redirect"] is False
    cookie = "better-auth.state" if strategy == "database" else "better-auth.oauth_state"
    assert cookie in steps["signIn"]["cookies"]
    assert steps["callback"] == {"status": 302, "location": "/dash"}
    assert steps["session"]["data"]["user"]["email"] == "compat@example.com"
    assert steps["session"]["data"]["user"]["name"] == "Compat"
    (account,) = steps["accounts"]["data"]
    assert account["providerId"] == "oidc" and account["accountId"] == "compat-1"
    assert steps["token"]["error"] is None and steps["token"]["data"]["accessToken"]
    assert steps["token"]["data"]["scopes"] == ["openid", "email", "profile"]
    last = steps["unlinkLast"]["error"]
    assert (last["status"], last["code"]) == (400, "FAILED_TO_UNLINK_LAST_ACCOUNT")

    assert steps["link"]["error"] is None and steps["link"]["data"]["url"]
    assert steps["linkCallback"] == {"status": 302, "location": "/linked"}
    providers = sorted(a["providerId"] for a in steps["linked"]["data"])
    assert providers == ["credential", "oidc"]
    assert steps["unlink"]["data"] == {"status": True}
    assert [a["providerId"] for a in steps["after"]["data"]] == ["credential"]
