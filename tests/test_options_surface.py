"""Options that shape the whole surface: disabled paths, errors, logging, ids, cookies."""

from __future__ import annotations

import logging
import uuid

import pytest
from flask import jsonify

from flask_betterauth import APIError
from flask_betterauth import NotBuiltError
from flask_betterauth.plugins import open_api
from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def test_disabled_path_is_gone_everywhere(make_app):
    test_app = make_app(disabled_paths=["/sign-up/email"], plugins=[open_api()])
    client = test_app.app.test_client()
    reply = client.post("/api/auth/sign-up/email", json=ANN)
    assert reply.status_code == 404
    assert reply.data == b"Not Found"
    assert reply.headers["Content-Type"] == "text/plain;charset=UTF-8"
    with test_app.app.test_request_context(), pytest.raises(AttributeError, match="sign_up_email"):
        test_app.auth.api.sign_up_email(body=ANN)
    document = client.get("/api/auth/open-api/generate-schema").json
    assert "/api/auth/sign-up/email" not in document["paths"]
    assert "/api/auth/sign-in/email" in document["paths"]


def test_on_api_error_callback_sees_every_error(make_app, via):
    seen = []
    test_app = make_app(
        on_api_error={"on_error": lambda error, ctx: seen.append((error.code, ctx.endpoint.name))}
    )
    Caller(test_app, via).call("sign_in_email", {"email": "x@y.io", "password": "whatever1"})
    assert seen == [("INVALID_EMAIL_OR_PASSWORD", "sign_in_email")]


def test_on_api_error_throw_hands_errors_to_flask(make_app):
    test_app = make_app(on_api_error={"throw": True})

    @test_app.app.errorhandler(APIError)
    def handle(error):
        return jsonify(mine=error.code), 299

    reply = test_app.app.test_client().post(
        "/api/auth/sign-in/email", json={"email": "x@y.io", "password": "whatever1"}
    )
    assert (reply.status_code, reply.json) == (299, {"mine": "INVALID_EMAIL_OR_PASSWORD"})


def test_logger_options(make_app):
    records = []
    make_app(
        logger={"level": "debug", "log": lambda level, message: records.append((level, message))}
    )
    logger = logging.getLogger("flask_betterauth")
    assert logger.level == logging.DEBUG
    logger.debug("hello")
    assert ("debug", "hello") in records
    make_app(logger={"disabled": True})
    assert logger.disabled
    make_app(logger={"disabled": False, "level": "warn"})
    assert not logger.disabled and logger.level == logging.WARNING


def test_bad_logger_level(make_app):
    from flask_betterauth import BetterAuthError

    with pytest.raises(BetterAuthError, match="logging level"):
        make_app(logger={"level": "loud"})


def test_generate_id_function_and_uuid(make_app, via):
    counter = iter(range(1000))
    custom = Caller(make_app(advanced={"generate_id": lambda: f"id-{next(counter)}"}), via)
    assert custom.call("sign_up_email", ANN).json["user"]["id"] == "id-0"
    uuids = Caller(make_app(advanced={"generate_id": "uuid"}), via)
    user_id = uuids.call("sign_up_email", {**ANN, "email": "bob@example.com"}).json["user"]["id"]
    assert str(uuid.UUID(user_id)) == user_id


def test_database_ids_are_not_built(make_app):
    with pytest.raises(NotBuiltError, match="not built"):
        make_app(advanced={"generate_id": "serial"})


def test_cookie_renames_and_default_attributes(make_app, via):
    test_app = make_app(
        advanced={
            "default_cookie_attributes": {"same_site": "none", "partitioned": True},
            "cookies": {
                "session_token": {"name": "sid", "attributes": {"http_only": True, "path": "/app"}}
            },
        }
    )
    reply = Caller(test_app, via).call("sign_up_email", ANN)
    line = next(c for c in reply.set_cookies if c.startswith("sid="))
    assert line.endswith(
        "; Max-Age=604800; Path=/app; HttpOnly; Secure; SameSite=None; Partitioned"
    )


def test_error_url_receives_the_error_page(make_app):
    client = make_app(on_api_error={"error_url": "/oops"}).app.test_client()
    reply = client.get("/api/auth/error?error=state_mismatch&error_description=bad+state")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/oops?error=state_mismatch&error_description=bad+state"
    plain = make_app().app.test_client().get("/api/auth/error?error=<b>")
    assert plain.status_code == 200 and b"UNKNOWN" in plain.data and b"<b>" not in plain.data
