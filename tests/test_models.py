"""The core schema (spec 7.1): models, columns, constraints, indexes and stored formats,
and a database laid out by Better Auth's own DDL served as it is."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import build_app
from tests.helpers import rows
from tests.helpers import sql
from tests.spec_snippets import hash_password
from tests.spec_snippets import sign_cookie_value

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}

#: Column -> nullable, per spec 7.1.
COLUMNS = {
    "user": {
        "id": False,
        "name": False,
        "email": False,
        "emailVerified": False,
        "image": True,
        "createdAt": False,
        "updatedAt": False,
    },
    "session": {
        "id": False,
        "expiresAt": False,
        "token": False,
        "createdAt": False,
        "updatedAt": False,
        "ipAddress": True,
        "userAgent": True,
        "userId": False,
    },
    "account": {
        "id": False,
        "accountId": False,
        "providerId": False,
        "userId": False,
        "accessToken": True,
        "refreshToken": True,
        "idToken": True,
        "accessTokenExpiresAt": True,
        "refreshTokenExpiresAt": True,
        "scope": True,
        "password": True,
        "createdAt": False,
        "updatedAt": False,
    },
    "verification": {
        "id": False,
        "identifier": False,
        "value": False,
        "expiresAt": False,
        "createdAt": False,
        "updatedAt": False,
    },
}
DATES = {"createdAt", "updatedAt", "expiresAt", "accessTokenExpiresAt", "refreshTokenExpiresAt"}


@pytest.fixture
def inspector(auth_app):
    with auth_app.app.app_context():
        yield sa.inspect(auth_app.db.engine)


def test_models_on_the_apps_db(auth_app):
    with auth_app.app.app_context():
        models = auth_app.auth.models
        assert models.User.__tablename__ == "user"
        assert models.Session.__tablename__ == "session"
        assert models.Account.__tablename__ == "account"
        assert models.Verification.__tablename__ == "verification"
        for model in (models.User, models.Session, models.Account, models.Verification):
            assert issubclass(model, auth_app.db.Model)


def test_models_work_with_the_orm(auth_app):
    caller = Caller(auth_app, "http")
    user_id = caller.call("sign_up_email", ANN).json["user"]["id"]
    with auth_app.app.app_context():
        models, session = auth_app.auth.models, auth_app.db.session
        user = session.get(models.User, user_id)
        assert user.email == "ann@example.com"
        assert user.emailVerified is False
        assert user.createdAt.tzinfo is not None
        (row,) = session.execute(
            sa.select(models.Session).where(models.Session.userId == user_id)
        ).scalars()
        assert row.token != caller.jar["better-auth.session_token"].split(".")[0]


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_columns_and_nullability(inspector, table):
    columns = {c["name"]: c for c in inspector.get_columns(table)}
    assert set(columns) == set(COLUMNS[table])
    for name, nullable in COLUMNS[table].items():
        assert bool(columns[name]["nullable"]) is nullable, name
    assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"]


def test_set_of_tables(inspector):
    assert set(inspector.get_table_names()) == set(COLUMNS)


def _unique_columns(inspector, table):
    found = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
    found |= {tuple(i["column_names"]) for i in inspector.get_indexes(table) if i["unique"]}
    return found


def test_unique_columns(inspector):
    assert ("email",) in _unique_columns(inspector, "user")
    assert ("token",) in _unique_columns(inspector, "session")


@pytest.mark.parametrize(
    ("table", "index", "column"),
    [
        ("session", "session_userId_idx", "userId"),
        ("account", "account_userId_idx", "userId"),
        ("verification", "verification_identifier_idx", "identifier"),
    ],
)
def test_indexes(inspector, table, index, column):
    indexes = {i["name"]: i for i in inspector.get_indexes(table)}
    assert index in indexes
    assert indexes[index]["column_names"] == [column]
    assert not indexes[index]["unique"]


@pytest.mark.parametrize("table", ["session", "account"])
def test_user_foreign_keys_cascade(inspector, table):
    (fk,) = inspector.get_foreign_keys(table)
    assert fk["constrained_columns"] == ["userId"]
    assert (fk["referred_table"], fk["referred_columns"]) == ("user", ["id"])
    assert fk["options"].get("ondelete", "").upper() == "CASCADE"


def test_column_types(inspector, auth_app):
    user = {c["name"]: c["type"] for c in inspector.get_columns("user")}
    session = {c["name"]: c["type"] for c in inspector.get_columns("session")}
    with auth_app.app.app_context():
        name = auth_app.db.engine.dialect.name
    if name == "postgresql":
        assert isinstance(user["emailVerified"], sa.Boolean)
        for column in ("createdAt", "updatedAt"):
            assert isinstance(user[column], sa.DateTime) and user[column].timezone
        assert isinstance(session["expiresAt"], sa.DateTime) and session["expiresAt"].timezone
        assert isinstance(user["email"], sa.Text)
    else:
        # SQLite: text columns hold Better Auth's ISO strings.
        assert isinstance(user["createdAt"], sa.Text)
        assert isinstance(session["expiresAt"], sa.Text)


def test_sqlite_stores_values_as_better_auth_does(clock, tmp_path):
    test_app = build_app(f"sqlite:///{tmp_path}/text-forms.sqlite")
    try:
        Caller(test_app, "http").call("sign_up_email", ANN)
        (user,) = sql(test_app, 'SELECT "emailVerified", "createdAt", "updatedAt" FROM "user"')
        assert user == {
            "emailVerified": 0,
            "createdAt": "2026-11-25T12:00:00.000Z",
            "updatedAt": "2026-11-25T12:00:00.000Z",
        }
        (session,) = sql(test_app, 'SELECT "expiresAt" FROM session')
        assert session["expiresAt"] == "2026-12-02T12:00:00.000Z"
    finally:
        test_app.dispose()


# -- a database made by Better Auth ----------------------------------------------------

POSTGRES_DDL = [
    'create table "user" ("id" text not null primary key, "name" text not null, "email" text '
    'not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz '
    'default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not '
    "null)",
    'create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, '
    '"token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, '
    '"updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not '
    'null references "user" ("id") on delete cascade)',
    'create table "account" ("id" text not null primary key, "accountId" text not null, '
    '"providerId" text not null, "userId" text not null references "user" ("id") on delete '
    'cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" '
    'timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, '
    '"createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not '
    "null)",
    'create table "verification" ("id" text not null primary key, "identifier" text not null, '
    '"value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default '
    'CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)',
    'create index "session_userId_idx" on "session" ("userId")',
    'create index "account_userId_idx" on "account" ("userId")',
    'create index "verification_identifier_idx" on "verification" ("identifier")',
]
# Better Auth's SQLite DDL: the same shape, with integer booleans and "date" columns.
SQLITE_DDL = [
    statement.replace("timestamptz", "date")
    .replace("boolean", "integer")
    .replace(" default CURRENT_TIMESTAMP", "")
    for statement in POSTGRES_DDL
]


def test_database_made_and_filled_by_better_auth(clock, database_url):
    engine = sa.create_engine(database_url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for statement in POSTGRES_DDL if postgres else SQLITE_DDL:
            conn.execute(sa.text(statement))
        # Rows as Better Auth writes them: ISO strings, integer booleans, raw tokens.
        created = "2026-11-24T08:30:00.125Z"
        expires = "2026-12-01T08:30:00.125Z"
        conn.execute(
            sa.text('insert into "user" values (:id, :name, :email, :verified, null, :at, :at)'),
            {
                "id": "U" * 32,
                "name": "Bea",
                "email": "bea@example.com",
                "verified": True if postgres else 1,
                "at": created,
            },
        )
        conn.execute(
            sa.text(
                'insert into "account" ("id", "accountId", "providerId", "userId", "password", '
                '"createdAt", "updatedAt") values (:id, :user, :provider, :user, :pw, :at, :at)'
            ),
            {
                "id": "A" * 32,
                "user": "U" * 32,
                "provider": "credential",
                "pw": hash_password(PASSWORD),
                "at": created,
            },
        )
        conn.execute(
            sa.text(
                'insert into "session" values (:id, :expires, :token, :at, :at, :ip, :ua, :user)'
            ),
            {
                "id": "S" * 32,
                "expires": expires,
                "token": "T" * 32,
                "at": created,
                "ip": "",
                "ua": "",
                "user": "U" * 32,
            },
        )
    engine.dispose()

    test_app = build_app(database_url)
    try:
        caller = Caller(test_app, "http")
        caller.jar["better-auth.session_token"] = sign_cookie_value("T" * 32, SECRET)
        got = caller.call("get_session", query={"disableRefresh": "1"}).json
        assert got["session"]["id"] == "S" * 32
        assert got["session"]["expiresAt"] == expires
        assert got["user"] == {
            "id": "U" * 32,
            "name": "Bea",
            "email": "bea@example.com",
            "emailVerified": True,
            "image": None,
            "createdAt": created,
            "updatedAt": created,
        }
        caller.jar.clear()
        signed = caller.call("sign_in_email", {"email": "bea@example.com", "password": PASSWORD})
        assert signed.status == 200
        # Our own writes land in Better Auth's tables too.
        assert caller.call("sign_up_email", ANN).status == 200
        users = {u["email"]: u for u in rows(test_app, "user")}
        assert users["ann@example.com"]["createdAt"] == datetime(
            2026, 11, 25, 12, tzinfo=timezone.utc
        )
    finally:
        test_app.dispose()


def test_a_plugin_declares_an_index_over_several_fields(tmp_path):
    from flask_betterauth.plugins import Plugin

    schema = {
        "note": {
            "fields": {
                "ownerId": {"type": "string", "required": True},
                "createdAt": {"type": "date", "required": True},
            },
            "indexes": [("ownerId", "createdAt")],
        },
        "user": {"indexes": [("name", "createdAt")]},
    }
    test_app = build_app(f"sqlite:///{tmp_path}/a.sqlite", plugins=[Plugin("notes", schema=schema)])
    with test_app.app.app_context():
        inspector = sa.inspect(test_app.db.engine)
        found = {i["name"]: i["column_names"] for i in inspector.get_indexes("note")}
        assert found["note_ownerId_createdAt_idx"] == ["ownerId", "createdAt"]
        users = {i["name"]: i["column_names"] for i in inspector.get_indexes("user")}
        assert users["user_name_createdAt_idx"] == ["name", "createdAt"]
        test_app.db.engine.dispose()


def test_an_index_over_a_missing_field_is_refused(tmp_path):
    from flask_betterauth.errors import BetterAuthError
    from flask_betterauth.plugins import Plugin

    schema = {"note": {"fields": {"ownerId": {"type": "string"}}, "indexes": [("ownerId", "x")]}}
    with pytest.raises(BetterAuthError, match="needs two or more fields"):
        build_app(f"sqlite:///{tmp_path}/a.sqlite", plugins=[Plugin("notes", schema=schema)])


def test_a_plugin_declares_a_unique_index_over_several_fields(tmp_path):
    from flask_betterauth.errors import BetterAuthError
    from flask_betterauth.plugins import Plugin

    fields = {"ownerId": {"type": "string"}, "slug": {"type": "string"}}
    schema = {
        "note": {"fields": fields, "unique_indexes": [("ownerId", "slug")]},
        "user": {"unique_indexes": [("name", "image")]},
    }
    test_app = build_app(f"sqlite:///{tmp_path}/a.sqlite", plugins=[Plugin("notes", schema=schema)])
    with test_app.app.app_context():
        inspector = sa.inspect(test_app.db.engine)
        found = {i["name"]: i for i in inspector.get_indexes("note")}
        assert found["note_ownerId_slug_uidx"]["column_names"] == ["ownerId", "slug"]
        assert found["note_ownerId_slug_uidx"]["unique"]
        users = {i["name"]: i for i in inspector.get_indexes("user")}
        assert users["user_name_image_uidx"]["unique"]
        accounts = {i["name"]: i for i in inspector.get_indexes("account")}
        assert accounts["account_providerId_accountId_uidx"]["unique"]
        test_app.db.engine.dispose()
    bad = {"note": {"fields": fields, "unique_indexes": ["slug"]}}
    with pytest.raises(BetterAuthError, match="not a tuple of fields"):
        build_app(f"sqlite:///{tmp_path}/b.sqlite", plugins=[Plugin("notes", schema=bad)])


def test_renamed_account_columns_keep_the_unique_index(tmp_path):
    fields = {"providerId": "provider_id", "accountId": "account_id"}
    test_app = build_app(f"sqlite:///{tmp_path}/a.sqlite", account={"fields": fields})
    with test_app.app.app_context():
        found = {i["name"]: i for i in sa.inspect(test_app.db.engine).get_indexes("account")}
        index = found["account_provider_id_account_id_uidx"]
        assert index["column_names"] == ["provider_id", "account_id"] and index["unique"]
        test_app.db.engine.dispose()
