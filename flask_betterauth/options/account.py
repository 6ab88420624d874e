"""The ``account`` option group: the table, account linking, OAuth token storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..errors import BetterAuthError
from ..errors import NotBuiltError
from .groups import TableOptions

#: ``account.store_state_strategy``: where a redirect flow's OAuth state is kept.
STATE_STRATEGIES = ("database", "cookie")


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

    ``store_state_strategy`` keeps a redirect flow's OAuth state in a verification row
    plus a signed ``state`` cookie (``"database"``, the default: this extension always
    has a database) or only in the encrypted ``oauth_state`` cookie (``"cookie"``).
    ``store_account_cookie`` (Better Auth's ``account_data`` cookie) is not built.
    """

    account_linking: AccountLinkingOptions = field(default_factory=AccountLinkingOptions)
    encrypt_oauth_tokens: bool = False
    update_account_on_sign_in: bool = True
    skip_state_cookie_check: bool = False
    store_state_strategy: str = "database"
    store_account_cookie: bool = False

    def __post_init__(self) -> None:
        if self.store_state_strategy not in STATE_STRATEGIES:
            raise BetterAuthError(
                f"option 'account.store_state_strategy' must be one of {STATE_STRATEGIES}, "
                f"not {self.store_state_strategy!r}"
            )
        if self.store_account_cookie:
            raise NotBuiltError(
                "option 'account.store_account_cookie' is not built: Better Auth's "
                "account_data cookie stands in for the account table of a server without "
                "a database, and this extension always has one (see the social docs)"
            )
