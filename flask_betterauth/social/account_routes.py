"""``POST /link-social``, ``POST /unlink-account``, ``POST /get-access-token``,
``POST /refresh-token``, ``GET /account-info`` (spec sections 6 to 8)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from marshmallow import ValidationError
from marshmallow import validates_schema

from ..clock import iso
from ..clock import now
from ..context import Context
from ..errors import APIError
from ..records import Record
from ..registry import endpoint
from ..symmetric import DecryptionError
from ..symmetric import purpose_secret
from ..symmetric import symmetric_decrypt
from ..symmetric import symmetric_encrypt
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString
from .flow import FlowError
from .flow import link_account
from .flow import user_info
from .oauth import ProviderError
from .oauth import refresh
from .registry import social_registry
from .routes import SocialBody
from .routes import find_provider
from .routes import id_token_info
from .routes import start_redirect
from .tokens import row_fields
from .tokens import unseal

#: An access token this close to expiry (seconds) is refreshed before it is handed out.
REFRESH_MARGIN = 5
#: The purpose Better Auth 1.7.24 derives the link flow's session-token key for.
LINK_PURPOSE = "oauth-link-session-token"


def linking_user(ctx: Context, link: Mapping[str, Any]) -> Record | None:
    """The user of a link flow, if the session that started it is still alive."""
    key = purpose_secret(ctx.state.secret, LINK_PURPOSE)
    try:
        token = symmetric_decrypt(key, str(link.get("encryptedSessionToken")))
    except DecryptionError:
        return None
    session = ctx.sessions.find_listed(token)
    if session is None or session["userId"] != link.get("userId") or session["expiresAt"] <= now():
        return None
    return ctx.users.find_by_id(session["userId"])


class LinkSocialBody(SocialBody):
    """The body of ``POST /link-social`` (no ``newUserCallbackURL``)."""

    class Meta(SocialBody.Meta):
        exclude = ("newUserCallbackURL",)


@endpoint("/link-social", body=LinkSocialBody, auth="sensitive", name="link_social")
def link_social(ctx: Context) -> dict[str, Any]:
    """Link a provider account to the signed-in user: the authorization URL, or with an
    ``idToken`` the account at once."""
    provider = find_provider(ctx, ctx.body["provider"])
    signed = ctx.signed_in
    if "idToken" not in ctx.body:
        link = {
            "userId": signed.user["id"],
            "email": signed.user["email"],
            "encryptedSessionToken": symmetric_encrypt(
                purpose_secret(ctx.state.secret, LINK_PURPOSE), signed.session["token"]
            ),
        }
        return start_redirect(ctx, provider, link)
    info, tokens = id_token_info(ctx, provider)
    try:
        link_account(ctx, provider, signed.user, info, tokens)
    except FlowError as error:
        codes = {
            "account_already_linked_to_different_user": (409, "SOCIAL_ACCOUNT_ALREADY_LINKED"),
            "email_does_not_match": (401, "LINKING_DIFFERENT_EMAILS_NOT_ALLOWED"),
            "unable_to_link_account": (401, "LINKING_NOT_ALLOWED"),
        }
        status, code = codes.get(error.code, (417, "LINKING_FAILED"))
        raise APIError(status, code) from None
    return {"url": "", "status": True, "redirect": False}


class UnlinkBody(BodySchema):
    """The body of ``POST /unlink-account``."""

    accountId = StrictString(required=True)


@endpoint("/unlink-account", body=UnlinkBody, auth="fresh", name="unlink_account")
def unlink_account(ctx: Context) -> dict[str, Any]:
    """Remove one of the user's accounts (never the last, unless allowed)."""
    user = ctx.signed_in.user
    accounts = ctx.accounts.list(user["id"])
    if len(accounts) == 1 and not ctx.options.account.account_linking.allow_unlinking_all:
        raise APIError(400, "FAILED_TO_UNLINK_LAST_ACCOUNT")
    target = next((a for a in accounts if a["id"] == ctx.body["accountId"]), None)
    if target is None:
        raise APIError(400, "ACCOUNT_NOT_FOUND")
    ctx.accounts.unlink(target["id"])
    return {"status": True}


class TokenBody(BodySchema):
    """The account selector of the token endpoints."""

    accountId = StrictString()
    userId = StrictString()
    useAccountCookie = StrictBoolean()

    @validates_schema(pass_original=True)
    def _one_selector(self, data: Mapping[str, Any], original: Any, **_: Any) -> None:
        # Better Auth 1.7's selector is accountId (or the account cookie); 1.6's
        # providerId is refused, not ignored (spec section 8).
        if isinstance(original, Mapping) and "providerId" in original:
            raise ValidationError("Unrecognized key: providerId", "providerId")


class AccountInfoQuery(BodySchema):
    """The query of ``GET /account-info``."""

    accountId = StrictString()


def _account(ctx: Context, selector: Mapping[str, Any]) -> Record:
    """The caller's account the selector names (``userId`` on ``auth.api`` only).

    :raises APIError: 401 (empty) without a session over HTTP; 400 ``ACCOUNT_NOT_FOUND``.
    """
    session = ctx.session
    user_id = selector.get("userId") if not ctx.is_http else None
    if session is not None:
        user_id = session.user["id"]
    if not user_id:
        raise APIError(401, "UNAUTHORIZED", body=False)
    account_id = selector.get("accountId")
    found = (
        ctx.adapter.find_one("account", {"id": account_id, "userId": user_id})
        if account_id
        else None
    )
    if found is None:
        raise APIError(400, "ACCOUNT_NOT_FOUND")
    return Record(found)


