"""The OpenAPI document: valid 3.1, every enabled endpoint, schemas from the registry."""

from __future__ import annotations

import re

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
        (state.base_path + re.sub(r":(\w+)", r"{\1}", e.path), m.lower())
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


def operation(doc, path, method="get"):
    return doc["paths"]["/api/auth" + path][method]


def test_the_error_page_is_listed_as_html_or_a_redirect(document, make_app):
    _, doc = document
    responses = operation(doc, "/error")["responses"]
    assert list(responses["200"]["content"]) == ["text/html"]
    assert "302" not in responses
    with_url = make_app(plugins=[open_api()], on_api_error={"error_url": "/oops"})
    doc = with_url.app.test_client().get("/api/auth/open-api/generate-schema").json
    responses = operation(doc, "/error")["responses"]
    assert "200" not in responses
    assert responses["302"]["headers"]["Location"]["required"] is True


def test_mailed_links_list_their_redirects_and_other_answers(document):
    _, doc = document
    reset = operation(doc, "/reset-password/{token}")["responses"]
    assert set(reset) == {"302", "4XX", "404", "503"}
    assert "content" not in reset["404"]
    verify = operation(doc, "/verify-email")["responses"]
    assert set(verify) == {"200", "302", "4XX", "503"}
    for responses in (reset, verify):
        assert responses["302"]["headers"]["Location"]["required"] is True
    for ops in doc["paths"].values():
        for op in ops.values():
            assert "default" not in op["responses"], op["operationId"]


def test_the_rules_handlers_apply_are_in_the_schemas(document):
    test_app, doc = document
    limits = test_app.state.options.email_and_password

    def body(path, media="application/json"):
        return operation(doc, path, "post")["requestBody"]["content"][media]["schema"]

    password = body("/sign-up/email")["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (
        limits.min_password_length,
        limits.max_password_length,
    )
    assert body("/sign-in/email")["properties"]["email"]["format"] == "email"
    assert "minLength" not in body("/sign-in/email")["properties"]["password"]
    assert body("/reset-password")["properties"]["newPassword"]["minLength"] == 8
    image = body("/sign-up/email")["properties"]["image"]
    assert image["pattern"].startswith("^(?:https?://")
    assert body("/revoke-session")["properties"]["token"]["pattern"] == "^[^\\u0000]*$"
    form = body("/sign-in/email", "application/x-www-form-urlencoded")
    assert "rememberMe" not in form["properties"]
    assert (
        body("/sign-up/email", "application/x-www-form-urlencoded")["properties"]["image"]["type"]
        == "string"
    )
