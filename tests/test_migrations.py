"""``flask auth migrate`` and ``flask auth generate`` on SQLite and PostgreSQL.

Migrations start from an empty database and from an older schema, run twice, and never
drop anything; each ``generate`` format, applied to another empty database, gives the
schema ``migrate`` gives.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from flask_betterauth import ddl
from flask_betterauth import migrations
from tests.cli_support import another_database
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import run_sql
from tests.cli_support import schema_of
from tests.helpers import PASSWORD
from tests.helpers import TestApp

#: Fields a later version of the app adds to ``user``.
NEW_FIELDS: dict[str, Any] = {
    "nickname": {"type": "string", "unique": True},
    "age": {"type": "number", "index": True},
    "bio": {"type": "string", "required": True},
    "plan": {"type": "string", "required": True, "default_value": "free"},
    "active": {"type": "boolean", "required": True, "default_value": True},
}


@pytest.fixture
def bare(database_url: str) -> Iterator[Callable[..., TestApp]]:
    """Build apps on the test's database without creating tables; engines closed after."""
    made: list[TestApp] = []

    def factory(**options: Any) -> TestApp:
        test_app = build_bare_app(database_url, **options)
        made.append(test_app)
        return test_app

    yield factory
    for test_app in made:
        engine_of(test_app).dispose()


