"""The roles page of the ready-made pages (with ``dynamic_access_control``): the roles
the active organization made for itself (the ``organizationRole`` table); make one
with actions chosen from the app's access-control statements, rename one, change what
one may do, delete one.

Only members whose roles grant an ``ac`` action see it (``ac:read`` lists the roles,
``ac:create``, ``ac:update`` and ``ac:delete`` show their forms); others get a 403
page. Everything goes through the role endpoints, so their checks and codes apply.
The template is ``betterauth/pages/organization/roles.html``.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask import url_for

from flask_betterauth import APIError
from flask_betterauth import login_required
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import call_api
from flask_betterauth.pages import message_for
from flask_betterauth.pages import redirect_with
from flask_betterauth.pages import refuse_without_csrf
from flask_betterauth.pages import render_page
from flask_betterauth.plugins import current_state

from .settings import PLUGIN_ID
from .settings import OrganizationSettings

TEMPLATE = "organization/roles.html"
ACTIONS = ("read", "create", "update", "delete")
MESSAGES = {
    "ROLE_NAME_IS_ALREADY_TAKEN": "A role with this name exists. Choose another.",
    "ROLE_NAME_MISSING": "Give the role its new name.",
    "TOO_MANY_ROLES": "This organization has all the roles it may.",
    "INVALID_RESOURCE": "One of the chosen actions is not known to this app.",
    "ROLE_NOT_FOUND": "This role no longer exists.",
    "ROLE_IS_ASSIGNED_TO_MEMBERS": "Members hold this role. Give them another role first.",
    "CANNOT_DELETE_A_PRE_DEFINED_ROLE": "The app's own roles cannot be deleted.",
    "MISSING_AC_INSTANCE": "This app has no access control set up, so roles cannot be made.",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE": "You may not make roles.",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE": "You may not change roles.",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE": "You may not delete roles.",
}


def _settings() -> OrganizationSettings:
    options = current_state().plugin_states[PLUGIN_ID]
    assert isinstance(options, OrganizationSettings)
    return options


def _allowed() -> dict[str, bool]:
    """Which ``ac`` actions the caller's roles grant in the active organization."""
    found = {}
    for action in ACTIONS:
        body = {"permissions": {"ac": [action]}}
        answer = call_api("has_organization_permission", body).response
        found[action] = bool(answer and answer.get("success"))
    return found


def _statements() -> dict[str, list[str]]:
    """The actions a stored role may be given: the app's access-control statements."""
    ac = _settings().ac
    return {} if ac is None else {k: list(v) for k, v in ac.statements.items()}


def _context() -> dict[str, Any]:
    full = call_api("get_full_organization").response
    if not full:
        return {"organization": None}
    may = _allowed()
    stored = (call_api("list_org_roles").response or []) if may["read"] else []
    return {
        "organization": full,
        "may": may,
        "stored": sorted(stored, key=lambda role: role["role"]),
        "statements": _statements(),
    }


def _chosen() -> dict[str, list[str]]:
    """The ``resource:action`` boxes ticked on the posted form, as a permission object."""
    permission: dict[str, list[str]] = {}
    for value in request.form.getlist("permission"):
        resource, _, action = value.partition(":")
        if resource and action:
            permission.setdefault(resource, []).append(action)
    return permission


def _words(error: APIError) -> str:
    missing = error.extra.get("missingPermissions")
    if missing and isinstance(missing, list):
        joined = ", ".join(str(item) for item in missing)
        return f"You may only give a role actions your own role has; not {joined}."
    return message_for(error)


def _act(action: str | None) -> tuple[str, Any]:
    """Run the posted form's endpoint; the notice to show and the endpoint's answer."""
    form = request.form
    role_id = form.get("role_id", "")
    if action == "create":
        body = {"role": form.get("name", ""), "permission": _chosen()}
        return "role-created", call_api("create_org_role", body)
    if action == "rename":
        if not form.get("name", "").strip():
            raise APIError(400, "ROLE_NAME_MISSING")  # the page's own code
        body = {"roleId": role_id, "data": {"roleName": form.get("name", "")}}
        return "role-renamed", call_api("update_org_role", body)
    if action == "permissions":
        body = {"roleId": role_id, "data": {"permission": _chosen()}}
        return "role-updated", call_api("update_org_role", body)
    if action == "delete":
        return "role-deleted", call_api("delete_org_role", {"roleId": role_id})
    raise APIError(400, "VALIDATION_ERROR", "This form is not known here.")


@login_required
def roles_page() -> View:
    """The active organization's stored roles (for members with an ``ac`` action)."""
    context = _context()
    if context["organization"] is not None and not any(context["may"].values()):
        return render_page(TEMPLATE, 403, **context)
    if request.method == "GET":
        return render_page(TEMPLATE, **context)
    refused = refuse_without_csrf(TEMPLATE, **context)
    if refused is not None:
        return refused
    try:
        notice, _ = _act(request.form.get("action"))
    except APIError as error:
        return render_page(TEMPLATE, error.status, error=_words(error), **_context())
    return redirect_with(url_for(".organization_roles", notice=notice), None)


def register(kit: PageKit) -> None:
    """Add the roles page to the ready-made pages."""
    kit.add_page("/organization/roles", "organization_roles", roles_page, ("GET", "POST"))
    kit.add_notice("role-created", "The role was created.")
    kit.add_notice("role-renamed", "The role was renamed.")
    kit.add_notice("role-updated", "What the role may do was changed.")
    kit.add_notice("role-deleted", "The role was deleted.")
    kit.add_messages(MESSAGES)
