"""Response headers that cost less to set: every endpoint call fills one."""

from __future__ import annotations

from typing import Any

from flask import Response
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers


def _checked(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("Header values must not contain newline characters.")
    return value


class ResponseHeaders(Headers):
    """:class:`~werkzeug.datastructures.Headers` whose ``add`` and ``set`` check a plain
    string value with two substring tests instead of a regular expression.

    Same rules, same errors (a value holding ``\\r`` or ``\\n`` is a ``ValueError``), same
    order of items; anything but a plain string value goes the usual way.
    """

    def add(self, key: str, value: Any, /, **kwargs: Any) -> None:
        """Append ``(key, value)`` (see :meth:`Headers.add`)."""
        if kwargs or type(value) is not str:
            super().add(key, value, **kwargs)
            return
        self._list.append((key, _checked(value)))

    def set(self, key: str, value: Any, /, **kwargs: Any) -> None:
        """Replace every ``key`` by one ``(key, value)`` (see :meth:`Headers.set`)."""
        if kwargs or type(value) is not str:
            super().set(key, value, **kwargs)
            return
        item = (key, _checked(value))
        items = self._list
        lowered = key.lower()
        for index, (name, _) in enumerate(items):
            if name.lower() == lowered:
                items[index] = item
                items[index + 1 :] = [i for i in items[index + 1 :] if i[0].lower() != lowered]
                return
        items.append(item)

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]  # noqa: A002, E501
        """The first value of ``key``, else ``default`` (see :meth:`Headers.get`)."""
        if type is not None or not isinstance(key, str):
            return super().get(key, default, type)
        lowered = key.lower()
        for name, value in self._list:
            if name.lower() == lowered:
                return value
        return default

    def __contains__(self, key: Any) -> bool:
        if not isinstance(key, str):
            return super().__contains__(key)
        lowered = key.lower()
        return any(name.lower() == lowered for name, _ in self._list)


#: Headers werkzeug's ``get_wsgi_headers`` rewrites (URLs made absolute and encoded).
_REWRITTEN = frozenset({"location", "content-location"})


class AuthResponse(Response):
    """The auth routes' Flask response: its ``headers`` are a :class:`ResponseHeaders`
    (every value checked when it was set), so that the final copy werkzeug makes for the
    WSGI server (``get_wsgi_headers``) does not check each one again.

    Only the plain case is handled here: a status with a body and no ``Location`` or
    ``Content-Location`` header. Anything else (and headers of another type) goes
    through werkzeug's own method. ``tests/test_pipeline_headers.py`` checks that both
    give the same list.
    """

    def get_wsgi_headers(self, environ: Any) -> Headers:
        """The headers to send, as :meth:`werkzeug.wrappers.Response.get_wsgi_headers`."""
        headers = self.headers
        status = self.status_code
        if type(headers) is not ResponseHeaders or status < 200 or status in (204, 304):
            return super().get_wsgi_headers(environ)
        items = headers._list
        sized = False
        for name, _ in items:
            lowered = name.lower()
            if lowered in _REWRITTEN:
                return super().get_wsgi_headers(environ)
            if lowered == "content-length":
                sized = True
        copied = ResponseHeaders()
        copied._list = items.copy()
        if not sized and self.automatically_set_content_length and self.is_sequence:
            copied._list.append(("Content-Length", str(sum(len(x) for x in self.iter_encoded()))))
        return copied


def _environ_key(name: str) -> str:
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key


class RequestHeaders(EnvironHeaders):
    """A request's headers (:class:`~werkzeug.datastructures.EnvironHeaders`) whose
    ``get`` and ``in`` look the WSGI ``environ`` up directly: the same answers, without
    the exception ``EnvironHeaders`` raises and catches inside for an absent header (the
    token sources ask for ``Authorization`` on every request)."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]  # noqa: A002, E501
        """The value of header ``key``, else ``default`` (see :meth:`Headers.get`)."""
        if type is not None or not isinstance(key, str):
            return super().get(key, default, type)
        value = self.environ.get(_environ_key(key))
        return default if value is None else value

    def __contains__(self, key: Any) -> bool:
        if not isinstance(key, str):
            return super().__contains__(key)
        return _environ_key(key) in self.environ
