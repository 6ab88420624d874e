"""Request hooks: before and after every endpoint, on both faces, in a known order."""

from __future__ import annotations

import pytest

from flask_betterauth import APIError
from flask_betterauth.hooks import Hook
from flask_betterauth.plugins import Plugin
from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def test_before_hook_changes_the_body(make_app, via):
    def lower_name(ctx):
        if ctx.endpoint.name == "sign_up_email":
            ctx.body = {**ctx.body, "name": ctx.body["name"].upper()}

    caller = Caller(make_app(hooks={"before": lower_name}), via)
    reply = caller.call("sign_up_email", ANN)
    assert reply.status == 200
    assert reply.json["user"]["name"] == "ANN"


def test_before_hook_answers_instead_of_the_endpoint(make_app, via):
    caller = Caller(make_app(hooks={"before": lambda ctx: {"maintenance": True}}), via)
    reply = caller.call("sign_up_email", ANN)
    assert reply.status == 200
    assert reply.json == {"maintenance": True}
    assert caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD}).json == {
        "maintenance": True
    }


def test_before_hook_refuses_with_an_api_error(make_app, via):
    def only_company_emails(ctx):
        if ctx.endpoint.name == "sign_up_email" and not ctx.body.get("email", "").endswith(
            "@corp.io"
        ):
            raise APIError(403, "EMAIL_DOMAIN_NOT_ALLOWED", "Use your company email")

    caller = Caller(make_app(hooks={"before": only_company_emails}), via)
    reply = caller.call("sign_up_email", ANN)
    assert reply.status == 403
    assert reply.json == {"message": "Use your company email", "code": "EMAIL_DOMAIN_NOT_ALLOWED"}
    ok = caller.call("sign_up_email", {**ANN, "email": "ann@corp.io"})
    assert ok.status == 200


def test_before_hook_sees_the_raw_body_before_validation(make_app, via):
    seen = []

    def spy(ctx):
        seen.append(ctx.body)

    caller = Caller(make_app(hooks={"before": spy}), via)
    reply = caller.call("sign_up_email", {"email": 5})
    assert reply.status == 400 and reply.json["code"] == "VALIDATION_ERROR"
    assert seen == [{"email": 5}]


def test_after_hook_changes_what_is_returned_and_adds_headers(make_app, via):
    def stamp(ctx):
        ctx.response_headers["X-Audited"] = "yes"
        if ctx.endpoint.name == "sign_in_email" and isinstance(ctx.returned, dict):
            return {**ctx.returned, "audited": True}
        return None

    caller = Caller(make_app(hooks={"after": stamp}), via)
    caller.call("sign_up_email", ANN)
    reply = caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert reply.json["audited"] is True
    assert reply.headers["X-Audited"] == "yes"
    assert reply.cookie("better-auth.session_token")


def test_after_hook_sees_the_new_session_and_errors(make_app, via):
    seen = []

    def spy(ctx):
        returned = ctx.returned
        seen.append((ctx.endpoint.name, type(returned).__name__, ctx.new_session is not None))

    caller = Caller(make_app(hooks={"after": spy}), via)
    caller.call("sign_up_email", ANN)
    caller.call("sign_in_email", {"email": ANN["email"], "password": "wrong-password"})
    assert seen == [("sign_up_email", "dict", True), ("sign_in_email", "APIError", False)]


def test_after_hook_may_turn_success_into_an_error(make_app, via):
    def refuse(ctx):
        raise APIError(418, "TEAPOT", "no")

    caller = Caller(make_app(hooks={"after": refuse}), via)
    reply = caller.call("ok")
    assert reply.status == 418 and reply.json["code"] == "TEAPOT"


def test_after_hook_may_add_cookies(make_app, via):
    def cookie(ctx):
        ctx.set_cookie(ctx.specs.session_token.__class__(name="seen"), "1", 60)

    caller = Caller(make_app(hooks={"after": cookie}), via)
    reply = caller.call("ok")
    assert "seen=1; Max-Age=60; Path=/; HttpOnly; SameSite=Lax" in reply.set_cookies


def test_hooks_run_app_first_then_plugins_in_order(make_app, via):
    order = []

    def mark(name):
        def hook(ctx):
            order.append(name)

        return hook

    plugins = [
        Plugin(id="one", hooks={"before": [Hook(mark("one"))], "after": [Hook(mark("one-after"))]}),
        Plugin(
            id="two",
            hooks={
                "before": [Hook(mark("two"), endpoints=frozenset({"ok"}))],
                "after": [Hook(mark("two-after"), matcher=lambda e: e.path == "/ok")],
            },
        ),
    ]
    caller = Caller(
        make_app(hooks={"before": mark("app"), "after": mark("app-after")}, plugins=plugins), via
    )
    caller.call("ok")
    assert order == ["app", "one", "two", "app-after", "one-after", "two-after"]
    order.clear()
    caller.call("get_session")
    assert order == ["app", "one", "app-after", "one-after"]


def test_unknown_hook_phase_is_a_setup_error(make_app):
    from flask_betterauth import BetterAuthError

    with pytest.raises(BetterAuthError, match="'before' and 'after'"):
        make_app(hooks={"around": lambda ctx: None})


def test_late_after_hooks_run_after_the_others_whatever_the_plugin_order():
    from flask_betterauth.hooks import HookTable
    from flask_betterauth.registry import endpoint

    @endpoint("/x")
    def x(ctx):
        return None

    def named(name):
        def handler(ctx):
            return None

        handler.__name__ = name
        return handler

    hooks = [
        ("after", Hook(named("late_a"), late=True)),
        ("after", Hook(named("plain_b"))),
        ("after", Hook(named("late_c"), late=True)),
        ("after", Hook(named("plain_d"))),
    ]
    table = HookTable.build([x], {}, hooks)
    assert [h.__name__ for h in table.after["x"]] == ["plain_b", "plain_d", "late_a", "late_c"]
