"""Mounting the pages: options, the sign-in URL, the app's templates, plugin pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask import url_for
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import APIError
from flask_betterauth import BetterAuth
from flask_betterauth import BetterAuthError
from flask_betterauth.pages import AccountSection
from flask_betterauth.pages import Done
from flask_betterauth.plugins.base import Plugin
from tests.helpers import SECRET
from tests.helpers import build_app

from .conftest import PageClient
from .conftest import alerts
from .conftest import notice

APP_TEMPLATES = str(Path(__file__).parent / "app_templates")


def test_pages_mount_later_with_auth_pages_init_app(database_url):
    test_app = build_app(database_url)
    app = test_app.app
    assert "betterauth_pages" not in app.blueprints
    test_app.auth.pages.init_app(app, url_prefix="/people")
    assert app.test_client().get("/people/sign-in").status_code == 200
    assert app.test_client().get("/auth/sign-in").status_code == 404
    with pytest.raises(RuntimeError, match="already mounted"):
        test_app.auth.pages.init_app(app)
    test_app.dispose()


def test_pages_need_the_extension_first():
    with pytest.raises(BetterAuthError, match="after auth.init_app"):
        BetterAuth().pages.init_app(Flask(__name__))


@pytest.mark.parametrize(
    ("pages", "words"),
    [
        ({"prefix": "/x"}, "unknown option 'pages.prefix'"),
        ({"url_prefix": 3}, "option 'pages.url_prefix' must be a string"),
        ({"url_prefix": "auth"}, "must start with '/'"),
        ("yes", "option 'pages' must be True or a mapping"),
    ],
)
def test_bad_pages_options_are_named(pages, words):
    app = Flask(__name__)
    app.config.update(TESTING=True, BETTER_AUTH_SECRET=SECRET, SQLALCHEMY_DATABASE_URI="sqlite://")
    db = SQLAlchemy()
    db.init_app(app)
    with pytest.raises(BetterAuthError, match=words):
        BetterAuth().init_app(app, db, pages=pages)


def test_sign_in_url_follows_the_pages_prefix(make_pages_app):
    app = make_pages_app(pages={"url_prefix": "/you"})
    response = app.test_client().get("/private")
    assert response.headers["Location"] == "/you/sign-in?next=/private"


def test_sign_in_url_config_still_wins(make_pages_app):
    app = make_pages_app(config={"BETTER_AUTH_SIGN_IN_URL": "/login"})
    assert app.test_client().get("/private").headers["Location"] == "/login?next=/private"


def test_without_pages_the_sign_in_url_is_unchanged(make_pages_app):
    app = make_pages_app(pages=False)
    assert app.test_client().get("/private").headers["Location"] == "/sign-in?next=/private"
    assert app.test_client().get("/auth/sign-in").status_code == 404


def test_pages_use_the_apps_base_template(make_pages_app):
    app = make_pages_app(template_folder=APP_TEMPLATES, pages={"base_template": "chrome.html"})
    page = app.test_client().get("/auth/sign-in").text
    assert "Chrome App header" in page
    assert "<title>Sign in · Chrome App</title>" in page
    assert '<form class="ba-card" method="post"' in page


def test_default_layout_stands_alone(browser):
    page = browser.get("/auth/sign-in").text
    assert page.startswith("<!doctype html>")
    assert "<title>Sign in · Pages Test</title>" in page
    assert 'class="ba-brand" href="/">Pages Test</a>' in page


def test_app_template_of_the_same_name_replaces_the_page(make_pages_app):
    app = make_pages_app(template_folder=APP_TEMPLATES)
    page = app.test_client().get("/auth/forgot-password").text
    assert "The app's own lost-password page" in page
    assert "Pages Test" in page  # still in the pages' layout


def _extra_plugin(seen: list[str]) -> Plugin:
    def ping(form):
        seen.append("ping")
        if len(seen) > 1:
            raise APIError(400, "EXTRA_REFUSED")
        return Done("extra-pinged")

    def extra_page():
        return "extra page"

    def register(kit):
        kit.add_account_section(
            AccountSection(
                "extra",
                "Extra",
                "extra_section.html",
                {"extra-ping": ping},
                data=lambda: "loaded",
                order=50,
            )
        )
        kit.add_page("/extra", "extra", extra_page)
        kit.add_notice("extra-pinged", "Pinged.")
        kit.add_messages({"EXTRA_REFUSED": "Only one ping."})

    return Plugin(id="extra", pages=register)


def test_a_plugin_adds_an_account_section_and_a_page(make_pages_app):
    seen: list[str] = []
    app = make_pages_app(template_folder=APP_TEMPLATES, plugins=[_extra_plugin(seen)])
    browser = PageClient(app.test_client())
    browser.sign_up()
    page = browser.get("/auth/account").text
    assert page.index('id="sessions"') < page.index('id="extra"') < page.index('id="delete"')
    assert "Extra: loaded" in page
    done = browser.act("extra-ping")
    assert done.headers["Location"] == "/auth/account?notice=extra-pinged#extra"
    assert notice(browser.get("/auth/account?notice=extra-pinged")) == "Pinged."
    refused = browser.act("extra-ping")
    assert refused.status_code == 400
    assert alerts(refused) == {"extra-error": "Only one ping."}
    assert browser.get("/auth/extra").text == "extra page"
    with app.test_request_context():
        assert url_for("betterauth_pages.extra") == "/auth/extra"


def test_a_section_may_not_take_another_ones_name(make_pages_app):
    clash = Plugin(
        id="clash",
        pages=lambda kit: kit.add_account_section(
            AccountSection("mine", "Mine", "x.html", {"profile": lambda form: Done("x")})
        ),
    )
    with pytest.raises(BetterAuthError, match=r"account actions \['profile'\] are already taken"):
        make_pages_app(plugins=[clash])
