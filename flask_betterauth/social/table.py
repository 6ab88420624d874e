"""The declarative shape of a built-in provider: one :class:`ProviderSpec` per provider
(its endpoints, default scopes, PKCE, token client authentication, authorization
parameters, user-info request and profile mapping), turned into a
:class:`~.providers.Provider` by :meth:`ProviderSpec.build` from the app's options.

Adding a provider Better Auth ships is one entry in a table
(:mod:`.builtin`, :mod:`.more_providers`, :mod:`.other_providers`). Where a fact
depends on the options (GitLab's instance, PayPal's environment), the field holds a
function of the :class:`~.providers.ProviderOptions` instead of a value.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import TypeAlias
from typing import TypeVar

from ..errors import BetterAuthError
from .oauth import ProviderError
from .oauth import decode_unverified
from .providers import CodeExchange
from .providers import IdTokenVerifier
from .providers import ProfileGetter
from .providers import ProfileMapper
from .providers import Provider
from .providers import ProviderOptions
from .providers import TokenRefresh

T = TypeVar("T")
#: A value, or a function of the options giving it.
Optioned: TypeAlias = "T | Callable[[ProviderOptions], T]"

#: ``reshape(params, options) -> params``: the authorization query of a provider whose
#: URL is not the standard OAuth 2.0 one (TikTok's ``client_key``).
Reshape = Callable[[list[tuple[str, str]], ProviderOptions], list[tuple[str, str]]]


def _value(found: Any, options: ProviderOptions) -> Any:
    return found(options) if callable(found) else found


def placeholder_email(identifier: Any, namespace: str) -> str:
    """Better Auth's stand-in address for a provider that gives none
    (``<id>@<namespace>.placeholder.invalid``, RFC 6761)."""
    return f"{identifier}@{namespace}.placeholder.invalid"


def verified(value: Any) -> bool:
    """A provider's ``email_verified`` (a boolean or the string ``"true"``)."""
    return value is True or value == "true"


@dataclass(frozen=True)
class UserInfoRequest:
    """How a provider's profile is asked for with the access token.

    :param url: the default URL (``user_info_endpoint`` moves it).
    :param method: ``GET`` or ``POST``.
    :param headers: extra headers (Notion's ``Notion-Version``).
    :param json: a JSON body (Linear's GraphQL query).
    :param form: ``form(options, access_token)``: a form body instead of a bearer
        token (VK ID sends the token in the form).
    :param query: fixed query parameters appended to the URL.
    :param pick: the profile inside the answer (``data.viewer``); ``None`` refuses it.
    """

    url: Optioned[str]
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Mapping[str, Any] | None = None
    form: Callable[[ProviderOptions, str], Mapping[str, str]] | None = None
    query: str = ""
    pick: Callable[[Any], Mapping[str, Any] | None] | None = None


def fetch_profile(provider: Provider, request: UserInfoRequest, access_token: str) -> Any:
    """Send ``request`` for ``provider`` (``provider.user_info_endpoint`` is its URL);
    the JSON answer.

    :raises ProviderError: on a non-2xx answer, a timeout, or a body that is not JSON.
    """
    import requests

    url = (provider.user_info_endpoint or "") + request.query
    headers = {"Accept": "application/json", "User-Agent": "better-auth", **request.headers}
    data: Mapping[str, str] | None = None
    if request.form is not None:
        data = request.form(provider.options, access_token)
    else:
        headers["Authorization"] = f"Bearer {access_token}"
    try:
        answer = requests.request(
            request.method,
            url,
            headers=headers,
            json=request.json,
            data=data,
            timeout=provider.options.timeout,
        )
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(str(error)) from error


def id_token_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """The profile in the ID token the token endpoint gave, read unverified as Better
    Auth reads it (it came straight from the provider over TLS)."""
    token = tokens.get("idToken")
    return decode_unverified(token) if isinstance(token, str) else None