def _provider(ctx: Context, account: Record, code: str) -> Any:
    provider = social_registry(ctx.state).get(account["providerId"])
    if provider is None:
        if code == "PROVIDER_NOT_SUPPORTED":
            raise APIError(400, code, f"Provider {account['providerId']} is not supported.")
        if code == "TOKEN_REFRESH_NOT_SUPPORTED":
            message = f"Provider {account['providerId']} does not support token refreshing."
            raise APIError(400, code, message)
        raise APIError(400, code)
    return provider


def _store_refresh(ctx: Context, account: Record, tokens: Mapping[str, Any]) -> dict[str, Any]:
    """Write refreshed tokens (not ``scope``); the row's new clear values."""
    changes = row_fields(ctx, tokens)
    ctx.adapter.update_many("account", {"id": account["id"]}, {**changes, "updatedAt": now()})
    return {
        "accessToken": tokens.get("accessToken"),
        "refreshToken": tokens.get("refreshToken") or unseal(ctx, account.get("refreshToken")),
        "accessTokenExpiresAt": tokens.get("accessTokenExpiresAt"),
        "refreshTokenExpiresAt": tokens.get("refreshTokenExpiresAt")
        or account.get("refreshTokenExpiresAt"),
        "idToken": tokens.get("idToken") or account.get("idToken"),
    }


def _valid_access(ctx: Context, account: Record, error_code: str) -> dict[str, Any]:
    """The account's access token, refreshed first when it is about to expire."""
    provider = _provider(ctx, account, "PROVIDER_NOT_SUPPORTED")
    current = {
        "accessToken": unseal(ctx, account.get("accessToken")),
        "accessTokenExpiresAt": account.get("accessTokenExpiresAt"),
        "idToken": account.get("idToken"),
    }
    expires = account.get("accessTokenExpiresAt")
    stale = expires is not None and expires - now() < timedelta(seconds=REFRESH_MARGIN)
    refresh_token = unseal(ctx, account.get("refreshToken"))
    if stale and refresh_token:
        try:
            tokens = refresh(provider, refresh_token)
        except ProviderError:
            raise APIError(400, error_code) from None
        current = _store_refresh(ctx, account, tokens)
    return current


def _scopes(account: Record) -> list[str]:
    return [s.strip() for s in str(account.get("scope") or "").split(",") if s.strip()]


@endpoint("/get-access-token", body=TokenBody, auth="optional", name="get_access_token")
def get_access_token(ctx: Context) -> dict[str, Any]:
    """A valid access token of one of the user's accounts (refreshed when due)."""
    account = _account(ctx, ctx.body)
    current = _valid_access(ctx, account, "FAILED_TO_GET_ACCESS_TOKEN")
    answer: dict[str, Any] = {"accessToken": current["accessToken"]}
    if current.get("accessTokenExpiresAt") is not None:
        answer["accessTokenExpiresAt"] = iso(current["accessTokenExpiresAt"])
    answer["scopes"] = _scopes(account)
    if current.get("idToken"):
        answer["idToken"] = current["idToken"]
    return answer


@endpoint("/refresh-token", body=TokenBody, auth="optional", name="refresh_token")
def refresh_token(ctx: Context) -> dict[str, Any]:
    """Refresh an account's tokens at the provider now, and store them."""
    account = _account(ctx, ctx.body)
    provider = _provider(ctx, account, "TOKEN_REFRESH_NOT_SUPPORTED")
    stored = unseal(ctx, account.get("refreshToken"))
    if not stored:
        raise APIError(400, "REFRESH_TOKEN_NOT_FOUND")
    try:
        tokens = refresh(provider, stored)
    except ProviderError:
        raise APIError(400, "FAILED_TO_REFRESH_ACCESS_TOKEN") from None
    fresh = _store_refresh(ctx, account, tokens)
    return {
        "accessToken": fresh["accessToken"],
        "refreshToken": fresh["refreshToken"],
        "accessTokenExpiresAt": _iso(fresh["accessTokenExpiresAt"]),
        "refreshTokenExpiresAt": _iso(fresh["refreshTokenExpiresAt"]),
        "scope": account.get("scope"),
        "idToken": fresh["idToken"],
        "providerId": account["providerId"],
        "accountId": account["id"],
    }


def _iso(value: Any) -> Any:
    return iso(value) if value is not None and hasattr(value, "tzinfo") else value


@endpoint(
    "/account-info", method="GET", query=AccountInfoQuery, auth="optional", name="account_info"
)
def account_info(ctx: Context) -> dict[str, Any]:
    """What the provider says about one of the user's accounts now."""
    account = _account(ctx, ctx.query)
    provider = _provider(ctx, account, "PROVIDER_NOT_CONFIGURED")
    current = _valid_access(ctx, account, "FAILED_TO_GET_ACCESS_TOKEN")
    if not current.get("accessToken"):
        raise APIError(400, "ACCESS_TOKEN_NOT_FOUND")
    tokens = {k: v for k, v in current.items() if v is not None}
    try:
        info, profile = user_info(provider, tokens)
    except FlowError:
        raise APIError(401, "FAILED_TO_GET_USER_INFO") from None
    user = {k: info.get(k) for k in ("name", "email", "image", "emailVerified")}
    return {
        "user": {**user, "id": info["id"]},
        "data": profile,
        "account": {
            "id": account["id"],
            "providerId": account["providerId"],
            "accountId": account["accountId"],
        },
    }
