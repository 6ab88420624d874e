"""WeChat (Better Auth 1.7.24's ``wechat``): a website app's QR-code login, whose
legs are not OAuth 2.0's.

- The authorization URL names the app ``appid`` (not ``client_id``), joins the scopes
  with commas, adds ``lang`` and ends with the ``#wechat_redirect`` fragment.
- The code exchange and the refresh are GET requests with ``appid`` (and ``secret``
  for the exchange) in the query; errors come back as 200 with ``errcode``.
- The token answer carries the user's ``openid`` (and ``unionid``), which the
  user-info request needs; the account is the ``unionid``, else the ``openid``.
- WeChat gives no e-mail: the user gets Better Auth's placeholder address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import BetterAuthError
from .oauth import ProviderError
from .oauth import tokens_of
from .providers import Provider
from .providers import ProviderOptions
from .table import ProviderSpec
from .table import UserInfoRequest
from .table import placeholder_email
from .table import table

#: The query keys the standard request carries that WeChat names or orders its way.
_OWN = ("response_type", "client_id", "state", "scope", "redirect_uri")


def _reshape(params: list[tuple[str, str]], options: ProviderOptions) -> list[tuple[str, str]]:
    """Better Auth's WeChat query: ``scope`` (comma-joined), ``response_type``,
    ``appid``, ``redirect_uri``, ``state``, ``lang``, then the extra parameters
    (never a second ``appid``)."""
    given = dict(params)
    extras = [(k, v) for k, v in params if k not in _OWN and k not in ("appid", "lang")]
    lang = given.get("lang") or options.lang or "cn"
    return [
        ("scope", ",".join(given.get("scope", "").split())),
        ("response_type", "code"),
        ("appid", options.first_client_id),
        ("redirect_uri", given.get("redirect_uri", "")),
        ("state", given.get("state", "")),
        ("lang", lang),
        *extras,
    ]


def _get(provider: Provider, url: str, query: Mapping[str, str]) -> dict[str, Any]:
    """GET ``url`` with ``query``, refusing redirects (as Better Auth's
    ``fetchRefusingRedirects``); the JSON object answered.

    :raises ProviderError: on a redirect, a non-2xx answer, a non-JSON body or an
        ``errcode``.
    """
    import requests

    try:
        answer = requests.get(
            url, params=dict(query), timeout=provider.options.timeout, allow_redirects=False
        )
        if 300 <= answer.status_code < 400:
            raise ProviderError("the token endpoint answered with a redirect")
        answer.raise_for_status()
        data = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(str(error)) from error
    if not isinstance(data, dict):
        raise ProviderError("the answer is not a JSON object")
    if data.get("errcode"):
        raise ProviderError(str(data.get("errmsg") or data["errcode"]))
    return data


def _tokens(provider: Provider, raw: Mapping[str, Any]) -> dict[str, Any]:
    tokens = tokens_of(provider, raw, ",")
    tokens["tokenType"] = "Bearer"  # noqa: S105  (a token type)
    return tokens


def _exchange(provider: Provider, code: str, verifier: str | None, redirect: str) -> dict[str, Any]:
    options = provider.options
    query = {
        "appid": options.first_client_id,
        "secret": provider.client_secret() or "",
        "code": code,
        "grant_type": "authorization_code",
    }
    raw = _get(provider, provider.token_endpoint, query)
    tokens = _tokens(provider, raw)
    tokens["openid"] = raw.get("openid")
    tokens["unionid"] = raw.get("unionid")
    return tokens


def refresh_endpoint(provider: Provider) -> str:
    """WeChat's refresh endpoint: the token endpoint's ``…/access_token`` made
    ``…/refresh_token`` (so a moved ``token_endpoint`` moves it too)."""
    endpoint = provider.token_endpoint
    if endpoint.endswith("/access_token"):
        return endpoint.removesuffix("/access_token") + "/refresh_token"
    return endpoint


def _refresh(provider: Provider, refresh_token: str) -> dict[str, Any]:
    query = {
        "appid": provider.options.first_client_id,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    return _tokens(provider, _get(provider, refresh_endpoint(provider), query))


def _profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """``/sns/userinfo`` with the access token and the token answer's ``openid`` in
    the query; ``None`` (no user) without an ``openid`` or on an ``errcode``."""
    openid = tokens.get("openid")
    if not openid:
        return None
    query = {"access_token": str(tokens.get("accessToken") or ""), "openid": str(openid)}
    try:
        found = _get(provider, provider.user_info_endpoint or "", {**query, "lang": "zh_CN"})
    except ProviderError:
        return None
    return {**found, "_openid": openid}


def _map(profile: Mapping[str, Any]) -> dict[str, Any]:
    subject = profile.get("unionid") or profile.get("openid") or profile.get("_openid")
    return {
        "id": subject,
        "name": profile.get("nickname"),
        "email": profile.get("email") or placeholder_email(subject, "wechat"),
        "emailVerified": False,
        "image": profile.get("headimgurl"),
    }


def _check(options: ProviderOptions) -> None:
    if options.platform_type not in (None, "WebsiteApp"):
        raise BetterAuthError("option 'social_providers.wechat.platform_type' must be 'WebsiteApp'")
    if options.lang not in (None, "cn", "en"):
        raise BetterAuthError("option 'social_providers.wechat.lang' must be 'cn' or 'en'")


WECHAT = ProviderSpec(
    id="wechat",
    name="WeChat",
    authorize="https://open.weixin.qq.com/connect/qrconnect",
    exchange="https://api.weixin.qq.com/sns/oauth2/access_token",
    scopes=("snsapi_login",),
    mapper=_map,
    profile=_profile,
    user_info=UserInfoRequest("https://api.weixin.qq.com/sns/userinfo"),
    pkce=False,
    reshape=_reshape,
    fragment="wechat_redirect",
    exchange_with=_exchange,
    refresh_with=_refresh,
    required=("client_secret",),
    check=_check,
    register="https://open.weixin.qq.com (a Website Application)",
)

#: This module's specs by id (merged into :data:`.builtin.SPECS`).
WECHAT_SPECS: dict[str, ProviderSpec] = table(WECHAT)
