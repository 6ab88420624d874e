"""OAuth providers: what each one is (endpoints, scopes, how its profile reads) and the
registry built from the ``social_providers`` option and the plugins (``generic_oauth``).

A :class:`Provider` holds facts; the HTTP legs are in :mod:`.oauth`. Built-in providers
follow Better Auth 1.7.24's table (spec section 10); where Better Auth fixes an endpoint,
``token_endpoint`` / ``user_info_endpoint`` may still move it here (GitHub Enterprise,
a test double), which Better Auth does not allow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..errors import BetterAuthError

#: The authorization request's own parameters: a request's ``additionalParams`` may not
#: name them, and a provider that reshapes its query keeps them out of the extras.
RESERVED_PARAMS = (
    "state",
    "client_id",
    "redirect_uri",
    "response_type",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "scope",
)

#: ``profile(provider, tokens) -> raw profile or None``: fetches what the provider says.
ProfileGetter = Callable[["Provider", Mapping[str, Any]], "dict[str, Any] | None"]
#: ``mapper(profile) -> {"id", "email", "emailVerified", "name", "image"}``.
ProfileMapper = Callable[[Mapping[str, Any]], "dict[str, Any]"]
#: ``exchange(provider, code, code_verifier, redirect_uri) -> tokens``: a token exchange
#: that is not OAuth 2.0's (WeChat's GET with ``appid`` and ``secret``).
CodeExchange = Callable[["Provider", str, "str | None", str], "dict[str, Any]"]
#: ``refresh(provider, refresh_token) -> tokens``: such a provider's refresh.
TokenRefresh = Callable[["Provider", str], "dict[str, Any]"]
#: ``verify(provider, id_token, nonce, access_token) -> claims``: a provider's own check
#: of an ID token signed in with (LINE's ``/verify`` endpoint, Facebook's opaque token);
#: raises :class:`~.oauth.ProviderError` when the token is refused.
IdTokenVerifier = Callable[["Provider", str, "str | None", "str | None"], "dict[str, Any]"]


@dataclass(frozen=True)
class ProviderOptions:
    """The options every ``social_providers.<id>`` entry takes (Better Auth's
    ``ProviderOptions``, snake_case). Provider-specific ones are ignored elsewhere."""

    client_id: str | list[str] = ""
    client_secret: str | None = None
    scope: list[str] = field(default_factory=list)
    disable_default_scope: bool = False
    redirect_uri: str | None = None
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    user_info_endpoint: str | None = None
    disable_id_token_sign_in: bool = False
    map_profile_to_user: Callable[[Mapping[str, Any]], Any] | None = None
    get_user_info: Callable[[Mapping[str, Any]], Any] | None = None
    disable_implicit_sign_up: bool = False
    disable_sign_up: bool = False
    prompt: str | None = None
    override_user_info_on_sign_in: bool = False
    enabled: bool = True
    #: Seconds to wait for the provider's answer (token, user info, keys).
    timeout: float = 10.0
    #: GitLab: the instance (``https://gitlab.example.com``).
    issuer: str | None = None
    #: Microsoft: the tenant and the authority.
    tenant_id: str = "common"
    authority: str = "https://login.microsoftonline.com"
    #: Microsoft: the Graph profile photo's size (the user's ``image``), or none at all.
    profile_photo_size: int = 48
    disable_profile_photo: bool = False
    #: Reddit: ``permanent`` for a refresh token (Better Auth's ``duration``).
    duration: str | None = None
    #: Twitch: the ID token claims asked for (default: ``email``, ``email_verified``,
    #: ``preferred_username``, ``picture``).
    claims: list[str] | None = None
    #: Google: the hosted domain and ``access_type`` (``offline`` for refresh tokens).
    hd: str | None = None
    access_type: str | None = None
    #: Create the user and account, but start no session until the e-mail is verified
    #: (Better Auth's ``requireEmailVerification``; see :func:`.verification.email_gate`).
    require_email_verification: bool = False
    #: Apple: the client secret JWT's team id, key id and ES256 private key (PEM).
    team_id: str | None = None
    key_id: str | None = None
    private_key: str | None = None
    #: Apple: the audiences of ID tokens signed in with (a native app's bundle id, say)
    #: when they are not the client id.
    audience: list[str] = field(default_factory=list)
    app_bundle_identifier: str | None = None
    #: TikTok: the app's client key (TikTok's name for the client id).
    client_key: str | None = None
    #: Facebook: the Login for Business configuration and extra ``/me`` fields.
    config_id: str | None = None
    fields: list[str] = field(default_factory=list)
    #: PayPal and Salesforce: ``sandbox`` or ``production`` (PayPal's default is
    #: ``sandbox``, Salesforce's ``production``); Salesforce's My Domain host.
    environment: str | None = None
    login_url: str | None = None
    #: Amazon Cognito: the hosted UI domain, the region, the user pool, and an identity
    #: provider to go straight to; ``require_client_secret`` refuses a missing secret.
    domain: str | None = None
    region: str | None = None
    user_pool_id: str | None = None
    identity_provider: str | None = None
    require_client_secret: bool = False
    #: ``private_key_jwt``: ``client_assertion(context) -> JWT`` instead of a client
    #: secret (Microsoft's ``clientAssertion``); see :func:`.assertion.private_key_jwt`.
    client_assertion: Callable[[Mapping[str, str]], str] | None = None
    #: WeChat: the login page's language (``cn``, the default, or ``en``) and the
    #: platform (only ``WebsiteApp``, Better Auth's ``platformType``).
    lang: str | None = None
    platform_type: str | None = None
    #: Vercel and Cloudflare: the token endpoint's client authentication, Better Auth's
    #: ``tokenEndpointAuth`` (``{"method": "client_secret_basic"}`` or the method's
    #: name: ``none``, ``client_secret_basic``, ``client_secret_post``, and for Vercel
    #: ``private_key_jwt`` with ``client_assertion``); Cloudflare's older
    #: ``token_endpoint_auth_method``.
    token_endpoint_auth: str | Mapping[str, Any] | None = None
    token_endpoint_auth_method: str | None = None

    @property
    def first_client_id(self) -> str:
        """The client id sent in requests (the first one when several are given)."""
        if isinstance(self.client_id, list):
            return self.client_id[0] if self.client_id else ""
        return self.client_id

    @property
    def client_ids(self) -> list[str]:
        """Every client id given."""
        return list(self.client_id) if isinstance(self.client_id, list) else [self.client_id]

    @property
    def audiences(self) -> list[str]:
        """Every audience an ID token may be addressed to: ``audience`` when given, else
        Apple's ``app_bundle_identifier``, else the client ids (as Better Auth)."""
        if self.audience:
            return list(self.audience)
        if self.app_bundle_identifier:
            return [self.app_bundle_identifier]
        return self.client_ids


