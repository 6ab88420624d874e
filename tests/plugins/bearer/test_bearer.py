"""The bearer plugin: sessions carried by ``Authorization: Bearer``, ``set-auth-token``."""

from __future__ import annotations

from typing import Any

import pytest
from flask import jsonify

from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import bearer
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import TestApp

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


@pytest.fixture
def app_(make_app: Any) -> TestApp:
    app = make_app(plugins=[bearer()])

    @app.app.route("/private")
    @login_required
    def private() -> Any:
        return jsonify(email=current_user.email)

    return app


def sign_up(app: TestApp, via: str) -> Any:
    reply = Caller(app, via).call("sign_up_email", ANN)
    assert reply.status == 200, reply.json
    return reply


def bearer_caller(app: TestApp, via: str) -> Caller:
    """A caller that keeps no cookies (a mobile client)."""
    caller = Caller(app, via)
    caller._store = lambda reply: None  # type: ignore[method-assign]
    return caller


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sign_up_sends_set_auth_token_exposed_for_cors(app_, via):
    reply = sign_up(app_, via)
    token = reply.headers["set-auth-token"]
    raw, _, signature = token.rpartition(".")
    assert raw == reply.json["token"]
    assert len(signature) == 44 and signature.endswith("=")
    assert "%" not in token
    assert "set-auth-token" in reply.headers["Access-Control-Expose-Headers"]


def test_sign_in_sends_set_auth_token(app_, via):
    sign_up(app_, via)
    reply = Caller(app_, via).call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert reply.headers["set-auth-token"].startswith(reply.json["token"] + ".")


def test_no_set_auth_token_without_a_new_session_cookie(app_, via):
    sign_up(app_, via)
    reply = Caller(app_, via).call("sign_in_email", {"email": ANN["email"], "password": "nope"})
    assert reply.status == 401 and "set-auth-token" not in reply.headers


def test_signed_and_unsigned_bearer_tokens_get_the_session(app_, via):
    reply = sign_up(app_, via)
    signed, raw = reply.headers["set-auth-token"], reply.json["token"]
    client = bearer_caller(app_, via)
    for token in (signed, raw, signed.replace("=", "%3D").replace("+", "%2B")):
        session = client.call("get_session", headers=auth(token))
        assert session.status == 200 and session.json["user"]["email"] == ANN["email"], token


def test_scheme_is_case_insensitive(app_, via):
    signed = sign_up(app_, via).headers["set-auth-token"]
    reply = bearer_caller(app_, via).call(
        "get_session", headers={"Authorization": f"bEaReR  {signed} "}
    )
    assert reply.json["user"]["email"] == ANN["email"]


@pytest.mark.parametrize(
    "header",
    ["Basic abc", "Bearer ", "Bearer x.y", "Bearer unknown-token-0123456789abcdef"],
)
def test_bad_authorization_headers_are_ignored(app_, via, header):
    sign_up(app_, via)
    reply = bearer_caller(app_, via).call("get_session", headers={"Authorization": header})
    assert reply.status == 200 and reply.json is None


def test_tampered_signature_is_ignored(app_, via):
    signed = sign_up(app_, via).headers["set-auth-token"]
    raw, _, signature = signed.rpartition(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    reply = bearer_caller(app_, via).call("get_session", headers=auth(f"{raw}.{flipped}"))
    assert reply.json is None
    protected = bearer_caller(app_, via).call("list_sessions", headers=auth(f"{raw}.{flipped}"))
    assert protected.status == 401


def test_signature_of_another_token_is_ignored(app_, via):
    first = sign_up(app_, via).headers["set-auth-token"]
    second = (
        Caller(app_, via)
        .call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
        .headers["set-auth-token"]
    )
    mixed = first.rpartition(".")[0] + "." + second.rpartition(".")[2]
    assert bearer_caller(app_, via).call("get_session", headers=auth(mixed)).json is None


def test_require_signature_refuses_unsigned_tokens(make_app, via):
    app = make_app(plugins=[bearer(require_signature=True)])
    reply = sign_up(app, via)
    client = bearer_caller(app, via)
    assert client.call("get_session", headers=auth(reply.json["token"])).json is None
    signed = client.call("get_session", headers=auth(reply.headers["set-auth-token"]))
    assert signed.json["user"]["email"] == ANN["email"]


def test_bearer_only_session_lists_and_signs_out(app_, via):
    token = sign_up(app_, via).headers["set-auth-token"]
    client = bearer_caller(app_, via)
    listed = client.call("list_sessions", headers=auth(token))
    assert listed.status == 200 and len(listed.json) == 1
    assert client.call("sign_out", {}, headers=auth(token)).json == {"success": True}
    assert client.call("get_session", headers=auth(token)).json is None
    assert client.call("list_sessions", headers=auth(token)).status == 401


def test_revoked_session_token_is_refused(app_, via):
    first = sign_up(app_, via).headers["set-auth-token"]
    second_caller = Caller(app_, via)
    second_caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert second_caller.call("revoke_other_sessions", {}).status == 200
    reply = bearer_caller(app_, via).call("get_session", headers=auth(first))
    assert reply.json is None


def test_login_required_and_current_user_accept_the_bearer(app_):
    token = sign_up(app_, "http").headers["set-auth-token"]
    client = app_.app.test_client(use_cookies=False)
    assert client.get("/private", headers=auth(token)).get_json() == {"email": ANN["email"]}
    refused = client.get("/private", headers={"Accept": "application/json"})
    assert refused.status_code == 401
    tampered = client.get(
        "/private", headers={**auth(token[:-3] + "AA="), "Accept": "application/json"}
    )
    assert tampered.status_code == 401


def test_existing_expose_headers_are_kept(make_app, via):
    def add_expose(ctx: Any) -> None:
        ctx.response_headers["Access-Control-Expose-Headers"] = "x-one"

    extra = Plugin(id="expose", hooks={"after": [Hook(add_expose)]})
    app = make_app(plugins=[extra, bearer()])
    reply = sign_up(app, via)
    assert reply.headers["Access-Control-Expose-Headers"] == "x-one, set-auth-token"


def test_bearer_wins_over_the_session_cookie(app_, via):
    cookie_caller = Caller(app_, via)
    first = cookie_caller.call("sign_up_email", ANN).json["token"]
    second = Caller(app_, via).call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    signed = second.headers["set-auth-token"]
    both = cookie_caller.call("get_session", headers=auth(signed))
    assert both.json["session"]["token"] == second.json["token"] != first
    assert cookie_caller.call("get_session").json["session"]["token"] == first
    bad = cookie_caller.call("get_session", headers=auth("not.signed"))
    assert bad.json["session"]["token"] == first
