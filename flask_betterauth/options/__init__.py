"""Typed, frozen option groups mirroring Better Auth's, and their validation.

The groups live in :mod:`.groups` (the core features) and :mod:`.advanced`; this module
holds the root :class:`Options` and the parsing. Options are given as keyword arguments
to :class:`~flask_betterauth.BetterAuth` or ``init_app`` in Better Auth's grouping,
with snake_case names (``cookieCache.maxAge`` is ``session={"cookie_cache":
{"max_age": 300}}``). They are checked and frozen once, at ``init_app``; an unknown or
ill-typed option raises :class:`BetterAuthError` naming it.
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

from ..errors import BetterAuthError
from ..errors import NotBuiltError
from .account import AccountOptions
from .advanced import AdvancedOptions
from .advanced import LoggerOptions
from .advanced import OnAPIErrorOptions
from .advanced import TelemetryOptions
from .groups import EmailAndPasswordOptions
from .groups import EmailVerificationOptions
from .groups import RateLimitOptions
from .groups import SessionOptions
from .groups import TableOptions
from .groups import UserOptions


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
    account: AccountOptions = field(default_factory=AccountOptions)
    verification: TableOptions = field(default_factory=TableOptions)
    advanced: AdvancedOptions = field(default_factory=AdvancedOptions)
    email_verification: EmailVerificationOptions = field(
        default_factory=lambda: EmailVerificationOptions()
    )
    mail_sender: Any = None
    #: A key-value store for sessions (see :mod:`flask_betterauth.storage.secondary`).
    secondary_storage: Any = None
    #: ``{provider id: {client_id, client_secret, ...}}`` (:mod:`flask_betterauth.social`).
    social_providers: dict[str, Any] = field(default_factory=dict)
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
