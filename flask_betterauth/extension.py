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
from flask import current_app
from flask import has_app_context

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
from .mailer import Mailer
from .maintenance import cleanup_expired
from .models import Models
from .models import build_models
from .options import Options
from .options import merge_options
from .options import parse_options
from .origins import build_trusted
from .origins import csrf_enabled
from .origins import origin_of
from .pages import Pages
from .pages import parse_pages_option
from .passwords import PasswordHasher
from .plugins.base import Plugin
from .plugins.base import check_plugins
from .plugins.base import plugin_hooks
from .ratelimit import build_rate_limiter
from .registry import Registry
from .schema import build_schema
from .sessions import Sessions
from .state import AuthState
from .storage import Adapter
from .storage import SQLAlchemyAdapter
from .storage.hooks import HookedAdapter
from .storage.hooks import collect as collect_database_hooks
from .telemetry import publish as publish_telemetry

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
        self._last_state: AuthState | None = None
        self.api = API(self)
        #: The ready-made pages (:class:`~flask_betterauth.pages.Pages`).
        self.pages = Pages(self)
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
        app.extensions["betterauth"] = state
        app.url_map.converters.setdefault("betterauth_rest", RestConverter)
        app.register_blueprint(make_blueprint(state))
        app.register_error_handler(SecondaryStorageUnavailable, _storage_unavailable)
        app.context_processor(template_context)
        app.cli.add_command(auth_cli)
        configure_logger(state.options.logger)
        self._last_state = state
        if pages is not None:
            self.pages.init_app(app, **vars(pages))
        publish_telemetry(app, state)

    def _build_state(self, app: Flask, db: Any, opts: Options, plugins: list[Plugin]) -> AuthState:
        secret = _resolve_secret(app, opts)
        base_url, base_path = _resolve_urls(app, opts)
        tables = build_schema(opts, [p.schema for p in plugins])
        models = build_models(db, tables)
        password = opts.email_and_password.password
        advanced = opts.advanced
        secure = advanced.use_secure_cookies
        if secure is None and base_url is not None:
            secure = base_url.startswith("https://")
        origin_check = csrf_enabled(advanced, app.testing)
        disabled = {path.rstrip("/") for path in opts.disabled_paths}
        endpoints = [*CORE_ENDPOINTS, *(e for p in plugins for e in p.endpoints)]
        registry = Registry(e for e in endpoints if e.path not in disabled)
        static = opts.trusted_origins if isinstance(opts.trusted_origins, list) else []
        trusted = [*static, *(o for p in plugins for o in p.trusted_origins)]
        error_codes = dict(ERROR_CODES)
        for plugin in plugins:
            error_codes.update(define_error_codes(plugin.error_codes))
        state = AuthState(
            options=opts,
            secret=secret,
            key=secret.encode(),
            base_url=base_url,
            base_origin=origin_of(base_url) if base_url else None,
            base_path=base_path,
            tables=tables,
            models=models,
            adapter=_adapter(app, db, models, opts, plugins),
            hasher=PasswordHasher(password.bcrypt_rounds, password.hash, password.verify),
            registry=registry,
            trusted=build_trusted(
                trusted,
                base_url,
                os.environ.get("BETTER_AUTH_TRUSTED_ORIGINS"),
                dynamic=None if isinstance(opts.trusted_origins, list) else opts.trusted_origins,
            ),
            cookies_plain=AuthCookies.build(opts, secure=False, base_url=base_url),
            cookies_secure=AuthCookies.build(opts, secure=True, base_url=base_url),
            secure_cookies=secure,
            origin_check=origin_check,
            generate_id=id_generator(advanced.generate_id),
            sign_in_url="/sign-in",
            hooks=HookTable.build(registry, opts.hooks, plugin_hooks(plugins)),
            plugins=plugins,
            error_codes=error_codes,
        )
        state.sessions = Sessions(state)
        state.mailer = Mailer.from_app(app, opts)
        state.rate_limiter = build_rate_limiter(
            opts,
            state.adapter,
            base_path=base_path,
            generate_id=state.generate_id,
            relaxed=app.testing or app.debug,
            extra_rules=[rule for plugin in plugins for rule in plugin.rate_limit],
        )
        return state

    @property
    def state(self) -> AuthState:
        """The state of the current app (or of the only app, outside an app context)."""
        if has_app_context():
            found = current_app.extensions.get("betterauth")
            if found is not None:
                return cast(AuthState, found)
            raise RuntimeError(
                "The current Flask app is not registered with this BetterAuth. Did you "
                "forget to call 'auth.init_app(app, db)'?"
            )
        if self._last_state is None:
            raise RuntimeError("BetterAuth is not set up yet: call 'auth.init_app(app, db)'.")
        return self._last_state

    @property
    def ERROR_CODES(self) -> Mapping[str, str]:  # noqa: N802 (Better Auth's name)
        """Every error code the app can answer with (core and plugins) and its message."""
        if self._last_state is None and not has_app_context():
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
