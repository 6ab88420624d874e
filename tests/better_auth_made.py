"""Databases the real Better Auth made, for the moving-from-Better-Auth tests.

Each ``tests/better_auth_db/make_*.mjs`` script runs Better Auth 1.7.24 (npm, pinned with
a lock file) on a new SQLite file and prints, as JSON, what it made. The tests then point
a Flask app at a copy of that file with the same secret. The Node dependencies must be
installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.helpers import TestApp

NODE_DIR = Path(__file__).parent / "better_auth_db"
#: The secret both Better Auth and the Flask app sign with.
SECRET = "moving-from-better-auth-secret-0123456789"

#: The one change ``flask auth migrate`` makes to a database Better Auth made: Better
#: Auth declares no unique index on account(providerId, accountId); flask-betterauth does.
ACCOUNT_INDEX_STEP = (
    '+ create unique index "account_providerId_accountId_uidx" on "account" '
    '("providerId", "accountId")'
)

#: A SQLite file Better Auth made, and what its script printed.
MadeDatabase = tuple[Path, dict[str, Any]]


def make_database(script: str, tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """Run ``better_auth_db/<script>`` on a new SQLite file. Fails (never skips) when Node
    or the pinned packages are missing."""
    if shutil.which("node") is None:
        raise RuntimeError("Node.js is needed: apt-get install nodejs npm")
    if not (NODE_DIR / "node_modules" / "better-auth" / "package.json").is_file():
        raise RuntimeError("run `npm ci --prefix tests/better_auth_db` first")
    path = tmp_path_factory.mktemp(Path(script).stem) / "better-auth.sqlite"
    result = subprocess.run(
        ["node", script, str(path), SECRET],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return path, json.loads(result.stdout)


def copy_database(made: MadeDatabase, tmp_path: Path) -> Path:
    """A copy of Better Auth's database for one test alone."""
    copy = tmp_path / "app.sqlite"
    shutil.copyfile(made[0], copy)
    return copy


@contextmanager
def app_on(path: Path, plugins: Sequence[Any] = (), *, migrate: bool = False) -> Iterator[TestApp]:
    """A Flask app (tables not created) on the SQLite file ``path``, Better Auth's secret
    and ``plugins``, after ``flask auth migrate --yes`` when ``migrate``; its engine is
    disposed of afterwards."""
    options: dict[str, Any] = {"plugins": list(plugins)} if plugins else {}
    test_app = build_bare_app(f"sqlite:///{path}", {"BETTER_AUTH_SECRET": SECRET}, **options)
    try:
        if migrate:
            result = test_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
            assert result.exit_code == 0, result.output
        yield test_app
    finally:
        engine_of(test_app).dispose()
