"""``flask auth generate/migrate/info/init`` with the magic-link and email-OTP plugins:
they add no tables (their rows live in ``verification``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import magic_link
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(test_app: Any, *args: str) -> Any:
    return test_app.app.test_cli_runner().invoke(args=["auth", *args])


def test_generate_migrate_info_and_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    plain = build_bare_app(url)
    try:
        core = _invoke(plain, "generate").output
    finally:
        engine_of(plain).dispose()
    test_app = build_bare_app(url, plugins=[magic_link(), email_otp()])
    try:
        generated = _invoke(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert generated.output == core  # nothing of their own
        assert _invoke(test_app, "migrate", "--yes").exit_code == 0
        assert "up to date: nothing to do" in _invoke(test_app, "migrate", "--yes").output
        assert 'plugins: ["magic-link", "email-otp"]' in _invoke(test_app, "info").output
        target = tmp_path / "new-app"
        made = _invoke(
            test_app,
            "init",
            "--directory",
            str(target),
            "--plugins",
            "magic-link,email-otp",
            "--yes",
        )
        assert made.exit_code == 0, made.output
        auth_py = (target / "auth.py").read_text()
        compile(auth_py, "auth.py", "exec")
        assert "plugins=[magic_link(), email_otp()]" in auth_py
    finally:
        engine_of(test_app).dispose()
