"""The OpenAPI document: valid 3.1, every enabled endpoint, schemas from the registry."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from examples.login_history import login_history_plugin
from flask_betterauth.plugins import open_api


@pytest.fixture
def document(make_app):
    test_app = make_app(
        plugins=[open_api(), login_history_plugin()],
        user={"additional_fields": {"nickname": {"type": "string", "required": True}}},
    )
    reply = test_app.app.test_client().get("/api/auth/open-api/generate-schema")
    assert reply.status_code == 200
    return test_app, reply.json


def test_document_validates(document):
    _, doc = document
    validate(doc)
    assert doc["openapi"] == "3.1.0"


def test_every_enabled_endpoint_is_listed(document):
    test_app, doc = document
    state = test_app.app.extensions["betterauth"]
    expected = {
        (state.base_path + e.path.replace(":token", "{token}"), m.lower())
        for e in state.registry
        if not e.hidden and not e.server_only
        for m in e.methods
    }
    listed = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert listed == expected
    assert ("/api/auth/login-history", "get") in listed


def test_request_schemas_come_from_marshmallow(document):
    _, doc = document
    body = doc["paths"]["/api/auth/sign-up/email"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    assert set(body["required"]) == {"name", "email", "password", "nickname"}
    assert body["properties"]["email"]["format"] == "email"
    query = doc["paths"]["/api/auth/get-session"]["get"]["parameters"]
    assert {p["name"] for p in query} == {"disableCookieCache", "disableRefresh"}
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_reference_page(make_app):
    client = make_app(plugins=[open_api(path="/docs")]).app.test_client()
    page = client.get("/api/auth/docs")
    assert page.status_code == 200 and b"/api/auth/open-api/generate-schema" in page.data
    only_document = make_app(plugins=[open_api(disable_default_reference=True)]).app.test_client()
    assert only_document.get("/api/auth/reference").status_code == 404
