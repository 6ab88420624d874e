"""The pipeline's cheaper header objects answer exactly as werkzeug's do."""

from __future__ import annotations

import pytest
from flask import Response
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder

from flask_betterauth.headers import AuthResponse
from flask_betterauth.headers import RequestHeaders
from flask_betterauth.headers import ResponseHeaders


def _both() -> tuple[Headers, ResponseHeaders]:
    return Headers(), ResponseHeaders()


def test_response_headers_set_add_get_match_werkzeug() -> None:
    plain, fast = _both()
    for target in (plain, fast):
        target["Cache-Control"] = "no-store"
        target.add("Set-Cookie", "a=1")
        target.add("set-cookie", "b=2")
        target["X-N"] = 5  # not a string: the usual way
        target.add("Set-Cookie", "c=3")
        target.set("SET-COOKIE", "d=4")
        target["cache-control"] = "no-cache"
        target.add("Content-Disposition", "attachment", filename="a.txt")
    assert fast.to_wsgi_list() == plain.to_wsgi_list()
    assert fast.to_wsgi_list()[:2] == [("cache-control", "no-cache"), ("SET-COOKIE", "d=4")]
    for name in ("set-cookie", "X-N", "missing", "CACHE-CONTROL"):
        assert fast.get(name) == plain.get(name)
        assert fast.get(name, "dflt") == plain.get(name, "dflt")
        assert (name in fast) == (name in plain)
    assert fast.get("X-N", type=int) == 5


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "\r\n"])
def test_response_headers_refuse_newlines(value: str) -> None:
    fast = ResponseHeaders()
    for call in (fast.add, fast.set, fast.__setitem__):
        with pytest.raises(ValueError, match="newline"):
            call("X-Bad", value)
    assert fast.to_wsgi_list() == []


def test_request_headers_read_the_environ_as_environ_headers_do() -> None:
    environ = {
        "HTTP_AUTHORIZATION": "Bearer t",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "2",
        "HTTP_EMPTY": "",
    }
    fast, plain = RequestHeaders(environ), EnvironHeaders(environ)
    names = [
        "Authorization",
        "authorization",
        "X-Forwarded-For",
        "Content-Type",
        "content-length",
        "Empty",
        "Missing",
        "Cookie",
    ]
    for name in names:
        assert fast.get(name) == plain.get(name)
        assert fast.get(name, "dflt") == plain.get(name, "dflt")
        assert (name in fast) == (name in plain)
    assert fast.get("Content-Length", type=int) == 2
    assert list(fast) == list(plain)


def _pair(status: int, body: object, items: list[tuple[str, str]]) -> tuple[Response, AuthResponse]:
    """The same response twice: werkzeug's (through Flask's class) and ours."""
    made = []
    for cls in (Response, AuthResponse):
        headers = ResponseHeaders()
        for name, value in items:
            headers.add(name, value)
        response = cls(body, status, headers, mimetype="application/json")
        made.append(response)
    return made[0], made[1]


@pytest.mark.parametrize(
    ("status", "body", "items"),
    [
        (200, '{"a":1}', [("Set-Cookie", "a=1"), ("set-auth-jwt", "x" * 900)]),
        (200, "", []),
        (401, '{"code":"UNAUTHORIZED"}', [("X-Retry-After", "3")]),
        (302, "", [("Location", "/a b?c=é")]),  # made absolute and encoded
        (200, "{}", [("Content-Location", "/é")]),
        (204, "", [("Set-Cookie", "a=1")]),  # no Content-Length
        (304, "", [("ETag", '"1"'), ("Content-Type", "text/plain")]),
        (101, "", []),
        (200, iter([b"{}"]), []),  # a stream: no length computed
    ],
)
def test_auth_response_sends_the_headers_werkzeug_sends(
    status: int, body: object, items: list[tuple[str, str]]
) -> None:
    """``AuthResponse.get_wsgi_headers`` is werkzeug's, minus the re-check (this pins it
    to the installed werkzeug: a change there fails here)."""
    environ = EnvironBuilder(path="/api/auth/x", base_url="http://h.test").get_environ()
    plain, ours = _pair(status, body, items)
    assert ours.get_wsgi_headers(environ).to_wsgi_list() == (
        plain.get_wsgi_headers(environ).to_wsgi_list()
    )
    # A response whose Content-Length was removed gets it back, as werkzeug's does.
    plain, ours = _pair(status, body, items)
    for response in (plain, ours):
        response.headers.remove("Content-Length")
    assert ours.get_wsgi_headers(environ).to_wsgi_list() == (
        plain.get_wsgi_headers(environ).to_wsgi_list()
    )


def test_auth_response_leaves_its_own_headers_alone() -> None:
    """The WSGI copy is a copy: adding to it does not touch the response."""
    environ = EnvironBuilder().get_environ()
    _, ours = _pair(200, "{}", [("A", "1")])
    before = ours.headers.to_wsgi_list()
    ours.get_wsgi_headers(environ).add("B", "2")
    assert ours.headers.to_wsgi_list() == before
