"""The ``account`` option group: the table, account linking, OAuth token storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .groups import TableOptions


@dataclass(frozen=True)
class AccountLinkingOptions:
    """``account.account_linking``: when a provider account may join an existing user.

    Implicit linking (a social sign-in whose e-mail names a local user) needs the
    provider to be in ``trusted_providers`` or to say the e-mail is verified, and the
    local user to be verified unless ``require_local_email_verified`` is off.
    """

    enabled: bool = True
    #: Provider ids trusted to own their e-mail addresses (or ``fn(ctx) -> list``).
    trusted_providers: list[str] | Callable[[Any], Any] = field(default_factory=list)
    allow_different_emails: bool = False
    require_local_email_verified: bool = True
    disable_implicit_linking: bool = False
    update_user_info_on_link: bool = False
    allow_unlinking_all: bool = False


@dataclass(frozen=True)
class AccountOptions(TableOptions):
    """``account``: the table's name and renames, linking rules, provider tokens.

    ``encrypt_oauth_tokens`` stores access and refresh tokens with Better Auth's
    XChaCha20-Poly1305 envelope (ID tokens stay plain, as in Better Auth); plain values
    already stored are still read.
    """

    account_linking: AccountLinkingOptions = field(default_factory=AccountLinkingOptions)
    encrypt_oauth_tokens: bool = False
    update_account_on_sign_in: bool = True
    skip_state_cookie_check: bool = False
