"""The built distributions: ``python -m build`` makes an sdist and a wheel (the wheel built
from the sdist, as pip builds one), and the wheel, installed into a fresh virtual
environment in a temporary folder, runs a tiny app that signs up and signs in and shows
a ready-made page.

Marked ``packaging`` (``-m "not packaging"`` deselects it): it builds in a copy of the
source tree and installs the library's dependencies from the package index, at the
versions of ``requirements/constraints.txt``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "flask_betterauth"
#: What the copy of the source tree leaves out: local state, never part of a build.
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "__pycache__", "*.egg-info", "build", "dist", "_build",
    "instance", ".pytest_cache", ".mypy_cache", ".ruff_cache", "*.sqlite", "*.db",
)  # fmt: skip
BUILD_TIMEOUT = 120
INSTALL_TIMEOUT = 300

SMOKE_APP = textwrap.dedent(
    """
    import json
    import sys

    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    import flask_betterauth
    from flask_betterauth import BetterAuth

    db = SQLAlchemy()
    auth = BetterAuth()
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI="sqlite://",
        BETTER_AUTH_SECRET="packaging-smoke-test-secret-0123456789",
        BETTER_AUTH_URL="http://localhost",
        BETTER_AUTH_MAIL="dev",
        BETTER_AUTH_MAIL_LOG=sys.argv[1],
    )
    db.init_app(app)
    auth.init_app(
        app,
        db,
        email_and_password={"enabled": True, "password": {"bcrypt_rounds": 4}},
        email_verification={"send_on_sign_up": True},
        pages=True,
    )
    with app.app_context():
        db.create_all()

    client = app.test_client()
    account = {"name": "Ann", "email": "ann@example.com", "password": "correct horse battery"}
    signed_up = client.post("/api/auth/sign-up/email", json=account)
    client.post("/api/auth/sign-out", headers={"Origin": "http://localhost"})
    signed_in = client.post(
        "/api/auth/sign-in/email",
        json={"email": account["email"], "password": account["password"]},
    )
    session = client.get("/api/auth/get-session").get_json()
    page = client.get("/auth/account")
    style = client.get("/auth/static/pages.css")
    print(json.dumps({
        "module": flask_betterauth.__file__,
        "sign_up": signed_up.status_code,
        "sign_in": signed_in.status_code,
        "user": session["user"]["email"] if session else None,
        "account_page": page.status_code,
        "account_page_shows_user": "ann@example.com" in page.get_data(as_text=True),
        "stylesheet": style.status_code,
    }))
    """
)


def _run(command: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run a build or install step, without this environment's Python search path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and wheel ``python -m build`` makes from a copy of the source tree."""
    source = tmp_path_factory.mktemp("source") / "flask-betterauth"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the pinned setuptools of this environment, no download.
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        cwd=source,
        timeout=BUILD_TIMEOUT,
    )
    (sdist,) = out.glob("flask_betterauth-*.tar.gz")
    (wheel,) = out.glob("flask_betterauth-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def _package_files() -> set[str]:
    """The package's non-Python files that must ship: templates, static files, ``py.typed``."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    }


def test_the_wheel_holds_the_templates_and_py_typed(dists: dict[str, Path]) -> None:
    wanted = _package_files()
    assert "flask_betterauth/py.typed" in wanted
    assert any(name.endswith(".html") for name in wanted)
    assert any(name.endswith(".css") for name in wanted)
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert wanted <= names, sorted(wanted - names)
    assert not any(name.startswith(("tests/", "example_app/")) for name in names)


def test_the_sdist_holds_the_templates_and_py_typed(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    missing = (_package_files() | {"pyproject.toml", "README.md"}) - names
    assert not missing, sorted(missing)


def test_the_wheel_installs_and_signs_in(dists: dict[str, Path], tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    # A bare environment; this environment's pip installs into it (``--python``), which
    # is much quicker than bootstrapping a pip of its own.
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    _run(
        [
            sys.executable, "-m", "pip", "--python", str(python), "install",
            "--disable-pip-version-check", "--quiet",
            "-c", str(ROOT / "requirements" / "constraints.txt"), str(dists["wheel"]),
        ],
        cwd=tmp_path,
        timeout=INSTALL_TIMEOUT,
    )  # fmt: skip
    app = tmp_path / "smoke.py"
    app.write_text(SMOKE_APP)
    mail_log = tmp_path / "mail.jsonl"

    result = _run([str(python), str(app), str(mail_log)], cwd=tmp_path, timeout=60)

    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(report["module"]).is_relative_to(environment)
    assert report["sign_up"] == 200
    assert report["sign_in"] == 200
    assert report["user"] == "ann@example.com"
    # The ready-made pages render from the wheel's templates and static files.
    assert report["account_page"] == 200 and report["account_page_shows_user"]
    assert report["stylesheet"] == 200
    # The verification mail was rendered from the wheel's own templates.
    (mail,) = (json.loads(line) for line in mail_log.read_text().splitlines())
    assert mail["type"] == "verify-email"
    assert mail["email"] == "ann@example.com"
