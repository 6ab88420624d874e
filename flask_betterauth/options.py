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

FIELD_TYPES = ("string", "number", "boolean", "date", "json", "string[]", "number[]")


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
    """``session``: lifetime, sliding refresh, freshness, cookie cache, table layout."""

    expires_in: int = 60 * 60 * 24 * 7
    update_age: int = 60 * 60 * 24
    fresh_age: int = 60 * 60 * 24
    disable_session_refresh: bool = False
    cookie_cache: CookieCacheOptions = field(default_factory=CookieCacheOptions)
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
    """``email_and_password``: sign-up and sign-in with an email and a password."""

    enabled: bool = False
    disable_sign_up: bool = False
    min_password_length: int = 8
    max_password_length: int = 128
    auto_sign_in: bool = True
    require_email_verification: bool = False
    password: PasswordOptions = field(default_factory=PasswordOptions)


@dataclass(frozen=True)
class TableOptions:
    """``account`` and ``verification``: the table's name and column renames."""

    model_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UserOptions:
    """``user``: the table's name, column renames and additional fields."""

    model_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    additional_fields: dict[str, FieldOptions] = field(default_factory=dict)


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
    """``advanced.ip_address``: which headers carry the client IP, or no IP tracking."""

    ip_address_headers: list[str] = field(default_factory=list)
    disable_ip_tracking: bool = False


@dataclass(frozen=True)
class AdvancedOptions:
    """``advanced``: cookies, origin checks, client IP and id generation.

    ``disable_origin_check`` left at ``None`` means: off when ``app.testing``, on otherwise
    (Better Auth turns it off under ``NODE_ENV=test``). ``ip_address.ip_address_headers``
    is empty by default: the socket's address is used, and a proxy header is trusted only
    when named.
    """

    use_secure_cookies: bool | None = None
    cookie_prefix: str = "better-auth"
    cross_sub_domain_cookies: CrossSubDomainCookies = field(default_factory=CrossSubDomainCookies)
    default_cookie_attributes: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, CookieOverride] = field(default_factory=dict)
    disable_csrf_check: bool = False
    disable_origin_check: bool | None = None
    ip_address: IpAddressOptions = field(default_factory=IpAddressOptions)
    generate_id: Callable[[], str] | None = None
    skip_trailing_slashes: bool = False


@dataclass(frozen=True)
class Options:
    """Every option of the extension, resolved and frozen at ``init_app``."""

    secret: str | None = None
    base_url: str | None = None
    base_path: str = "/api/auth"
    app_name: str = "Better Auth"
    trusted_origins: list[str] = field(default_factory=list)
    max_body_size: int = 1024 * 1024
    email_and_password: EmailAndPasswordOptions = field(default_factory=EmailAndPasswordOptions)
    session: SessionOptions = field(default_factory=SessionOptions)
    user: UserOptions = field(default_factory=UserOptions)
    account: TableOptions = field(default_factory=TableOptions)
    verification: TableOptions = field(default_factory=TableOptions)
    advanced: AdvancedOptions = field(default_factory=AdvancedOptions)


#: Better Auth options whose feature this version does not have yet, and why not.
NOT_BUILT = {
    "plugins": "plugins",
    "hooks": "request hooks",
    "database_hooks": "database hooks",
    "secondary_storage": "secondary storage (Redis)",
    "rate_limit": "rate limiting",
    "social_providers": "social sign-in",
    "email_verification": "email verification",
    "disabled_paths": "disabled paths",
    "on_api_error": "on_api_error",
    "logger": "the logger option",
    "telemetry": "telemetry",
    "user.change_email": "changing email",
    "user.delete_user": "deleting users",
    "email_and_password.send_reset_password": "password reset",
    "session.store_session_in_database": "secondary storage (Redis)",
    "session.preserve_session_in_database": "secondary storage (Redis)",
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