def parse_provider_options(provider_id: str, raw: Mapping[str, Any]) -> ProviderOptions:
    """Check one ``social_providers`` entry and build its :class:`ProviderOptions`.

    :raises BetterAuthError: naming an unknown or ill-typed key.
    """
    if isinstance(raw, ProviderOptions):
        return raw
    if not isinstance(raw, Mapping):
        raise BetterAuthError(f"option 'social_providers.{provider_id}' must be a mapping")
    known = {f.name for f in dataclasses.fields(ProviderOptions)}
    for key in raw:
        if key not in known:
            raise BetterAuthError(f"unknown option 'social_providers.{provider_id}.{key}'")
    options = ProviderOptions(**dict(raw))
    if not options.first_client_id and not options.client_key:
        raise BetterAuthError(f"option 'social_providers.{provider_id}.client_id' is required")
    if options.client_assertion is not None and options.client_secret:
        raise BetterAuthError(
            f"option 'social_providers.{provider_id}.client_assertion' cannot be combined "
            "with client_secret"
        )
    for name in ("map_profile_to_user", "get_user_info", "client_assertion"):
        value = getattr(options, name)
        if value is not None and not callable(value):
            raise BetterAuthError(
                f"option 'social_providers.{provider_id}.{name}' must be callable"
            )
    return options


