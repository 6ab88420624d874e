"""The HTTP face: a blueprint with one view per endpoint, over :func:`dispatch`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint
from flask import Response
from flask import request
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response as BaseResponse

from .after_response import attach
from .context import Context
from .cookies import parse_cookie_header
from .dispatch import Result
from .dispatch import dispatch
from .errors import APIError
from .headers import AuthResponse
from .headers import RequestHeaders
from .registry import Endpoint
from .security.hosts import origin_from_host
from .security.ratelimit import rate_limit_hook
from .state import AuthState

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_BODYLESS = ("GET", "HEAD", "OPTIONS")


#: One encoder for every answer (``json.dumps`` with options builds one per call).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def json_dumps(value: Any) -> str:
    """Compact JSON with non-ASCII kept, as JavaScript's ``JSON.stringify``."""
    return _ENCODER.encode(value)


def empty(status: int) -> Response:
    """A response with no body and no content type (Better Auth's unknown route)."""
    response = Response(b"", status)
    del response.headers["Content-Type"]
    return response


def to_response(result: Result) -> Response:
    """The Flask response for a dispatch result."""
    if result.redirect is not None:
        response = Response(b"", 302, content_type="application/json")
        response.headers["Location"] = result.redirect
    elif result.raw is not None:
        response = Response(
            result.raw.body, result.raw.status, content_type=result.raw.content_type
        )
    elif result.error is not None and result.body is None:
        response = empty(result.status)
    elif "Content-Type" not in result.headers:
        # The result's headers become the response's (checked once, when they were set).
        return AuthResponse(
            json_dumps(result.body), result.status, result.headers, mimetype="application/json"
        )
    else:
        response = Response(json_dumps(result.body), result.status, mimetype="application/json")
    for name, value in result.headers.items():
        response.headers.add(name, value)
    return response


def _error(error: APIError) -> Response:
    return to_response(Result(error.status, error.to_dict(), error=error))


def _read_body(endpoint: Endpoint, limit: int) -> Any:
    """The parsed request body, ``None`` when there is none.

    :raises APIError: 413 when over ``limit`` bytes, 415 for a content type the endpoint
        does not take, 400 when the JSON does not parse.
    """
    if request.method in _BODYLESS:
        return None
    length = request.content_length
    if length is not None and length > limit:
        raise APIError(413, "PAYLOAD_TOO_LARGE")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise APIError(413, "PAYLOAD_TOO_LARGE")
    if not data:
        return None
    mimetype = request.mimetype
    if mimetype not in endpoint.media_types:
        allowed = ", ".join(sorted(endpoint.media_types, reverse=True))
        message = (
            f'Content-Type "{mimetype}" is not allowed. Allowed types: {allowed}'
            if mimetype
            else f"Content-Type is required. Allowed types: {allowed}"
        )
        raise APIError(415, "UNSUPPORTED_MEDIA_TYPE", message)
    try:
        text = data.decode("utf-8")
        if mimetype == "application/json":
            return json.loads(text)
        return dict(parse_qsl(text, keep_blank_values=True))
    except (ValueError, RecursionError):
        raise APIError(400, "BAD_REQUEST", "Invalid JSON in request body") from None


def _view(state: AuthState, endpoint: Endpoint) -> Callable[..., Response]:
    def view(**params: str) -> Response:
        incoming = request._get_current_object()  # type: ignore[attr-defined]
        method = incoming.method
        if method not in endpoint.methods:
            return empty(404)
        try:
            body = _read_body(endpoint, state.options.max_body_size)
            origin = state.base_origin or origin_from_host(
                incoming.host, incoming.host_url, state.allowed_hosts
            )
        except APIError as error:
            return _error(error)
        environ = incoming.environ
        ctx = Context(
            state,
            endpoint,
            method=method,
            body=body,
            query=incoming.args.to_dict() if environ.get("QUERY_STRING") else {},
            headers=RequestHeaders(environ),
            params=params,
            cookies=parse_cookie_header(environ.get("HTTP_COOKIE")),
            https=incoming.is_secure,
            request_origin=origin,
            remote_addr=incoming.remote_addr,
            is_http=True,
        )
        result = dispatch(ctx)
        if result.error is not None and state.options.on_api_error.throw:
            raise result.error
        return attach(to_response(result), ctx)

    view.__name__ = endpoint.name
    return view


def _not_found(**_: str) -> Response:
    return empty(404)


def _disabled(**_: str) -> Response:
    return Response("Not Found", 404, content_type="text/plain;charset=UTF-8")


def _plugin_request_hooks(state: AuthState, blueprint: Blueprint) -> None:
    on_request = state.on_request
    on_response = state.on_response
    if on_request:

        def run_on_request() -> BaseResponse | None:
            for hook in on_request:
                answer = hook(request)
                if answer is not None:
                    return answer
            return None

        blueprint.before_request(run_on_request)
    if on_response:

        def run_on_response(response: BaseResponse) -> BaseResponse:
            for hook in on_response:
                response = hook(request, response) or response
            return response

        blueprint.after_request(run_on_response)


def _internal_error(_: Exception) -> Response:
    return _error(APIError(500, "INTERNAL_SERVER_ERROR"))


class RestConverter(BaseConverter):
    """Any rest of a path, empty segments included (``//ok``), for the catch-all 404."""

    regex = ".*"
    part_isolating = False


def make_blueprint(state: AuthState) -> Blueprint:
    """The blueprint serving every HTTP endpoint of ``state``'s registry at its base path."""
    blueprint = Blueprint("betterauth", __name__, url_prefix=state.base_path)
    if state.rate_limiter is not None:
        blueprint.before_request(rate_limit_hook(state.rate_limiter, _error))
    for endpoint in state.registry:
        if endpoint.server_only:
            continue
        blueprint.add_url_rule(
            endpoint.rule,
            endpoint=endpoint.name,
            view_func=_view(state, endpoint),
            methods=ALL_METHODS,
            strict_slashes=not state.options.advanced.skip_trailing_slashes,
            merge_slashes=False,
        )
    for number, path in enumerate(state.options.disabled_paths):
        rule = "/".join(
            f"<p{i}>" if p.startswith(":") else p for i, p in enumerate(path.split("/"))
        )
        blueprint.add_url_rule(rule, f"disabled_{number}", _disabled, methods=ALL_METHODS)
    _plugin_request_hooks(state, blueprint)
    blueprint.add_url_rule(
        "/<betterauth_rest:rest>", "not_found", _not_found, methods=ALL_METHODS, merge_slashes=False
    )
    blueprint.add_url_rule("/", "root", _not_found, methods=ALL_METHODS)
    if state.base_path:
        # The base path itself, without its slash: 404 too, not a redirect to "<base>/".
        blueprint.add_url_rule("", "base", _not_found, methods=ALL_METHODS)
    blueprint.register_error_handler(500, _internal_error)
    blueprint.record_once(lambda setup: _unknown_methods_are_404(setup.app, state.base_path))
    return blueprint


def _unknown_methods_are_404(app: Any, base_path: str) -> None:
    """A method no rule knows (``TRACE``, ``PROPFIND``) fails in routing, before any
    blueprint handler: below the base path it gets Better Auth's empty 404 too."""

    def handle(error: MethodNotAllowed) -> Any:
        if request.path == base_path or request.path.startswith(base_path + "/"):
            return empty(404)
        return error

    app.register_error_handler(MethodNotAllowed, handle)
