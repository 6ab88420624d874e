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

    def body_schema(self, endpoint: Endpoint) -> dict[str, Any]:
        assert endpoint.body is not None
        schema: dict[str, Any] = self.converter.schema2jsonschema(endpoint.body)  # type: ignore[no-untyped-call]
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
            "responses": {
                "200": {"description": "Success", "content": {"application/json": {"schema": {}}}},
                "default": {
                    "description": "An error: a message and a stable code",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        parameters = [
            {"in": "path", "name": part[1:], "required": True, "schema": {"type": "string"}}
            for part in endpoint.path.split("/")
            if part.startswith(":")
        ]
        if endpoint.query is not None:
            query = self.converter.schema2parameters(endpoint.query, location="query")
            parameters += query
        if parameters:
            op["parameters"] = parameters
        if endpoint.body is not None and method != "GET":
            schema = self.body_schema(endpoint)
            content = {"application/json": {"schema": schema}}
            if FORM in endpoint.media_types:
                content[FORM] = {"schema": schema}
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
