"""The server-side face: ``auth.api.<name>(...)`` runs an endpoint in-process."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import after_this_request
from flask import has_request_context
from flask import request
from werkzeug.datastructures import Headers

from .after_response import attach
from .context import Context
from .dispatch import Result
from .dispatch import current_context
from .dispatch import dispatch
from .errors import APIError
from .http import to_response
from .security.hosts import origin_from_host
from .security.origins import concrete_path
from .security.origins import origin_of
from .state import AuthState
from .state import current_state


@dataclass(frozen=True)
class APIResponse:
    """What ``return_headers=True`` gives: the JSON body and the response headers."""

    response: Any
    headers: Headers


class API:
    """``auth.api``: every endpoint by its snake_case name, called in-process.

    ``auth.api.sign_in_email(body={...}, headers=request.headers)`` runs exactly the code
    the HTTP route runs and returns the JSON body, or raises
    :class:`~flask_betterauth.APIError`. ``return_headers=True`` returns an
    :class:`APIResponse` (to forward ``Set-Cookie``), ``as_response=True`` a Flask response.
    Server-only endpoints are here too.

    A call made inside a Flask request counts against the client's rate limits exactly
    as an HTTP request to the endpoint's path does (429 ``APIError`` when over); see
    ``rate_limit.limit_server_calls`` for calls made outside a request.
    """

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        state = current_state()
        if state.registry.get(name) is None:
            known = ", ".join(sorted(e.name for e in state.registry))
            raise AttributeError(f"auth.api has no endpoint {name!r}; it has: {known}")

        def call(**kwargs: Any) -> Any:
            return self.call(name, **kwargs)

        call.__name__ = name
        return call

    def __dir__(self) -> list[str]:
        return sorted(e.name for e in current_state().registry)

    def call(
        self,
        name: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        method: str | None = None,
        as_response: bool = False,
        return_headers: bool = False,
    ) -> Any:
        """Run endpoint ``name``; see the class docstring for the keywords."""
        state = current_state()
        endpoint = state.registry.by_name[name]
        if method is None:
            method = (
                "POST"
                if "POST" in endpoint.methods and "GET" not in endpoint.methods
                else endpoint.methods[0]
            )
        in_request = has_request_context()
        base = state.base_url or ""
        if not base and in_request:
            base = origin_from_host(request.host, request.host_url, state.allowed_hosts)
        ctx = Context(
            state,
            endpoint,
            method=method,
            body=body,
            query=query or {},
            headers=Headers(headers) if headers is not None else Headers(),
            params=params,
            https=base.startswith("https://"),
            request_origin=origin_of(base),
            remote_addr=request.remote_addr if in_request else None,
        )
        refused = self._rate_limit(state, endpoint.path, params, ctx.headers, in_request)
        result = refused if refused is not None else dispatch(ctx)
        if ctx.deferred:
            after_this_request(lambda response: attach(response, ctx))
        if as_response:
            return to_response(result)
        if result.error is not None:
            raise result.error
        if result.redirect is not None:
            result.headers["Location"] = result.redirect
        if return_headers:
            return APIResponse(result.body, result.headers)
        return result.body

    @staticmethod
    def _rate_limit(
        state: AuthState,
        template: str,
        params: Mapping[str, str] | None,
        headers: Headers,
        in_request: bool,
    ) -> Result | None:
        """Count the call as the HTTP face counts a request to the same path; the 429
        result when over the limit, else ``None``.

        Inside a Flask request the client is the request's (not whatever ``headers=``
        says); a call made by an endpoint already under way is not counted again.
        Without a request, calls count only with ``rate_limit.limit_server_calls``.
        """
        limiter = state.rate_limiter
        if limiter is None or current_context() is not None:
            return None
        path = concrete_path(template, params or {})
        try:
            if in_request:
                limiter.check_path(path, request.headers, request.remote_addr, request)
            elif state.options.rate_limit.limit_server_calls:
                limiter.check_path(path, headers, None)
        except APIError as refused:
            error = APIError(429, "TOO_MANY_REQUESTS", refused.message, headers=refused.headers)
            return Result(error.status, error.to_dict(), Headers(error.headers), error=error)
        return None
