"""Options: checked at ``init_app`` with errors that name the option; secret and base URL
from options, ``app.config`` and the environment."""

from __future__ import annotations

import logging

import pytest

from flask_betterauth import BetterAuthError
from flask_betterauth import NotBuiltError
from flask_betterauth.options import NOT_BUILT
from flask_betterauth.options import parse_options
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.spec_snippets import read_signed_cookie
from tests.spec_snippets import sign_cookie_value

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
DEFAULT_SECRET = "better-auth-secret-12345678901234567890"


@pytest.fixture
def database_url(tmp_path):
    """Option checks need no second database: one SQLite file per test."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def make(make_app):
    return make_app


@pytest.fixture
def no_env(monkeypatch):
    for name in ("BETTER_AUTH_SECRET", "AUTH_SECRET", "BETTER_AUTH_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"colour": "blue"}, "'colour'"),
        ({"session": {"cookie_cach": {"enabled": True}}}, "'session.cookie_cach'"),
        (
            {"advanced": {"cookies": {"session_token": {"nmae": "x"}}}},
            "'advanced.cookies.session_token.nmae'",
        ),
        (
            {"email_and_password": {"password": {"rounds": 4}}},
            "'email_and_password.password.rounds'",
        ),
    ],
)
def test_unknown_option_is_named(options, named):
    with pytest.raises(BetterAuthError, match="unknown option") as info:
        parse_options(options)
    assert named in str(info.value)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"session": {"expires_in": "7d"}}, "'session.expires_in'"),
        ({"session": {"expires_in": True}}, "'session.expires_in'"),
        ({"email_and_password": {"enabled": "yes"}}, "'email_and_password.enabled'"),
        (
            {"email_and_password": {"min_password_length": 8.5}},
            "'email_and_password.min_password_length'",
        ),
        ({"trusted_origins": "http://a.example"}, "'trusted_origins'"),
        ({"trusted_origins": ["http://a.example", 3]}, "'trusted_origins'"),
        ({"session": {"cookie_cache": "on"}}, "'session.cookie_cache'"),
        ({"advanced": {"cookie_prefix": None}}, "'advanced.cookie_prefix'"),
        (
            {"user": {"additional_fields": {"plan": {"type": "uuid"}}}},
            "'user.additional_fields.plan'",
        ),
        (
            {"user": {"additional_fields": {"plan": {"required": True}}}},
            "'user.additional_fields.plan'",
        ),
        (
            {"email_and_password": {"password": {"hash": "not callable", "verify": len}}},
            "'email_and_password.password.hash'",
        ),
    ],
)
def test_ill_typed_option_is_named(options, named):
    with pytest.raises(BetterAuthError) as info:
        parse_options(options)
    assert named in str(info.value)
    assert not isinstance(info.value, NotBuiltError)


@pytest.mark.parametrize(
    ("options", "named", "hint"),
    [
        ({"emailAndPassword": {"enabled": True}}, "'emailAndPassword'", "'email_and_password'"),
        ({"session": {"expiresIn": 60}}, "'session.expiresIn'", "'expires_in'"),
        ({"session": {"cookieCache": {}}}, "'session.cookieCache'", "'cookie_cache'"),
        (
            {"advanced": {"useSecureCookies": True}},
            "'advanced.useSecureCookies'",
            "'use_secure_cookies'",
        ),
    ],
)
def test_camel_case_option_gets_a_hint(options, named, hint):
    with pytest.raises(BetterAuthError) as info:
        parse_options(options)
    message = str(info.value)
    assert named in message and f"did you mean {hint}" in message


@pytest.mark.parametrize(
    "options",
    [
        {"session": {"expires_in": 0}},
        {"session": {"expires_in": 401 * 24 * 3600}},
        {"email_and_password": {"password": {"bcrypt_rounds": 3}}},
        {"email_and_password": {"password": {"hash": str.upper}}},
    ],
)
def test_out_of_range_or_incomplete_options(options):
    with pytest.raises(BetterAuthError):
        parse_options(options)


def _nested(path, value):
    options = value
    for key in reversed(path.split(".")):
        options = {key: options}
    return options


@pytest.mark.parametrize("path", sorted(NOT_BUILT))
def test_unbuilt_feature_raises_not_built(path):
    with pytest.raises(NotBuiltError) as info:
        parse_options(_nested(path, {}))
    assert repr(path) in str(info.value)


def test_options_are_checked_at_init_app(make):
    with pytest.raises(BetterAuthError, match="'session.expires_in'"):
        make(session={"expires_in": "a week"})


def test_valid_options_parse_with_the_spec_defaults():
    options = parse_options({})
    assert options.base_path == "/api/auth"
    assert options.session.expires_in == 604800
    assert options.session.update_age == 86400
    assert options.session.fresh_age == 86400
    assert options.session.cookie_cache.max_age == 300
    assert options.session.cookie_cache.enabled is False
    assert options.email_and_password.min_password_length == 8
    assert options.email_and_password.max_password_length == 128
    assert options.email_and_password.auto_sign_in is True
    assert options.advanced.cookie_prefix == "better-auth"


# -- the secret ------------------------------------------------------------------------


def test_no_secret_outside_debug_and_testing_refuses_to_start(make, no_env):
    with pytest.raises(BetterAuthError) as info:
        make({"TESTING": False, "DEBUG": False, "BETTER_AUTH_SECRET": None})
    message = str(info.value)
    assert "BETTER_AUTH_SECRET" in message
    assert "secrets.token_hex" in message


def test_default_secret_is_refused_in_production(make, no_env):
    with pytest.raises(BetterAuthError, match="default secret"):
        make({"TESTING": False, "BETTER_AUTH_SECRET": DEFAULT_SECRET})


@pytest.mark.parametrize("mode", ["TESTING", "DEBUG"])
def test_without_secret_debug_and_testing_use_the_public_one(make, no_env, mode, caplog):
    config = {"TESTING": False, "DEBUG": False, "BETTER_AUTH_SECRET": None, mode: True}
    with caplog.at_level(logging.WARNING, logger="flask_betterauth"):
        test_app = make(config)
    assert "BETTER_AUTH_SECRET" in caplog.text
    test_app.app.testing = True
    reply = Caller(test_app, "http").call("sign_up_email", ANN)
    assert reply.cookie("better-auth.session_token") == sign_cookie_value(
        reply.json["token"], DEFAULT_SECRET
    )


def signing_secret_of(test_app, *candidates):
    """Which of ``candidates`` signs ``test_app``'s session cookie."""
    email = f"user-{id(test_app)}@example.com"  # apps here share one database
    reply = Caller(test_app, "http").call("sign_up_email", {**ANN, "email": email})
    assert reply.status == 200, reply.json
    value = reply.cookie("better-auth.session_token")
    found = [c for c in candidates if read_signed_cookie(value, c) == reply.json["token"]]
    assert len(found) == 1
    return found[0]


