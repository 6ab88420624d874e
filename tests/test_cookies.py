"""Cookie names, attributes and signed values, byte for byte as Better Auth (spec 5.1-5.4)."""

from __future__ import annotations

import re

import pytest

from flask_betterauth import BetterAuthError
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.spec_snippets import read_signed_cookie
from tests.spec_snippets import sign_cookie_value

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
SIGN_IN = {"email": "ann@example.com", "password": PASSWORD}


@pytest.fixture
def database_url(tmp_path):
    """Cookies do not depend on the database engine: SQLite only (both faces still)."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


def lines_for(reply, suffix):
    """The Set-Cookie lines whose cookie name ends with ``suffix``."""
    return [c for c in reply.set_cookies if c.split("=", 1)[0].endswith(suffix)]


def test_default_session_cookie_line(caller):
    reply = caller.call("sign_up_email", ANN)
    token = reply.json["token"]
    value = sign_cookie_value(token, SECRET)
    assert reply.set_cookies == [
        f"better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
    ]
    # The signature is standard base64 with padding, URL-encoded as encodeURIComponent does.
    assert value.endswith("%3D")
    assert read_signed_cookie(value, SECRET) == token


def test_cookie_lines_with_the_cache_and_remember_me_false(make_app, via):
    caller = Caller(make_app(session={"cookie_cache": {"enabled": True}}), via)
    caller.call("sign_up_email", ANN)
    caller.jar.clear()
    reply = caller.call("sign_in_email", {**SIGN_IN, "rememberMe": False})
    token = reply.json["token"]
    data = reply.cookie("better-auth.session_data")
    assert reply.set_cookies == [
        f"better-auth.session_token={sign_cookie_value(token, SECRET)}; Path=/; HttpOnly; "
        "SameSite=Lax",
        f"better-auth.session_data={data}; Path=/; HttpOnly; SameSite=Lax",
        f"better-auth.dont_remember={sign_cookie_value('true', SECRET)}; Path=/; HttpOnly; "
        "SameSite=Lax",
    ]


def test_https_base_url_uses_the_secure_prefix(make_app, via):
    caller = Caller(make_app({"BETTER_AUTH_URL": "https://app.example.com"}), via)
    reply = caller.call("sign_up_email", ANN)
    value = sign_cookie_value(reply.json["token"], SECRET)
    assert reply.set_cookies == [
        f"__Secure-better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; "
        "Secure; SameSite=Lax"
    ]
    assert caller.call("get_session").json["session"]["token"] == reply.json["token"]
    # Only the name it writes is read: the same value without the prefix is no session.
    caller.jar = {"better-auth.session_token": value}
    assert caller.call("get_session").json is None
    out = caller.call("sign_out", {})
    assert out.set_cookies[0] == (
        "__Secure-better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
    )


@pytest.mark.parametrize(
    ("url", "secure", "prefixed"),
    [
        ("http://localhost", True, True),
        ("https://app.example.com", False, False),
        ("http://localhost", None, False),
    ],
)
def test_use_secure_cookies_overrides_the_scheme(make_app, via, url, secure, prefixed):
    options = {} if secure is None else {"advanced": {"use_secure_cookies": secure}}
    caller = Caller(make_app({"BETTER_AUTH_URL": url}, **options), via)
    (line,) = caller.call("sign_up_email", ANN).set_cookies
    assert line.startswith("__Secure-better-auth.session_token=") is prefixed
    assert ("; Secure" in line) is prefixed


def test_cookie_prefix(make_app, via):
    caller = Caller(
        make_app(advanced={"cookie_prefix": "myapp"}, session={"cookie_cache": {"enabled": True}}),
        via,
    )
    caller.call("sign_up_email", ANN)
    caller.jar.clear()
    reply = caller.call("sign_in_email", {**SIGN_IN, "rememberMe": False})
    names = [line.split("=", 1)[0] for line in reply.set_cookies]
    assert names == ["myapp.session_token", "myapp.session_data", "myapp.dont_remember"]
    assert caller.call("get_session").json["user"]["email"] == "ann@example.com"


def test_spec_example_line_prefix_https_cross_subdomain_remember_me_false(make_app, via):
    caller = Caller(
        make_app(
            {"BETTER_AUTH_URL": "https://app.example.com"},
            advanced={
                "cookie_prefix": "myapp",
                "cross_sub_domain_cookies": {"enabled": True, "domain": "example.com"},
            },
        ),
        via,
    )
    caller.call("sign_up_email", ANN)
    caller.jar.clear()
    reply = caller.call("sign_in_email", {**SIGN_IN, "rememberMe": False})
    value = sign_cookie_value(reply.json["token"], SECRET)
    assert lines_for(reply, "session_token") == [
        f"__Secure-myapp.session_token={value}; Domain=example.com; Path=/; HttpOnly; Secure; "
        "SameSite=Lax"
    ]


def test_cross_sub_domain_defaults_to_the_base_url_host(make_app, via):
    caller = Caller(
        make_app(
            {"BETTER_AUTH_URL": "https://app.example.com"},
            advanced={"cross_sub_domain_cookies": {"enabled": True}},
        ),
        via,
    )
    (line,) = caller.call("sign_up_email", ANN).set_cookies
    assert "; Domain=app.example.com; Path=/;" in line


def test_cross_sub_domain_without_any_domain_is_refused(make_app):
    with pytest.raises(BetterAuthError, match="cross"):
        make_app(
            {"BETTER_AUTH_URL": None}, advanced={"cross_sub_domain_cookies": {"enabled": True}}
        )


def test_default_cookie_attributes(make_app, via):
    caller = Caller(
        make_app(
            advanced={
                "cross_sub_domain_cookies": {"enabled": True, "domain": "example.com"},
                "default_cookie_attributes": {"same_site": "none", "domain": "other.example"},
            }
        ),
        via,
    )
    (line,) = caller.call("sign_up_email", ANN).set_cookies
    # Default attributes win over the cross-subdomain domain; SameSite=None forces Secure.
    assert re.fullmatch(
        r"better-auth\.session_token=[^;]+; Max-Age=604800; Domain=other\.example; Path=/; "
        r"HttpOnly; Secure; SameSite=None",
        line,
    )


@pytest.mark.parametrize(
    ("attributes", "tail"),
    [
        ({"same_site": "strict"}, "Path=/; HttpOnly; SameSite=Strict"),
        ({"sameSite": "Strict", "httpOnly": False}, "Path=/; SameSite=Strict"),
        ({"partitioned": True}, "Path=/; HttpOnly; Secure; SameSite=Lax; Partitioned"),
        ({"path": "/app"}, "Path=/app; HttpOnly; SameSite=Lax"),
    ],
)
def test_attribute_variants(make_app, attributes, tail):
    caller = Caller(make_app(advanced={"default_cookie_attributes": attributes}), "http")
    (line,) = caller.call("sign_up_email", ANN).set_cookies
    assert line.endswith("; Max-Age=604800; " + tail)


def test_per_cookie_rename_and_attributes(make_app, via):
    caller = Caller(
        make_app(
            advanced={
                "cookies": {
                    "session_token": {"name": "sid", "attributes": {"same_site": "strict"}},
                    "dont_remember": {"name": "forget"},
                }
            }
        ),
        via,
    )
    caller.call("sign_up_email", ANN)
    caller.jar.clear()
    reply = caller.call("sign_in_email", {**SIGN_IN, "rememberMe": False})
    token_line, dont_line = reply.set_cookies
    assert token_line == (
        f"sid={sign_cookie_value(reply.json['token'], SECRET)}; Path=/; HttpOnly; SameSite=Strict"
    )
    assert dont_line.startswith("forget=") and dont_line.endswith(
        "; Path=/; HttpOnly; SameSite=Lax"
    )
    assert caller.call("get_session").json["session"]["token"] == reply.json["token"]


def test_renamed_cookie_still_gets_the_secure_prefix(make_app, via):
    caller = Caller(
        make_app(
            {"BETTER_AUTH_URL": "https://app.example.com"},
            advanced={"cookies": {"session_token": {"name": "sid"}}},
        ),
        via,
    )
    (line,) = caller.call("sign_up_email", ANN).set_cookies
    assert line.startswith("__Secure-sid=")


# -- reading signed cookies ------------------------------------------------------------


def test_cookie_signed_with_another_secret_is_ignored(caller, signed_up):
    caller.jar["better-auth.session_token"] = sign_cookie_value(
        signed_up["token"], "another-secret-0123456789-0123456789"
    )
    reply = caller.call("get_session")
    assert reply.json is None
    assert reply.set_cookies == []


def mutations(value):
    """Tampered and truncated variants of a signed cookie value."""
    token, sig = value.split(".", 1)
    flipped = ("B" if token[0] == "A" else "A") + token[1:]
    return {
        "token changed": f"{flipped}.{sig}",
        "signature changed": f"{token}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}",
        "signature truncated": value[:-3],
        "signature dropped": token,
        "token truncated": f"{token[:-1]}.{sig}",
        "doubled": f"{value}.{sig}",
    }


def test_tampered_cookie_is_ignored(caller, signed_up):
    good = caller.jar["better-auth.session_token"]
    for kind, value in mutations(good).items():
        caller.jar["better-auth.session_token"] = value
        assert caller.call("get_session").json is None, kind
    caller.jar["better-auth.session_token"] = good
    assert caller.call("get_session").json is not None


def test_unencoded_signed_value_is_read(caller, signed_up):
    # Percent-decoding happens only when the value has a '%'; a raw value reads the same.
    raw = sign_cookie_value(signed_up["token"], SECRET).replace("%3D", "=")
    raw = raw.replace("%2B", "+").replace("%2F", "/")
    assert "%" not in raw
    caller.jar["better-auth.session_token"] = raw
    assert caller.call("get_session").json["session"]["token"] == signed_up["token"]
