"""Ready-made pages: sign in, sign up, sign out, forgotten and reset passwords, email
verification and the account page, as a blueprint of Jinja templates the app overrides.

Mount them with ``auth.init_app(app, db, pages=True)`` (or ``pages={...}``, see
:class:`PagesOptions`), or later with ``auth.pages.init_app(app)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint
from flask import Flask

from ..api import API
from ..errors import BetterAuthError
from ..state import current_state
from .account import CORE_SECTIONS
from .account import account
from .csrf import FIELD_NAME
from .csrf import csrf_token
from .csrf import csrf_valid
from .csrf import set_csrf_cookie
from .forms import PagesSetup
from .forms import after_sign_in
from .forms import call_api
from .forms import link_error
from .forms import message_for
from .forms import redirect_with
from .forms import render_page
from .forms import safe_next
from .forms import setup
from .forms import signed_in_redirect
from .kit import AccountSection
from .kit import Done
from .kit import PageKit
from .kit import PagesOptions
from .kit import SignInIdentifier
from .kit import SignInLink
from .kit import SignUpField
from .social import ACCOUNTS_SECTION
from .social import has_social
from .social import social_done
from .social import social_sign_in
from .views import forgot_password
from .views import reset_password
from .views import sign_in
from .views import sign_out
from .views import sign_up
from .views import verify_email

__all__ = [
    "AccountSection",
    "Done",
    "PageKit",
    "Pages",
    "PagesOptions",
    "after_sign_in",
    "link_error",
    "SignInIdentifier",
    "SignInLink",
    "SignUpField",
    "call_api",
    "csrf_valid",
    "message_for",
    "redirect_with",
    "render_page",
    "safe_next",
    "signed_in_redirect",
]

#: The blueprint's name: ``url_for("betterauth_pages.sign_in")``.
BLUEPRINT_NAME = "betterauth_pages"
_BOTH = ("GET", "POST")
_CORE_PAGES = (
    ("/sign-in", sign_in, _BOTH),
    ("/sign-up", sign_up, _BOTH),
    ("/sign-out", sign_out, _BOTH),
    ("/forgot-password", forgot_password, _BOTH),
    ("/reset-password", reset_password, _BOTH),
    ("/verify-email", verify_email, _BOTH),
    ("/account", account, _BOTH),
)


def parse_pages_option(value: Any) -> PagesOptions | None:
    """The ``pages`` option (``True``, ``False``/``None`` or a mapping) as options.

    :raises BetterAuthError: naming an unknown key or a bad value.
    """
    if value is None or value is False:
        return None
    if value is True:
        return PagesOptions()
    if isinstance(value, PagesOptions):
        return value
    if not isinstance(value, Mapping):
        raise BetterAuthError(f"option 'pages' must be True or a mapping, not {value!r}")
    known = set(PagesOptions.__dataclass_fields__)
    for key, item in value.items():
        if key not in known:
            raise BetterAuthError(f"unknown option 'pages.{key}'; known: {sorted(known)}")
        if item is not None and not isinstance(item, str):
            raise BetterAuthError(f"option 'pages.{key}' must be a string, not {item!r}")
    return PagesOptions(**value)


class Pages:
    """``auth.pages``: mounts the ready-made pages on an app."""

    def __init__(self, api: API) -> None:
        self._api = api

    def init_app(self, app: Flask, **options: Any) -> None:
        """Mount the pages on ``app`` (after ``auth.init_app``), with :class:`PagesOptions`
        as keywords.

        :raises BetterAuthError: when the auth extension is not set up on ``app`` yet, or
            for a bad option.
        :raises RuntimeError: when the pages are mounted on ``app`` already.
        """
        state = app.extensions.get("betterauth")
        if state is None:
            raise BetterAuthError("Mount the pages after auth.init_app(app, db)")
        if BLUEPRINT_NAME in app.blueprints:
            raise RuntimeError("The BetterAuth pages are already mounted on this app.")
        parsed = parse_pages_option(options or True)
        assert parsed is not None
        kit = PageKit()
        for section in CORE_SECTIONS:
            kit.add_account_section(section)
        if has_social(state):
            kit.add_account_section(ACCOUNTS_SECTION)
        for add_pages in state.plugin_pages:
            add_pages(kit)
        app.extensions["betterauth_pages"] = PagesSetup(parsed, self._api, kit)
        app.register_blueprint(_blueprint(parsed, kit))


def _blueprint(options: PagesOptions, kit: PageKit) -> Blueprint:
    blueprint = Blueprint(
        BLUEPRINT_NAME,
        __name__,
        url_prefix=options.url_prefix.rstrip("/") or None,
        template_folder="../templates",
        static_folder="static",
        static_url_path="/static",
    )
    for rule, view, methods in _CORE_PAGES:
        blueprint.add_url_rule(rule, view.__name__, view, methods=list(methods))
    blueprint.add_url_rule(
        "/sign-in/social/<provider>", "social_sign_in", social_sign_in, methods=["POST"]
    )
    blueprint.add_url_rule("/sign-in/social/done", "social_done", social_done)
    for page in kit.pages:
        blueprint.add_url_rule(page.rule, page.endpoint, page.view, methods=list(page.methods))
    # App-wide, so that the app's own templates (a sign-out button in its header) can
    # carry the token too; both do nothing on requests that do not use it.
    blueprint.after_app_request(set_csrf_cookie)
    blueprint.app_context_processor(_template_context)
    return blueprint


def _template_context() -> dict[str, Any]:
    return {
        "betterauth_csrf_token": csrf_token,
        "betterauth_csrf_field": FIELD_NAME,
        "pages_base_template": setup().options.base_template or "betterauth/pages/base.html",
        "betterauth_app_name": current_state().options.app_name,
        "betterauth_api_path": current_state().base_path,
    }
