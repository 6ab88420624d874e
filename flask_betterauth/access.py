"""Access control: statements, roles made from them, and permission checks.

The same model as Better Auth's ``createAccessControl`` (``better-auth/plugins/access``),
used by the admin plugin (a user's global roles) and the organization plugin (a member's
roles in an organization)::

    ac = create_access_control({"project": ["create", "share", "delete"]})
    editor = ac.new_role({"project": ["create", "share"]})
    editor.authorize({"project": ["create"]}).success            # True
    has_permission("viewer,editor", {"project": ["share"]}, {"editor": editor})  # True

A Flask view requires a permission with :func:`permission_required`; templates ask
``has_permission({...})`` about the signed-in user.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any
from typing import Protocol
from typing import TypeVar
from typing import cast
from typing import runtime_checkable

from flask import current_app

from .errors import APIError
from .errors import BetterAuthError
from .errors import NotBuiltError
from .errors import define_error_codes
from .glue import _refuse
from .glue import load_session
from .http import json_dumps
from .records import Record

__all__ = [
    "ACCESS_ERROR_CODES",
    "AccessControl",
    "Authorization",
    "PermissionRequest",
    "Role",
    "RoleSource",
    "create_access_control",
    "has_permission",
    "permission_required",
    "split_roles",
    "user_has_permission",
]

F = TypeVar("F", bound=Callable[..., Any])

#: ``{resource: [action, ...]}`` or ``{resource: {"actions": [...], "connector": "OR"}}``.
PermissionRequest = Mapping[str, Any]

#: The code a view guarded by :func:`permission_required` refuses with (403).
ACCESS_ERROR_CODES = define_error_codes(
    {"PERMISSION_DENIED": "You are not allowed to perform this action"}
)


@dataclass(frozen=True)
class Authorization:
    """The answer of :meth:`Role.authorize`: ``success``, and why not in ``error``."""

    success: bool
    error: str | None = None

    def __bool__(self) -> bool:
        return self.success


def _actions_of(requested: Any) -> tuple[list[Any], str]:
    """``(actions, connector)`` of one resource's request (Better Auth's normalisation)."""
    if isinstance(requested, list | tuple):
        return list(requested), "AND"
    if not isinstance(requested, Mapping):
        raise ValueError("Invalid access control request")
    connector = "OR" if requested.get("connector") == "OR" else "AND"
    actions = requested.get("actions")
    if not isinstance(actions, list | tuple):
        return [], connector
    return list(actions), connector


def _resource_authorized(allowed: Sequence[str], requested: Any) -> bool:
    actions, connector = _actions_of(requested)
    if not actions:
        return False
    matches = (isinstance(action, str) and action in allowed for action in actions)
    return any(matches) if connector == "OR" else all(matches)


class Role:
    """A role: the actions it grants, per resource. Made by :meth:`AccessControl.new_role`."""

    __slots__ = ("statements",)

    def __init__(self, statements: Mapping[str, Sequence[str]]) -> None:
        #: ``{resource: (action, ...)}`` this role grants.
        self.statements: dict[str, tuple[str, ...]] = {
            resource: tuple(actions) for resource, actions in statements.items()
        }

    def authorize(self, request: PermissionRequest, connector: str = "AND") -> Authorization:
        """Whether this role grants ``request`` (``{resource: [actions]}``).

        Per resource, every listed action must be granted (or any one, with
        ``{"actions": [...], "connector": "OR"}``). With ``connector="AND"`` every resource
        must be authorised; with ``"OR"`` one is enough. An empty request is refused.

        :raises ValueError: for a resource's request that is neither a list nor a mapping.
        """
        authorized_any = False
        for resource, requested in request.items():
            allowed = self.statements.get(resource)
            if allowed is None:
                if connector != "OR":
                    return Authorization(
                        False, f"You are not allowed to access resource: {resource}"
                    )
                continue
            ok = _resource_authorized(allowed, requested)
            authorized_any = authorized_any or ok
            if ok and connector == "OR":
                return Authorization(True)
            if not ok and connector != "OR":
                return Authorization(False, f'unauthorized to access resource "{resource}"')
        if authorized_any:
            return Authorization(True)
        return Authorization(False, "Not authorized")

    def __repr__(self) -> str:
        return f"Role({self.statements!r})"


class AccessControl:
    """The statements (every resource and its possible actions) roles are made from."""

    __slots__ = ("statements",)

    def __init__(self, statements: Mapping[str, Sequence[str]]) -> None:
        checked: dict[str, tuple[str, ...]] = {}
        for resource, actions in statements.items():
            if not isinstance(resource, str) or not resource:
                raise ValueError(f"access control: bad resource name {resource!r}")
            if isinstance(actions, str) or not all(isinstance(a, str) for a in actions):
                raise ValueError(f"access control: {resource!r} needs a list of action names")
            checked[resource] = tuple(actions)
        #: ``{resource: (action, ...)}``.
        self.statements = checked

    def new_role(self, permissions: Mapping[str, Sequence[str]]) -> Role:
        """A role granting ``permissions`` (``{resource: [action, ...]}``).

        :raises ValueError: for a resource or an action these statements do not have.
        """
        for resource, actions in permissions.items():
            known = self.statements.get(resource)
            if known is None:
                raise ValueError(f"access control: unknown resource {resource!r}")
            if isinstance(actions, str):
                raise ValueError(f"access control: {resource!r} needs a list of actions")
            unknown = [action for action in actions if action not in known]
            if unknown:
                raise ValueError(f"access control: {resource!r} has no action {unknown[0]!r}")
        return Role(permissions)

    def __repr__(self) -> str:
        return f"AccessControl({self.statements!r})"


def create_access_control(statements: Mapping[str, Sequence[str]]) -> AccessControl:
    """The access control of ``statements`` (``{resource: [action, ...]}``).

    :raises ValueError: when a resource's actions are not a list of strings.
    """
    return AccessControl(statements)


def split_roles(role: str | Sequence[str]) -> list[str]:
    """Role names as a list: Better Auth stores several comma-joined (``"admin,editor"``)."""
    if isinstance(role, str):
        return role.split(",")
    return list(role)


def has_permission(
    role: str | Sequence[str], permissions: PermissionRequest, roles: Mapping[str, Role]
) -> bool:
    """Whether any one of ``role``'s roles grants all of ``permissions``.

    ``role`` is a role name, several comma-joined (as stored) or a list. A name not in
    ``roles`` grants nothing; empty ``permissions`` grant nothing.
    """
    for name in split_roles(role):
        found = roles.get(name)
        if found is not None and found.authorize(permissions).success:
            return True
    return False


@runtime_checkable
class RoleSource(Protocol):
    """What answers for a user's global roles (the admin plugin's state)."""

    def user_has_permission(self, user: Record, permissions: PermissionRequest) -> bool:
        """Whether ``user`` (its ``role`` field, or an id always allowed) may."""


def _role_source() -> RoleSource:
    state = current_app.extensions.get("betterauth")
    found = state.plugin_states.get("admin") if state is not None else None
    if not isinstance(found, RoleSource):
        raise BetterAuthError(
            "permission checks on users' roles need the admin plugin: "
            "BetterAuth(plugins=[admin(...)])"
        )
    return found


def user_has_permission(
    permissions: PermissionRequest, *, organization: bool = False, user: Record | None = None
) -> bool:
    """Whether ``user`` (default: the signed-in user) has ``permissions``.

    Templates see this as ``has_permission({...})``. Without a signed-in user: ``False``.

    :raises NotBuiltError: for ``organization=True`` (the organization plugin's).
    :raises BetterAuthError: when the app has no admin plugin.
    """
    if organization:
        raise NotBuiltError("permission checks in an organization are not built yet")
    if user is None:
        pair = load_session()
        if pair is None:
            return False
        user = pair.user
    return _role_source().user_has_permission(user, permissions)


def permission_required(permissions: PermissionRequest, *, organization: bool = False) -> Any:
    """Protect a view: only a user whose roles grant ``permissions`` gets through.

    Without a session it refuses as :func:`~flask_betterauth.login_required` does (the
    sign-in redirect for a page, ``401`` JSON otherwise); a signed-in user without the
    permission gets ``403`` JSON ``PERMISSION_DENIED`` (a page request too). The user's
    global roles (``user.role``) are checked against the admin plugin's roles.

    :raises NotBuiltError: for ``organization=True`` (not built yet).
    """
    if organization:
        raise NotBuiltError("permission_required(organization=True) is not built yet")
    request_copy = dict(permissions)

    def decorate(func: F) -> F:
        is_async = inspect.iscoroutinefunction(func)

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            pair = load_session()
            if pair is None:
                return _refuse(APIError(401, "UNAUTHORIZED"))
            if not _role_source().user_has_permission(pair.user, request_copy):
                error = APIError(403, "PERMISSION_DENIED")
                return current_app.response_class(
                    json_dumps(error.to_dict()), 403, mimetype="application/json"
                )
            if is_async:
                return current_app.ensure_sync(func)(*args, **kwargs)
            return func(*args, **kwargs)

        return cast(F, wrapper)

    return decorate
