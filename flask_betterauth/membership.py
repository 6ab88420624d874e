"""The signed-in user's active organization in Flask views: ``current_organization``,
``current_member``, ``@organization_required`` and organization permission checks.

The organization plugin answers for them (its per-app state is a
:class:`MembershipSource`); the core only asks it, once per request and only when a view
or template uses one of them::

    @app.get("/projects")
    @organization_required
    def projects():
        return {"organization": current_organization["name"], "role": current_member["role"]}
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any
from typing import Protocol
from typing import TypeVar
from typing import cast
from typing import runtime_checkable

from flask import current_app
from flask import g
from werkzeug.local import LocalProxy

from .errors import APIError
from .errors import BetterAuthError
from .glue import _refuse
from .glue import load_session
from .http import json_dumps
from .records import Record
from .state import AuthState
from .state import current_state

F = TypeVar("F", bound=Callable[..., Any])
_MISSING = object()


@runtime_checkable
class MembershipSource(Protocol):
    """What answers for organizations (the organization plugin's state)."""

    def active_membership(self, state: AuthState, session: Record) -> tuple[Record, Record] | None:
        """``(organization, member)`` of the session's active organization, or ``None``
        (no active organization, or the user is no longer a member of it)."""

    def member_has_permission(self, member: Record, permissions: Any) -> bool:
        """Whether the member's roles grant ``permissions``."""


def _source(state: AuthState) -> MembershipSource:
    found = state.plugin_states.get("organization")
    if not isinstance(found, MembershipSource):
        raise BetterAuthError(
            "organization checks need the organization plugin: "
            "BetterAuth(plugins=[organization(...)])"
        )
    return found


def load_membership() -> tuple[Record, Record] | None:
    """``(organization, member)`` of the signed-in user's active organization, read once
    per request (and kept on ``g``), or ``None``."""
    cached = g.get("_betterauth_membership", _MISSING)
    if cached is not _MISSING:
        return cast("tuple[Record, Record] | None", cached)
    pair = load_session()
    found = None
    if pair is not None:
        state = current_state()
        found = _source(state).active_membership(state, pair.session)
    g._betterauth_membership = found
    return found


def _organization() -> Record | None:
    found = load_membership()
    return found[0] if found else None


def _member() -> Record | None:
    found = load_membership()
    return found[1] if found else None


#: The signed-in user's active organization (a record), or ``None``.
current_organization: Any = LocalProxy(_organization)
#: The signed-in user's membership in it (``current_member.role``), or ``None``.
current_member: Any = LocalProxy(_member)


def organization_context() -> dict[str, Any]:
    """Jinja sees ``current_organization`` and ``current_member``."""
    return {"current_organization": current_organization, "current_member": current_member}


def member_has_permission(permissions: Any) -> bool:
    """Whether the signed-in user's roles in the active organization grant
    ``permissions``; ``False`` without a session or an active organization."""
    found = load_membership()
    if found is None:
        return False
    return _source(current_state()).member_has_permission(found[1], permissions)


def _no_organization() -> Any:
    error = APIError(403, "NO_ACTIVE_ORGANIZATION", "No active organization")
    return current_app.response_class(json_dumps(error.to_dict()), 403, mimetype="application/json")


def guard(view: F, permissions: Any = None) -> F:
    """``view`` wrapped: a session (else as ``login_required``), an active organization
    the user is a member of (else ``403 NO_ACTIVE_ORGANIZATION``) and, when given,
    ``permissions`` granted by the member's roles (else ``403 PERMISSION_DENIED``)."""
    is_async = inspect.iscoroutinefunction(view)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if load_session() is None:
            return _refuse(APIError(401, "UNAUTHORIZED"))
        found = load_membership()
        if found is None:
            return _no_organization()
        if permissions is not None:
            source = _source(current_state())
            if not source.member_has_permission(found[1], permissions):
                error = APIError(403, "PERMISSION_DENIED")
                return current_app.response_class(
                    json_dumps(error.to_dict()), 403, mimetype="application/json"
                )
        if is_async:
            return current_app.ensure_sync(view)(*args, **kwargs)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def organization_required(view: F) -> F:
    """Protect a view: only a signed-in member of an active organization gets through.

    Without a session it refuses as :func:`~flask_betterauth.login_required` does; without
    an active organization (or no longer a member of it) it answers ``403`` JSON
    ``NO_ACTIVE_ORGANIZATION``. Inside, ``current_organization`` and ``current_member``
    are set.
    """
    return guard(view)
