"""The option groups of the core features: sessions, email and password, users, email
verification, rate limiting and additional fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..errors import BetterAuthError
from ..errors import NotBuiltError

FIELD_TYPES = ("string", "number", "boolean", "date", "json", "string[]", "number[]")
#: A mail option: the app's function, ``True`` (the built-in mail sender), or ``False`` /
#: ``None`` (see each option for what ``None`` means).
MailCallback = Callable[..., Any] | bool | None


@dataclass(frozen=True)
class FieldOptions:
    """An additional column on a core table (Better Auth's ``additionalFields`` entry)."""

    type: str
    required: bool = False
    default_value: Any = None
    input: bool = True
    returned: bool = True
    unique: bool = False
    index: bool = False
    field_name: str | None = None
    references: str | None = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise BetterAuthError(f"field type {self.type!r} is not one of {FIELD_TYPES}")


@dataclass(frozen=True)
class CookieCacheOptions:
    """``session.cookie_cache``: a signed copy of the session in a cookie."""

    enabled: bool = False
    max_age: int = 300
    strategy: str = "compact"
    version: str = "1"

    def __post_init__(self) -> None:
        if self.strategy != "compact":
            raise NotBuiltError(
                f"session.cookie_cache.strategy={self.strategy!r} is not built yet; "
                "only 'compact' (Better Auth's default) is available"
            )


@dataclass(frozen=True)
class SessionOptions:
    """``session``: lifetime, sliding refresh, freshness, cookie cache, table layout.

    ``store_session_in_database`` and ``preserve_session_in_database`` apply with
    ``secondary_storage`` (see :doc:`/sessions`).
    """

    expires_in: int = 60 * 60 * 24 * 7
    update_age: int = 60 * 60 * 24
    fresh_age: int = 60 * 60 * 24
    disable_session_refresh: bool = False
    cookie_cache: CookieCacheOptions = field(default_factory=CookieCacheOptions)
    #: With ``secondary_storage``: also keep sessions in the database (the fallback).
    store_session_in_database: bool = False
    #: With both: on revocation keep the row and set its ``expiresAt`` to now.
    preserve_session_in_database: bool = False
    model_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    additional_fields: dict[str, FieldOptions] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 < self.expires_in <= 400 * 24 * 3600:
            raise BetterAuthError("session.expires_in must be between 1 second and 400 days")


@dataclass(frozen=True)
class PasswordOptions:
    """``email_and_password.password``: the hashing functions and bcrypt's cost."""

    hash: Callable[[str], str] | None = None
    verify: Callable[[str, str], bool] | None = None
    bcrypt_rounds: int = 11

    def __post_init__(self) -> None:
        if not 4 <= self.bcrypt_rounds <= 31:
            raise BetterAuthError("email_and_password.password.bcrypt_rounds must be 4 to 31")
        if (self.hash is None) != (self.verify is None):
            raise BetterAuthError(
                "email_and_password.password needs both 'hash' and 'verify', or neither"
            )


@dataclass(frozen=True)
class EmailAndPasswordOptions:
    """``email_and_password``: sign-up and sign-in with an email and a password.

    ``password_policy(password, user)`` returns ``None`` to accept a new password or a
    message to refuse it (400 ``PASSWORD_POLICY_VIOLATION``); see :doc:`security`.

    ``send_reset_password(user, url, token)`` mails a reset link (``None``: the built-in
    mail sender, when one is configured; ``False``: off); the link works once, for
    ``reset_password_token_expires_in`` seconds; ``on_password_reset(user)`` runs after a
    reset; see :doc:`account`.
    """

    enabled: bool = False
    disable_sign_up: bool = False
    min_password_length: int = 8
    max_password_length: int = 128
    auto_sign_in: bool = True
    require_email_verification: bool = False
    password: PasswordOptions = field(default_factory=PasswordOptions)
    send_reset_password: MailCallback = None
    reset_password_token_expires_in: int = 3600
    revoke_sessions_on_password_reset: bool = False
    on_password_reset: Callable[[Any], Any] | None = None
    password_policy: Callable[[str, Any], str | None] | None = None
    breached_passwords: BreachedPasswordOptions = field(
        default_factory=lambda: BreachedPasswordOptions()
    )


@dataclass(frozen=True)
class BreachedPasswordOptions:
    """``email_and_password.breached_passwords``: refuse passwords known from breaches.

    Asks a Have I Been Pwned range API (k-anonymity: only five hex digits of the
    password's SHA-1 leave the server). ``on_unavailable`` is ``"allow"`` (log and go on)
    or ``"deny"`` (503 ``BREACH_CHECK_UNAVAILABLE``) when the API cannot be reached in
    ``timeout`` seconds.
    """

    enabled: bool = False
    api_url: str = "https://api.pwnedpasswords.com/range/"
    timeout: float = 3.0
    on_unavailable: str = "allow"
    message: str | None = None

    def __post_init__(self) -> None:
        if self.on_unavailable not in ("allow", "deny"):
            raise BetterAuthError(
                "email_and_password.breached_passwords.on_unavailable must be 'allow' or 'deny'"
            )
        if not self.timeout > 0:
            raise BetterAuthError("email_and_password.breached_passwords.timeout must be > 0")


@dataclass(frozen=True)
class RateLimitRule:
    """A rate-limit rule: at most ``max`` requests per ``window`` seconds."""

    window: int
    max: int

    def __post_init__(self) -> None:
        if self.window <= 0 or self.max < 0:
            raise BetterAuthError("a rate-limit rule needs window > 0 and max >= 0")


RATE_LIMIT_STORAGES = ("memory", "database", "secondary-storage")


@dataclass(frozen=True)
class RateLimitOptions:
    """``rate_limit``: requests per client IP and path in a window.

    ``enabled`` left at ``None`` means on, except when ``app.testing`` or ``app.debug``.
    ``storage`` left at ``None`` means ``"secondary-storage"`` when the app has secondary
    storage, else ``"memory"``. ``custom_rules`` maps a path (or a glob such as
    ``"/two-factor/*"``) to a rule, to ``False`` (no limit), or to a callable
    ``(request, rule) -> rule | False | None``.

    ``auth.api`` calls made while a Flask request is active count against the same
    rules and buckets as HTTP requests (the client is the request's). Calls with no
    request (a CLI command, a job) are not limited unless ``limit_server_calls`` is on:
    then they count under the client IP their ``headers=`` name.
    """

    enabled: bool | None = None
    limit_server_calls: bool = False
    window: int = 10
    max: int = 100
    storage: str | None = None
    model_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    custom_rules: dict[str, RateLimitRule | bool | Callable[..., Any]] = field(default_factory=dict)
    custom_storage: Any = None

    def __post_init__(self) -> None:
        if self.storage is not None and self.storage not in RATE_LIMIT_STORAGES:
            raise BetterAuthError(
                f"rate_limit.storage must be one of {RATE_LIMIT_STORAGES}, not {self.storage!r}"
            )
        if self.window <= 0 or self.max < 0:
            raise BetterAuthError("rate_limit needs window > 0 and max >= 0")
        for path, rule in self.custom_rules.items():
            if rule is True:
                raise BetterAuthError(
                    f"rate_limit.custom_rules[{path!r}] must be a rule, False or a callable"
                )
        if self.custom_storage is not None and not callable(
            getattr(self.custom_storage, "consume", None)
        ):
            raise BetterAuthError("rate_limit.custom_storage needs a consume(key, rule) method")


@dataclass(frozen=True)
class TableOptions:
    """``account`` and ``verification``: the table's name and column renames."""

    model_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeEmailOptions:
    """``user.change_email``: let users change their address (``POST /change-email``).

    ``send_change_email_confirmation(user, new_email, url, token)`` (or ``True``: the
    built-in mail sender) first asks the *current* address to confirm a verified user's
    change; without it the link goes straight to the new address.
    ``update_email_without_verification`` changes an unverified user's address at once.
    """

    enabled: bool = False
    send_change_email_confirmation: MailCallback = None
    update_email_without_verification: bool = False


@dataclass(frozen=True)
class DeleteUserOptions:
    """``user.delete_user``: let users delete their account (``POST /delete-user``).

    ``send_delete_account_verification(user, url, token)`` (or ``True``: the built-in
    mail sender) makes deletion wait for a click on an emailed link;
    ``before_delete(user)`` may raise :class:`~flask_betterauth.APIError` to refuse;
    ``after_delete(user)`` runs once the user is gone.
    """

    enabled: bool = False
    send_delete_account_verification: MailCallback = None
    before_delete: Callable[[Any], Any] | None = None
    after_delete: Callable[[Any], Any] | None = None
    delete_token_expires_in: int = 24 * 3600


@dataclass(frozen=True)
class UserOptions:
    """``user``: the table's name, column renames, additional fields, and which account
    changes users may make."""

    model_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    additional_fields: dict[str, FieldOptions] = field(default_factory=dict)
    change_email: ChangeEmailOptions = field(default_factory=lambda: ChangeEmailOptions())
    delete_user: DeleteUserOptions = field(default_factory=lambda: DeleteUserOptions())


@dataclass(frozen=True)
class EmailVerificationOptions:
    """``email_verification``: mailing links that prove a user owns their address.

    ``send_verification_email(user, url, token)`` sends the link; left at ``None`` the
    built-in mail sender sends it when one is configured (``False`` turns that off).
    ``send_on_sign_up`` defaults to ``email_and_password.require_email_verification``.
    ``expires_in`` is the link's lifetime in seconds. ``before_email_verification(user)``
    and ``after_email_verification(user)`` run around marking the address verified.
    """

    send_verification_email: MailCallback = None
    send_on_sign_up: bool | None = None
    send_on_sign_in: bool = False
    auto_sign_in_after_verification: bool = False
    expires_in: int = 3600
    before_email_verification: Callable[[Any], Any] | None = None
    after_email_verification: Callable[[Any], Any] | None = None
