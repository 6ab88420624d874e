"""Roles stored per organization (dynamic access control, the ``organizationRole``
table): reading them, merging them into the app's roles, and their wire form.

A stored row is ``{id, organizationId, role, permission, createdAt, updatedAt}`` with
``permission`` the JSON text of ``{resource: [action, ...]}``, as Better Auth stores it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import Role
from flask_betterauth.plugins import to_wire

from .schema import ORGANIZATION_ROLE

logger = logging.getLogger(__name__)


def parse_permission(role: str, text: Any) -> dict[str, list[str]]:
    """A stored ``permission`` as ``{resource: [action, ...]}``.

    :raises APIError: 500 ``Invalid permissions for role <role>`` when the stored text is
        not that (a row written by hand; Better Auth answers the same).
    """
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        value = None
    valid = isinstance(value, dict) and all(
        isinstance(actions, list) and all(isinstance(a, str) for a in actions)
        for actions in value.values()
    )
    if not valid:
        logger.error("organization role %r has invalid permissions: %r", role, text)
        raise APIError(500, None, f"Invalid permissions for role {role}")
    return dict(value)


def merged(app_roles: Mapping[str, Role], adapter: Any, org_id: str) -> dict[str, Role]:
    """``app_roles`` plus ``org_id``'s stored roles; a stored role named as an app role
    adds its actions to that role's."""
    result = dict(app_roles)
    for row in adapter.find_many(ORGANIZATION_ROLE, {"organizationId": org_id}):
        name = row["role"]
        statements = {k: list(v) for k, v in getattr(result.get(name), "statements", {}).items()}
        for resource, actions in parse_permission(name, row["permission"]).items():
            statements[resource] = list(dict.fromkeys([*statements.get(resource, []), *actions]))
        result[name] = Role(statements)
    return result


def stored_names(ctx: Context, org_id: str, names: list[str]) -> set[str]:
    """Which of ``names`` are roles stored for ``org_id``."""
    if not names:
        return set()
    where = {"organizationId": org_id, "role": Op("in", names)}
    return {row["role"] for row in ctx.adapter.find_many(ORGANIZATION_ROLE, where)}


def find(ctx: Context, org_id: str, by: Mapping[str, str]) -> dict[str, Any] | None:
    """The stored role of ``org_id`` matching ``by`` (``{"role": name}`` or ``{"id": id}``)."""
    return ctx.adapter.find_one(ORGANIZATION_ROLE, {"organizationId": org_id, **by})


def wire(ctx: Context, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored role on the wire, ``permission`` as an object."""
    out = to_wire(ctx.state.tables[ORGANIZATION_ROLE], dict(row))
    out["permission"] = parse_permission(row["role"], row["permission"])
    return out
