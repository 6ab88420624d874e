"""The ``flask auth`` commands, through click's runner and as real ``flask`` processes,
on SQLite and PostgreSQL: info (redacted), secret, cleanup, init, and one-line errors.

``migrate`` and ``generate`` in depth are in ``test_migrations.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import plugins
from flask_betterauth.clock import now
from flask_betterauth.clock import to_ms
from flask_betterauth.scaffold import KNOWN_PLUGINS
from tests.cli_support import build_bare_app
from tests.cli_support import clean_environment
from tests.cli_support import engine_of
from tests.cli_support import run_flask
from tests.cli_support import write_app_module
from tests.helpers import PASSWORD
from tests.helpers import SQLITE_ONLY
from tests.helpers import TestApp
from tests.servers import free_port
from tests.servers import stop_process
from tests.servers import url_answers
from tests.servers import wait_for

HEX_SECRET = re.compile(r"^[0-9a-f]{64}$")
#: Values that must never appear in what ``info`` prints.
SMTP_PASSWORD = "smtp-password-do-not-print"
ENV_TOKEN = "env-token-do-not-print"
URL_PASSWORD = "hunter2-do-not-print"


@pytest.fixture
def bare(database_url: str) -> Iterator[Callable[..., TestApp]]:
    """Build apps on the test's database without creating tables; engines closed after."""
    made: list[TestApp] = []

    def factory(config: dict[str, Any] | None = None, **options: Any) -> TestApp:
        test_app = build_bare_app(database_url, config, **options)
        made.append(test_app)
        return test_app

    yield factory
    for test_app in made:
        engine_of(test_app).dispose()


def _invoke(test_app: TestApp, *args: str, input: str | None = None) -> Any:
    return test_app.app.test_cli_runner().invoke(args=["auth", *args], input=input)


# -- info -------------------------------------------------------------------------------