def _requested(request: UserInfoRequest) -> ProfileGetter:
    def read(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
        found = fetch_profile(provider, request, str(tokens.get("accessToken") or ""))
        if request.pick is not None:
            found = request.pick(found)
        return dict(found) if isinstance(found, Mapping) else None

    return read


@dataclass(frozen=True)
class ProviderSpec:
    """One built-in provider, as data (Better Auth 1.7.24's
    ``packages/core/src/social-providers/<id>.ts``).

    :param authorize: the authorization endpoint.
    :param exchange: the token endpoint.
    :param scopes: the default scopes (``disable_default_scope`` drops them).
    :param mapper: ``profile -> {id, name, email, emailVerified, image}``.
    :param user_info: the user-info request (``None``: ``profile`` reads the profile).
    :param profile: a custom profile read (an ID token, two calls).
    :param pkce: PKCE (S256) on the authorization request and ``code_verifier`` at the
        token endpoint.
    :param token_auth: ``client_secret_post``, ``client_secret_basic`` or
        ``client_key`` (TikTok's ``client_key`` + ``client_secret`` in the form).
    :param prompt: whether the ``prompt`` option is sent (a string: the default).
    :param login_hint: whether the request's ``loginHint`` is sent as ``login_hint``.
    :param params: the provider's extra query parameters (after Better Auth's own).
    :param slots: ``hd`` / ``access_type`` / ``display`` (Better Auth's slots).
    :param required: options the provider cannot work without (checked at start-up).
    :param refresh_scope: a refresh names the scopes again (Microsoft).
    :param device_id: the callback's ``device_id`` goes to the token endpoint.
    :param secret: makes the client secret from the options (Apple's JWT).
    :param check: more start-up checks of the options (raising ``BetterAuthError``).
    :param register: where the app is registered (docs).
    :param fragment: the authorization URL's fragment (WeChat's ``wechat_redirect``).
    :param exchange_with: the provider's own code exchange (not OAuth 2.0's).
    :param refresh_with: the provider's own refresh.
    :param encode_query: writes the authorization query (Cognito's ``%20`` scope last).
    :param verify_id_token: the provider's own ID-token check (LINE's ``/verify``).
    """

    id: str
    name: str
    authorize: Optioned[str]
    exchange: Optioned[str]
    scopes: tuple[str, ...]
    mapper: ProfileMapper
    user_info: UserInfoRequest | None = None
    profile: ProfileGetter | None = None
    pkce: bool = True
    token_auth: Optioned[str] = "client_secret_post"  # noqa: S105  (a method name)
    prompt: bool | str = False
    login_hint: bool = False
    params: Optioned[Mapping[str, str]] = field(default_factory=dict)
    slots: Callable[[ProviderOptions], Mapping[str, str | None]] | None = None
    request_scopes_first: bool = False
    response_type: str = "code"
    response_mode: str | None = None
    jwks_uri: Optioned[str | None] = None
    id_token_issuers: Optioned[tuple[str, ...] | None] = None
    reshape: Reshape | None = None
    required: tuple[str, ...] = ()
    secret: Callable[[ProviderOptions], str | None] | None = None
    device_id: bool = False
    refresh_scope: bool = False
    check: Callable[[ProviderOptions], None] | None = None
    register: str = ""
    fragment: str | None = None
    exchange_with: CodeExchange | None = None
    refresh_with: TokenRefresh | None = None
    verify_id_token: IdTokenVerifier | None = None
    encode_query: Callable[[list[tuple[str, str]]], str] | None = None

    def build(self, options: ProviderOptions) -> Provider:
        """This provider with the app's ``options``.

        :raises BetterAuthError: when a required option is missing.
        """
        for name in self.required:
            if not getattr(options, name):
                raise BetterAuthError(f"option 'social_providers.{self.id}.{name}' is required")
        if self.check is not None:
            self.check(options)
        if self.profile is None and self.user_info is None:
            raise BetterAuthError(f"provider {self.id!r} has no way to read a profile")
        user_info = options.user_info_endpoint or (
            _value(self.user_info.url, options) if self.user_info is not None else None
        )
        slots: dict[str, str] = {}
        if self.prompt:
            default = self.prompt if isinstance(self.prompt, str) else None
            if options.prompt or default:
                slots["prompt"] = options.prompt or str(default)
        if self.slots is not None:
            slots.update({k: v for k, v in self.slots(options).items() if v})
        reshape = self.reshape
        return Provider(
            id=self.id,
            name=self.name,
            options=options,
            authorization_endpoint=options.authorization_endpoint
            or _value(self.authorize, options),
            token_endpoint=options.token_endpoint or _value(self.exchange, options),
            user_info_endpoint=user_info,
            default_scopes=self.scopes,
            profile=self.profile or _requested(self.user_info),  # type: ignore[arg-type]
            mapper=self.mapper,
            pkce=self.pkce,
            response_type=self.response_type,
            response_mode=self.response_mode,
            slot_params=slots,
            extra_params=dict(_value(self.params, options)),
            jwks_uri=_value(self.jwks_uri, options),
            id_token_issuers=_value(self.id_token_issuers, options),
            request_scopes_first=self.request_scopes_first,
            token_auth=_value(self.token_auth, options),
            login_hint=self.login_hint,
            device_id=self.device_id,
            refresh_scope=self.refresh_scope,
            reshape_params=(lambda params: reshape(params, options)) if reshape else None,
            secret=(lambda: self.secret(options)) if self.secret else None,  # type: ignore[misc]
            authorization_fragment=self.fragment,
            exchange=self.exchange_with,
            refresher=self.refresh_with,
            id_token_verifier=self.verify_id_token,
            query_encoder=self.encode_query,
        )


def endpoint_auth_method(options: ProviderOptions, default: str) -> str:
    """The token endpoint authentication the options name (``token_endpoint_auth``,
    a method name or ``{"method": ...}``; else ``token_endpoint_auth_method``), else
    ``default``."""
    given = options.token_endpoint_auth
    method = given.get("method") if isinstance(given, Mapping) else given
    return str(method or options.token_endpoint_auth_method or default)


def check_endpoint_auth(
    provider_id: str, allowed: tuple[str, ...], default: str
) -> Callable[[ProviderOptions], None]:
    """A start-up check of a provider's ``token_endpoint_auth`` option, as Better
    Auth's: a method of ``allowed``; ``none`` and ``private_key_jwt`` without a client
    secret, the ``client_secret_*`` ones with one; ``private_key_jwt`` with
    ``client_assertion``."""

    def check(options: ProviderOptions) -> None:
        method = endpoint_auth_method(options, default)
        name = f"social_providers.{provider_id}.token_endpoint_auth"
        if method not in allowed:
            raise BetterAuthError(f"option '{name}' must be one of {', '.join(allowed)}")
        secret = bool(options.client_secret)
        if secret and method in ("none", "private_key_jwt"):
            raise BetterAuthError(f"{method} ('{name}') cannot be combined with client_secret")
        if not secret and method.startswith("client_secret"):
            raise BetterAuthError(f"{method} ('{name}') requires client_secret")
        if method == "private_key_jwt" and options.client_assertion is None:
            raise BetterAuthError(f"private_key_jwt ('{name}') requires client_assertion")

    return check


def table(*specs: ProviderSpec) -> dict[str, ProviderSpec]:
    """The specs by id."""
    return {spec.id: spec for spec in specs}
