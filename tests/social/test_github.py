"""The built-in ``github`` provider against a GitHub-style provider (Authlib's
authorization server): the ``/user`` and ``/user/emails`` shapes, PKCE, GitHub's
"error with HTTP 200" token answers."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from tests.helpers import Caller
from tests.helpers import rows
from tests.social.conftest import Browser
from tests.social.conftest import github_options


@pytest.fixture
def gh(make_app, github_idp, real_clock, via):
    test_app = make_app(social_providers=github_options(github_idp))
    return Browser(Caller(test_app, via), github_idp)


def _user(base, login, **fields):
    assert requests.put(f"{base}/users/{login}", json=fields, timeout=5).status_code == 204


def test_github_sign_in_reads_the_primary_verified_email(gh, github_idp):
    _user(
        github_idp,
        "octo",
        id=583231,
        name=None,
        email=None,
        avatar_url="https://a/x.png",
        emails=[
            {"email": "old@example.com", "primary": False, "verified": False},
            {"email": "Octo@Example.com", "primary": True, "verified": True},
        ],
    )
    started = gh.start("github", callbackURL="/in")
    query = parse_qs(urlsplit(started.json["url"]).query)
    assert query["scope"] == ["read:user user:email"]
    assert query["code_challenge_method"] == ["S256"]
    reply = gh.callback(gh.login(started.json["url"], "octo"), provider="github")
    assert reply.headers["Location"] == "/in", reply.headers["Location"]
    user = gh.caller.call("get_session").json["user"]
    assert user["email"] == "octo@example.com" and user["emailVerified"] is True
    assert user["name"] == "octo" and user["image"] == "https://a/x.png"
    (account,) = rows(gh.caller.app, "account")
    assert (account["providerId"], account["accountId"]) == ("github", "583231")


def test_github_refusal_with_http_200_is_invalid_code(gh, github_idp):
    _user(github_idp, "bad", id=1, email="bad@example.com", emails=[])
    started = gh.start("github", errorCallbackURL="/oops")
    query = gh.login(started.json["url"], "bad")
    query["code"] = "wrong"
    reply = gh.callback(query, provider="github")
    assert reply.headers["Location"] == "/oops?error=invalid_code"
    assert rows(gh.caller.app, "user") == []


def test_github_has_no_id_token_sign_in(gh):
    body = {"provider": "github", "idToken": {"token": "x.y.z"}}
    reply = gh.caller.call("sign_in_social", body)
    assert (reply.status, reply.json["code"]) == (404, "ID_TOKEN_NOT_SUPPORTED")
