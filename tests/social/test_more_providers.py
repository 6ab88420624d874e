"""The built-in providers of :mod:`flask_betterauth.social.more_providers`, table-driven:
per provider, the authorization URL (endpoint, scopes, PKCE, redirect URI) and a whole
callback against a small local fixture server (token and user-info endpoints, moved there
by ``token_endpoint`` / ``user_info_endpoint``), ending in the mapped user and account."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from tests.helpers import Caller
from tests.helpers import rows
from tests.social.conftest import Browser

#: id -> (authorize URL, scope parameter, PKCE, user-info answer, expected user, account id)
CASES: dict[str, tuple[str, str | None, bool, dict[str, Any], dict[str, Any], str]] = {
    "figma": (
        "https://www.figma.com/oauth",
        "current_user:read",
        True,
        {
            "id": "f-5",
            "handle": "designer",
            "email": "f@example.com",
            "img_url": "https://figma.example/f.png",
        },
        {
            "name": "designer",
            "email": "f@example.com",
            "emailVerified": False,
            "image": "https://figma.example/f.png",
        },
        "f-5",
    ),
    "reddit": (
        "https://www.reddit.com/api/v1/authorize",
        "identity",
        False,
        {"id": "t2_abc", "name": "redditor", "icon_img": "https://styles.redd.it/i.png?w=256"},
        {
            "name": "redditor",
            "email": "t2_abc@reddit.placeholder.invalid",
            "emailVerified": False,
            "image": "https://styles.redd.it/i.png",
        },
        "t2_abc",
    ),
    "twitch": (
        "https://id.twitch.tv/oauth2/authorize",
        "user:read:email openid",
        False,
        {
            "sub": "tw-3",
            "preferred_username": "streamer",
            "email": "tw@example.com",
            "email_verified": True,
            "picture": "https://twitch.example/t.png",
        },
        {
            "name": "streamer",
            "email": "tw@example.com",
            "emailVerified": True,
            "image": "https://twitch.example/t.png",
        },
        "tw-3",
    ),
    "zoom": (
        "https://zoom.us/oauth/authorize",
        None,
        True,
        {
            "id": "z-8",
            "display_name": "Zoomer",
            "email": "z@example.com",
            "verified": 1,
            "pic_url": "https://zoom.example/z.png",
        },
        {
            "name": "Zoomer",
            "email": "z@example.com",
            "emailVerified": True,
            "image": "https://zoom.example/z.png",
        },
        "z-8",
    ),
    "spotify": (
        "https://accounts.spotify.com/authorize",
        "user-read-email",
        True,
        {
            "id": "sp-1",
            "display_name": "Spot Fan",
            "email": "fan@example.com",
            "images": [{"url": "https://i.scdn.co/a.jpg"}],
        },
        {
            "name": "Spot Fan",
            "email": "fan@example.com",
            "emailVerified": False,
            "image": "https://i.scdn.co/a.jpg",
        },
        "sp-1",
    ),
    "huggingface": (
        "https://huggingface.co/oauth/authorize",
        "openid profile email",
        True,
        {
            "sub": "hf-9",
            "preferred_username": "hugger",
            "email": "hug@example.com",
            "email_verified": True,
            "picture": "https://hf.co/p.png",
        },
        {
            "name": "hugger",
            "email": "hug@example.com",
            "emailVerified": True,
            "image": "https://hf.co/p.png",
        },
        "hf-9",
    ),
    "slack": (
        "https://slack.com/openid/connect/authorize",
        "openid profile email",
        False,
        {
            "sub": "U-ignored",
            "https://slack.com/user_id": "U123",
            "name": "Sla Cker",
            "email": "s@example.com",
            "email_verified": True,
            "https://slack.com/user_image_512": "https://slack.example/512.png",
        },
        {
            "name": "Sla Cker",
            "email": "s@example.com",
            "emailVerified": True,
            "image": "https://slack.example/512.png",
        },
        "U123",
    ),
    "linkedin": (
        "https://www.linkedin.com/oauth/v2/authorization",
        "profile email openid",
        False,
        {
            "sub": "li-77",
            "name": "Link Person",
            "email": "li@example.com",
            "picture": "https://media.licdn.com/x.jpg",
        },
        {
            "name": "Link Person",
            "email": "li@example.com",
            "emailVerified": False,
            "image": "https://media.licdn.com/x.jpg",
        },
        "li-77",
    ),
    "kick": (
        "https://id.kick.com/oauth/authorize",
        "user:read",
        True,
        {
            "data": [
                {
                    "user_id": 4242,
                    "name": "kicker",
                    "email": "k@example.com",
                    "profile_picture": "https://kick.example/k.png",
                }
            ]
        },
        {
            "name": "kicker",
            "email": "k@example.com",
            "emailVerified": False,
            "image": "https://kick.example/k.png",
        },
        "4242",
    ),
}

#: The providers whose client authenticates with HTTP Basic at the token endpoint.
BASIC = {"figma", "reddit"}
#: The providers whose profile is the token endpoint's ID token (no user-info call).
ID_TOKEN = {"twitch"}


def _unsigned_jwt(claims: dict[str, Any]) -> str:
    def part(value: Any) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


class _Handler(BaseHTTPRequestHandler):
    seen: dict[str, Any] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # the token endpoint: /token/<id>
        provider_id = self.path.rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        self.seen[f"token:{provider_id}"] = {k: v[0] for k, v in form.items()}
        self.seen[f"basic:{provider_id}"] = self.headers.get("Authorization")
        answer = {"access_token": f"at-{provider_id}", "token_type": "Bearer", "expires_in": 3600}
        if provider_id in ID_TOKEN:
            answer["id_token"] = _unsigned_jwt(CASES[provider_id][3])
        self._send(answer)

    def do_GET(self) -> None:  # the user-info endpoint: /userinfo/<id>
        provider_id = self.path.rsplit("/", 1)[-1]
        self.seen[f"auth:{provider_id}"] = self.headers.get("Authorization")
        if provider_id not in CASES:
            self._send({"error": "unknown"}, 404)
            return
        self._send(CASES[provider_id][3])


@pytest.fixture(scope="module")
def fixture_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _options(base: str, provider_id: str, **more: Any) -> dict[str, Any]:
    return {
        provider_id: {
            "client_id": f"{provider_id}-client",
            "client_secret": "shh",
            "token_endpoint": f"{base}/token/{provider_id}",
            "user_info_endpoint": f"{base}/userinfo/{provider_id}",
            "timeout": 3,
            **more,
        }
    }


@pytest.mark.parametrize("provider_id", sorted(CASES))
def test_provider_sign_in(provider_id, make_app, fixture_server, real_clock, via):
    authorize, scope, pkce, _, expected, account_id = CASES[provider_id]
    test_app = make_app(social_providers=_options(fixture_server, provider_id))
    browser = Browser(Caller(test_app, via), fixture_server)
    started = browser.start(provider_id, callbackURL="/in")
    url = urlsplit(started.json["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == authorize
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    redirect_uri = f"http://localhost/api/auth/callback/{provider_id}"
    assert query.get("scope") == scope
    assert query["client_id"] == f"{provider_id}-client"
    assert query["redirect_uri"] == redirect_uri
    assert query["response_type"] == "code"
    if provider_id == "twitch":
        wanted = ["email", "email_verified", "preferred_username", "picture"]
        assert json.loads(query["claims"]) == {"id_token": dict.fromkeys(wanted)}
    assert ("code_challenge" in query) is pkce
    if pkce:
        assert query["code_challenge_method"] == "S256"

    reply = browser.callback({"code": "the-code", "state": query["state"]}, provider=provider_id)
    assert reply.headers["Location"] == "/in", reply.headers["Location"]
    token_form = _Handler.seen[f"token:{provider_id}"]
    assert token_form["code"] == "the-code"
    assert token_form["redirect_uri"] == redirect_uri
    assert ("code_verifier" in token_form) is pkce
    basic = _Handler.seen[f"basic:{provider_id}"]
    if provider_id in BASIC:
        assert basic.startswith("Basic ") and "client_secret" not in token_form
    else:
        assert basic is None and token_form["client_secret"] == "shh"
    if provider_id in ID_TOKEN:
        assert f"auth:{provider_id}" not in _Handler.seen
    else:
        assert _Handler.seen[f"auth:{provider_id}"] == f"Bearer at-{provider_id}"
    user = browser.caller.call("get_session").json["user"]
    assert {k: user[k] for k in expected} == expected
    (account,) = rows(test_app, "account")
    assert (account["providerId"], account["accountId"]) == (provider_id, account_id)
    assert account["accessToken"] == f"at-{provider_id}"


@pytest.mark.parametrize("provider_id", sorted(CASES))
def test_provider_scopes_and_endpoint_options(provider_id, make_app, fixture_server, via):
    options = _options(
        fixture_server,
        provider_id,
        scope=["extra.scope"],
        disable_default_scope=True,
        authorization_endpoint="https://idp.example/authorize",
        prompt="consent",
    )
    caller = Caller(make_app(social_providers=options), via)
    reply = caller.call("sign_in_social", {"provider": provider_id, "scopes": ["asked"]})
    assert reply.status == 200, reply.json
    url = urlsplit(reply.json["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://idp.example/authorize"
    query = parse_qs(url.query)
    assert query["scope"] == ["extra.scope asked"]
    assert "prompt" not in query  # Better Auth passes no prompt for these providers


def test_provider_without_user_answer_is_an_error_redirect(make_app, fixture_server, via):
    options = _options(fixture_server, "kick", user_info_endpoint=f"{fixture_server}/userinfo/x")
    test_app = make_app(social_providers=options)
    browser = Browser(Caller(test_app, via), fixture_server)
    started = browser.start("kick", errorCallbackURL="/oops")
    state = parse_qs(urlsplit(started.json["url"]).query)["state"][0]
    reply = browser.callback({"code": "c", "state": state}, provider="kick")
    assert reply.headers["Location"].startswith("/oops?error=")
    assert rows(test_app, "user") == []
