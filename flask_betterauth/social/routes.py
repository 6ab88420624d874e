"""``POST /sign-in/social`` and ``GET|POST /callback/:id`` (spec sections 2 and 4)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validates

from .. import signals
from ..context import Context
from ..crypto import random_string
from ..dispatch import Redirect
from ..errors import APIError
from ..registry import FORM
from ..registry import JSON
from ..registry import endpoint
from ..security.origins import location_header
from ..sessions.flows import start_session
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString
from ..validation import validate
from . import state as flow_state
from .flow import FlowError
from .flow import link_account
from .flow import map_profile
from .flow import sign_in_user
from .flow import user_info
from .oauth import ProviderError
from .oauth import exchange_code
from .oauth import verify_id_token
from .providers import RESERVED_PARAMS
from .providers import Provider
from .registry import social_registry
from .verification import email_gate


class IdTokenBody(BodySchema):
    """``idToken``: a token the client got from the provider itself."""

    token = StrictString(required=True)
    nonce = StrictString()
    accessToken = StrictString()
    refreshToken = StrictString()
    expiresAt = fields.Float()
    user = fields.Dict()


class SocialBody(BodySchema):
    """The body of ``POST /sign-in/social`` and ``POST /link-social``."""

    provider = StrictString(required=True)
    callbackURL = StrictString()
    newUserCallbackURL = StrictString()
    errorCallbackURL = StrictString()
    disableRedirect = StrictBoolean()
    idToken = fields.Nested(IdTokenBody)
    scopes = fields.List(StrictString())
    requestSignUp = StrictBoolean()
    loginHint = StrictString()
    additionalParams = fields.Dict(keys=fields.String(), values=fields.String())
    additionalData = fields.Dict(keys=fields.String())

    @validates("additionalParams")
    def _no_reserved(self, value: Mapping[str, str], **_: Any) -> None:
        if any(key in RESERVED_PARAMS for key in value):
            raise ValidationError(
                "additionalParams cannot include reserved OAuth parameters: "
                + ", ".join(RESERVED_PARAMS)
            )


def find_provider(ctx: Context, provider_id: str) -> Provider:
    """The provider called ``provider_id``.

    :raises APIError: 404 ``PROVIDER_NOT_FOUND``.
    """
    provider = social_registry(ctx.state).get(provider_id)
    if provider is None:
        raise APIError(404, "PROVIDER_NOT_FOUND")
    return provider


def redirect_uri(ctx: Context, provider: Provider) -> str:
    """The callback URL the provider sends the browser back to."""
    return provider.options.redirect_uri or f"{ctx.base_url}/callback/{provider.id}"


def start_redirect(
    ctx: Context, provider: Provider, link: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Mint the flow's state and answer ``{url, redirect}`` (+ ``Location``), spec 2.3."""
    body = ctx.body
    verifier = random_string(128, flow_state.ALPHABET)
    nonce = random_string(32, flow_state.ALPHABET) if provider.nonce else None
    # The flow's own keys always come from here: an ``additionalData`` entry named like
    # one (``errorURL``) is dropped, never trusted (it skipped the URL checks).
    own = {
        "callbackURL",
        "codeVerifier",
        "errorURL",
        "newUserURL",
        "link",
        "expiresAt",
        "requestSignUp",
        "idTokenNonce",
        "oauthState",
        "serverContext",
    }
    data: dict[str, Any] = {
        k: v for k, v in (body.get("additionalData") or {}).items() if k not in own
    }
    data.update(
        {
            "callbackURL": body.get("callbackURL") or ctx.origin,
            "codeVerifier": verifier,
            "errorURL": body.get("errorCallbackURL"),
            "newUserURL": body.get("newUserCallbackURL"),
            "link": link,
            # After additionalData: only plugins (add_oauth_server_context) set it.
            "serverContext": flow_state.pending_server_context(ctx),
            "requestSignUp": body.get("requestSignUp"),
            "idTokenNonce": nonce,
        }
    )
    state = flow_state.mint(ctx, {k: v for k, v in data.items() if v is not None})
    url = authorization_url(ctx, provider, state, verifier, nonce)
    redirect = not body.get("disableRedirect")
    if redirect:
        ctx.response_headers["Location"] = url
    return {"url": url, "redirect": redirect}