@pytest.fixture
def other_engine(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[sa.engine.Engine]:
    """A second empty database of the same kind."""
    with another_database(request, database_url, tmp_path) as url:
        engine = sa.create_engine(url)
        yield engine
        engine.dispose()


def _invoke(test_app: TestApp, *args: str, input: str | None = None) -> Any:
    return test_app.app.test_cli_runner().invoke(args=["auth", *args], input=input)


def _tables(test_app: TestApp) -> list[sa.Table]:
    return list(test_app.app.extensions["betterauth"].models.tables.values())


def _sign_up(test_app: TestApp, email: str = "ann@example.com", **fields: Any) -> None:
    body = {"name": "Ann", "email": email, "password": PASSWORD, **fields}
    reply = test_app.app.test_client().post("/api/auth/sign-up/email", json=body)
    assert reply.status_code == 200, reply.json


def test_migrate_from_empty_then_again(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    first = _invoke(test_app, "migrate", "--yes")
    assert first.exit_code == 0, first.output
    assert 'create table "user" (7 columns)' in first.output
    assert 'create index "session_userId_idx" on "session" ("userId")' in first.output
    assert "Applied 8 change(s)." in first.output
    schema = schema_of(engine_of(test_app))
    assert {"user", "session", "account", "verification"} <= set(schema)
    assert (("email",), True) in schema["user"]["indexes"] or ("email",) in schema["user"]["unique"]
    second = _invoke(test_app, "migrate", "--yes")
    assert second.exit_code == 0
    assert "up to date: nothing to do" in second.output
    assert schema_of(engine_of(test_app)) == schema
    _sign_up(test_app)


def test_migrate_gives_the_schema_of_the_models(
    bare: Callable[..., TestApp], other_engine: sa.engine.Engine
) -> None:
    test_app = bare(user={"additional_fields": NEW_FIELDS})
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    test_app.db.metadata.create_all(other_engine, tables=_tables(test_app))
    assert schema_of(engine_of(test_app)) == schema_of(other_engine)


def test_migrate_from_an_older_schema(bare: Callable[..., TestApp]) -> None:
    old = bare()
    assert _invoke(old, "migrate", "--yes").exit_code == 0
    _sign_up(old)
    with engine_of(old).begin() as conn:
        conn.execute(sa.text('DROP INDEX "session_userId_idx"'))
    new = bare(user={"additional_fields": NEW_FIELDS})
    result = _invoke(new, "migrate", "--yes")
    assert result.exit_code == 0, result.output
    for line in (
        'add column "user"."nickname"',
        'add column "user"."age"',
        'add column "user"."active"',
        'add column "user"."plan"',
        'create index "user_age_idx" on "user" ("age")',
        'create unique index "user_nickname_key" on "user" ("nickname")',
        'create index "session_userId_idx" on "session" ("userId")',
    ):
        assert line in result.output
    assert 'add column "user"."bio": added NULL-able' in result.output
    with engine_of(new).connect() as conn:
        row = conn.execute(sa.text('SELECT nickname, plan, active, bio FROM "user"')).one()
    assert (row.nickname, row.plan, bool(row.active), row.bio) == (None, "free", True, None)
    again = _invoke(new, "migrate", "--yes")
    assert "nothing to do" in again.output
    _sign_up(new, "bob@example.com", bio="Hi")
    with pytest.raises(sa.exc.IntegrityError):
        with engine_of(new).begin() as conn:
            conn.execute(sa.text("UPDATE \"user\" SET nickname = 'same'"))


def test_migrate_never_drops(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    with engine_of(test_app).begin() as conn:
        conn.execute(sa.text("CREATE TABLE keep_me (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text('ALTER TABLE "user" ADD COLUMN legacy TEXT'))
        conn.execute(sa.text("ALTER TABLE account ADD COLUMN issuer TEXT NOT NULL DEFAULT 'x'"))
        conn.execute(sa.text("ALTER TABLE verification ADD COLUMN blocker INTEGER"))
    before = schema_of(engine_of(test_app))
    result = _invoke(test_app, "migrate", "--yes")
    assert result.exit_code == 0
    assert "nothing to do" in result.output
    assert schema_of(engine_of(test_app)) == before


def test_a_required_column_the_app_never_writes_is_reported(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    engine = engine_of(test_app)
    with engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE verification (id TEXT PRIMARY KEY, extra TEXT NOT NULL)")
        )
    plan = migrations.plan_migration(engine, _tables(test_app))
    steps = {step.describe() for step in plan.steps}
    added = 'add column "verification"."identifier"'
    if engine.dialect.name == "sqlite":  # SQLite adds no NOT NULL column without a default
        added += (
            ": added NULL-able: it is required but has no constant default, so existing "
            "rows could not satisfy NOT NULL"
        )
    assert added in steps  # PostgreSQL: NOT NULL, the table being empty
    assert any('"verification"."extra" is NOT NULL without a default' in w for w in plan.warnings)


def test_migrate_asks_before_changing(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    refused = _invoke(test_app, "migrate", input="n\n")
    assert refused.exit_code == 1
    assert "Apply them?" in refused.output and "Aborted" in refused.output
    assert sa.inspect(engine_of(test_app)).get_table_names() == []
    accepted = _invoke(test_app, "migrate", input="y\n")
    assert accepted.exit_code == 0
    assert "Applied 8 change(s)." in accepted.output


def test_generated_sql_gives_the_schema_of_migrate(
    bare: Callable[..., TestApp], other_engine: sa.engine.Engine
) -> None:
    test_app = bare(user={"additional_fields": NEW_FIELDS})
    result = _invoke(test_app, "generate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"-- Better Auth tables for {other_engine.dialect.name}")
    run_sql(other_engine, ddl.split_sql(result.output))
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    assert schema_of(other_engine) == schema_of(engine_of(test_app))
    plan = migrations.plan_migration(other_engine, _tables(test_app))
    assert plan.empty


def test_generated_sql_holds_only_what_is_missing(bare: Callable[..., TestApp]) -> None:
    assert _invoke(bare(), "migrate", "--yes").exit_code == 0
    new = bare(user={"additional_fields": NEW_FIELDS})
    script = _invoke(new, "generate").output
    statements = ddl.split_sql(script)
    assert all(not s.upper().startswith("CREATE TABLE") for s in statements)
    assert sum(s.upper().startswith("ALTER TABLE") for s in statements) == 5
    run_sql(engine_of(new), statements)
    assert migrations.plan_migration(engine_of(new), _tables(new)).empty
    full = ddl.split_sql(_invoke(new, "generate", "--full").output)
    assert sum(s.upper().startswith("CREATE TABLE") for s in full) == 4


def test_generated_models_module_gives_the_schema_of_migrate(
    bare: Callable[..., TestApp], other_engine: sa.engine.Engine
) -> None:
    test_app = bare(user={"additional_fields": NEW_FIELDS})
    result = _invoke(test_app, "generate", "--format", "sqlalchemy")
    assert result.exit_code == 0, result.output
    module = types.ModuleType("generated_auth_models")
    exec(compile(result.output, "generated_auth_models.py", "exec"), module.__dict__)  # noqa: S102
    assert {"User", "Session", "Account", "Verification"} <= set(vars(module))
    module.Base.metadata.create_all(other_engine)
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    assert schema_of(other_engine) == schema_of(engine_of(test_app))


def test_generated_alembic_revision_gives_the_schema_of_migrate(
    bare: Callable[..., TestApp], other_engine: sa.engine.Engine
) -> None:
    test_app = bare(user={"additional_fields": NEW_FIELDS})
    result = _invoke(test_app, "generate", "--format", "alembic")
    assert result.exit_code == 0, result.output
    revision = types.ModuleType("revision")
    exec(compile(result.output, "revision.py", "exec"), revision.__dict__)  # noqa: S102
    assert revision.down_revision is None and len(revision.revision) == 12
    with other_engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        revision.upgrade()
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    assert schema_of(other_engine) == schema_of(engine_of(test_app))
    with other_engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        revision.downgrade()
    assert sa.inspect(other_engine).get_table_names() == []


def test_generated_alembic_revision_adds_what_is_missing(bare: Callable[..., TestApp]) -> None:
    assert _invoke(bare(), "migrate", "--yes").exit_code == 0
    new = bare(user={"additional_fields": NEW_FIELDS})
    text = _invoke(new, "generate", "--format", "alembic").output
    assert "op.create_table" not in text and text.count("op.add_column") == 5
    revision = types.ModuleType("revision")
    exec(compile(text, "revision.py", "exec"), revision.__dict__)  # noqa: S102
    engine = engine_of(new)
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        revision.upgrade()
    assert migrations.plan_migration(engine, _tables(new)).empty


@pytest.mark.parametrize("database_url", ["sqlite:///:memory:"], indirect=False)
def test_generate_for_another_dialect(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    mysql = _invoke(test_app, "generate", "--dialect", "mysql").output
    assert "CREATE TABLE user (\n\tid VARCHAR(36) NOT NULL" in mysql
    assert "email VARCHAR(255) NOT NULL" in mysql
    assert "`createdAt` DATETIME(3) NOT NULL" in mysql
    assert "CREATE INDEX `session_userId_idx` ON session (`userId`);" in mysql
    postgresql = _invoke(test_app, "generate", "--dialect", "postgresql").output
    assert 'CREATE TABLE "user" (' in postgresql
    assert '"expiresAt" TIMESTAMP WITH TIME ZONE NOT NULL' in postgresql
    user = test_app.app.extensions["betterauth"].models.tables["user"]
    assert isinstance(user.c.email.type, sa.Text)  # planning for MySQL left it alone


def test_generate_writes_a_file_and_asks_before_replacing_it(
    bare: Callable[..., TestApp], tmp_path: Path
) -> None:
    test_app = bare()
    target = tmp_path / "auth.sql"
    first = _invoke(test_app, "generate", "--output", str(target))
    assert first.exit_code == 0 and "Wrote" in first.output
    assert target.read_text().startswith("-- Better Auth tables")
    target.write_text("mine")
    refused = _invoke(test_app, "generate", "--output", str(target), input="n\n")
    assert refused.exit_code == 1 and target.read_text() == "mine"
    forced = _invoke(test_app, "generate", "--output", str(target), "--yes")
    assert forced.exit_code == 0 and target.read_text().startswith("-- Better Auth tables")


# -- account(providerId, accountId) is unique ------------------------------------------

ACCOUNT_KEY = '"account_providerId_accountId_uidx"'


def _insert_account(engine: sa.engine.Engine, row_id: str, user_id: str, account_id: str) -> None:
    statement = sa.text(
        'INSERT INTO account (id, "accountId", "providerId", "userId", "createdAt", '
        '"updatedAt") VALUES (:id, :account, :provider, :user, :at, :at)'
    )
    at = "2026-11-27T00:00:00.000Z"
    with engine.begin() as conn:
        conn.execute(
            statement,
            {"id": row_id, "account": account_id, "provider": "github", "user": user_id, "at": at},
        )


def _user_ids(engine: sa.engine.Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.text('SELECT id FROM "user" ORDER BY email'))]


def test_generate_and_migrate_make_the_provider_account_unique(
    bare: Callable[..., TestApp],
) -> None:
    from flask_betterauth.storage import ConflictError

    test_app = bare()
    script = _invoke(test_app, "generate").output
    assert f'CREATE UNIQUE INDEX {ACCOUNT_KEY} ON account ("providerId", "accountId")' in script
    alembic = _invoke(test_app, "generate", "--format", "alembic").output
    assert "op.create_index('account_providerId_accountId_uidx', 'account', " in alembic
    assert "['providerId', 'accountId'], unique=True)" in alembic
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    engine = engine_of(test_app)
    found = {i["name"]: i for i in sa.inspect(engine).get_indexes("account")}
    index = found["account_providerId_accountId_uidx"]
    assert index["column_names"] == ["providerId", "accountId"] and index["unique"]
    # Credential accounts (accountId = the user's id) never clash.
    _sign_up(test_app, "ann@example.com")
    _sign_up(test_app, "bob@example.com")
    with engine.connect() as conn:
        query = 'SELECT "accountId" FROM account WHERE "providerId" = \'credential\''
        assert sorted(r[0] for r in conn.execute(sa.text(query))) == sorted(_user_ids(engine))
    # A second row for one provider account is a conflict, for any user.
    ann, bob = _user_ids(engine)
    stamp = datetime.now(timezone.utc)
    row = {"providerId": "github", "accountId": "42", "createdAt": stamp, "updatedAt": stamp}
    with test_app.app.app_context():
        adapter = test_app.state.adapter
        adapter.create("account", {**row, "id": "a1", "userId": ann})
        with pytest.raises(ConflictError):
            adapter.create("account", {**row, "id": "a2", "userId": bob})
        adapter.create("account", {**row, "id": "a3", "userId": bob, "accountId": "43"})


def test_migrate_adds_the_index_or_refuses_duplicates(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    engine = engine_of(test_app)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP INDEX {ACCOUNT_KEY}"))
    _sign_up(test_app, "ann@example.com")
    _sign_up(test_app, "bob@example.com")
    ann, bob = _user_ids(engine)
    _insert_account(engine, "a1", ann, "42")
    _insert_account(engine, "a2", bob, "42")
    _insert_account(engine, "a3", bob, "7")
    before = schema_of(engine)
    refused = _invoke(test_app, "migrate", "--yes")
    assert refused.exit_code == 1
    assert "migration refused, nothing changed" in refused.output
    assert 'unique index on "account" ("providerId", "accountId")' in refused.output
    assert "('github', '42') in 2 rows" in refused.output and "'7'" not in refused.output
    assert schema_of(engine) == before
    plan = migrations.plan_migration(engine, _tables(test_app))
    with pytest.raises(migrations.MigrationRefused, match="Delete or merge"):
        migrations.apply(engine, plan)
    generated = _invoke(test_app, "generate")
    assert "error: cannot add the unique index" in generated.output
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM account WHERE id = 'a2'"))
    fixed = _invoke(test_app, "migrate", "--yes")
    assert fixed.exit_code == 0, fixed.output
    assert f'create unique index {ACCOUNT_KEY} on "account"' in fixed.output
    assert migrations.plan_migration(engine, _tables(test_app)).empty
