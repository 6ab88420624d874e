"""The admin plugin's central flows (users, bans, impersonation), on SQLite and PostgreSQL,
over HTTP and ``auth.api``."""

from __future__ import annotations

from tests.helpers import Clock
from tests.helpers import rows
from tests.plugins.admin.conftest import Crew

BANNED = {
    "message": "You have been banned from this application. "
    "Please contact support if you believe this is an error.",
    "code": "BANNED_USER",
}


def test_create_list_get_update_and_remove(crew: Crew) -> None:
    made = crew.boss.call(
        "create_user",
        {
            "email": "Cy@Example.com",
            "name": "Cy",
            "password": "x",
            "role": ["user", "editor"],
            "data": {"emailVerified": True},
        },
    )
    assert made.status == 200, made.json
    cy = made.json["user"]
    assert (cy["email"], cy["role"], cy["emailVerified"]) == ("cy@example.com", "user,editor", True)
    assert not [s for s in rows(crew.app, "session") if s["userId"] == cy["id"]]
    # The password was kept (no minimum length for an admin).
    assert crew.sign_in("cy@example.com", "x")[1].status == 200

    listed = crew.boss.call("list_users", query={"limit": "2", "sortBy": "email"})
    assert listed.status == 200
    assert [u["email"] for u in listed.json["users"]] == ["ann@example.com", "boss@example.com"]
    assert (listed.json["total"], listed.json["limit"]) == (3, 2)
    assert "offset" not in listed.json
    page2 = crew.boss.call(
        "list_users", query={"limit": 2, "offset": 2, "sortBy": "email", "sortDirection": "asc"}
    )
    assert [u["email"] for u in page2.json["users"]] == ["cy@example.com"]
    assert (page2.json["total"], page2.json["offset"]) == (3, 2)
    found = crew.boss.call(
        "list_users",
        query={"searchValue": "Bo", "searchField": "name", "searchOperator": "starts_with"},
    )
    assert [u["name"] for u in found.json["users"]] == ["Boss"]
    filtered = crew.boss.call(
        "list_users", query={"filterField": "role", "filterValue": "admin", "filterOperator": "ne"}
    )
    assert {u["name"] for u in filtered.json["users"]} == {"Ann", "Cy"}

    got = crew.boss.call("get_user", query={"id": cy["id"]})
    assert (got.status, got.json["email"]) == (200, "cy@example.com")
    updated = crew.boss.call("admin_update_user", {"userId": cy["id"], "data": {"name": "Cyril"}})
    assert (updated.status, updated.json["name"]) == (200, "Cyril")
    role = crew.boss.call("set_role", {"userId": cy["id"], "role": "admin"})
    assert role.json["user"]["role"] == "admin"

    removed = crew.boss.call("remove_user", {"userId": cy["id"]})
    assert removed.json == {"success": True}
    assert not [u for u in rows(crew.app, "user") if u["id"] == cy["id"]]
    assert not [a for a in rows(crew.app, "account") if a["userId"] == cy["id"]]
    gone = crew.boss.call("get_user", query={"id": cy["id"]})
    assert (gone.status, gone.json["code"]) == (404, "USER_NOT_FOUND")


def test_ban_refuses_sign_in_ends_sessions_and_expires(crew: Crew, clock: Clock) -> None:
    banned = crew.boss.call(
        "ban_user", {"userId": crew.ann_id, "banReason": "spam", "banExpiresIn": 3600}
    )
    assert banned.status == 200
    user = banned.json["user"]
    assert (user["banned"], user["banReason"]) == (True, "spam")
    assert user["banExpires"] == "2026-11-25T13:00:00.000Z"
    assert crew.ann.call("get_session").json is None
    _, refused = crew.sign_in(user["email"])
    assert (refused.status, refused.json) == (403, BANNED)

    clock.advance(hours=2)  # past the ban's end: it lifts itself at the next sign-in
    ann, again = crew.sign_in(user["email"])
    assert again.status == 200
    assert again.json["user"]["banned"] is True  # as loaded before the ban was lifted
    assert ann.call("get_session").json["user"]["banned"] is False


def test_impersonate_and_stop(crew: Crew) -> None:
    boss_session = crew.boss.call("get_session").json["session"]
    started = crew.boss.call("impersonate_user", {"userId": crew.ann_id})
    assert started.status == 200, started.json
    assert started.json["user"]["id"] == crew.ann_id
    session = started.json["session"]
    assert session["impersonatedBy"] == crew.boss_id
    assert session["expiresAt"] == "2026-11-25T13:00:00.000Z"
    assert started.cookie("better-auth.admin_session")
    now_ann = crew.boss.call("get_session").json
    assert now_ann["user"]["id"] == crew.ann_id
    # Ann's own list of sessions does not show the impersonation.
    listed = crew.ann.call("list_sessions").json
    assert all(not s["impersonatedBy"] for s in listed) and len(listed) == 1
    admin_listed = crew.boss.call("list_user_sessions", {"userId": crew.ann_id})
    assert admin_listed.status == 403  # the impersonated session is Ann's: no admin rights

    stopped = crew.boss.call("stop_impersonating")
    assert stopped.status == 200, stopped.json
    assert stopped.json["user"]["id"] == crew.boss_id
    assert stopped.json["session"]["id"] == boss_session["id"]
    assert crew.boss.call("get_session").json["user"]["id"] == crew.boss_id
    assert not [s for s in rows(crew.app, "session") if s["impersonatedBy"]]
    assert "better-auth.admin_session" not in crew.boss.jar
