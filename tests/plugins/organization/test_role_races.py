"""Stored role names stay unique per organization when requests race (threads, SQLite
and PostgreSQL), and ``flask auth migrate`` refuses to add that index over duplicates.

A barrier in front of the ``organizationRole`` write makes certain both requests have
read "no such name" before either writes; the unique index on ``organizationRole
(organizationId, role)`` then lets one write through and the other request answers
``400 ROLE_NAME_IS_ALREADY_TAKEN``. Without the index both would write (Better Auth
has no such index).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import organization
from flask_betterauth.plugins.organization import default_ac
from flask_betterauth.storage import SQLAlchemyAdapter
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth
from tests.helpers import SQLITE_ONLY
from tests.helpers import Caller
from tests.helpers import rows

from .conftest import create
from .conftest import person

ROLES = {"enabled": True}
UNIQUE = "organizationRole_organizationId_role_uidx"


@pytest.fixture
def roles_app(make_app: Any, clock: Any) -> Any:
    return make_app(plugins=[organization(ac=default_ac, dynamic_access_control=ROLES)])


def _held(monkeypatch: pytest.MonkeyPatch, method: str, applies: Callable[[Any], bool]) -> None:
    """Hold two ``organizationRole`` writes (``create`` or ``update_many``) until both
    requests have reached theirs."""
    barrier = threading.Barrier(2, timeout=20)
    original = getattr(SQLAlchemyAdapter, method)

    def held(self: Any, model: str, *args: Any) -> Any:
        if model == "organizationRole" and applies(args[-1]):
            barrier.wait()
        return original(self, model, *args)

    monkeypatch.setattr(SQLAlchemyAdapter, method, held)


def _race(test_app: Any, caller: Caller, path: str, bodies: list[dict[str, Any]]) -> list[Any]:
    """POST each body to ``path`` from its own thread as ``caller``; (status, code) each."""
    cookie = "; ".join(f"{k}={v}" for k, v in caller.jar.items())
    found: list[Any] = []
    lock = threading.Lock()

    def send(body: dict[str, Any]) -> None:
        client = test_app.app.test_client(use_cookies=False)
        reply = client.post(f"/api/auth{path}", json=body, headers={"Cookie": cookie})
        with lock:
            found.append((reply.status_code, (reply.get_json() or {}).get("code")))

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(found, key=lambda item: item[0])


def _names(test_app: Any) -> list[str]:
    return sorted(row["role"] for row in rows(test_app, "organizationRole"))


def test_two_creates_with_one_name_leave_one_role(roles_app, monkeypatch):
    ann = person(roles_app, "http", "ann")
    create(ann)
    _held(monkeypatch, "create", lambda row: True)
    body = {"role": "qa", "permission": {"member": ["create"]}}
    found = _race(roles_app, ann, "/organization/create-role", [body, {**body, "role": "QA"}])
    assert found == [(200, None), (400, "ROLE_NAME_IS_ALREADY_TAKEN")]
    assert _names(roles_app) == ["qa"]


def test_two_renames_to_one_name_leave_one_role(roles_app, monkeypatch):
    ann = person(roles_app, "http", "ann")
    create(ann)
    for name in ("qa", "ops"):
        assert ann.call("create_org_role", {"role": name, "permission": {}}).status == 200
    _held(monkeypatch, "update_many", lambda changes: "role" in changes)
    bodies = [{"roleName": name, "data": {"roleName": "testers"}} for name in ("qa", "ops")]
    found = _race(roles_app, ann, "/organization/update-role", bodies)
    assert found == [(200, None), (400, "ROLE_NAME_IS_ALREADY_TAKEN")]
    assert sorted(_names(roles_app)) in (["ops", "testers"], ["qa", "testers"])


@SQLITE_ONLY
def test_the_same_name_in_two_organizations_is_allowed(roles_app):
    ann = person(roles_app, "api", "ann")
    first = create(ann, "one")
    second = create(ann, "two")
    for org in (first, second):
        body = {"role": "qa", "permission": {}, "organizationId": org["id"]}
        assert ann.call("create_org_role", body).status == 200
    assert _names(roles_app) == ["qa", "qa"]


@SQLITE_ONLY
def test_migrate_adds_the_unique_index_or_names_the_duplicates(database_url, clock):
    test_app = build_bare_app(
        database_url, plugins=[organization(ac=default_ac, dynamic_access_control=ROLES)]
    )
    engine = engine_of(test_app)
    try:
        assert invoke_auth(test_app, "migrate", "--yes").exit_code == 0
        inspector = sa.inspect(engine)
        (index,) = [i for i in inspector.get_indexes("organizationRole") if i["name"] == UNIQUE]
        assert index["unique"] and index["column_names"] == ["organizationId", "role"]
        # a database made before the index (as Better Auth makes it), with duplicates
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP INDEX "{UNIQUE}"'))
            conn.execute(
                sa.text(
                    'INSERT INTO organization (id, name, slug, "createdAt") '
                    "VALUES ('o1', 'Acme', 'acme', '2026-01-01T00:00:00.000Z')"
                )
            )
            for row_id, name in (("r1", "qa"), ("r2", "qa"), ("r3", "ops")):
                conn.execute(
                    sa.text(
                        'INSERT INTO "organizationRole" (id, "organizationId", role, '
                        "permission, \"createdAt\") VALUES (:id, 'o1', :name, '{}', "
                        "'2026-01-01T00:00:00.000Z')"
                    ),
                    {"id": row_id, "name": name},
                )
        refused = invoke_auth(test_app, "migrate", "--yes")
        assert refused.exit_code == 1, refused.output
        assert 'unique index on "organizationRole" ("organizationId", "role")' in refused.output
        assert "('o1', 'qa') in 2 rows" in refused.output and "'ops'" not in refused.output
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM \"organizationRole\" WHERE id = 'r2'"))
        fixed = invoke_auth(test_app, "migrate", "--yes")
        assert fixed.exit_code == 0, fixed.output
        assert f'create unique index "{UNIQUE}"' in fixed.output
    finally:
        engine.dispose()
