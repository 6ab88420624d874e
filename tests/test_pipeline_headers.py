"""The pipeline's cheaper header objects answer exactly as werkzeug's do."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers

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
