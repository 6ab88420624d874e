"""Every refusal of the admin endpoints, its exact status and body, the options and the
smaller flows (SQLite, both faces)."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import admin
from flask_betterauth.plugins import create_access_control
from flask_betterauth.plugins import magic_link
from flask_betterauth.plugins import two_factor
from flask_betterauth.plugins import username
from flask_betterauth.plugins.admin import DEFAULT_ROLES
from flask_betterauth.plugins.admin import DEFAULT_STATEMENTS
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import build_app
from tests.helpers import rows
from tests.helpers import sql
from tests.plugins.admin.conftest import Crew
from tests.plugins.admin.conftest import make_crew


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    """SQLite only: the refusals do not depend on the database."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


# (endpoint, body or query, needed permission's 403 code)
GUARDED: list[tuple[str, dict[str, Any], str]] = [
    ("list_users", {}, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS"),
    ("get_user", {"id": "x"}, "YOU_ARE_NOT_ALLOWED_TO_GET_USER"),
    (
        "admin_update_user",
        {"userId": "x", "data": {"name": "n"}},
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS",
    ),
    ("set_role", {"userId": "x", "role": "admin"}, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE"),
    (
        "set_user_password",
        {"userId": "x", "newPassword": "p" * 9},
        "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD",
    ),
    ("ban_user", {"userId": "x"}, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"),
    ("unban_user", {"userId": "x"}, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"),
    ("list_user_sessions", {"userId": "x"}, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS"),
    ("revoke_user_session", {"sessionToken": "x"}, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS"),
    ("revoke_user_sessions", {"userId": "x"}, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS"),
    ("impersonate_user", {"userId": "x"}, "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS"),
    ("remove_user", {"userId": "x"}, "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS"),
    ("create_user", {"email": "z@example.com", "name": "Z"}, "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS"),
]


@pytest.fixture
def fresh_app(tmp_path: Any) -> Any:
    """``fresh_app(**options)``: an app on a new SQLite file each call."""
    made: list[Any] = []

    def build(**options: Any) -> Any:
        test_app = build_app(f"sqlite:///{tmp_path}/{len(made)}.sqlite", **options)
        made.append(test_app)
        return test_app

    yield build
    for test_app in made:
        with test_app.app.app_context():
            test_app.db.engine.dispose()


@pytest.fixture
def crew(make_app: Any, via: str, clock: Clock) -> Crew:
    return make_crew(make_app(plugins=[admin()]), via)


def _call(caller: Caller, name: str, args: dict[str, Any]) -> Any:
    if name in ("list_users", "get_user"):
        return caller.call(name, query=args)
    return caller.call(name, args)


def test_without_a_session_401_with_an_empty_body(crew: Crew) -> None:
    anonymous = crew.caller()
    for name, args, _ in GUARDED:
        reply = _call(anonymous, name, args)
        if name == "create_user" and crew.via == "api":
            continue  # the server may create users without a session
        expected = (
            None if name != "create_user" else {"message": "Unauthorized", "code": "UNAUTHORIZED"}
        )
        assert (name, reply.status, reply.json) == (name, 401, expected)
    stop = anonymous.call("stop_impersonating")
    assert (stop.status, stop.json) == (401, None)
    ask = anonymous.call("user_has_permission", {"permissions": {"user": ["list"]}})
    if crew.via == "http":
        assert (ask.status, ask.json) == (401, None)
    else:
        assert ask.status == 400  # no user id or role given to the server
        assert ask.json == {"message": "user id or role is required"}


def test_a_plain_user_gets_each_endpoints_403(crew: Crew) -> None:
    for name, args, code in GUARDED:
        reply = _call(crew.ann, name, args)
        assert (name, reply.status, reply.json["code"]) == (name, 403, code)


def test_an_impersonated_session_has_the_targets_rights_only(crew: Crew) -> None:
    assert crew.boss.call("impersonate_user", {"userId": crew.ann_id}).status == 200
    for name, args, code in GUARDED:
        reply = _call(crew.boss, name, args)
        assert (name, reply.status, reply.json["code"]) == (name, 403, code)
    # Back as Boss, the rights are back.
    assert crew.boss.call("stop_impersonating").status == 200
    assert crew.boss.call("list_users").status == 200


def test_admins_are_not_impersonable_by_default(
    make_app: Any, fresh_app: Any, via: str, clock: Clock
) -> None:
    crew = make_crew(make_app(plugins=[admin(admin_user_ids=["root"])]), via)
    sql(crew.app, "UPDATE \"user\" SET role = 'admin' WHERE id = :id", id=crew.ann_id)
    refused = crew.boss.call("impersonate_user", {"userId": crew.ann_id})
    assert (refused.status, refused.json) == (
        403,
        {"message": "You cannot impersonate admins", "code": "YOU_CANNOT_IMPERSONATE_ADMINS"},
    )
    allowed = make_crew(fresh_app(plugins=[admin(allow_impersonating_admins=True)]), via)
    sql(allowed.app, "UPDATE \"user\" SET role = 'admin' WHERE id = :id", id=allowed.ann_id)
    assert allowed.boss.call("impersonate_user", {"userId": allowed.ann_id}).status == 200


def test_self_and_missing_targets(crew: Crew) -> None:
    own = crew.boss_id
    cases = [
        ("ban_user", {"userId": own}, 400, "YOU_CANNOT_BAN_YOURSELF"),
        (
            "admin_update_user",
            {"userId": own, "data": {"banned": True}},
            400,
            "YOU_CANNOT_BAN_YOURSELF",
        ),
        ("remove_user", {"userId": own}, 400, "YOU_CANNOT_REMOVE_YOURSELF"),
        ("ban_user", {"userId": "nobody"}, 404, "USER_NOT_FOUND"),
        ("set_role", {"userId": "nobody", "role": "user"}, 404, "USER_NOT_FOUND"),
        ("impersonate_user", {"userId": "nobody"}, 404, "USER_NOT_FOUND"),
        ("remove_user", {"userId": "nobody"}, 404, "USER_NOT_FOUND"),
        ("set_user_password", {"userId": "nobody", "newPassword": "p" * 9}, 404, "USER_NOT_FOUND"),
        ("admin_update_user", {"userId": "nobody", "data": {"name": "x"}}, 404, "USER_NOT_FOUND"),
    ]
    for name, body, status, code in cases:
        reply = crew.boss.call(name, body)
        assert (name, reply.status, reply.json["code"]) == (name, status, code)


def test_bad_input(crew: Crew) -> None:
    boss, ann = crew.boss, crew.ann_id
    cases: list[tuple[str, Any, int, str | None]] = [
        ("create_user", {"email": "bad", "name": "B"}, 400, "INVALID_EMAIL"),
        (
            "create_user",
            {"email": "ANN@example.com", "name": "A"},
            400,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        ),
        (
            "create_user",
            {"email": "r@example.com", "name": "R", "role": 5},
            400,
            "INVALID_ROLE_TYPE",
        ),
        (
            "create_user",
            {"email": "r@example.com", "name": "R", "data": {"role": [1]}},
            400,
            "INVALID_ROLE_TYPE",
        ),
        (
            "create_user",
            {"email": "r@example.com", "name": "R", "password": "p" * 200},
            400,
            "PASSWORD_TOO_LONG",
        ),
        ("create_user", {"email": "r@example.com"}, 400, "VALIDATION_ERROR"),
        ("admin_update_user", {"userId": ann, "data": {}}, 400, "NO_DATA_TO_UPDATE"),
        (
            "admin_update_user",
            {"userId": ann, "data": {"password": "x"}},
            400,
            "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER",
        ),
        (
            "admin_update_user",
            {"userId": ann, "data": {"id": "x"}},
            400,
            "USER_ID_CANNOT_BE_UPDATED",
        ),
        (
            "admin_update_user",
            {"userId": ann, "data": {"email": "boss@example.com"}},
            400,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        ),
        ("admin_update_user", {"userId": ann, "data": {"email": "nope"}}, 400, "INVALID_EMAIL"),
        ("admin_update_user", {"userId": ann, "data": {"role": 3}}, 400, "INVALID_ROLE_TYPE"),
        ("admin_update_user", {"userId": ann, "data": {"banned": "yes"}}, 400, "VALIDATION_ERROR"),
        ("admin_update_user", {"userId": ann, "data": "x"}, 400, "VALIDATION_ERROR"),
        ("set_role", {"userId": ann, "role": 3}, 400, "VALIDATION_ERROR"),
        ("set_user_password", {"userId": ann, "newPassword": "short"}, 400, "PASSWORD_TOO_SHORT"),
        ("set_user_password", {"userId": ann, "newPassword": ""}, 400, "VALIDATION_ERROR"),
        ("ban_user", {"userId": ann, "banExpiresIn": "soon"}, 400, "VALIDATION_ERROR"),
        ("ban_user", {"userId": {"a": 1}}, 400, "VALIDATION_ERROR"),
        ("user_has_permission", {"permissions": {"user": "ban"}}, 400, "VALIDATION_ERROR"),
    ]
    for name, body, status, code in cases:
        reply = boss.call(name, body)
        assert (name, reply.status, (reply.json or {}).get("code")) == (name, status, code), (
            reply.json
        )
    only_old = boss.call("user_has_permission", {"permission": {"user": ["ban"]}})
    assert (only_old.status, only_old.json) == (
        400,
        {"message": "invalid permission check. no permission(s) were passed."},
    )
    # Ids are coerced to strings, as Better Auth's z.coerce.string().
    assert boss.call("get_user", query={"id": "42"}).status == 404
    assert boss.call("ban_user", {"userId": 42}).json["code"] == "USER_NOT_FOUND"


def test_list_users_odd_answers(crew: Crew) -> None:
    empty = {"users": [], "total": 0}
    for query in (
        {"sortBy": "shoeSize"},
        {"filterField": "shoeSize", "filterValue": "9"},
        {"filterField": "createdAt", "filterValue": "not a date", "filterOperator": "lt"},
    ):
        reply = crew.boss.call("list_users", query=query)
        assert (reply.status, reply.json) == (200, empty), query
    bad = crew.boss.call("list_users", query={"searchField": "role", "searchValue": "x"})
    assert (bad.status, bad.json["code"]) == (400, "VALIDATION_ERROR")
    literal = crew.boss.call("list_users", query={"searchValue": "%"})
    assert literal.json == empty  # LIKE wildcards in the search are literal
    by_flag = crew.boss.call("list_users", query={"filterField": "banned", "filterValue": "false"})
    assert by_flag.json["total"] == 2
    many = crew.boss.call(
        "list_users",
        query={
            "filterField": "email",
            "filterValue": "ann@example.com",
            "filterOperator": "in",
            "searchValue": "ann",
        },
    )
    assert [u["name"] for u in many.json["users"]] == ["Ann"]
    same_field = crew.boss.call(
        "list_users",
        query={"searchValue": "example", "filterValue": "boss@example.com", "filterOperator": "ne"},
    )
    assert [u["name"] for u in same_field.json["users"]] == ["Ann"]


def test_custom_roles(make_app: Any, fresh_app: Any, via: str, clock: Clock) -> None:
    ac = create_access_control({**DEFAULT_STATEMENTS, "project": ["create", "delete"]})
    roles = {
        "admin": ac.new_role({"user": ["list", "set-role", "ban"]}),
        "user": ac.new_role({"project": ["create"]}),
        "support": ac.new_role({"user": ["list", "get"]}),
    }
    crew = make_crew(make_app(plugins=[admin(ac=ac, roles=roles)]), via)
    refused = crew.boss.call("set_role", {"userId": crew.ann_id, "role": "superhero"})
    assert (refused.status, refused.json["code"]) == (
        400,
        "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE",
    )
    assert (
        crew.boss.call("set_role", {"userId": crew.ann_id, "role": ["user", "support"]}).status
        == 200
    )
    ann = crew.sign_in("ann@example.com")[0]
    assert ann.call("list_users").status == 200  # support may list
    assert ann.call("ban_user", {"userId": crew.boss_id}).status == 403
    ask = ann.call("user_has_permission", {"permissions": {"project": ["create"]}})
    assert ask.json == {"error": None, "success": True}
    both = ann.call(
        "user_has_permission", {"permissions": {"project": ["create"], "user": ["list"]}}
    )
    assert both.json["success"] is False  # no one role grants both
    # Without custom roles, any role name is stored.
    plain = make_crew(fresh_app(plugins=[admin()]), via)
    assert plain.boss.call("set_role", {"userId": plain.ann_id, "role": "superhero"}).status == 200


def test_admin_user_ids_and_bad_admin_roles(make_app: Any, via: str, clock: Clock) -> None:
    from flask_betterauth import BetterAuthError

    with pytest.raises(BetterAuthError, match="Invalid admin roles: owner"):
        admin(admin_roles=["owner"])
    app = make_app(plugins=[admin()])
    crew = make_crew(app, via)
    # Ann by id, whatever her role: made in a second app on the same database.
    again = make_app(plugins=[admin(admin_user_ids=[crew.ann_id])])
    ann = Caller(again, via)
    ann.call("sign_in_email", {"email": "ann@example.com", "password": PASSWORD})
    assert ann.call("list_users").json["total"] == 2


def test_banned_users_are_refused_by_every_sign_in_method(
    make_app: Any, via: str, clock: Clock
) -> None:
    outbox: list[str] = []
    links: list[str] = []
    app = make_app(
        plugins=[
            admin(),
            username(),
            magic_link(lambda email, url, token: links.append(token)),
            two_factor(otp_options={"send_otp": lambda u, c: outbox.append(c)}),
        ]
    )
    crew = make_crew(app, via)
    assert crew.ann.call("update_user", {"username": "ann"}).status == 200
    assert crew.boss.call("ban_user", {"userId": crew.ann_id}).status == 200
    by_name = crew.caller().call("sign_in_username", {"username": "ann", "password": PASSWORD})
    assert (by_name.status, by_name.json["code"]) == (403, "BANNED_USER")
    by_email = crew.sign_in("ann@example.com")[1]
    assert (by_email.status, by_email.json["code"]) == (403, "BANNED_USER")
    # (Verified: a magic link to an unverified address would first drop her password.)
    sql(crew.app, 'UPDATE "user" SET "emailVerified" = true WHERE id = :id', id=crew.ann_id)
    by_link = crew.caller()
    assert by_link.call("sign_in_magic_link", {"email": "ann@example.com"}).status == 200
    opened = by_link.call("magic_link_verify", query={"token": links[-1]})
    assert (opened.status, opened.json["code"]) == (403, "BANNED_USER")
    assert not by_link.jar
    # With two-factor on, the first step is refused already (no challenge is started).
    assert crew.boss.call("unban_user", {"userId": crew.ann_id}).status == 200
    clock.advance(seconds=11)  # past the sign-in rate limit's window (3 in 10 s)
    ann = crew.sign_in("ann@example.com")[0]
    assert ann.call("enable_two_factor", {"password": PASSWORD}).status == 200
    sql(crew.app, 'UPDATE "user" SET "twoFactorEnabled" = true WHERE id = :id', id=crew.ann_id)
    assert crew.boss.call("ban_user", {"userId": crew.ann_id}).status == 200
    held = crew.sign_in("ann@example.com")[1]
    assert (held.status, held.json["code"]) == (403, "BANNED_USER")
    assert (
        crew.caller()
        .call("sign_up_email", {"name": "N", "email": "n@example.com", "password": PASSWORD})
        .status
        == 200
    )


def test_users_cannot_give_themselves_a_role_or_lift_a_ban(crew: Crew) -> None:
    for field, value in (("role", "admin"), ("banned", False), ("banReason", "x")):
        reply = crew.ann.call("update_user", {field: value})
        assert reply.status == 400, (field, reply.json)
    sign_up = crew.caller().call(
        "sign_up_email",
        {"name": "Eve", "email": "eve@example.com", "password": PASSWORD, "role": "admin"},
    )
    assert sign_up.status == 400
    assert crew.ann.call("get_session").json["user"]["role"] == "user"


def test_admin_requests_read_the_session_store_not_the_cookie_cache(
    make_app: Any, via: str, clock: Clock
) -> None:
    cached = {"cookie_cache": {"enabled": True, "max_age": 300}}
    crew = make_crew(make_app(plugins=[admin()], session=cached), via)
    boss = crew.sign_in("boss@example.com")[0]  # a cache cookie saying "admin"
    assert any(name.endswith("session_data") for name in boss.jar)
    assert boss.call("list_users").status == 200
    sql(crew.app, "UPDATE \"user\" SET role = 'user' WHERE id = :id", id=crew.boss_id)
    assert boss.call("get_session").json["user"]["role"] == "admin"  # the cache, as allowed
    refused = boss.call("list_users")
    assert (refused.status, refused.json["code"]) == (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")
    sql(crew.app, 'DELETE FROM "session" WHERE "userId" = :id', id=crew.boss_id)
    gone = boss.call("list_users")
    assert (gone.status, gone.json) == (401, None)


def test_options(make_app: Any, via: str, clock: Clock) -> None:
    plugin = admin(
        default_role="member",
        impersonation_session_duration=600,
        default_ban_reason="Rules",
        default_ban_expires_in=60,
        banned_user_message=lambda user: f"{user['name']} is banned",
        roles={**DEFAULT_ROLES, "member": DEFAULT_ROLES["user"]},
        admin_roles="admin",
    )
    crew = make_crew(make_app(plugins=[plugin]), via)
    assert crew.ann.call("get_session").json["user"]["role"] == "member"
    started = crew.boss.call("impersonate_user", {"userId": crew.ann_id})
    assert started.json["session"]["expiresAt"] == "2026-11-25T12:10:00.000Z"
    crew.boss.call("stop_impersonating")
    banned = crew.boss.call("ban_user", {"userId": crew.ann_id}).json["user"]
    assert (banned["banReason"], banned["banExpires"]) == ("Rules", "2026-11-25T12:01:00.000Z")
    refused = crew.sign_in("ann@example.com")[1]
    assert refused.json == {"message": "Ann is banned", "code": "BANNED_USER"}
    clock.advance(minutes=2)
    assert crew.sign_in("ann@example.com")[1].status == 200


# -- the smaller flows, on SQLite only ------------------------------------------------


def test_new_users_get_the_default_role_and_admin_fields(crew: Crew) -> None:
    reply = crew.ann.call("get_session")
    user = reply.json["user"]
    assert (user["role"], user["banned"], user["banReason"], user["banExpires"]) == (
        "user",
        False,
        None,
        None,
    )
    assert reply.json["session"]["impersonatedBy"] is None


def test_unban_and_permanent_ban(crew: Crew) -> None:
    banned = crew.boss.call("ban_user", {"userId": crew.ann_id})
    assert (banned.json["user"]["banReason"], banned.json["user"]["banExpires"]) == (
        "No reason",
        None,
    )
    assert crew.sign_in("ann@example.com")[1].status == 403
    unbanned = crew.boss.call("unban_user", {"userId": crew.ann_id})
    assert unbanned.json["user"]["banned"] is False
    assert crew.sign_in("ann@example.com")[1].status == 200


def test_sessions_and_password(crew: Crew) -> None:
    listed = crew.boss.call("list_user_sessions", {"userId": crew.ann_id})
    (session,) = listed.json["sessions"]
    assert session["userId"] == crew.ann_id
    assert crew.boss.call("revoke_user_session", {"sessionToken": session["token"]}).json == {
        "success": True
    }
    assert crew.ann.call("get_session").json is None
    crew.sign_in("ann@example.com")
    assert crew.boss.call("revoke_user_sessions", {"userId": crew.ann_id}).json == {"success": True}
    assert not [s for s in rows(crew.app, "session") if s["userId"] == crew.ann_id]
    changed = crew.boss.call(
        "set_user_password", {"userId": crew.ann_id, "newPassword": "another-secret"}
    )
    assert changed.json == {"status": True}
    assert crew.sign_in("ann@example.com", PASSWORD)[1].status == 401
    assert crew.sign_in("ann@example.com", "another-secret")[1].status == 200


def test_has_permission(crew: Crew) -> None:
    ask = {"permissions": {"user": ["ban"]}, "role": "admin"}
    assert crew.boss.call("user_has_permission", ask).json == {"error": None, "success": True}
    # The session's user is asked about; the body's role is ignored.
    assert crew.ann.call("user_has_permission", ask).json == {"error": None, "success": False}


def test_has_permission_from_the_server(crew: Crew) -> None:
    server = Caller(crew.app, "api")  # no session: the server asks (HTTP needs one)
    ask = {"permissions": {"user": ["ban"]}}
    assert server.call("user_has_permission", {**ask, "userId": crew.boss_id}).json["success"]
    assert not server.call("user_has_permission", {**ask, "userId": crew.ann_id}).json["success"]
    assert server.call("user_has_permission", {**ask, "role": "admin"}).json["success"]
    ghost = server.call("user_has_permission", {**ask, "userId": "ghost"})
    assert (ghost.status, ghost.json) == (400, {"message": "user not found"})
    empty = server.call("user_has_permission", {"permissions": {}, "role": "admin"})
    assert empty.json == {"error": None, "success": False}