def test_secret_precedence(make, no_env):
    option, config, env = (
        "option-secret-0123456789-0123456789",
        "config-secret-0123456789-0123456789",
        "env-secret-0123456789-0123456789-012",
    )
    no_env.setenv("BETTER_AUTH_SECRET", env)
    no_env.setenv("AUTH_SECRET", "auth-secret-0123456789-0123456789-01")
    assert (
        signing_secret_of(make({"BETTER_AUTH_SECRET": config}, secret=option), option, config, env)
        == option
    )
    assert signing_secret_of(make({"BETTER_AUTH_SECRET": config}), option, config, env) == config
    assert signing_secret_of(make({"BETTER_AUTH_SECRET": None}), option, config, env) == env


def test_auth_secret_env_is_the_last_fallback(make, no_env):
    secret = "auth-secret-0123456789-0123456789-01"
    no_env.setenv("AUTH_SECRET", secret)
    assert signing_secret_of(make({"BETTER_AUTH_SECRET": None}), secret) == secret


def test_short_secret_warns(make, caplog):
    with caplog.at_level(logging.WARNING, logger="flask_betterauth"):
        make({"BETTER_AUTH_SECRET": "short"})
    assert "32" in caplog.text


# -- the base URL ----------------------------------------------------------------------


def test_base_url_from_the_environment(make, no_env):
    no_env.setenv("BETTER_AUTH_URL", "https://env.example.com")
    test_app = make({"BETTER_AUTH_URL": None})
    (line,) = Caller(test_app, "http").call("sign_up_email", ANN).set_cookies
    assert line.startswith("__Secure-better-auth.session_token=")


def test_config_base_url_beats_the_environment(make, no_env):
    no_env.setenv("BETTER_AUTH_URL", "https://env.example.com")
    test_app = make({"BETTER_AUTH_URL": "http://localhost"})
    (line,) = Caller(test_app, "http").call("sign_up_email", ANN).set_cookies
    assert line.startswith("better-auth.session_token=")


def test_base_url_option_beats_config(make):
    test_app = make({"BETTER_AUTH_URL": "http://localhost"}, base_url="https://opt.example.com")
    (line,) = Caller(test_app, "http").call("sign_up_email", ANN).set_cookies
    assert line.startswith("__Secure-")


@pytest.mark.parametrize(
    ("config", "options", "served", "not_served"),
    [
        ({"BETTER_AUTH_URL": "http://localhost/auth"}, {}, "/auth/ok", "/api/auth/ok"),
        ({"BETTER_AUTH_URL": "http://localhost/v1/auth/"}, {}, "/v1/auth/ok", "/api/auth/ok"),
        ({}, {"base_path": "/custom"}, "/custom/ok", "/api/auth/ok"),
        ({}, {"base_url": "http://localhost/x"}, "/x/ok", "/api/auth/ok"),
    ],
)
def test_base_path(make, config, options, served, not_served):
    client = make(config, **options).app.test_client()
    assert client.get(served).get_json() == {"ok": True}
    assert client.get(not_served).status_code == 404


@pytest.mark.parametrize("url", ["ftp://example.com", "localhost:5000", "not a url"])
def test_bad_base_url_is_refused(make, url):
    with pytest.raises(BetterAuthError, match="BETTER_AUTH_URL"):
        make({"BETTER_AUTH_URL": url})
