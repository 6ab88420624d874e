"""The OpenAPI 3.1 document, derived from the registry's marshmallow schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .context import Context
from .registry import FORM
from .registry import Endpoint
from .schema import Column
from .schema import Table
from .state import AuthState

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date-time"},
    "json": {},
    "string[]": {"type": "array", "items": {"type": "string"}},
    "number[]": {"type": "array", "items": {"type": "number"}},
}
_ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
    "required": ["message"],
}
_TAGS = {"sign-up": "Sign up", "sign-in": "Sign in", "sign-out": "Sign in"}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
#: Endpoints that answer a browser with a redirect (302 and ``Location``) besides JSON.
_REDIRECTS = {
    "request_password_reset_callback": (
        "To callbackURL, with ?token=<token>, or ?error=INVALID_TOKEN"
    ),
    "verify_email": "To callbackURL when it is given, with ?error=<code> on failure",
    "delete_user_callback": "To callbackURL when it is given, once the user is deleted",
    "callback_oauth": (
        "To the flow's callbackURL (newUserCallbackURL for a new user), or its error URL "
        "with ?error=<code>; a POST (form_post) to the same route as a GET"
    ),
}
#: Endpoints that answer JSON on success only when no callbackURL is given.
_ONLY_REDIRECTS = {"request_password_reset_callback", "callback_oauth"}
#: Endpoints that answer a caller without a session 401 with no body (Better Auth's).
_EMPTY_401 = {"get_access_token", "refresh_token", "account_info"}
_UTF16 = "Counted in UTF-16 code units, as JavaScript's String length."
_USER = {"$ref": "#/components/schemas/User"}
_SESSION = {"$ref": "#/components/schemas/Session"}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
    }


_BOOL = {"type": "boolean"}
_STRING = {"type": "string"}
_STATUS = _object({"status": _BOOL})
_SUCCESS_MESSAGE = _object({"success": _BOOL, "message": _STRING})
_TOKEN_USER = _object({"token": {"type": ["string", "null"]}, "user": _USER})
#: The ``200`` body of each core endpoint (a plugin's endpoints: any JSON).
_SUCCESS: dict[str, dict[str, Any]] = {
    "ok": _object({"ok": _BOOL}),
    "sign_up_email": _TOKEN_USER,
    "sign_in_email": _object(
        {"redirect": _BOOL, "token": _STRING, "user": _USER}, {"url": _STRING}
    ),
    "sign_out": _object({"success": _BOOL}),
    "get_session": {"anyOf": [{"type": "null"}, _object({"session": _SESSION, "user": _USER})]},
    "list_sessions": {"type": "array", "items": _SESSION},
    "list_user_accounts": {
        "type": "array",
        "items": _object({"scopes": {"type": "array", "items": _STRING}}),
    },
    "update_session": _object({"session": _SESSION}),
    "revoke_session": _STATUS,
    "revoke_sessions": _STATUS,
    "revoke_other_sessions": _STATUS,
    "update_user": _STATUS,
    "change_password": _TOKEN_USER,
    "change_email": _STATUS,
    "delete_user": _SUCCESS_MESSAGE,
    "delete_user_callback": _SUCCESS_MESSAGE,
    "request_password_reset": _object({"status": _BOOL, "message": _STRING}),
    "reset_password": _STATUS,
    "send_verification_email": _STATUS,
    "verify_email": _object({"status": _BOOL, "user": {"anyOf": [{"type": "null"}, _USER]}}),
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _redirect(description: str) -> dict[str, Any]:
    location = {"required": True, "schema": {"type": "string"}, "description": "The target"}
    return {"description": description, "headers": {"Location": location}}


def _handler_rules(state: AuthState) -> dict[tuple[str, str], dict[str, Any]]:
    """What handlers check beyond their marshmallow schemas, per (endpoint, field), as
    JSON Schema: the password lengths of the options, the sign-in email format."""
    options = state.options.email_and_password
    new = {
        "minLength": options.min_password_length,
        "maxLength": options.max_password_length,
        "description": _UTF16,
    }
    given = {"maxLength": options.max_password_length, "description": _UTF16}
    return {
        ("sign_up_email", "password"): new,
        ("reset_password", "newPassword"): new,
        ("change_password", "newPassword"): new,
        ("change_password", "currentPassword"): given,
        ("delete_user", "password"): given,
        ("sign_in_email", "password"): given,
        ("sign_in_email", "email"): {"format": "email"},
    }


def _is_string(prop: dict[str, Any]) -> bool:
    kind = prop.get("type")
    return "string" in (kind if isinstance(kind, list) else [kind])


def _form_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as a form can meet it: every form value is a string, so fields of
    other types (``rememberMe``) cannot be sent in a form and are left out, and no field
    can be ``null``."""
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if kind == "string" or (isinstance(kind, list) and "string" in kind):
            properties[name] = {**prop, "type": "string"}
    form = {**schema, "properties": properties}
    if "required" in schema:
        form["required"] = [name for name in schema["required"] if name in properties]
    return form


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _column_schema(column: Column) -> dict[str, Any]:
    schema = dict(_JSON_TYPES[column.type])
    if not column.required and schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def _table_schema(table: Table) -> dict[str, Any]:  # noqa: D401
    returned = [c for c in table.columns.values() if c.returned]
    return {
        "type": "object",
        "properties": {c.name: _column_schema(c) for c in returned},
        "required": [c.name for c in returned if c.required],
    }


