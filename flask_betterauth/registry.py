"""The endpoint record, the ``@endpoint`` decorator and the registry of all endpoints."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from .errors import BetterAuthError

#: ``handler(ctx)``: the function an endpoint runs, given its
#: :class:`~flask_betterauth.context.Context` (typed ``Any`` here: the context module
#: depends on this one).
Handler = Callable[[Any], Any]
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
#: How an endpoint reads the session before its handler runs (spec 3.2).
AUTH_TIERS = ("none", "optional", "session", "sensitive", "fresh")


@dataclass(frozen=True)
class Endpoint:
    """One auth operation, declared once, served over HTTP and on ``auth.api``.

    :param name: the snake_case name on ``auth.api`` (``sign_in_email``).
    :param path: Better Auth's path below the base path (``/sign-in/email``); ``:name``
        segments are path parameters.
    :param methods: the HTTP methods it answers.
    :param handler: the function that does the work; it sees only its context.
    :param body: the marshmallow schema of the JSON body.
    :param query: the marshmallow schema of the query string.
    :param auth: the session tier, one of :data:`AUTH_TIERS`.
    :param media_types: the request content types accepted for a body.
    :param form_csrf: apply the first-sign-in CSRF rules (sign-in and sign-up).
    :param server_only: reachable on ``auth.api`` only, never over HTTP.
    :param hidden: left out of the OpenAPI document.
    :param sign_in: it signs a user in (creates a session from credentials): plugins that
        guard every sign-in (two-factor's challenge) hook the endpoints with this flag,
        so a new sign-in method is covered by declaring ``sign_in=True``.
    :param second_factor: (with ``sign_in``) the credential is already more than a
        password (a passkey): guards that ask for a second factor, two-factor's hold,
        leave this sign-in alone, as Better Auth does.
    """

    name: str
    path: str
    methods: tuple[str, ...]
    handler: Handler
    body: Schema | None = None
    query: Schema | None = None
    auth: str = "none"
    media_types: tuple[str, ...] = (JSON,)
    form_csrf: bool = False
    server_only: bool = False
    hidden: bool = False
    sign_in: bool = False
    second_factor: bool = False

    @property
    def summary(self) -> str:
        """The first line of the handler's docstring."""
        return (inspect.getdoc(self.handler) or "").split("\n", 1)[0]

    @property
    def rule(self) -> str:
        """The path as a Werkzeug URL rule (``/reset-password/<token>``)."""
        return "/".join(f"<{p[1:]}>" if p.startswith(":") else p for p in self.path.split("/"))


def endpoint(
    path: str,
    *,
    method: str | tuple[str, ...] = "POST",
    body: type[Schema] | None = None,
    query: type[Schema] | None = None,
    auth: str = "none",
    name: str | None = None,
    media_types: tuple[str, ...] = (JSON,),
    form_csrf: bool = False,
    server_only: bool = False,
    hidden: bool = False,
    sign_in: bool = False,
    second_factor: bool = False,
) -> Callable[[Handler], Endpoint]:
    """Declare a handler as an endpoint; the decorated name becomes the :class:`Endpoint`."""
    if auth not in AUTH_TIERS:
        raise BetterAuthError(f"auth tier {auth!r} is not one of {AUTH_TIERS}")
    methods = (method,) if isinstance(method, str) else tuple(method)

    def decorate(handler: Handler) -> Endpoint:
        return Endpoint(
            name=name or handler.__name__,
            path=path,
            methods=methods,
            handler=handler,
            body=body() if body else None,
            query=query() if query else None,
            auth=auth,
            media_types=media_types,
            form_csrf=form_csrf,
            server_only=server_only,
            hidden=hidden,
            sign_in=sign_in,
            second_factor=second_factor,
        )

    return decorate


class Registry:
    """Every endpoint of one app, by name and by path; conflicts fail at start-up."""

    def __init__(self, endpoints: Iterable[Endpoint]) -> None:
        self.by_name: dict[str, Endpoint] = {}
        self.by_route: dict[tuple[str, str], Endpoint] = {}
        for ep in endpoints:
            self.add(ep)

    def add(self, ep: Endpoint) -> None:
        """Register ``ep``; a second endpoint with its name or method and path is an error."""
        if ep.name in self.by_name:
            raise BetterAuthError(f"two endpoints are named {ep.name!r}")
        for method in ep.methods:
            if (method, ep.path) in self.by_route and not ep.server_only:
                other = self.by_route[(method, ep.path)].name
                raise BetterAuthError(
                    f"{method} {ep.path} is declared by {other!r} and {ep.name!r}"
                )
        self.by_name[ep.name] = ep
        if not ep.server_only:
            for method in ep.methods:
                self.by_route[(method, ep.path)] = ep

    def __iter__(self) -> Any:
        return iter(self.by_name.values())

    def get(self, name: str) -> Endpoint | None:
        """The endpoint called ``name``, if any."""
        return self.by_name.get(name)
