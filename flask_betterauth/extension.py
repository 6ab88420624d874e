"""The :class:`BetterAuth` extension: options, state, blueprint and request hooks."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any
from typing import cast
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import has_app_context

from .access import user_has_permission
from .accounts import Accounts
from .api import API
from .cli import auth_cli
from .cookies import AuthCookies
from .crypto import id_generator
from .dispatch import current_context
from .endpoints import CORE_ENDPOINTS
from .errors import ERROR_CODES
from .errors import BetterAuthError
from .errors import SecondaryStorageUnavailable
from .errors import define_error_codes
from .glue import template_context
from .hooks import HookTable
from .http import RestConverter
from .http import json_dumps
from .http import make_blueprint
from .logs import configure_logger
from .mail.mailer import Mailer
from .maintenance import cleanup_expired
from .membership import organization_context
from .models import Models
from .models import build_models
from .options import Options
from .options import merge_options
from .options import parse_options
from .pages import Pages
from .pages import parse_pages_option
from .passwords import PasswordHasher
from .plugins.base import Plugin
from .plugins.base import check_plugins
from .plugins.base import plugin_hooks
from .registry import Registry
from .schema import build_schema
from .security.hosts import HOW_TO_SET_URL
from .security.hosts import LOOPBACK_HOSTS
from .security.origins import TrustedOrigins
from .security.origins import build_trusted
from .security.origins import csrf_enabled
from .security.origins import origin_of
from .security.ratelimit import CORE_RATE_LIMITS
from .security.ratelimit import build_rate_limiter
from .security.ratelimit import endpoint_rules
from .sessions.service import Sessions
from .social import SOCIAL_COOKIES
from .social.endpoints import SOCIAL_ENDPOINTS
from .social.hooks import SOCIAL_HOOKS
from .social.registry import social_registry
from .state import AuthState
from .state import current_state
from .storage import Adapter
from .storage import SQLAlchemyAdapter
from .storage.hooks import HookedAdapter
from .storage.hooks import collect as collect_database_hooks
from .telemetry import publish as publish_telemetry
from .unavailable import as_unavailable
from .unavailable import handled_classes
from .users import Users
from .verifications import Verifications

logger = logging.getLogger("flask_betterauth")

#: Better Auth's built-in development secret; refused outside debug and testing.
DEFAULT_SECRET = "better-auth-secret-12345678901234567890"  # noqa: S105
_HOW_TO_SET_KEY = (
    "Set BETTER_AUTH_SECRET in app.config or the environment to a long random value, "
    'for example the output of: python -c "import secrets; print(secrets.token_hex(32))"'
)


def _resolve_secret(app: Flask, options: Options) -> str:
    secret = (
        options.secret
        or app.config.get("BETTER_AUTH_SECRET")
        or os.environ.get("BETTER_AUTH_SECRET")
        or os.environ.get("AUTH_SECRET")
    )
    relaxed = app.debug or app.testing
    if not secret:
        if not relaxed:
            raise BetterAuthError(f"BetterAuth has no secret. {_HOW_TO_SET_KEY}")
        logger.warning("BetterAuth uses its public development secret: %s", _HOW_TO_SET_KEY)
        return DEFAULT_SECRET
    if secret == DEFAULT_SECRET and not relaxed:
        raise BetterAuthError(
            f"BetterAuth refuses the default secret in production. {_HOW_TO_SET_KEY}"
        )
    if len(secret) < 32:
        logger.warning("BETTER_AUTH_SECRET is shorter than 32 characters; use a longer one")
    return cast(str, secret)


def _resolve_urls(app: Flask, options: Options) -> tuple[str | None, str]:
    """The full base URL (origin + base path), if configured, and the base path."""
    url = options.base_url or app.config.get("BETTER_AUTH_URL") or os.environ.get("BETTER_AUTH_URL")
    base_path = options.base_path
    if not url:
        return None, base_path.rstrip("/")
    origin = origin_of(url)
    if origin is None:
        raise BetterAuthError(f"BETTER_AUTH_URL / base_url must be an http(s) URL, not {url!r}")
    path = urlsplit(url).path.rstrip("/")
    if path:
        base_path = path
    base_path = base_path.rstrip("/")
    return origin + base_path, base_path


def _allowed_hosts(app: Flask, options: Options, base_url: str | None) -> tuple[str, ...]:
    """The Host header values the app may build its URLs from (none with a base URL).

    :raises BetterAuthError: outside debug and testing, when there is neither a base URL
        nor ``advanced.allowed_hosts``.
    """
    listed = options.advanced.allowed_hosts
    if base_url is not None:
        return ()
    if listed is not None:
        return tuple(listed)
    if not (app.debug or app.testing):
        raise BetterAuthError(
            "BetterAuth has no base URL, and will not build the links it mails, or trust "
            f"an origin, from the Host header of a request. {HOW_TO_SET_URL}"
        )
    return LOOPBACK_HOSTS


def _engine_getter(app: Flask, db: Any) -> Any:
    def get_engine() -> Any:
        if "sqlalchemy" not in app.extensions:
            raise BetterAuthError("Flask-SQLAlchemy is not set up: call db.init_app(app) first")
        with app.app_context():
            return db.engine

    return get_engine


def _adapter(app: Flask, db: Any, models: Models, opts: Options, plugins: list[Plugin]) -> Adapter:
    adapter: Adapter = SQLAlchemyAdapter(models.tables, _engine_getter(app, db))
    sources = [*(p.database_hooks for p in plugins), opts.database_hooks]
    hooks = collect_database_hooks([s for s in sources if s])
    if hooks:
        adapter = HookedAdapter(adapter, hooks, current_context)
    return adapter


def _registry(opts: Options, plugins: list[Plugin]) -> Registry:
    """The core's and the plugins' endpoints, less the disabled paths."""
    disabled = {path.rstrip("/") for path in opts.disabled_paths}
    endpoints = [*CORE_ENDPOINTS, *SOCIAL_ENDPOINTS, *(e for p in plugins for e in p.endpoints)]
    return Registry(e for e in endpoints if e.path not in disabled)


def _trusted(opts: Options, plugins: list[Plugin], base_url: str | None) -> TrustedOrigins:
    """The trusted origins: the option's, the plugins', the base URL's, the environment's."""
    static = opts.trusted_origins if isinstance(opts.trusted_origins, list) else []
    return build_trusted(
        [*static, *(o for p in plugins for o in p.trusted_origins)],
        base_url,
        os.environ.get("BETTER_AUTH_TRUSTED_ORIGINS"),
        dynamic=None if isinstance(opts.trusted_origins, list) else opts.trusted_origins,
    )


def _cookies(
    opts: Options, plugins: list[Plugin], base_url: str | None, *, secure: bool
) -> AuthCookies:
    names = [*SOCIAL_COOKIES, *(name for p in plugins for name in p.cookies)]
    return AuthCookies.build(opts, secure, base_url, names)


def _secure_cookies(opts: Options, base_url: str | None) -> bool | None:
    """Whether cookies are ``Secure``: the option, else the base URL's scheme, else
    ``None`` (decided per request)."""
    secure = opts.advanced.use_secure_cookies
    if secure is None and base_url is not None:
        secure = base_url.startswith("https://")
    return secure


def _mail_after_response(app: Flask, opts: Options) -> bool:
    """``advanced.mail_after_response``: on, except under ``app.testing``, by default."""
    after = opts.advanced.mail_after_response
    return (not app.testing) if after is None else after


def _error_codes(plugins: list[Plugin]) -> dict[str, str]:
    codes = dict(ERROR_CODES)
    for plugin in plugins:
        codes.update(define_error_codes(plugin.error_codes))
    return codes


class BetterAuth:
    """Better Auth for Flask.

    Give it the app and the Flask-SQLAlchemy ``db`` now or in ``init_app`` (app factory)::

        db = SQLAlchemy()
        auth = BetterAuth(email_and_password={"enabled": True})

        def create_app():
            app = Flask(__name__)
            db.init_app(app)
            auth.init_app(app, db)
            return app

    Options are Better Auth's, in snake_case (see :doc:`/options`); keywords given to the
    constructor are defaults that ``init_app`` keywords extend.

    :ivar api: every endpoint as a Python function (:class:`~flask_betterauth.api.API`).
    :ivar ERROR_CODES: every error code and its message.
    """

    def __init__(self, app: Flask | None = None, db: Any = None, **options: Any) -> None:
        self._db = db
        self._options: dict[str, Any] = options
        self.api = API()
        #: The ready-made pages (:class:`~flask_betterauth.pages.Pages`).
        self.pages = Pages(self.api)
        if app is not None:
            self.init_app(app, db)

    def init_app(self, app: Flask, db: Any = None, **options: Any) -> None:
        """Set the extension up on ``app``: check the options, declare the models on
        ``db``, register the ``/api/auth`` blueprint and the request hooks; with
        ``pages=True`` (or ``pages={...}``, see :doc:`/pages`) mount the ready-made pages.

        :raises BetterAuthError: for a bad option, a missing secret or a missing ``db``.
        :raises RuntimeError: when ``app`` already has a BetterAuth.
        """
        if "betterauth" in app.extensions:
            raise RuntimeError(
                "A 'BetterAuth' instance has already been registered on this Flask app. "
                "Import and use that instance instead."
            )
        db = db if db is not None else self._db
        if db is None:
            raise BetterAuthError(
                "BetterAuth needs the Flask-SQLAlchemy db: auth.init_app(app, db)"
            )
        raw = merge_options(self._options, options)
        pages = parse_pages_option(raw.pop("pages", None))
        plugins = check_plugins(raw.get("plugins", []))
        for plugin in plugins:
            defaults = plugin.init(raw) if plugin.init else None
            if defaults:
                raw = merge_options(defaults, raw)
        state = self._build_state(app, db, parse_options(raw), plugins)
        social_registry(state)  # the providers' options are checked now, not on first use
        app.extensions["betterauth"] = state
        app.url_map.converters.setdefault("betterauth_rest", RestConverter)
        app.register_blueprint(make_blueprint(state))
        app.register_error_handler(SecondaryStorageUnavailable, _storage_unavailable)
        for error_class in handled_classes(app.config.get("SQLALCHEMY_DATABASE_URI")):
            app.register_error_handler(error_class, _database_unavailable)
        app.context_processor(template_context)
        app.context_processor(organization_context)
        app.add_template_global(user_has_permission, "has_permission")
        for plugin in plugins:
            for name, function in plugin.template_globals.items():
                app.add_template_global(function, name)
        app.cli.add_command(auth_cli)
        configure_logger(state.options.logger)
        if pages is not None:
            self.pages.init_app(app, **vars(pages))
        publish_telemetry(app, state)

    def _build_state(self, app: Flask, db: Any, opts: Options, plugins: list[Plugin]) -> AuthState:
        """Build the state in dependency order, each part given only its inputs: options
        -> schema -> adapter -> services -> sessions -> mailer -> limiter -> registry and
        hooks."""
        secret = _resolve_secret(app, opts)
        key = secret.encode()
        base_url, base_path = _resolve_urls(app, opts)
        allowed_hosts = _allowed_hosts(app, opts, base_url)
        tables = build_schema(opts, [p.schema for p in plugins])
        models = build_models(db, tables)
        adapter = _adapter(app, db, models, opts, plugins)
        generate_id = id_generator(opts.advanced.generate_id)
        accounts = Accounts(adapter, generate_id)
        sessions = Sessions(
            opts,
            tables,
            adapter,
            key=key,
            generate_id=generate_id,
            token_sources=[source for p in plugins for source in p.token_sources],
            overriding_sources=[source for p in plugins for source in p.overriding_token_sources],
            session_fields=[p.session_fields for p in plugins if p.session_fields is not None],
        )
        mailer = Mailer.from_app(app, opts, [m for p in plugins for m in p.mail_purposes])
        registry = _registry(opts, plugins)
        rules = [*CORE_RATE_LIMITS, *(rule for p in plugins for rule in p.rate_limit)]
        limiter = build_rate_limiter(
            opts,
            adapter,
            base_path=base_path,
            generate_id=generate_id,
            relaxed=app.testing or app.debug,
            endpoint_rules=endpoint_rules(registry, rules),
        )
        password = opts.email_and_password.password
        return AuthState(
            options=opts,
            secret=secret,
            key=key,
            base_url=base_url,
            base_origin=origin_of(base_url) if base_url else None,
            base_path=base_path,
            tables=tables,
            models=models,
            adapter=adapter,
            hasher=PasswordHasher(password.bcrypt_rounds, password.hash, password.verify),
            accounts=accounts,
            verifications=Verifications(adapter, generate_id),
            sessions=sessions,
            users=Users(adapter, accounts, sessions, generate_id),
            mailer=mailer,
            mail_after_response=_mail_after_response(app, opts),
            rate_limiter=limiter,
            registry=registry,
            hooks=HookTable.build(registry, opts.hooks, [*SOCIAL_HOOKS, *plugin_hooks(plugins)]),
            trusted=_trusted(opts, plugins, base_url),
            cookies_plain=_cookies(opts, plugins, base_url, secure=False),
            cookies_secure=_cookies(opts, plugins, base_url, secure=True),
            secure_cookies=_secure_cookies(opts, base_url),
            origin_check=csrf_enabled(opts.advanced, app.testing),
            generate_id=generate_id,
            sign_in_url=app.config.get("BETTER_AUTH_SIGN_IN_URL"),
            allowed_hosts=allowed_hosts,
            error_codes=_error_codes(plugins),
            plugin_ids=tuple(p.id for p in plugins),
            on_request=tuple(p.on_request for p in plugins if p.on_request),
            on_response=tuple(p.on_response for p in plugins if p.on_response),
            plugin_pages=tuple(p.pages for p in plugins if p.pages is not None),
            plugin_states={p.id: p.state(opts) for p in plugins if p.state is not None},
        )

    @property
    def state(self) -> AuthState:
        """The state of the current app.

        :raises RuntimeError: outside an app context, or when the app has no BetterAuth.
        """
        return current_state()

    @property
    def ERROR_CODES(self) -> Mapping[str, str]:  # noqa: N802 (Better Auth's name)
        """Every error code the current app can answer with (core and plugins) and its
        message; outside an app context, the core's."""
        if not has_app_context():
            return ERROR_CODES
        return self.state.error_codes

    @property
    def models(self) -> Models:
        """The models: ``auth.models.User``, ``Session``, ``Account``, ``Verification``."""
        return self.state.models

    def cleanup_expired(self) -> dict[str, int]:
        """Delete expired sessions and verification values now.

        :returns: how many went, ``{"sessions": n, "verifications": m}``.
        """
        return cleanup_expired(self.state)


def _storage_unavailable(error: SecondaryStorageUnavailable) -> Response:
    """A view met a secondary storage that is down: ``503`` JSON, never a ``500``."""
    logger.warning("answered 503: %s", error)
    return Response(json_dumps(error.to_dict()), error.status, mimetype="application/json")


def _database_unavailable(error: Exception) -> Response:
    """A view met a database that cannot answer now (restarting, a cut connection, a
    statement timeout, no pooled connection): ``503 DATABASE_UNAVAILABLE`` JSON with
    ``Retry-After``. Any other database error is raised again: a bug stays a ``500``."""
    unavailable = as_unavailable(error)
    if unavailable is None:
        raise error
    response = Response(
        json_dumps(unavailable.to_dict()), unavailable.status, mimetype="application/json"
    )
    for name, value in unavailable.headers.items():
        response.headers[name] = value
    return response
