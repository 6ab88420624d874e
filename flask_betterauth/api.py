"""The server-side face: ``auth.api.<name>(...)`` runs an endpoint in-process."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from flask import has_request_context
from flask import request
from werkzeug.datastructures import Headers

from .context import Context
from .dispatch import dispatch
from .hosts import origin_from_host
from .http import to_response
from .origins import origin_of
from .state import AuthState

if TYPE_CHECKING:
    from .extension import BetterAuth


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
    """

    def __init__(self, extension: BetterAuth) -> None:
        self._extension = extension

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        state = self._extension.state
        if state.registry.get(name) is None:
            known = ", ".join(sorted(e.name for e in state.registry))
            raise AttributeError(f"auth.api has no endpoint {name!r}; it has: {known}")

        def call(**kwargs: Any) -> Any:
            return self.call(name, **kwargs)

        call.__name__ = name
        return call

    def __dir__(self) -> list[str]:
        return sorted(e.name for e in self._extension.state.registry)

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
        state: AuthState = self._extension.state
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
        result = dispatch(ctx)
        if as_response:
            return to_response(result)
        if result.error is not None:
            raise result.error
        if result.redirect is not None:
            result.headers["Location"] = result.redirect
        if return_headers:
            return APIResponse(result.body, result.headers)
        return result.body