def authorization_url(
    ctx: Context,
    provider: Provider,
    state: str,
    verifier: str,
    nonce: str | None,
    body: Mapping[str, Any] | None = None,
) -> str:
    """The provider's authorization URL, parameters in Better Auth's order; the
    request's ``scopes``, ``loginHint`` and ``additionalParams`` come from ``body``
    (default: the request's)."""
    body = ctx.body if body is None else body
    scopes = provider.scopes(body.get("scopes"))
    params: list[tuple[str, str]] = [
        ("response_type", provider.response_type),
        ("client_id", provider.options.first_client_id),
        ("state", state),
    ]
    if scopes:
        params.append(("scope", " ".join(scopes)))
    params.append(("redirect_uri", redirect_uri(ctx, provider)))
    slots = provider.slot_params
    if slots.get("display"):
        params.append(("display", slots["display"]))
    if body.get("loginHint") and provider.login_hint:
        params.append(("login_hint", body["loginHint"]))
    if nonce:
        params.append(("nonce", nonce))
    for key in ("prompt", "hd", "access_type"):
        if slots.get(key):
            params.append((key, slots[key]))
    if provider.response_mode:
        params.append(("response_mode", provider.response_mode))
    if provider.pkce:
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        params += [("code_challenge_method", "S256"), ("code_challenge", challenge)]
    for extra in (provider.extra_params, body.get("additionalParams") or {}):
        params += [(k, v) for k, v in extra.items() if k not in RESERVED_PARAMS]
    if provider.reshape_params is not None:
        params = provider.reshape_params(params)
    separator = "&" if "?" in provider.authorization_endpoint else "?"
    return provider.authorization_endpoint + separator + provider.encode_query(params)


def id_token_claims(ctx: Context, provider: Provider) -> dict[str, Any]:
    """The verified claims of the body's ``idToken`` (spec 2.4).

    :raises APIError: 404 ``ID_TOKEN_NOT_SUPPORTED``; 401 ``INVALID_TOKEN``.
    """
    if not provider.supports_id_token:
        raise APIError(404, "ID_TOKEN_NOT_SUPPORTED")
    given = ctx.body["idToken"]
    max_age = None if provider.oidc else 3600
    try:
        return verify_id_token(
            provider,
            given["token"],
            nonce=given.get("nonce"),
            issuers=provider.id_token_issuers,
            max_age=max_age,
            access_token=given.get("accessToken"),
        )
    except ProviderError:
        raise APIError(401, "INVALID_TOKEN") from None


def id_token_info(ctx: Context, provider: Provider) -> tuple[dict[str, Any], dict[str, Any]]:
    """The mapped user and the tokens of an ``idToken`` body.

    :raises APIError: as :func:`id_token_claims`; 401 ``FAILED_TO_GET_USER_INFO``,
        ``USER_EMAIL_NOT_FOUND``.
    """
    claims = id_token_claims(ctx, provider)
    given = ctx.body["idToken"]
    profile = {**claims, "id": claims.get("sub"), "_idTokenSub": claims.get("sub")}
    if isinstance(given.get("user"), Mapping):
        profile["user"] = given["user"]
    try:
        info, _ = map_profile(provider, profile)
    except FlowError:
        raise APIError(401, "FAILED_TO_GET_USER_INFO") from None
    if not info.get("email"):
        raise APIError(401, "USER_EMAIL_NOT_FOUND")
    tokens = {"idToken": given["token"], "accessToken": given.get("accessToken")}
    return info, tokens


@endpoint("/sign-in/social", body=SocialBody, sign_in=True, name="sign_in_social")
def sign_in_social(ctx: Context) -> dict[str, Any]:
    """Start a sign-in with a provider: the authorization URL to send the browser to,
    or, given an ``idToken``, the session at once."""
    provider = find_provider(ctx, ctx.body["provider"])
    if "idToken" not in ctx.body:
        return start_redirect(ctx, provider)
    info, tokens = id_token_info(ctx, provider)
    try:
        user, created = sign_in_user(
            ctx, provider, info, tokens, request_sign_up=bool(ctx.body.get("requestSignUp"))
        )
    except FlowError as error:
        raise APIError(401, "OAUTH_LINK_ERROR", error.code.replace("_", " ")) from None
    if not email_gate(
        ctx, provider, user, created=created, callback_url=ctx.body.get("callbackURL")
    ):
        raise APIError(403, "EMAIL_NOT_VERIFIED")
    # Social sign-in answers to the provider's verification, not to
    # email_and_password.require_email_verification (as the callback).
    session = start_session(ctx, user, remember_me=True)
    signals.send(signals.user_signed_in, user=user, session=session)
    return {"redirect": False, "token": session["token"], "user": ctx.user_json(user)}


class CallbackQuery(BodySchema):
    """What a provider sends back (query, or a ``form_post`` body)."""

    code = StrictString()
    error = StrictString()
    device_id = StrictString()
    error_description = StrictString()
    state = StrictString()
    user = StrictString()
    iss = StrictString()


def default_error_url(ctx: Context) -> str:
    """``on_api_error.error_url``, else the error page (``<base>/error``)."""
    return ctx.options.on_api_error.error_url or f"{ctx.base_url}/error"


def error_redirect(url: str, code: str, description: str | None = None) -> Redirect:
    """A redirect to ``url`` with ``error`` (and ``error_description``) added."""
    params = {"error": code, **({"error_description": description} if description else {})}
    return Redirect(url + ("&" if "?" in url else "?") + urlencode(params))


