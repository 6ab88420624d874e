"""``flask auth init --plugins ...`` sets each shipped plugin up in the new ``auth.py``: one
import line per plugin and the factories, in the order given, in ``plugins=[...]``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth

#: The ``--plugins`` argument, and the factories ``auth.py`` then imports and calls.
SETUPS = [
    ("admin", ["admin"]),
    ("anonymous,multi-session", ["anonymous", "multi_session"]),
    ("jwt", ["jwt"]),
    ("magic-link,email-otp", ["magic_link", "email_otp"]),
    ("passkey", ["passkey"]),
    ("two-factor", ["two_factor"]),
    ("username,bearer", ["username", "bearer"]),
]


@pytest.mark.parametrize(("plugins", "factories"), SETUPS, ids=[s[0] for s in SETUPS])
def test_init_sets_the_plugins_up(tmp_path: Path, plugins: str, factories: list[str]) -> None:
    test_app = build_bare_app(f"sqlite:///{tmp_path}/cli.sqlite")
    target = tmp_path / "new-app"
    try:
        result = invoke_auth(test_app, "init", "-d", str(target), "--plugins", plugins, "--yes")
    finally:
        engine_of(test_app).dispose()
    assert result.exit_code == 0, result.output
    auth_py = (target / "auth.py").read_text()
    compile(auth_py, "auth.py", "exec")
    for factory in factories:
        assert f"from flask_betterauth.plugins import {factory}\n" in auth_py
    assert f"plugins=[{', '.join(f'{f}()' for f in factories)}]" in auth_py
