"""Fixtures of the social sign-in tests: a real OpenID Connect provider
(``oidc-provider-mock``) on a loopback port, apps that use it, and a browser-like
walk through the redirect flow (the provider's login form, the callback)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
import requests

from flask_betterauth.plugins import generic_oauth
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import Reply
from tests.helpers import TestApp
from tests.helpers import set_clock
from tests.servers import free_port
from tests.servers import wait_for

CLIENT_ID = "flask-client"
CLIENT_SECRET = "flask-secret"


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    """SQLite only: PostgreSQL runs the central flows (test_sign_in.py re-declares the
    root fixture), which keeps this suite's time down."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture(scope="session")
def idp() -> Iterator[str]:
    """The provider's base URL (its issuer), for the whole session: ``oidc-provider-mock``
    in its own process (its Authlib warnings stay there), on a free loopback port."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return requests.get(f"{base}/.well-known/openid-configuration", timeout=1).ok
        except requests.RequestException:
            return False

    try:
        wait_for(ready, lambda: process.poll() is None, "oidc-provider-mock")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def idp_user(idp: str, sub: str, **claims: Any) -> None:
    """Make (or replace) the provider's user ``sub`` with ``claims``."""
    answer = requests.put(f"{idp}/users/{sub}", json=claims, timeout=5)
    assert answer.status_code == 204, answer.text


@pytest.fixture
def real_clock() -> Iterator[Clock]:
    """The app's clock, frozen at the real now (the provider signs with real time)."""
    source = Clock()
    source.now = datetime.now(timezone.utc).replace(microsecond=0)
    set_clock(source)
    yield source
    set_clock(None)


def oidc_plugin(idp: str, **extra: Any) -> Any:
    """``generic_oauth`` with the test provider as ``oidc``, by discovery."""
    config = {
        "provider_id": "oidc",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "discovery_url": f"{idp}/.well-known/openid-configuration",
        "scopes": ["email", "profile"],
        "timeout": 3,
        **extra,
    }
    return generic_oauth(config=[config])


@pytest.fixture
def social_app(make_app: Any, idp: str, real_clock: Clock) -> TestApp:
    """An app with the test provider as ``oidc`` (generic, discovered)."""
    return make_app(plugins=[oidc_plugin(idp)])


@dataclass
class Browser:
    """A caller plus the provider's login step, so a test walks the whole flow."""

    caller: Caller
    idp: str

    def start(self, provider: str = "oidc", **body: Any) -> Reply:
        """``sign_in_social`` (or ``link_social`` with ``link=True``)."""
        name = "link_social" if body.pop("link", False) else "sign_in_social"
        reply = self.caller.call(name, {"provider": provider, **body})
        assert reply.status == 200, reply.json
        return reply

    def login(self, url: str, sub: str, deny: bool = False) -> dict[str, str]:
        """Submit the provider's form as ``sub``: the callback's query."""
        data = {"action": "deny"} if deny else {"sub": sub}
        answer = requests.post(url, data=data, allow_redirects=False, timeout=5)
        assert answer.status_code in (302, 303), answer.text
        return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))

    def callback(self, query: dict[str, str], provider: str = "oidc") -> Reply:
        """The provider's redirect back, with this browser's cookies."""
        headers = {}
        if self.caller.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.caller.jar.items())
        test_app = self.caller.app
        if self.caller.via == "http":
            path = f"{test_app.state.base_path}/callback/{provider}"
            response = self.caller.client.get(path, query_string=query, headers=headers)
        else:
            with test_app.app.test_request_context():
                response = test_app.auth.api.call(
                    "callback_oauth",
                    query=query,
                    headers=headers,
                    params={"id": provider},
                    as_response=True,
                )
        reply = Reply(response.status_code, None, response.headers)
        self.caller._store(reply)
        return reply

    def sign_in(self, sub: str, provider: str = "oidc", **body: Any) -> Reply:
        """The whole flow: start, log in at the provider, come back."""
        started = self.start(provider, **body)
        return self.callback(self.login(started.json["url"], sub), provider)


@pytest.fixture
def browser(social_app: TestApp, via: str, idp: str) -> Browser:
    """A browser on :func:`social_app` through each face."""
    return Browser(Caller(social_app, via), idp)


def idp_tokens(
    idp: str, sub: str, *, client_id: str = CLIENT_ID, nonce: str | None = None
) -> dict[str, Any]:
    """Tokens the provider issues ``sub`` (as a mobile app would get them itself)."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": "http://localhost/native",
        "scope": "openid email profile",
        "state": "s",
        **({"nonce": nonce} if nonce else {}),
    }
    answer = requests.post(
        f"{idp}/oauth2/authorize",
        params=params,
        data={"sub": sub},
        allow_redirects=False,
        timeout=5,
    )
    code = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))["code"]
    token = requests.post(
        f"{idp}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost/native",
            "client_id": client_id,
            "client_secret": CLIENT_SECRET,
        },
        timeout=5,
    )
    assert token.ok, token.text
    return dict(token.json())


@pytest.fixture
def basic_browser(make_app: Any, idp: str, real_clock: Clock, via: str) -> Browser:
    """A browser on an app whose provider authenticates with ``client_secret_basic``
    (oidc-provider-mock's refresh grant takes only that method)."""
    test_app = make_app(plugins=[oidc_plugin(idp, authentication="basic")])
    return Browser(Caller(test_app, via), idp)


@pytest.fixture(scope="session")
def github_idp() -> Iterator[str]:
    """The GitHub-style provider (:mod:`tests.social.github_idp`) in its own process."""
    port = free_port()
    command = [sys.executable, "-m", "tests.social.github_idp", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return requests.get(f"{base}/login/oauth/authorize", timeout=1).ok
        except requests.RequestException:
            return False

    try:
        wait_for(ready, lambda: process.poll() is None, "the GitHub-style provider")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def github_options(base: str) -> dict[str, Any]:
    """``social_providers={"github": ...}`` pointed at :func:`github_idp`."""
    return {
        "github": {
            "client_id": "gh-client",
            "client_secret": "gh-client-secret",
            "authorization_endpoint": f"{base}/login/oauth/authorize",
            "token_endpoint": f"{base}/login/oauth/access_token",
            "user_info_endpoint": f"{base}/api/user",
            "timeout": 3,
        }
    }
