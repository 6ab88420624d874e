"""WeChat as Better Auth 1.7.24 speaks it (packages/core/src/social-providers/wechat.ts),
against the local fake of its API (:mod:`tests.social.provider_fakes`): the QR-login URL
(``appid``, comma-joined scopes, ``lang``, the ``#wechat_redirect`` fragment), the GET
code exchange and refresh with ``appid``/``secret`` in the query, the user-info GET
with ``openid``, the mapping (``unionid`` else ``openid``, the placeholder e-mail)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

from flask_betterauth.errors import BetterAuthError
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import build_app
from tests.social import provider_fakes
from tests.social.conftest import Browser
from tests.social.provider_fakes import Handler
from tests.social.provider_fakes import requests_for


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    yield from provider_fakes.serve()


def _wechat(base: str, **more: Any) -> dict[str, Any]:
    return {
        "client_id": "wx-app",
        "client_secret": "wx-secret",
        "token_endpoint": f"{base}/token/wechat/access_token",
        "user_info_endpoint": f"{base}/userinfo/wechat",
        "timeout": 3,
        **more,
    }


@pytest.fixture(scope="module")
def wechat_app(tmp_path_factory: pytest.TempPathFactory, fake: str) -> Iterator[TestApp]:
    path = tmp_path_factory.mktemp("wechat") / "auth.sqlite"
    test_app = build_app(f"sqlite:///{path}", social_providers={"wechat": _wechat(fake)})
    yield test_app
    with test_app.app.app_context():
        test_app.db.engine.dispose()


def test_authorization_url(wechat_app: TestApp, via: str) -> None:
    body = {
        "provider": "wechat",
        "scopes": ["snsapi_userinfo"],
        "loginHint": "who@example.com",
        "additionalParams": {"appid": "someone-else", "style": "black"},
    }
    reply = Caller(wechat_app, via).call("sign_in_social", body)
    assert reply.status == 200, reply.json
    url = urlsplit(reply.json["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        "https://open.weixin.qq.com/connect/qrconnect"
    )
    assert url.fragment == "wechat_redirect"
    pairs = parse_qsl(url.query)
    state = dict(pairs)["state"]
    assert state
    # Better Auth's order; no client_id, PKCE, login_hint, and never a second appid
    assert pairs == [
        ("scope", "snsapi_login,snsapi_userinfo"),
        ("response_type", "code"),
        ("appid", "wx-app"),
        ("redirect_uri", "http://localhost/api/auth/callback/wechat"),
        ("state", state),
        ("lang", "cn"),
        ("style", "black"),
    ]
    assert "snsapi_login%2Csnsapi_userinfo" in url.query


def test_lang_option_and_request_override(make_app: Any, fake: str) -> None:
    test_app = make_app(social_providers={"wechat": _wechat(fake, lang="en")})
    caller = Caller(test_app, "http")
    url = caller.call("sign_in_social", {"provider": "wechat"}).json["url"]
    assert dict(parse_qsl(urlsplit(url).query))["lang"] == "en"
    asked = {"provider": "wechat", "additionalParams": {"lang": "cn"}}
    pairs = parse_qsl(urlsplit(caller.call("sign_in_social", asked).json["url"]).query)
    assert [k for k, _ in pairs].count("lang") == 1 and ("lang", "cn") in pairs


def _sign_in(test_app: TestApp, via: str, base: str) -> Browser:
    browser = Browser(Caller(test_app, via), base)
    started = browser.start("wechat", callbackURL="/in", errorCallbackURL="/oops")
    query = dict(parse_qsl(urlsplit(started.json["url"]).query))
    Handler.seen.clear()
    browser.last = browser.callback(  # type: ignore[attr-defined]
        {"code": "the-code", "state": query["state"]}, provider="wechat"
    )
    return browser


def test_callback_signs_in(wechat_app: TestApp, fake: str, via: str, real_clock: Any) -> None:
    browser = _sign_in(wechat_app, via, fake)
    assert browser.last.headers["Location"] == "/in"  # type: ignore[attr-defined]
    (token,) = requests_for("wechat", "token")
    assert token["method"] == "GET" and token["raw"] == ""
    assert token["path"].endswith("/access_token")
    assert token["query"] == {
        "appid": "wx-app",
        "secret": "wx-secret",
        "code": "the-code",
        "grant_type": "authorization_code",
    }
    (info,) = requests_for("wechat")
    assert info["method"] == "GET" and "authorization" not in info["headers"]
    assert info["query"] == {"access_token": "at-wechat", "openid": "wx-open-22", "lang": "zh_CN"}
    user = browser.caller.call("get_session").json["user"]
    assert (user["name"], user["email"], user["emailVerified"], user["image"]) == (
        "Wei Xin",
        "wx-union-22@wechat.placeholder.invalid",
        False,
        "https://wx.example/h.png",
    )
    (account,) = browser.caller.call("list_user_accounts").json
    assert (account["providerId"], account["accountId"]) == ("wechat", "wx-union-22")
    assert account["scopes"] == ["snsapi_login", "snsapi_userinfo"]


def test_refresh_is_a_get_with_appid(
    wechat_app: TestApp, fake: str, via: str, real_clock: Any
) -> None:
    browser = _sign_in(wechat_app, via, fake)
    (account,) = browser.caller.call("list_user_accounts").json
    Handler.seen.clear()
    reply = browser.caller.call("refresh_token", {"accountId": account["id"]})
    assert reply.status == 200, reply.json
    assert reply.json["accessToken"] == "at-wechat-2"
    (token,) = requests_for("wechat", "token")
    assert token["method"] == "GET" and token["path"].endswith("/refresh_token")
    assert token["query"] == {
        "appid": "wx-app",
        "grant_type": "refresh_token",
        "refresh_token": "rt-wechat",
    }


def test_openid_is_the_account_without_unionid(
    wechat_app: TestApp, fake: str, real_clock: Any
) -> None:
    profile = {k: v for k, v in provider_fakes.PROFILES["wechat"].items() if k != "unionid"}
    Handler.override["wechat"] = (200, profile)
    try:
        browser = _sign_in(wechat_app, "http", fake)
    finally:
        Handler.override.pop("wechat")
    user = browser.caller.call("get_session").json["user"]
    assert user["email"] == "wx-open-22@wechat.placeholder.invalid"
    (account,) = browser.caller.call("list_user_accounts").json
    assert account["accountId"] == "wx-open-22"


@pytest.mark.parametrize(
    ("where", "answer", "error"),
    [
        ("token", (200, {"errcode": 40029, "errmsg": "invalid code"}), "invalid_code"),
        ("token", (302, {}), "invalid_code"),
        ("token", (200, {**provider_fakes.WECHAT_TOKEN, "openid": ""}), "unable_to_get_user_info"),
        (
            "userinfo",
            (200, {"errcode": 40003, "errmsg": "invalid openid"}),
            "unable_to_get_user_info",
        ),
    ],
)
def test_refusals_are_error_redirects(
    where: str, answer: Any, error: str, wechat_app: TestApp, fake: str, real_clock: Any
) -> None:
    overrides = Handler.token_override if where == "token" else Handler.override
    overrides["wechat"] = answer
    try:
        browser = _sign_in(wechat_app, "http", fake)
    finally:
        overrides.pop("wechat")
    location = browser.last.headers["Location"]  # type: ignore[attr-defined]
    assert location.startswith(f"/oops?error={error}"), location


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "wechat.client_secret"),
        ({"client_secret": "s", "platform_type": "MobileApp"}, "platform_type"),
        ({"client_secret": "s", "lang": "fr"}, "wechat.lang"),
    ],
)
def test_bad_options_fail_at_start_up(options: dict[str, Any], message: str, tmp_path: Any) -> None:
    with pytest.raises(BetterAuthError, match=message):
        app = build_app(
            f"sqlite:///{tmp_path}/a.sqlite",
            social_providers={"wechat": {"client_id": "wx", **options}},
        )
        app.auth.api.call("sign_in_social", body={"provider": "wechat"})


def test_no_id_token_sign_in(wechat_app: TestApp) -> None:
    body = {"provider": "wechat", "idToken": {"token": "a.b.c"}}
    reply = Caller(wechat_app, "http").call("sign_in_social", body)
    assert 400 <= reply.status < 500, reply.json
