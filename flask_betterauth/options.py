"""Typed, frozen option groups mirroring Better Auth's, and their validation.

Options are given as keyword arguments to :class:`~flask_betterauth.BetterAuth` or
``init_app`` in Better Auth's grouping, with snake_case names (``cookieCache.maxAge`` is
``session={"cookie_cache": {"max_age": 300}}``). They are checked and frozen once, at
``init_app``; an unknown or ill-typed option raises :class:`BetterAuthError` naming it.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .errors import BetterAuthError
from .errors import NotBuiltError
from .security.ip import parse_networks

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


@dataclass(frozen=True)
class CrossSubDomainCookies:
    """``advanced.cross_sub_domain_cookies``: share cookies with subdomains."""

    enabled: bool = False
    domain: str | None = None


@dataclass(frozen=True)
class CookieOverride:
    """``advanced.cookies.<name>``: rename one cookie or change its attributes."""

    name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IpAddressOptions:
    """``advanced.ip_address``: which headers carry the client IP, or no IP tracking.

    A named header counts only when it holds one address, unless ``trusted_proxies``
    (addresses or CIDR ranges) is set: then a chain is read from the right, skipping those
    hops. IPv6 clients are grouped by their ``/ipv6_subnet`` network. See :doc:`security`.
    """

    ip_address_headers: list[str] = field(default_factory=list)
    disable_ip_tracking: bool = False
    trusted_proxies: list[str] = field(default_factory=list)
    ipv6_subnet: int = 64

    def __post_init__(self) -> None:
        try:
            parse_networks(tuple(self.trusted_proxies))
        except ValueError as error:
            raise BetterAuthError(f"advanced.ip_address.trusted_proxies: {error}") from None
        if not 0 <= self.ipv6_subnet <= 128:
            raise BetterAuthError("advanced.ip_address.ipv6_subnet must be 0 to 128")


@dataclass(frozen=True)
class AdvancedOptions:
    """``advanced``: cookies, origin checks, client IP and id generation.

    ``disable_origin_check`` left at ``None`` means: Origin/CSRF checks off when
    ``app.testing`` (redirect-target checks stay on), on otherwise; ``True`` turns off both
    kinds, a list of path prefixes turns them off for those paths. ``disable_csrf_check``
    turns off only the Origin/CSRF checks. ``ip_address.ip_address_headers`` is empty by
    default: the socket's address is used, and a proxy header is trusted only when named.
    ``allowed_hosts`` (host names, or ``name:port``) are the ``Host`` header values the app
    builds its own URLs from when no base URL is set (any other is a ``400
    INVALID_HOST``); without a base URL, it is required outside debug and testing.
    ``mail_after_response`` left at ``None`` means on, except when ``app.testing``.
    """

    use_secure_cookies: bool | None = None
    cookie_prefix: str = "better-auth"
    cross_sub_domain_cookies: CrossSubDomainCookies = field(default_factory=CrossSubDomainCookies)
    default_cookie_attributes: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, CookieOverride] = field(default_factory=dict)
    disable_csrf_check: bool | None = None
    disable_origin_check: bool | list[str] | None = None
    ip_address: IpAddressOptions = field(default_factory=IpAddressOptions)
    generate_id: Callable[[], str] | str | None = None
    skip_trailing_slashes: bool = False
    allowed_hosts: list[str] | None = None
    #: Anonymous requests (``request-password-reset``, ``send-verification-email``
    #: without a session) send their mail after the response: see
    #: :mod:`flask_betterauth.after_response`. ``None``: on, except under ``app.testing``
    #: (so a test reads the mail as soon as the call returns).
    mail_after_response: bool | None = None


@dataclass(frozen=True)
class OnAPIErrorOptions:
    """``on_api_error``: what happens to errors besides the JSON answer.

    ``throw`` re-raises :class:`~flask_betterauth.APIError` out of the HTTP view, for the
    app's own ``errorhandler``; ``on_error(error, ctx)`` sees every error; ``error_url``
    is where ``GET /error`` sends the browser (with the error in the query).
    """

    throw: bool = False
    on_error: Callable[[Any, Any], None] | None = None
    error_url: str | None = None


@dataclass(frozen=True)
class TelemetryOptions:
    """``telemetry``: opt-in reports of versions and enabled features (never secrets).

    Off unless ``enabled`` is true or ``BETTER_AUTH_TELEMETRY=1``, and always off under
    ``app.testing``. Reports go to ``endpoint`` (or ``BETTER_AUTH_TELEMETRY_ENDPOINT``);
    ``debug`` prints them instead (see :mod:`flask_betterauth.telemetry`).
    """

    enabled: bool | None = None
    endpoint: str | None = None
    debug: bool = False

    def __post_init__(self) -> None:
        if self.endpoint is not None and not self.endpoint.startswith(("http://", "https://")):
            raise BetterAuthError("telemetry.endpoint must be an http(s) URL")


@dataclass(frozen=True)
class LoggerOptions:
    """``logger``: the ``flask_betterauth`` logger's switch, level and an extra sink.

    ``log(level, message)`` receives every record besides Python's own handlers.
    """

    disabled: bool = False
    level: str | None = None
    log: Callable[[str, str], None] | None = None

    def __post_init__(self) -> None:
        if self.level is not None and self.level.upper() not in (
            "DEBUG",
            "INFO",
            "WARNING",
            "WARN",
            "ERROR",
            "CRITICAL",
        ):
            raise BetterAuthError(f"logger.level {self.level!r} is not a logging level")


@dataclass(frozen=True)
class Options:
    """Every option of the extension, resolved and frozen at ``init_app``."""

    secret: str | None = None
    base_url: str | None = None
    base_path: str = "/api/auth"
    app_name: str = "Better Auth"
    trusted_origins: list[str] | Callable[[Any], Any] = field(default_factory=list)
    max_body_size: int = 1024 * 1024
    email_and_password: EmailAndPasswordOptions = field(default_factory=EmailAndPasswordOptions)
    session: SessionOptions = field(default_factory=SessionOptions)
    user: UserOptions = field(default_factory=UserOptions)
    account: TableOptions = field(default_factory=TableOptions)
    verification: TableOptions = field(default_factory=TableOptions)
    advanced: AdvancedOptions = field(default_factory=AdvancedOptions)
    email_verification: EmailVerificationOptions = field(
        default_factory=lambda: EmailVerificationOptions()
    )
    mail_sender: Any = None
    #: A key-value store for sessions (see :mod:`flask_betterauth.storage.secondary`).
    secondary_storage: Any = None
    rate_limit: RateLimitOptions = field(default_factory=RateLimitOptions)
    plugins: list[Any] = field(default_factory=list)
    hooks: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    database_hooks: dict[str, Any] = field(default_factory=dict)
    disabled_paths: list[str] = field(default_factory=list)
    on_api_error: OnAPIErrorOptions = field(default_factory=lambda: OnAPIErrorOptions())
    logger: LoggerOptions = field(default_factory=lambda: LoggerOptions())
    telemetry: TelemetryOptions = field(default_factory=lambda: TelemetryOptions())


#: Better Auth options whose feature this version does not have yet, and why not.
NOT_BUILT = {
    "social_providers": "social sign-in",
    "session.defer_session_refresh": "deferred session refresh",
}


def parse_options(raw: Mapping[str, Any]) -> Options:
    """Check ``raw`` keyword options and build the frozen :class:`Options`.

    :raises BetterAuthError: naming the first unknown, ill-typed or unbuilt option.
    """
    return typing.cast(Options, _convert(Options, dict(raw), ""))


def merge_options(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two raw option mappings; ``extra`` wins."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_options(merged[key], value)
        else:
            merged[key] = value
    return merged


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _name(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _convert(tp: Any, value: Any, path: str) -> Any:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _convert_dataclass(tp, value, path)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _convert_union(typing.get_args(tp), value, path)
    if tp is Any:
        return value
    if tp is bool:
        return _expect(isinstance(value, bool), value, "true or false", path)
    if tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return _expect(ok, value, "an integer", path)
    if tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(_expect(ok, value, "a number", path))
    if tp is str:
        return _expect(isinstance(value, str), value, "a string", path)
    if tp is type(None):
        return _expect(value is None, value, "None", path)
    if origin is list:
        _expect(isinstance(value, (list, tuple)), value, "a list", path)
        (item,) = typing.get_args(tp)
        return [_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _expect(isinstance(value, Mapping), value, "a mapping", path)
        _, item = typing.get_args(tp)
        return {str(k): _convert(item, v, _name(path, str(k))) for k, v in value.items()}
    if origin is Callable or tp is Callable:
        return _expect(callable(value), value, "a callable", path)
    raise BetterAuthError(f"option {path!r} has a type the parser does not know: {tp!r}")


def _convert_union(args: tuple[Any, ...], value: Any, path: str) -> Any:
    if value is None and type(None) in args:
        return None
    errors = []
    for arg in args:
        if arg is type(None):
            continue
        try:
            return _convert(arg, value, path)
        except NotBuiltError:
            raise
        except BetterAuthError as error:
            errors.append(str(error))
    raise BetterAuthError(
        errors[0] if len(errors) == 1 else f"option {path!r} is invalid: {value!r}"
    )


def _convert_dataclass(cls: type, value: Any, path: str) -> Any:
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        what = f"option {path!r}" if path else "the options"
        raise BetterAuthError(f"{what} must be a mapping of options, not {type(value).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, item in value.items():
        full = _name(path, key)
        if full in NOT_BUILT:
            raise NotBuiltError(
                f"option {full!r} is not available: {NOT_BUILT[full]} is not built in this "
                "version of flask-betterauth yet (see the docs' feature table)"
            )
        if key not in known:
            hint = f"; did you mean {_snake(key)!r}?" if _snake(key) in known else ""
            raise BetterAuthError(f"unknown option {full!r}{hint}")
        kwargs[key] = _convert(hints[key], item, full)
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise BetterAuthError(f"option {path!r} is incomplete: {error}") from error
    except NotBuiltError:
        raise
    except BetterAuthError as error:
        if not path or str(error).startswith("option "):
            raise
        raise BetterAuthError(f"option {path!r}: {error}") from error


def _expect(ok: bool, value: Any, what: str, path: str) -> Any:
    if not ok:
        raise BetterAuthError(f"option {path!r} must be {what}, not {value!r}")
    return value
