"""Every built-in provider of Better Auth 1.7.24, table-driven on one app per module.

- The authorization URL of each (endpoint, client id, scopes and their order, PKCE,
  ``prompt``, ``login_hint`` only where Better Auth sends it, the provider's own
  parameters), written out here from Better Auth's source, not from the code's table.
- The whole callback of each provider not covered elsewhere, against a local fake of its
  API (:mod:`tests.social.provider_fakes`): the token request's client authentication
  and PKCE, the user-info request's shape (GET/POST, form, JSON GraphQL, extra headers,
  query), the mapped user and the account row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

from flask_betterauth.errors import BetterAuthError
from flask_betterauth.social.builtin import BUILT_IN
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import build_app
from tests.social import provider_fakes
from tests.social.conftest import Browser
from tests.social.provider_fakes import Handler
from tests.social.provider_fakes import requests_for

#: id -> (authorization endpoint, scope parameter with ``asked`` requested, PKCE,
#: login_hint sent, prompt sent, the provider's own parameters). From
#: packages/core/src/social-providers/*.ts of Better Auth 1.7.24.
URLS: dict[str, tuple[str, str | None, bool, bool, bool, dict[str, str]]] = {
    "apple": (
        "https://appleid.apple.com/auth/authorize",
        "email name asked",
        True,
        False,
        False,
        {"response_mode": "form_post"},
    ),
    "atlassian": (
        "https://auth.atlassian.com/authorize",
        "read:jira-user offline_access asked",
        True,
        False,
        True,
        {"audience": "api.atlassian.com"},
    ),
    "cloudflare": (
        "https://dash.cloudflare.com/oauth2/auth",
        "user-details.read asked",
        True,
        False,
        False,
        {},
    ),
    "cognito": (
        "https://auth.example.com/oauth2/authorize",
        "openid profile email asked",
        True,
        False,
        True,
        {"identity_provider": "Google"},
    ),
    "discord": (
        "https://discord.com/api/oauth2/authorize",
        "asked identify email",
        False,
        False,
        True,
        {},
    ),
    "dropbox": (
        "https://www.dropbox.com/oauth2/authorize",
        "account_info.read asked",
        True,
        False,
        False,
        {"token_access_type": "offline"},
    ),
    "facebook": (
        "https://www.facebook.com/v24.0/dialog/oauth",
        "email public_profile asked",
        False,
        True,
        False,
        {"config_id": "cfg-1"},
    ),
    "figma": ("https://www.figma.com/oauth", "current_user:read asked", True, False, False, {}),
    "github": (
        "https://github.com/login/oauth/authorize",
        "read:user user:email asked",
        True,
        True,
        True,
        {},
    ),
    "gitlab": ("https://gitlab.com/oauth/authorize", "read_user asked", True, True, False, {}),
    "google": (
        "https://accounts.google.com/o/oauth2/v2/auth",
        "email profile openid asked",
        True,
        True,
        True,
        {"include_granted_scopes": "true", "access_type": "offline"},
    ),
    "huggingface": (
        "https://huggingface.co/oauth/authorize",
        "openid profile email asked",
        True,
        False,
        False,
        {},
    ),
    "kakao": (
        "https://kauth.kakao.com/oauth/authorize",
        "account_email profile_image profile_nickname asked",
        False,
        True,
        False,
        {},
    ),
    "kick": ("https://id.kick.com/oauth/authorize", "user:read asked", True, False, False, {}),
    "line": (
        "https://access.line.me/oauth2/v2.1/authorize",
        "openid profile email asked",
        True,
        True,
        False,
        {},
    ),
    "linear": ("https://linear.app/oauth/authorize", "read asked", False, True, False, {}),
    "linkedin": (
        "https://www.linkedin.com/oauth/v2/authorization",
        "profile email openid asked",
        False,
        True,
        False,
        {},
    ),
    "microsoft": (
        "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        "openid profile email User.Read offline_access asked",
        True,
        True,
        True,
        {},
    ),
    "naver": (
        "https://nid.naver.com/oauth2.0/authorize",
        "profile email asked",
        False,
        False,
        False,
        {},
    ),
    "notion": (
        "https://api.notion.com/v1/oauth/authorize",
        "asked",
        False,
        True,
        False,
        {"owner": "user"},
    ),
    "paybin": (
        "https://idp.paybin.io/oauth2/authorize",
        "openid email profile asked",
        True,
        True,
        True,
        {},
    ),
    "paypal": ("https://www.sandbox.paypal.com/signin/authorize", None, True, False, True, {}),
    "polar": (
        "https://polar.sh/oauth2/authorize",
        "openid profile email asked",
        True,
        False,
        True,
        {},
    ),
    "railway": (
        "https://backboard.railway.com/oauth/auth",
        "openid email profile asked",
        True,
        False,
        False,
        {},
    ),
    "reddit": (
        "https://www.reddit.com/api/v1/authorize",
        "identity asked",
        False,
        False,
        False,
        {},
    ),
    "roblox": (
        "https://apis.roblox.com/oauth/v1/authorize",
        "openid profile asked",
        False,
        False,
        True,
        {},
    ),
    "salesforce": (
        "https://login.salesforce.com/services/oauth2/authorize",
        "openid email profile asked",
        True,
        False,
        False,
        {},
    ),
    "slack": (
        "https://slack.com/openid/connect/authorize",
        "openid profile email asked",
        False,
        False,
        False,
        {},
    ),
    "spotify": (
        "https://accounts.spotify.com/authorize",
        "user-read-email asked",
        True,
        False,
        False,
        {},
    ),
    "tiktok": (
        "https://www.tiktok.com/v2/auth/authorize",
        "user.info.profile,asked",
        False,
        False,
        False,
        {"client_key": "tiktok-key"},
    ),
    "twitch": (
        "https://id.twitch.tv/oauth2/authorize",
        "user:read:email openid asked",
        False,
        False,
        False,
        {},
    ),
    "twitter": (
        "https://x.com/i/oauth2/authorize",
        "users.read tweet.read offline.access users.email asked",
        True,
        False,
        False,
        {},
    ),
    "vercel": ("https://vercel.com/oauth/authorize", "asked", True, False, False, {}),
    "vk": ("https://id.vk.com/authorize", "email phone asked", True, False, False, {}),
    "zoom": ("https://zoom.us/oauth/authorize", "asked", True, False, False, {}),
}

#: Per provider, the options besides client id, secret and the fake's endpoints.
EXTRA: dict[str, dict[str, Any]] = {
    "tiktok": {"client_key": "tiktok-key"},
    "cognito": {
        "domain": "https://auth.example.com",
        "region": "eu-west-1",
        "user_pool_id": "eu-west-1_pool",
        "identity_provider": "Google",
    },
    "facebook": {"config_id": "cfg-1"},
    "dropbox": {"access_type": "offline"},
    "google": {"access_type": "offline"},
}

#: Providers whose authorization URL keeps its own endpoint in the module app (their
#: callback is tested elsewhere or not here).
TOKEN_ONLY = {"apple", "google", "microsoft", "github", "gitlab", "discord"}


def _options(base: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for provider_id in URLS:
        entry: dict[str, Any] = {
            "client_id": f"{provider_id}-client",
            "client_secret": "shh",
            "prompt": "consent",
            "timeout": 3,
            **EXTRA.get(provider_id, {}),
        }
        if provider_id not in TOKEN_ONLY:
            entry["token_endpoint"] = f"{base}/token/{provider_id}"
            entry["user_info_endpoint"] = f"{base}/userinfo/{provider_id}"
        if provider_id == "facebook":
            entry["user_info_endpoint"] = f"{base}/userinfo/facebook/me"
        found[provider_id] = entry
    return found


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    yield from provider_fakes.serve()


@pytest.fixture(scope="module")
def table_app(tmp_path_factory: pytest.TempPathFactory, fake: str) -> Iterator[TestApp]:
    """One app with every built-in provider (users differ per provider)."""
    path = tmp_path_factory.mktemp("providers") / "auth.sqlite"
    test_app = build_app(f"sqlite:///{path}", social_providers=_options(fake))
    yield test_app
    with test_app.app.app_context():
        test_app.db.engine.dispose()


def test_the_table_is_better_auths_list() -> None:
    assert sorted([*URLS, "wechat"]) == sorted(BUILT_IN)


@pytest.mark.parametrize("provider_id", sorted(URLS))
def test_authorization_url(provider_id: str, table_app: TestApp, via: str) -> None:
    endpoint, scope, pkce, hint, prompt, own = URLS[provider_id]
    caller = Caller(table_app, via)
    body = {"provider": provider_id, "scopes": ["asked"], "loginHint": "who@example.com"}
    reply = caller.call("sign_in_social", body)
    assert reply.status == 200, reply.json
    url = urlsplit(reply.json["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == endpoint
    pairs = parse_qsl(url.query)
    query = dict(pairs)
    assert len(query) == len(pairs)  # no parameter twice
    assert query.get("scope") == scope
    client_key = "client_key" if provider_id == "tiktok" else "client_id"
    assert query[client_key] == own.get("client_key", f"{provider_id}-client")
    assert ("client_id" in query) is (provider_id != "tiktok")
    assert query["redirect_uri"] == f"http://localhost/api/auth/callback/{provider_id}"
    assert query["state"]
    assert ("code_challenge" in query) is pkce
    assert ("login_hint" in query) is hint
    if hint:
        assert query["login_hint"] == "who@example.com"
    assert query.get("prompt") == ("consent" if prompt else None)
    for key, value in own.items():
        assert query[key] == value
    if provider_id == "tiktok":  # TikTok's own order: scope first, then the rest
        assert [k for k, _ in pairs[:5]] == [
            "scope",
            "response_type",
            "client_key",
            "redirect_uri",
            "state",
        ]


#: id -> (account id, the mapped user's name, email, emailVerified, image).
USERS: dict[str, tuple[str, str, str, bool, str | None]] = {
    "facebook": ("fb-1", "Face Book", "fb@example.com", False, "https://fb.example/p.jpg"),
    "twitter": ("x-2", "Ex User", "x@example.com", True, "https://x.example/i.png"),
    "tiktok": (
        "tt-3",
        "Tik Tok",
        "tt-3@tiktok.placeholder.invalid",
        False,
        "https://tt.example/a.jpg",
    ),
    "vk": ("vk-4", "Ivan Petrov", "vk@example.com", False, "https://vk.example/a.jpg"),
    "paypal": (
        "https://www.paypal.com/webapps/auth/identity/user/pp-5",
        "Pay Pal",
        "pp@example.com",
        True,
        None,
    ),
    "dropbox": ("dbid:6", "Drop Box", "db@example.com", True, "https://db.example/p.jpg"),
    "notion": ("no-7", "No Tion", "no@example.com", False, "https://notion.example/a.png"),
    "roblox": (
        "rb-8",
        "Blocky",
        "rb-8@roblox.placeholder.invalid",
        False,
        "https://rb.example/p.png",
    ),
    "linear": ("li-9", "Lin Ear", "lin@example.com", False, "https://linear.example/a.png"),
    "atlassian": ("at-10", "Atla Ssian", "at@example.com", False, "https://at.example/p.png"),
    "kakao": ("11", "Kaka", "ka@example.com", True, "https://k.example/t.jpg"),
    "naver": ("nv-12", "Nabi", "nv@example.com", False, "https://nv.example/p.png"),
    "salesforce": ("sf-13", "Sales Force", "sf@example.com", True, "https://sf.example/t.png"),
    "vercel": ("vc-14", "vee", "vc@example.com", True, "https://vc.example/p.png"),
    "polar": ("po-15", "polar-bear", "po@example.com", True, "https://po.example/a.png"),
    "railway": ("rw-16", "Rail Way", "rw@example.com", False, "https://rw.example/p.png"),
    "cloudflare": ("cf-17", "Cloud", "cf@example.com", False, None),
    "cognito": ("cg-18", "Cog", "cg@example.com", True, "https://cg.example/p.png"),
    "line": ("ln-19", "Li Ne", "ln@example.com", False, None),
    "paybin": ("pb-20", "paybin-user", "pb@example.com", True, None),
}

#: How each provider's client authenticates at the token endpoint.
BASIC = {"twitter", "paypal", "notion", "railway", "cloudflare"}
#: Providers whose profile is the ID token alone (no user-info call).
ID_TOKEN_ONLY = {"cognito", "line", "paybin"}


def _sign_in(test_app: TestApp, via: str, base: str, provider_id: str, **more: str) -> Browser:
    browser = Browser(Caller(test_app, via), base)
    started = browser.start(provider_id, callbackURL="/in")
    query = dict(parse_qsl(urlsplit(started.json["url"]).query))
    Handler.seen.clear()
    back = {"code": "the-code", "state": query["state"], **more}
    reply = browser.callback(back, provider=provider_id)
    assert reply.headers["Location"] == "/in", reply.headers["Location"]
    return browser


@pytest.mark.parametrize("provider_id", sorted(USERS))
def test_callback_maps_the_profile(
    provider_id: str, table_app: TestApp, fake: str, via: str, real_clock: Any
) -> None:
    browser = _sign_in(table_app, via, fake, provider_id)
    (token,) = requests_for(provider_id, "token")
    form = token["form"]
    assert token["method"] == "POST" and form["code"] == "the-code"
    assert form["grant_type"] == "authorization_code"
    assert ("code_verifier" in form) is URLS[provider_id][2] or provider_id == "tiktok"
    if provider_id == "tiktok":  # client_key and client_secret in the form, no client_id
        assert form["client_key"] == "tiktok-key" and form["client_secret"] == "shh"
        assert "client_id" not in form and "code_verifier" in form
    elif provider_id in BASIC:
        assert token["headers"]["authorization"].startswith("Basic ")
        assert "client_secret" not in form
    else:
        assert form["client_secret"] == "shh" and form["client_id"] == f"{provider_id}-client"
    calls = requests_for(provider_id)
    if provider_id in ID_TOKEN_ONLY:
        assert calls == []
    else:
        assert calls, "the user-info API was not called"
    account_id, name, email, email_verified, image = USERS[provider_id]
    user = browser.caller.call("get_session").json["user"]
    assert (user["name"], user["email"], user["emailVerified"], user["image"]) == (
        name,
        email,
        email_verified,
        image,
    )
    accounts = browser.caller.call("list_user_accounts").json
    assert [(a["providerId"], a["accountId"]) for a in accounts] == [(provider_id, account_id)]


def _bearer(entry: dict[str, Any], provider_id: str) -> None:
    assert entry["headers"]["authorization"] == f"Bearer at-{provider_id}"


def test_request_shapes(table_app: TestApp, fake: str, real_clock: Any) -> None:
    """The user-info requests whose shape is special, one sign-in each."""
    shapes: dict[str, Any] = {}
    for provider_id in (
        "vk",
        "dropbox",
        "notion",
        "linear",
        "facebook",
        "twitter",
        "tiktok",
        "paypal",
    ):
        _sign_in(table_app, "http", fake, f"{provider_id}")
        shapes[provider_id] = requests_for(provider_id)
    (vk,) = shapes["vk"]  # a form POST with the token in it, no bearer
    assert vk["method"] == "POST" and "authorization" not in vk["headers"]
    assert vk["form"] == {"access_token": "at-vk", "client_id": "vk-client"}
    (dropbox,) = shapes["dropbox"]  # a POST without a body
    assert dropbox["method"] == "POST" and dropbox["raw"] == ""
    _bearer(dropbox, "dropbox")
    (notion,) = shapes["notion"]
    assert notion["method"] == "GET" and notion["headers"]["notion-version"] == "2022-06-28"
    _bearer(notion, "notion")
    (linear,) = shapes["linear"]  # GraphQL: a JSON POST
    assert linear["method"] == "POST"
    assert linear["headers"]["content-type"] == "application/json"
    assert "viewer" in linear["json"]["query"] and "avatarUrl" in linear["json"]["query"]
    _bearer(linear, "linear")
    debug, me = shapes["facebook"]  # the token is checked against the app first
    assert debug["what"] == "debug_token"
    assert debug["query"] == {"input_token": "at-facebook", "access_token": "facebook-client|shh"}
    assert me["query"] == {"fields": "id,name,email,picture"}
    _bearer(me, "facebook")
    fields = [e["query"]["user.fields"] for e in shapes["twitter"]]
    assert fields == ["profile_image_url", "confirmed_email"]
    (tiktok,) = shapes["tiktok"]
    assert tiktok["query"] == {"fields": "open_id,avatar_large_url,display_name,username"}
    (paypal,) = shapes["paypal"]
    assert paypal["query"] == {"schema": "paypalv1.1"}


def _failed(test_app: TestApp, base: str, provider_id: str) -> str:
    browser = Browser(Caller(test_app, "http"), base)
    started = browser.start(provider_id, callbackURL="/in", errorCallbackURL="/oops")
    query = dict(parse_qsl(urlsplit(started.json["url"]).query))
    reply = browser.callback({"code": "c", "state": query["state"]}, provider=provider_id)
    return str(reply.headers["Location"])


@pytest.mark.parametrize(
    ("provider_id", "answer"),
    [
        ("naver", (200, {"resultcode": "024", "message": "Authentication failed"})),
        ("linear", (200, {"errors": [{"message": "no"}]})),
        (
            "notion",
            (200, {"object": "user", "type": "bot", "bot": {"owner": {"type": "workspace"}}}),
        ),
        ("cloudflare", (200, {"success": False, "errors": [{"code": 9109}]})),
        ("vk", (200, {"error": "invalid_token"})),
        ("dropbox", (401, {"error_summary": "invalid_access_token/"})),
    ],
)
def test_refused_profile_is_an_error_redirect(
    provider_id: str, answer: Any, table_app: TestApp, fake: str, real_clock: Any
) -> None:
    Handler.override[provider_id] = answer
    try:
        location = _failed(table_app, fake, provider_id)
    finally:
        Handler.override.pop(provider_id)
    assert location.startswith("/oops?error=unable_to_get_user_info"), location


def test_facebook_token_of_another_app_is_refused(
    table_app: TestApp, fake: str, real_clock: Any
) -> None:
    original = dict(provider_fakes.FACEBOOK_DEBUG["data"])
    provider_fakes.FACEBOOK_DEBUG["data"]["app_id"] = "another-app"
    try:
        location = _failed(table_app, fake, "facebook")
    finally:
        provider_fakes.FACEBOOK_DEBUG["data"] = original
    assert location.startswith("/oops?error=unable_to_get_user_info"), location
    assert [e["what"] for e in requests_for("facebook")] == ["debug_token"]


def test_paypal_id_token_for_someone_else_is_refused(
    table_app: TestApp, fake: str, real_clock: Any
) -> None:
    original = provider_fakes.ID_TOKENS["paypal"]
    provider_fakes.ID_TOKENS["paypal"] = {"sub": "someone-else"}
    try:
        location = _failed(table_app, fake, "paypal")
    finally:
        provider_fakes.ID_TOKENS["paypal"] = original
    assert location.startswith("/oops?error=unable_to_get_user_info"), location


def test_twitter_without_a_confirmed_email_gets_a_placeholder(
    table_app: TestApp, fake: str, real_clock: Any
) -> None:
    original = dict(provider_fakes.TWITTER_EMAIL)
    provider_fakes.TWITTER_EMAIL.clear()
    provider_fakes.TWITTER_EMAIL["data"] = {"id": "x-2"}
    provider_fakes.PROFILES["twitter"]["data"]["id"] = "x-99"
    try:
        browser = _sign_in(table_app, "http", fake, "twitter")
    finally:
        provider_fakes.TWITTER_EMAIL.update(original)
        provider_fakes.PROFILES["twitter"]["data"]["id"] = "x-2"
    user = browser.caller.call("get_session").json["user"]
    assert (user["email"], user["emailVerified"]) == ("x-99@twitter.placeholder.invalid", False)


def test_cognito_reads_user_info_without_an_id_token(
    table_app: TestApp, fake: str, real_clock: Any
) -> None:
    claims = provider_fakes.ID_TOKENS.pop("cognito")
    provider_fakes.PROFILES["cognito"] = {
        "sub": "cg-77",
        "username": "cog-user",
        "email": "cg77@example.com",
        "email_verified": "false",
    }
    try:
        browser = _sign_in(table_app, "http", fake, "cognito")
    finally:
        provider_fakes.ID_TOKENS["cognito"] = claims
        del provider_fakes.PROFILES["cognito"]
    user = browser.caller.call("get_session").json["user"]
    assert (user["name"], user["email"], user["emailVerified"]) == (
        "cog-user",
        "cg77@example.com",
        False,
    )


@pytest.mark.parametrize(
    ("provider_id", "options", "message"),
    [
        ("cognito", {"region": "r", "user_pool_id": "p"}, "cognito.domain"),
        (
            "cognito",
            {"domain": "d", "region": "r", "user_pool_id": "p", "require_client_secret": True},
            "cognito.client_secret",
        ),
        ("tiktok", {"client_secret": "s"}, "tiktok.client_key"),
        ("facebook", {}, "facebook.client_secret"),
        ("paypal", {}, "paypal.client_secret"),
        ("salesforce", {}, "salesforce.client_secret"),
        ("atlassian", {}, "atlassian.client_secret"),
        ("paybin", {}, "paybin.client_secret"),
    ],
)
def test_missing_required_option_fails_at_start_up(
    provider_id: str, options: dict[str, Any], message: str, tmp_path: Any
) -> None:
    config = {"client_id": "x", **options}
    with pytest.raises(BetterAuthError, match=message):
        app = build_app(f"sqlite:///{tmp_path}/a.sqlite", social_providers={provider_id: config})
        app.auth.api.call("sign_in_social", body={"provider": provider_id})


def test_environment_and_instance_options_move_the_endpoints() -> None:
    from flask_betterauth.social.providers import ProviderOptions

    live = BUILT_IN["paypal"](ProviderOptions(client_id="p", client_secret="s", environment="live"))
    assert live.authorization_endpoint == "https://www.paypal.com/signin/authorize"
    assert live.token_endpoint == "https://api-m.paypal.com/v1/oauth2/token"
    sandbox = BUILT_IN["salesforce"](
        ProviderOptions(client_id="s", client_secret="s", environment="sandbox")
    )
    assert sandbox.token_endpoint == "https://test.salesforce.com/services/oauth2/token"
    mine = BUILT_IN["salesforce"](
        ProviderOptions(client_id="s", client_secret="s", login_url="me.my.salesforce.com")
    )
    assert mine.user_info_endpoint == "https://me.my.salesforce.com/services/oauth2/userinfo"
    paybin = BUILT_IN["paybin"](
        ProviderOptions(client_id="p", client_secret="s", issuer="https://idp.example/")
    )
    assert paybin.token_endpoint == "https://idp.example/oauth2/token"
    cognito = BUILT_IN["cognito"](
        ProviderOptions(
            client_id="c", domain="auth.example.com", region="us-east-1", user_pool_id="us-east-1_X"
        )
    )
    assert cognito.jwks_uri == (
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X/.well-known/jwks.json"
    )
    assert cognito.id_token_issuers == ("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X",)


def test_vk_gets_the_callbacks_device_id(table_app: TestApp, fake: str, real_clock: Any) -> None:
    _sign_in(table_app, "http", fake, "vk", device_id="dev-42")
    assert requests_for("vk", "token")[0]["form"]["device_id"] == "dev-42"
    _sign_in(table_app, "http", fake, "dropbox", device_id="dev-42")
    assert "device_id" not in requests_for("dropbox", "token")[0]["form"]


def test_reddit_duration_and_twitch_claims(make_app: Any) -> None:
    test_app = make_app(
        social_providers={
            "reddit": {"client_id": "r", "client_secret": "s", "duration": "permanent"},
            "twitch": {"client_id": "t", "client_secret": "s", "claims": ["picture", "extra"]},
        }
    )
    caller = Caller(test_app, "http")
    url = caller.call("sign_in_social", {"provider": "reddit"}).json["url"]
    assert dict(parse_qsl(urlsplit(url).query))["duration"] == "permanent"
    url = caller.call("sign_in_social", {"provider": "twitch"}).json["url"]
    claims = dict(parse_qsl(urlsplit(url).query))["claims"]
    assert claims == (
        '{"id_token":{"email":null,"email_verified":null,"picture":null,"extra":null}}'
    )


def test_every_spec_says_where_to_register_the_app() -> None:
    from flask_betterauth.social.builtin import SPECS

    assert [spec.id for spec in SPECS.values() if not spec.register] == []