def _redaction_app(bare: Callable[..., TestApp], monkeypatch: pytest.MonkeyPatch) -> TestApp:
    monkeypatch.setenv("BETTER_AUTH_EXTRA_TOKEN", ENV_TOKEN)
    return bare(
        {
            "BETTER_AUTH_SMTP_PASSWORD": SMTP_PASSWORD,
            "BETTER_AUTH_ADMIN": "boss@example.com",
            "BETTER_AUTH_WEBHOOK": f"https://bot:{URL_PASSWORD}@hooks.example.com/x",
        },
        app_name="Support: help@example.com",
        trusted_origins=["https://app.example.com"],
        user={"additional_fields": {"owner": {"type": "string", "default_value": "o@x.io"}}},
    )


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_info_shows_the_setup_and_redacts_secrets(
    bare: Callable[..., TestApp], monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    test_app = _redaction_app(bare, monkeypatch)
    result = _invoke(test_app, "info", *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    output = result.output
    state = test_app.app.extensions["betterauth"]
    for secret in (state.secret, SMTP_PASSWORD, ENV_TOKEN, URL_PASSWORD):
        assert secret not in output
    for address in ("help@example.com", "boss@example.com", "o@x.io"):
        assert address not in output
    assert "[redacted]" in output and "[email]" in output
    engine = engine_of(test_app)
    if engine.url.username:
        assert f"{engine.url.username}@" not in output
    if as_json:
        report = json.loads(output)
        assert report["versions"]["flask-betterauth"]
        assert report["database"]["dialect"] == engine.dialect.name
        assert report["database"]["schema"] == "8 change(s) pending: flask auth migrate"
        assert report["features"]["email_and_password"] is True
        assert report["config"]["BETTER_AUTH_SMTP_PASSWORD"] == "[redacted]"
        assert report["environment"]["BETTER_AUTH_EXTRA_TOKEN"] == "[redacted]"
        assert report["options"]["trusted_origins"] == ["https://app.example.com"]
    else:
        assert "  sqlalchemy: " in output and "  dialect: " in output
        assert "email_and_password.enabled: True" in output


def test_info_says_when_the_schema_is_up_to_date(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    report = json.loads(_invoke(test_app, "info", "--json").output)
    assert report["database"]["schema"] == "up to date"


# -- secret -----------------------------------------------------------------------------


def test_secret_prints_a_new_random_secret(bare: Callable[..., TestApp]) -> None:
    test_app = bare()
    first, second = _invoke(test_app, "secret"), _invoke(test_app, "secret")
    assert HEX_SECRET.match(first.output.strip()) and HEX_SECRET.match(second.output.strip())
    assert first.output != second.output


# -- cleanup ----------------------------------------------------------------------------


def test_cleanup_removes_what_has_expired(bare: Callable[..., TestApp]) -> None:
    test_app = bare(rate_limit={"storage": "database"})
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    client = test_app.app.test_client()
    body = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
    user = client.post("/api/auth/sign-up/email", json=body).json["user"]
    adapter = test_app.app.extensions["betterauth"].adapter
    moment = now()
    with test_app.app.app_context():
        for i, offset in enumerate((-1, -2, 1)):
            adapter.create(
                "session",
                {
                    "id": f"s{i}", "token": f"t{i}", "userId": user["id"],
                    "expiresAt": moment + timedelta(days=offset),
                    "createdAt": moment, "updatedAt": moment,
                },
            )  # fmt: skip
        for i, offset in enumerate((-1, 1)):
            adapter.create(
                "verification",
                {
                    "id": f"v{i}", "identifier": "x", "value": "y",
                    "expiresAt": moment + timedelta(hours=offset),
                    "createdAt": moment, "updatedAt": moment,
                },
            )  # fmt: skip
        for i, age in enumerate((3600, 0)):
            last = to_ms(moment) - age * 1000
            adapter.create(
                "rateLimit", {"id": f"r{i}", "key": f"k{i}", "count": 1, "lastRequest": last}
            )
    result = _invoke(test_app, "cleanup")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Removed 2 expired session(s), 1 expired verification value(s) and 1 idle "
        "rate-limit row(s)."
    )
    with test_app.app.app_context():
        assert adapter.count("session") == 2  # the sign-up's and the one still valid
        assert adapter.count("verification") == 1
        assert adapter.count("rateLimit") == 1
    assert "Removed 0 expired session(s)" in _invoke(test_app, "cleanup").output


# -- init -------------------------------------------------------------------------------


def test_init_sets_up_an_empty_folder(bare: Callable[..., TestApp], tmp_path: Path) -> None:
    target = tmp_path / "new-app"
    result = _invoke(bare(), "init", "--directory", str(target), "--plugins", "open-api", "--yes")
    assert result.exit_code == 0, result.output
    auth_py = (target / "auth.py").read_text()
    compile(auth_py, "auth.py", "exec")
    compile((target / "app.py").read_text(), "app.py", "exec")
    assert 'app_name="new-app"' in auth_py
    assert "from flask_betterauth.plugins import open_api" in auth_py
    assert "plugins=[open_api()]" in auth_py
    env = dict(line.split("=", 1) for line in (target / ".env").read_text().splitlines())
    assert HEX_SECRET.match(env["BETTER_AUTH_SECRET"])
    assert env["DATABASE_URL"] == "sqlite:///app.db"
    assert (target / ".gitignore").read_text() == ".env\n"
    assert "flask auth migrate" in result.output


def test_init_never_overwrites_without_asking(bare: Callable[..., TestApp], tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("# my app\n")
    (tmp_path / "auth.py").write_text("# my auth\n")
    (tmp_path / ".env").write_text("BETTER_AUTH_SECRET=mine\nOTHER=1")
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    test_app = bare()
    result = _invoke(test_app, "init", "--directory", str(tmp_path), "--yes")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "app.py").read_text() == "# my app\n"
    assert (tmp_path / "auth.py").read_text() == "# my auth\n"
    assert "auth.py: exists, left as it is" in result.output
    lines = (tmp_path / ".env").read_text().splitlines()
    assert lines[:2] == ["BETTER_AUTH_SECRET=mine", "OTHER=1"]
    assert [line.split("=")[0] for line in lines[2:]] == ["BETTER_AUTH_URL", "DATABASE_URL"]
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n.env\n"
    assert "from auth import init_auth; init_auth(app)" in result.output
    kept = _invoke(test_app, "init", "--directory", str(tmp_path), input="n\n")
    assert (tmp_path / "auth.py").read_text() == "# my auth\n" and kept.exit_code == 0
    replaced = _invoke(test_app, "init", "--directory", str(tmp_path), input="y\n")
    assert replaced.exit_code == 0
    assert "auth.init_app(app, db)" in (tmp_path / "auth.py").read_text()
    assert (tmp_path / ".env").read_text().count("BETTER_AUTH_SECRET") == 1


def test_init_for_postgresql(bare: Callable[..., TestApp], tmp_path: Path) -> None:
    result = _invoke(bare(), "init", "-d", str(tmp_path), "--database", "postgresql", "--yes")
    assert result.exit_code == 0
    assert "DATABASE_URL=postgresql+psycopg://" in (tmp_path / ".env").read_text()


def test_init_refuses_plugins_it_cannot_set_up(
    bare: Callable[..., TestApp], tmp_path: Path
) -> None:
    test_app = bare()
    unbuilt = next(p for p in KNOWN_PLUGINS if p.replace("-", "_") not in plugins.__all__)
    result = _invoke(test_app, "init", "-d", str(tmp_path), "--plugins", unbuilt, "--yes")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: plugin {unbuilt!r} is not built yet in flask-betterauth "
        f"{__import__('importlib.metadata').metadata.version('flask-betterauth')}"
    )
    unknown = _invoke(test_app, "init", "-d", str(tmp_path), "--plugins", "nope", "--yes")
    assert unknown.exit_code == 1 and "unknown plugin 'nope'" in unknown.output
    assert list(tmp_path.iterdir()) == []


# -- as real processes ------------------------------------------------------------------
# On SQLite: what a process adds (the entry point, exit codes, no traceback) does not
# depend on the database, and every command runs on PostgreSQL in-process above.


def _env(database_url: str) -> dict[str, str]:
    return {"CLIAPP_DATABASE_URL": database_url, "CLIAPP_SECRET": "x" * 40}


@SQLITE_ONLY
def test_every_command_as_a_flask_process(database_url: str, tmp_path: Path) -> None:
    write_app_module(tmp_path)
    env = _env(database_url)

    def flask(*args: str) -> subprocess.CompletedProcess[str]:
        result = run_flask(tmp_path, "--app", "cliapp", "auth", *args, env=env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result

    assert "CREATE TABLE" in flask("generate").stdout
    assert "class User(Base):" in flask("generate", "--format", "sqlalchemy").stdout
    assert "Applied 8 change(s)." in flask("migrate", "--yes").stdout
    assert "nothing to do" in flask("migrate", "--yes").stdout
    assert "The database already has every table" in flask("generate").stdout
    info = json.loads(flask("info", "--json").stdout)
    assert info["database"]["schema"] == "up to date"
    assert "x" * 40 not in json.dumps(info)
    assert flask("cleanup").stdout.startswith("Removed 0 expired session(s)")
    assert HEX_SECRET.match(flask("secret").stdout.strip())
    target = tmp_path / "elsewhere"
    flask("init", "--directory", str(target), "--yes")
    assert (target / "auth.py").is_file()


@SQLITE_ONLY
def test_migrate_in_a_process_asks_and_refuses_on_no(database_url: str, tmp_path: Path) -> None:
    write_app_module(tmp_path)
    result = run_flask(
        tmp_path, "--app", "cliapp", "auth", "migrate", env=_env(database_url), input="n\n"
    )
    assert result.returncode == 1
    assert "Apply them? [y/N]" in result.stdout and "Aborted" in result.stderr


BROKEN_APPS = {
    "no app": (None, "Error: Could not locate a Flask application."),
    "not using the extension": (
        "from flask import Flask\napp = Flask(__name__)\n",
        "Error: the app does not use flask-betterauth: call auth.init_app(app, db) in it",
    ),
    "no secret": (
        "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n"
        "from flask_betterauth import BetterAuth\n"
        "app = Flask(__name__)\napp.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'\n"
        "db = SQLAlchemy(app)\nBetterAuth(app, db)\n",
        "Error: could not load the app: BetterAuthError: BetterAuth has no secret.",
    ),
    "no database": (
        "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n"
        "from flask_betterauth import BetterAuth\n"
        "app = Flask(__name__)\ndb = SQLAlchemy(app)\n",
        "Error: could not load the app: RuntimeError: Either 'SQLALCHEMY_DATABASE_URI'",
    ),
    "bad option": (
        "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n"
        "from flask_betterauth import BetterAuth\n"
        "app = Flask(__name__)\napp.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'\n"
        "app.config['BETTER_AUTH_SECRET'] = 'x' * 40\n"
        "db = SQLAlchemy(app)\nBetterAuth(app, db, sesion={})\n",
        "Error: could not load the app: BetterAuthError: unknown option 'sesion'",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_APPS))
def test_errors_are_one_line_and_a_failure_exit(case: str, tmp_path: Path) -> None:
    source, expected = BROKEN_APPS[case]
    if source is not None:
        (tmp_path / "app.py").write_text(source)
    result = run_flask(tmp_path, "auth", "migrate", "--yes")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(expected), result.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    write_app_module(tmp_path)
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    for command in (["migrate", "--yes"], ["generate"], ["cleanup"]):
        result = run_flask(tmp_path, "--app", "cliapp", "auth", *command, env=_env(url))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("Error: database error: connection failed"), result.stderr
    info = run_flask(tmp_path, "--app", "cliapp", "auth", "info", "--json", env=_env(url))
    assert info.returncode == 0
    assert json.loads(info.stdout)["database"]["schema"].startswith("unreachable: ")


# -- from an empty folder to a running app ------------------------------------------------


@pytest.fixture
def server_process() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts, stopped (and their pipes closed) when it ends."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        stop_process(process)
        if process.stderr is not None:
            process.stderr.close()


def test_from_an_empty_folder_to_a_running_app(
    database_url: str, tmp_path: Path, server_process: list[subprocess.Popen[str]]
) -> None:
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    folder = tmp_path / "project"
    folder.mkdir()
    init = run_flask(folder, "auth", "init", "--database", kind, "--yes")
    assert init.returncode == 0, init.stderr
    env_file = folder / ".env"
    env_file.write_text(
        re.sub(r"(?m)^DATABASE_URL=.*$", f"DATABASE_URL={database_url}", env_file.read_text())
    )
    migrate = run_flask(folder, "auth", "migrate", "--yes")
    assert migrate.returncode == 0, migrate.stderr
    assert "Applied 8 change(s)." in migrate.stdout
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port)],
        cwd=folder,
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server_process.append(process)
    base = f"http://127.0.0.1:{port}"
    wait_for(
        lambda: url_answers(f"{base}/api/auth/ok"), lambda: process.poll() is None, "flask run"
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    body = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
    request = urllib.request.Request(  # noqa: S310 - a local http URL
        f"{base}/api/auth/sign-up/email",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with opener.open(request, timeout=10) as response:
        assert json.load(response)["user"]["email"] == "ann@example.com"
    with opener.open(f"{base}/me", timeout=10) as response:
        assert json.load(response)["email"] == "ann@example.com"