@dataclass(frozen=True)
class Provider:
    """One provider users sign in with: its endpoints and how to read its profile.

    :param issuer: the issuer its ID tokens carry (and RFC 9207 ``iss`` is checked
        against); ``None`` when unknown.
    :param nonce: the authorization request carries a nonce the ID token must echo.
    :param id_token_issuers: issuers accepted by ID-token sign-in (``None``: no
        ID-token sign-in).
    """

    id: str
    options: ProviderOptions
    authorization_endpoint: str
    token_endpoint: str
    user_info_endpoint: str | None
    default_scopes: tuple[str, ...]
    profile: ProfileGetter
    mapper: ProfileMapper
    pkce: bool = True
    response_type: str = "code"
    response_mode: str | None = None
    #: Query parameters in Better Auth's order slots (``display``, ``prompt``, ``hd``,
    #: ``access_type``), then the provider's own extras (``extra_params``).
    slot_params: Mapping[str, str] = field(default_factory=dict)
    extra_params: Mapping[str, str] = field(default_factory=dict)
    issuer: str | None = None
    jwks_uri: str | None = None
    id_token_algorithms: tuple[str, ...] = ("RS256",)
    id_token_issuers: tuple[str, ...] | None = None
    nonce: bool = False
    #: Generic providers: a callback with a code and no state restarts the flow.
    allow_idp_initiated: bool = False
    #: Scopes go before (``True``, generic and Discord) or after the configured ones.
    request_scopes_first: bool = False
    #: Generic providers: the ID token's ``sub`` names the account.
    oidc: bool = False
    #: Seconds an access token lives when the token response does not say.
    access_token_expires_in: int | None = None
    #: The token endpoint's client authentication (``client_secret_post`` or ``_basic``).
    token_auth: str = "client_secret_post"  # noqa: S105  (a method name, not a secret)
    #: The provider's name for people (``GitHub``).
    name: str = ""
    #: Whether the request's ``loginHint`` goes to the provider as ``login_hint``
    #: (Better Auth passes it to some built-ins only, and to every generic provider).
    login_hint: bool = True
    #: Rewrites the authorization query (a provider whose URL is not plain OAuth 2.0).
    reshape_params: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None
    #: A refresh asks again for the default and configured scopes (Microsoft).
    refresh_scope: bool = False
    #: The callback's ``device_id`` goes to the token endpoint (VK ID).
    device_id: bool = False
    #: Makes the client secret when the app signs it (Apple's ES256 JWT).
    secret: Callable[[], str | None] | None = None
    #: Appended to the authorization URL after ``#`` (WeChat's ``wechat_redirect``).
    authorization_fragment: str | None = None
    #: Writes the authorization query itself (default: ``urlencode``); Cognito's puts
    #: ``scope`` last with ``%20`` for spaces.
    query_encoder: Callable[[list[tuple[str, str]]], str] | None = None
    #: The provider's own code exchange and refresh, when they are not OAuth 2.0's
    #: (:mod:`.oauth` calls them instead of Authlib's).
    exchange: CodeExchange | None = None
    refresher: TokenRefresh | None = None
    #: The provider's own ID-token check: ID-token sign-in works with it alone when the
    #: provider has no ``jwks_uri`` (LINE); one with keys still needs its issuers.
    id_token_verifier: IdTokenVerifier | None = None

    def client_secret(self) -> str | None:
        """The secret the token endpoint is sent: the made one, else the option."""
        if self.secret is not None:
            return self.secret()
        return self.options.client_secret

    def scopes(self, requested: list[str] | None) -> list[str]:
        """The scopes of an authorization request, in Better Auth's order."""
        own = [] if self.options.disable_default_scope else list(self.default_scopes)
        configured = list(self.options.scope)
        extra = list(requested or [])
        ordered = (
            extra + own + configured if self.request_scopes_first else own + configured + extra
        )
        seen: list[str] = []
        for scope in ordered:
            if scope and scope not in seen:
                seen.append(scope)
        return seen

    def encode_query(self, params: list[tuple[str, str]]) -> str:
        """The authorization URL's query (and fragment) for ``params``: the provider's
        :attr:`query_encoder` or ``urlencode``, then ``#`` and
        :attr:`authorization_fragment` when it has one."""
        from urllib.parse import urlencode

        query = self.query_encoder(params) if self.query_encoder else urlencode(params)
        return query + (f"#{self.authorization_fragment}" if self.authorization_fragment else "")

    @property
    def supports_id_token(self) -> bool:
        """Whether ``idToken`` sign-in and linking work with this provider."""
        if self.options.disable_id_token_sign_in:
            return False
        if self.id_token_verifier is not None and self.jwks_uri is None:
            return True  # checked by the provider (LINE's /verify)
        return self.id_token_issuers is not None and self.jwks_uri is not None


class ProviderSource:
    """What a plugin's state is when it adds providers (``generic_oauth``): the social
    registry asks each such state for its providers, in plugin order, before the
    built-ins (a generic provider shadows a built-in of the same id)."""

    def providers(self) -> list[Provider]:
        """The providers this plugin adds."""
        raise NotImplementedError
