"""The plugin interface: what a plugin may add to the app, as one dataclass.

A plugin is a :class:`Plugin` built by a factory function (``two_factor(issuer=...)``).
It adds endpoints to the same registry as the core's (served over HTTP and on
``auth.api``), tables and fields to the schema, hooks around endpoints and writes, rules to
the rate limiter, error codes to ``auth.ERROR_CODES``, cookies, mail purposes, session
token sources and session fields, and may set option defaults and keep per-app state.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Request
from werkzeug.wrappers import Response

from ..errors import BetterAuthError
from ..errors import define_error_codes
from ..hooks import Hook
from ..mail.mailer import MailPurpose
from ..options import Options
from ..records import Record
from ..registry import Endpoint
from ..security.ratelimit import EndpointRateLimit
from ..sessions.values import TokenSource

OnRequest = Callable[[Request], Response | None]
OnResponse = Callable[[Request, Response], Response | None]
#: ``session_fields(user)``: fields to store on every new session of ``user``.
SessionFields = Callable[[Record], Mapping[str, Any]]


@dataclass(frozen=True)
class Plugin:
    """Everything one plugin brings.

    :param id: a unique identifier (``"two-factor"``).
    :param endpoints: endpoints declared with :func:`~flask_betterauth.registry.endpoint`.
    :param schema: ``{table: {"fields": {name: field options}, "model_name": ...}}``; a core
        table name adds fields to it, any other name makes a new table.
    :param hooks: ``{"before": [Hook, ...], "after": [...]}``, run after the app's hooks.
    :param database_hooks: like the ``database_hooks`` option; run before the app's.
    :param on_request: ``on_request(request)`` before an auth route runs; a returned
        response is sent instead.
    :param on_response: ``on_response(request, response)`` after; may return a new one.
    :param rate_limit: :class:`EndpointRateLimit` rules for its endpoints, by name.
    :param error_codes: ``{CODE: message}`` merged into ``auth.ERROR_CODES``;
        ``APIError(status, CODE)`` answers with the message.
    :param init: ``init(options) -> dict | None``: option defaults under the app's own.
    :param trusted_origins: origins this plugin needs trusted.
    :param cookies: names of its own cookies (``"last_method"``), built like the core's:
        ``<cookie_prefix>.<name>``, ``__Secure-`` over HTTPS, the app's attributes and
        ``advanced.cookies[name]`` overrides; reached as ``ctx.cookie_spec(name)``.
    :param mail_purposes: its own mails (:class:`~flask_betterauth.mail.mailer.MailPurpose`),
        sent with ``ctx.mailer.send(purpose, ...)`` like the core's.
    :param token_sources: where else a session token may come from (a bearer header,
        a multi-session cookie), tried in order after the session cookie.
    :param overriding_token_sources: token sources tried *before* the session cookie,
        whose token wins over it (Better Auth's bearer header replaces the cookie).
    :param session_fields: ``session_fields(user) -> dict``: fields stored on each new
        session (``activeOrganizationId``), declared in ``schema["session"]``.
    :param state: ``state(options) -> object``: the plugin's per-app state, built once at
        ``init_app`` and read with ``ctx.plugin_state(id, type)``.
    :param pages: ``pages(kit)``, called when the ready-made pages are mounted, adds the
        plugin's pages and account sections (a :class:`~flask_betterauth.pages.PageKit`).
    :param template_globals: ``{name: function}`` the app's Jinja templates may call
        (``device_sessions()``), added at ``init_app``.
    """

    id: str
    endpoints: Sequence[Endpoint] = ()
    schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    hooks: Mapping[str, Sequence[Hook]] = field(default_factory=dict)
    database_hooks: Mapping[str, Any] = field(default_factory=dict)
    on_request: OnRequest | None = None
    on_response: OnResponse | None = None
    rate_limit: Sequence[EndpointRateLimit] = ()
    error_codes: Mapping[str, str] = field(default_factory=dict)
    init: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] | None = None
    trusted_origins: Sequence[str] = ()
    cookies: Sequence[str] = ()
    mail_purposes: Sequence[MailPurpose] = ()
    token_sources: Sequence[TokenSource] = ()
    overriding_token_sources: Sequence[TokenSource] = ()
    session_fields: SessionFields | None = None
    state: Callable[[Options], object] | None = None
    pages: Callable[[Any], None] | None = None
    template_globals: Mapping[str, Callable[..., Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise BetterAuthError("a plugin needs an id")
        define_error_codes(self.error_codes)
        unknown = set(self.hooks) - {"before", "after"}
        if unknown:
            raise BetterAuthError(
                f"plugin {self.id!r}: hooks take 'before' and 'after', not {sorted(unknown)}"
            )


def check_plugins(plugins: Sequence[Any]) -> list[Plugin]:
    """The plugins, checked: each a :class:`Plugin`, ids unique.

    :raises BetterAuthError: naming the bad entry.
    """
    seen: set[str] = set()
    for index, plugin in enumerate(plugins):
        if not isinstance(plugin, Plugin):
            raise BetterAuthError(
                f"option 'plugins[{index}]' must be a Plugin (made by a plugin's factory "
                f"function), not {type(plugin).__name__}"
            )
        if plugin.id in seen:
            raise BetterAuthError(f"plugin {plugin.id!r} is given twice")
        seen.add(plugin.id)
    return list(plugins)


def plugin_hooks(plugins: Sequence[Plugin]) -> list[tuple[str, Hook]]:
    """Every plugin hook as ``(phase, hook)``, in plugin order."""
    return [(phase, hook) for p in plugins for phase, hooks in p.hooks.items() for hook in hooks]
