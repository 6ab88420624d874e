"""From a provider's profile to a local user (spec 4.4 to 4.6): find the account,
link by e-mail under the linking rules, or create the user; and the link flow.

Failures are :class:`FlowError` with Better Auth's redirect code
(``account_not_linked``, ``signup_disabled``, ...); the callback redirects with it, the
ID-token branch turns it into a JSON error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clock import now
from ..context import Context
from ..records import Record
from ..storage import ConflictError
from .oauth import ProviderError
from .providers import Provider
from .tokens import row_fields

_USER_KEYS = ("email", "emailVerified", "name", "image")


class FlowError(Exception):
    """A sign-in or link that cannot go on; ``code`` is the redirect's ``error``."""

    def __init__(self, code: str, description: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.description = description


def user_info(
    provider: Provider, tokens: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The mapped user (``id``, ``email``, ``emailVerified``, ``name``, ``image``) and
    the raw profile of the tokens' owner.

    :raises FlowError: ``unable_to_get_user_info``.
    """
    try:
        getter = provider.options.get_user_info
        profile = getter(tokens) if getter is not None else provider.profile(provider, tokens)
    except ProviderError as error:
        raise FlowError("unable_to_get_user_info", str(error)) from error
    if not isinstance(profile, Mapping):
        raise FlowError("unable_to_get_user_info")
    return map_profile(provider, profile)


def map_profile(
    provider: Provider, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The mapped user of a raw profile (the provider's mapping, then the app's
    ``map_profile_to_user``), and the profile as shown to apps.

    :raises FlowError: ``unable_to_get_user_info`` when no account id comes out.
    """
    mapped = provider.mapper(raw)
    profile = {k: v for k, v in raw.items() if not k.startswith("_")}
    custom = provider.options.map_profile_to_user
    if custom is not None:
        extra = custom(profile)
        if isinstance(extra, Mapping):
            mapped = {**mapped, **extra}
    account_id = mapped.get("id")
    if account_id is None or str(account_id) in ("", "undefined", "null"):
        raise FlowError("unable_to_get_user_info")
    mapped["id"] = str(account_id)
    verified = mapped.get("emailVerified")
    mapped["emailVerified"] = verified is True or verified == "true"
    return mapped, profile


def _trusted(ctx: Context, provider: Provider) -> bool:
    trusted = ctx.options.account.account_linking.trusted_providers
    listed = trusted(ctx) if callable(trusted) else trusted
    return provider.id in (listed or [])


def _scope(tokens: Mapping[str, Any]) -> str:
    return ",".join(tokens.get("scopes") or [])


def sign_in_user(
    ctx: Context,
    provider: Provider,
    info: Mapping[str, Any],
    tokens: Mapping[str, Any],
    *,
    request_sign_up: bool = False,
) -> tuple[Record, bool]:
    """The user this profile signs in, and whether it was created now (spec 4.5).

    :raises FlowError: ``account_not_linked``, ``signup_disabled``,
        ``unable_to_create_user``, ``unable_to_link_account``.
    """
    linking = ctx.options.account.account_linking
    adapter = ctx.adapter
    found = adapter.find_one("account", {"providerId": provider.id, "accountId": info["id"]})
    if found is not None:
        user = ctx.users.find_by_id(found["userId"])
        if user is None:
            raise FlowError("unable_to_link_account")
        if ctx.options.account.update_account_on_sign_in:
            fields = row_fields(ctx, tokens)
            if fields:
                adapter.update_many("account", {"id": found["id"]}, {**fields, "updatedAt": now()})
        return _refresh_user(ctx, provider, user, info), False
    email = info.get("email")
    if not isinstance(email, str) or not email:
        raise FlowError("email_not_found")
    user = ctx.users.find_by_email(email)
    if user is not None:
        allowed = (
            (_trusted(ctx, provider) or info.get("emailVerified") is True)
            and (not linking.require_local_email_verified or bool(user["emailVerified"]))
            and linking.enabled
            and not linking.disable_implicit_linking
        )
        if not allowed:
            raise FlowError("account_not_linked")
        try:
            ctx.accounts.link(
                user["id"], provider.id, info["id"], scope=_scope(tokens), **row_fields(ctx, tokens)
            )
        except ConflictError:
            raise FlowError("unable_to_link_account") from None
        if linking.update_user_info_on_link:
            user = ctx.users.update(user, {k: info[k] for k in ("name", "image") if info.get(k)})
        return _refresh_user(ctx, provider, user, info, override=False), False
    options = provider.options
    if options.disable_sign_up or (options.disable_implicit_sign_up and not request_sign_up):
        raise FlowError("signup_disabled")
    extra = {
        k: v
        for k, v in info.items()
        if k not in (*_USER_KEYS, "id") and k in ctx.state.tables["user"].columns
    }
    new = ctx.users.new(
        email,
        str(info.get("name") or ""),
        emailVerified=bool(info.get("emailVerified")),
        image=info.get("image"),
        **extra,
    )
    try:
        with adapter.transaction():
            created = ctx.users.create(new)
            ctx.accounts.link(
                created["id"],
                provider.id,
                info["id"],
                scope=_scope(tokens),
                **row_fields(ctx, tokens),
            )
    except ConflictError:
        raise FlowError("unable_to_create_user") from None
    return created, True


def _refresh_user(
    ctx: Context,
    provider: Provider,
    user: Record,
    info: Mapping[str, Any],
    *,
    override: bool = True,
) -> Record:
    """Mark the user verified when the provider vouches for the same address; refresh
    name and image when the provider's ``override_user_info_on_sign_in`` says so."""
    changes: dict[str, Any] = {}
    same = str(info.get("email") or "").lower() == str(user["email"]).lower()
    if info.get("emailVerified") is True and not user["emailVerified"] and same:
        changes["emailVerified"] = True
    if override and provider.options.override_user_info_on_sign_in:
        changes.update({k: info[k] for k in ("name", "image") if info.get(k)})
    return ctx.users.update(user, changes) if changes else user


def link_account(
    ctx: Context,
    provider: Provider,
    user: Record,
    info: Mapping[str, Any],
    tokens: Mapping[str, Any],
) -> None:
    """Link the profile's account to ``user`` (spec 4.6 steps 3 to 7).

    :raises FlowError: ``unable_to_link_account``, ``email_does_not_match``,
        ``account_already_linked_to_different_user``.
    """
    linking = ctx.options.account.account_linking
    if not linking.enabled or not (_trusted(ctx, provider) or info.get("emailVerified") is True):
        raise FlowError("unable_to_link_account")
    email = str(info.get("email") or "").lower()
    if email != str(user["email"]).lower() and not linking.allow_different_emails:
        raise FlowError("email_does_not_match")
    adapter = ctx.adapter
    found = adapter.find_one("account", {"providerId": provider.id, "accountId": info["id"]})
    if found is not None:
        if found["userId"] != user["id"]:
            raise FlowError("account_already_linked_to_different_user")
        stored = [s for s in str(found.get("scope") or "").split(",") if s]
        merged = stored + [s for s in tokens.get("scopes") or [] if s not in stored]
        changes = {**row_fields(ctx, tokens), "scope": ",".join(merged), "updatedAt": now()}
        adapter.update_many("account", {"id": found["id"]}, changes)
    else:
        try:
            ctx.accounts.link(
                user["id"], provider.id, info["id"], scope=_scope(tokens), **row_fields(ctx, tokens)
            )
        except ConflictError:
            raise FlowError("unable_to_link_account") from None
    if linking.update_user_info_on_link:
        changes = {k: info[k] for k in ("name", "image") if info.get(k)}
        if changes:
            ctx.users.update(user, changes)