def _inline(schema: Any) -> Any:
    """Schemas stay inline in the document (no component per request schema)."""
    return None


class _Builder:
    def __init__(self, state: AuthState) -> None:
        self.state = state
        plugin = MarshmallowPlugin(schema_name_resolver=_inline)
        self.spec = APISpec(
            title=f"{state.options.app_name} API",
            version="1.0.0",
            openapi_version="3.1.0",
            plugins=[plugin],
            info={"description": "The Better Auth HTTP API, served by flask-betterauth."},
        )
        assert plugin.converter is not None
        self.converter = plugin.converter
        self.rules = _handler_rules(state)

    def responses(self, endpoint: Endpoint, path_params: bool) -> dict[str, Any]:
        """Every answer the operation can give: status, media type, schema, headers."""
        name = endpoint.name
        responses: dict[str, Any] = {}
        if name == "error":
            if self.state.options.on_api_error.error_url:
                responses["302"] = _redirect("To on_api_error.error_url, with the error")
            else:
                page = {"text/html": {"schema": {"type": "string"}}}
                responses["200"] = {"description": "An HTML page with the error", "content": page}
        elif name not in _ONLY_REDIRECTS:
            responses["200"] = _json("Success", _SUCCESS.get(name, {}))
        if name in _REDIRECTS:
            responses["302"] = _redirect(_REDIRECTS[name])
        responses["4XX"] = _json(
            "An error: a message and, but for a few, a stable code", _ERROR_REF
        )
        if name in _EMPTY_401:
            responses["401"] = {"description": "No session: no body"}
        if path_params or name == "delete_user":
            responses["404"] = {
                "description": "Not found, with no body: a path that matches no route, or "
                "a feature that is off"
            }
        responses["503"] = _json(
            "A service the call needs is down (session storage, mail, breach check)",
            _ERROR_REF,
        )
        return responses

    def body_schema(self, endpoint: Endpoint) -> dict[str, Any]:
        assert endpoint.body is not None
        schema: dict[str, Any] = self.converter.schema2jsonschema(endpoint.body)  # type: ignore[no-untyped-call]
        for (name, field), rule in self.rules.items():
            if name == endpoint.name and field in schema["properties"]:
                schema["properties"][field].update(rule)
        if endpoint.name == "sign_up_email":
            user = self.state.tables["user"]
            for column in user.additional:
                if column.input:
                    schema["properties"][column.name] = _column_schema(column)
                    if column.required and column.default is None:
                        schema.setdefault("required", []).append(column.name)
        return schema

    def operation(self, endpoint: Endpoint, method: str) -> dict[str, Any]:
        operation_id = _camel(endpoint.name)
        if len(endpoint.methods) > 1 and method != endpoint.methods[0]:
            operation_id += method.title()
        segment = endpoint.path.strip("/").split("/", 1)[0]
        op: dict[str, Any] = {
            "operationId": operation_id,
            "summary": endpoint.summary,
            "tags": [_TAGS.get(segment, segment.replace("-", " ").title())],
        }
        parameters = [
            {
                "in": "path",
                "name": part[1:],
                "required": True,
                "schema": {"type": "string", "pattern": "^[^/\\u0000]+$"},
            }
            for part in endpoint.path.split("/")
            if part.startswith(":")
        ]
        op["responses"] = self.responses(endpoint, bool(parameters))
        if endpoint.query is not None:
            query = self.converter.schema2parameters(endpoint.query, location="query")
            parameters += query
        if parameters:
            op["parameters"] = parameters
        if endpoint.body is not None and method != "GET":
            schema = self.body_schema(endpoint)
            content = {"application/json": {"schema": schema}}
            if FORM in endpoint.media_types:
                content[FORM] = {"schema": _form_schema(schema)}
            op["requestBody"] = {"required": bool(schema.get("required")), "content": content}
        return op

    def build(self) -> dict[str, Any]:
        self.spec.components.schema("Error", _ERROR)
        for name in ("user", "session"):
            self.spec.components.schema(name.title(), _table_schema(self.state.tables[name]))
        for endpoint in sorted(self.state.registry, key=lambda e: e.path):
            if endpoint.server_only or endpoint.hidden:
                continue
            path = self.state.base_path + re.sub(r":(\w+)", r"{\1}", endpoint.path)
            operations = {m.lower(): self.operation(endpoint, m) for m in endpoint.methods}
            self.spec.path(path=path, operations=operations)
        document: dict[str, Any] = self.spec.to_dict()
        return document


def openapi_document(ctx: Context) -> dict[str, Any]:
    """The OpenAPI document of the app ``ctx`` serves, built on first use, then kept."""
    cached = ctx.state.extras.get("openapi")
    if cached is None:
        cached = ctx.state.extras["openapi"] = build_document(ctx.state)
    return dict(cached)


def build_document(state: AuthState) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every enabled endpoint (plugins included)."""
    return _Builder(state).build()