_CALLBACK_QUERY = CallbackQuery()


@endpoint(
    "/callback/:id",
    method=("GET", "POST"),
    media_types=(JSON, FORM),
    sign_in=True,
    name="callback_oauth",
)
def callback_oauth(ctx: Context) -> Redirect:
    """Where the provider sends the browser back: check the state, trade the code for
    tokens, sign the user in (or link the account), redirect to the flow's URL."""
    if ctx.method == "POST":
        body = ctx.body if isinstance(ctx.body, Mapping) else {}
        merged = {**{k: v for k, v in body.items() if isinstance(v, str)}, **ctx.query}
        keys = ("code", "error", "device_id", "error_description", "state", "user", "iss")
        params = [(k, merged[k]) for k in keys if merged.get(k)]
        target = f"{ctx.base_url}/callback/{ctx.params['id']}"
        return Redirect(target + ("?" + urlencode(params) if params else ""))
    try:
        ctx.query = validate(_CALLBACK_QUERY, ctx.query, "query")
    except APIError:
        return error_redirect(default_error_url(ctx), "invalid_callback_request")
    if not ctx.query.get("state") and ctx.query.get("code"):
        restart = _idp_initiated(ctx)
        if restart is not None:
            return restart
    try:
        flow = flow_state.take(ctx, ctx.query.get("state"))
    except flow_state.StateError as error:
        return error_redirect(error.error_url or default_error_url(ctx), error.code)
    error_url = flow.get("errorURL") or default_error_url(ctx)
    try:
        return _finish(ctx, flow, error_url)
    except FlowError as error:
        return error_redirect(error_url, error.code, error.description)


def _idp_initiated(ctx: Context) -> Redirect | None:
    """A provider with ``allow_idp_initiated`` that sent a code without a state (a
    sign-in it started): the code is dropped and the flow starts over from here, with a
    new state, PKCE verifier and nonce, to the default callback URL (Better Auth 1.7.24)."""
    provider = social_registry(ctx.state).get(ctx.params["id"])
    if provider is None or not provider.allow_idp_initiated:
        return None
    verifier = random_string(128, flow_state.ALPHABET)
    nonce = random_string(32, flow_state.ALPHABET) if provider.nonce else None
    data = {"callbackURL": ctx.origin, "codeVerifier": verifier, "idTokenNonce": nonce}
    state = flow_state.mint(ctx, {k: v for k, v in data.items() if v is not None})
    return Redirect(authorization_url(ctx, provider, state, verifier, nonce, body={}))


def _finish(ctx: Context, flow: dict[str, Any], error_url: str) -> Redirect:
    query = ctx.query
    if query.get("error"):
        return error_redirect(error_url, query["error"], query.get("error_description"))
    if not query.get("code"):
        raise FlowError("no_code")
    provider = social_registry(ctx.state).get(ctx.params["id"])
    if provider is None:
        raise FlowError("oauth_provider_not_found")
    if query.get("iss") and provider.issuer and query["iss"] != provider.issuer:
        raise FlowError("issuer_mismatch")
    nonce = flow.get("idTokenNonce")
    if provider.nonce and not nonce:
        raise FlowError("nonce_binding_missing")
    try:
        tokens = exchange_code(
            provider,
            query["code"],
            flow.get("codeVerifier"),
            redirect_uri(ctx, provider),
            device_id=query.get("device_id"),
        )
    except ProviderError:
        raise FlowError("invalid_code") from None
    if provider.nonce:
        tokens["_nonce"] = nonce
    if query.get("user"):
        tokens["_user"] = query["user"]
    info, _ = user_info(provider, tokens)
    tokens.pop("_nonce", None)
    callback = str(flow.get("callbackURL") or "")
    if not callback:
        raise FlowError("no_callback_url")
    link = flow.get("link")
    if isinstance(link, Mapping):
        _link(ctx, provider, link, info, tokens)
        return Redirect(callback)
    if not info.get("email"):
        raise FlowError("email_not_found")
    user, created = sign_in_user(
        ctx, provider, info, tokens, request_sign_up=bool(flow.get("requestSignUp"))
    )
    if not email_gate(ctx, provider, user, created=created, callback_url=callback):
        raise FlowError("email_not_verified")
    location = location_header(str(flow.get("newUserURL") or callback) if created else callback)
    session = start_session(ctx, user, remember_me=True)
    signals.send(signals.user_signed_in, user=user, session=session)
    return Redirect(location)


def _link(
    ctx: Context,
    provider: Provider,
    link: Mapping[str, Any],
    info: Mapping[str, Any],
    tokens: Mapping[str, Any],
) -> None:
    """The link flow: the session that asked must still be alive and the user's."""
    from .account_routes import linking_user

    user = linking_user(ctx, link)
    if user is None:
        raise FlowError("unable_to_link_account")
    link_account(ctx, provider, user, info, tokens)
