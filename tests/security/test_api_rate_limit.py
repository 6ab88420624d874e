"""Brute force through ``auth.api``: an HTML sign-in form built on
``auth.api.sign_in_email(..., headers=request.headers)`` is limited exactly as the JSON
API is (issue 17, item 5)."""

from __future__ import annotations

import pytest
from flask import request

from flask_betterauth import APIError
from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import BASE

WRONG = {"email": ANN["email"], "password": "wrong-password-1"}


def _with_form(test_app):
    """The pattern the docs show: a form view that signs in through ``auth.api``."""

    @test_app.app.post("/login")
    def login():
        try:
            test_app.auth.api.sign_in_email(
                body={"email": request.form["email"], "password": request.form["password"]},
                headers=request.headers,
            )
        except APIError as error:
            return f"<p>{error.status} {error.code}</p>", error.status
        return "<p>welcome</p>"

    return test_app


@pytest.fixture
def limited(make_app):
    test_app = _with_form(make_app(rate_limit={"enabled": True}))
    client = test_app.app.test_client()
    assert client.post(f"{BASE}/sign-up/email", json=ANN).status_code == 200
    return test_app


def test_the_form_answers_429_after_three_wrong_passwords(limited):
    client = limited.app.test_client()
    statuses = [client.post("/login", data=WRONG).status_code for _ in range(12)]
    assert statuses[:3] == [401, 401, 401]
    assert set(statuses[3:]) == {429}
    refused = client.post("/login", data={**WRONG, "password": PASSWORD})
    assert refused.status_code == 429
    assert b"TOO_MANY_REQUESTS" in refused.data


def test_the_form_and_the_json_api_share_one_bucket(limited):
    client = limited.app.test_client()
    assert client.post(f"{BASE}/sign-in/email", json=WRONG).status_code == 401
    assert client.post("/login", data=WRONG).status_code == 401
    assert client.post(f"{BASE}/sign-in/email", json=WRONG).status_code == 401
    assert client.post("/login", data=WRONG).status_code == 429
    assert client.post(f"{BASE}/sign-in/email", json=WRONG).status_code == 429


def test_other_clients_keep_their_own_bucket(limited):
    client = limited.app.test_client()
    for _ in range(3):
        client.post("/login", data=WRONG, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    blocked = client.post("/login", data=WRONG, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    other = client.post("/login", data=WRONG, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert (blocked.status_code, other.status_code) == (429, 401)


def test_a_forged_header_does_not_pick_the_bucket(limited):
    """Inside a request the client is the request's, whatever ``headers=`` the view
    passes on (no header names a proxy here)."""
    client = limited.app.test_client()
    statuses = [
        client.post("/login", data=WRONG, headers={"X-Forwarded-For": f"10.1.0.{i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_calls_without_a_request_are_not_limited_by_default(limited):
    with limited.app.app_context():
        for _ in range(6):
            with pytest.raises(APIError) as caught:
                limited.auth.api.sign_in_email(body=WRONG)
            assert caught.value.status == 401


def test_calls_without_a_request_count_when_opted_in(make_app):
    test_app = make_app(rate_limit={"enabled": True, "limit_server_calls": True})
    with test_app.app.app_context():
        test_app.auth.api.sign_up_email(body=ANN)
        statuses = []
        for _ in range(4):
            try:
                test_app.auth.api.sign_in_email(body=WRONG)
            except APIError as error:
                statuses.append(error.status)
    # sign-up used its own path's bucket; sign-in's allows three in ten seconds.
    assert statuses == [401, 401, 401, 429]
