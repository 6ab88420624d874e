"""The recipe of ``docs/moving-from-flask-login.rst`` (``docs/examples/moving_users.py``):
users of a Flask-Login app (Werkzeug hashes) and of a real Flask-Security-Too app (its
HMAC + bcrypt hashes) copied into flask-betterauth's tables sign in with their passwords.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import generate_password_hash

from tests.helpers import TestApp

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "moving_users.py"
FS_SALT = "flask-security-salt-of-the-old-app"


@pytest.fixture(scope="module")
def recipe() -> ModuleType:
    """The documented module."""
    spec = importlib.util.spec_from_file_location("moving_users", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _flask_security_hashes(passwords: list[str]) -> list[str]:
    """Hashes made by a real Flask-Security-Too app configured for bcrypt."""
    from flask_security import Security
    from flask_security import SQLAlchemyUserDatastore
    from flask_security import hash_password
    from flask_security.models import fsqla_v3 as fsqla

    app = Flask("old_flask_security_app")
    app.config.update(
        SECRET_KEY="old-app-secret-key-0123456789abcdef",
        SECURITY_PASSWORD_SALT=FS_SALT,
        SECURITY_PASSWORD_HASH="bcrypt",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    db = SQLAlchemy(app)
    fsqla.FsModels.set_db_info(db)

    class Role(db.Model, fsqla.FsRoleMixin):  # type: ignore[name-defined,misc]
        pass

    class User(db.Model, fsqla.FsUserMixin):  # type: ignore[name-defined,misc]
        pass

    Security(app, SQLAlchemyUserDatastore(db, User, Role))
    with app.app_context():
        hashes = [hash_password(p) for p in passwords]
        db.engine.dispose()
    return hashes


def test_flask_login_and_flask_security_users_sign_in(
    recipe: ModuleType, make_app: Callable[..., TestApp]
) -> None:
    werkzeug_user = ("wendy@example.com", "werkzeug-password-1", None)
    fs_users = [("fran@example.com", "fs-password-2"), ("unicode@example.com", "pässwörd-3")]
    fs_hashes = _flask_security_hashes([p for _, p in fs_users])
    test_app = make_app(
        email_and_password={"enabled": True, "password": recipe.legacy_password_options(FS_SALT, 4)}
    )
    people: list[tuple[str, str, str]] = [
        (werkzeug_user[0], werkzeug_user[1], generate_password_hash(werkzeug_user[1])),
        *((email, pw, h) for (email, pw), h in zip(fs_users, fs_hashes, strict=True)),
    ]
    with test_app.app.app_context():
        for email, _, stored in people:
            recipe.copy_user(
                test_app.db, test_app.auth, email=email, name=email.split("@")[0],
                password_hash=stored, email_verified=True,
            )  # fmt: skip
        test_app.db.session.commit()
    client = test_app.app.test_client()
    for email, password, _ in people:
        ok = client.post("/api/auth/sign-in/email", json={"email": email, "password": password})
        assert ok.status_code == 200, (email, ok.json)
        assert ok.json["user"]["emailVerified"] is True
        wrong = client.post("/api/auth/sign-in/email", json={"email": email, "password": "x" * 12})
        assert wrong.status_code == 401
    signed_up = client.post(
        "/api/auth/sign-up/email",
        json={"name": "New", "email": "new@example.com", "password": "brand-new-password"},
    )
    assert signed_up.status_code == 200
    again = client.post(
        "/api/auth/sign-in/email",
        json={"email": "new@example.com", "password": "brand-new-password"},
    )
    assert again.status_code == 200


def test_without_a_salt_only_werkzeug_hashes_are_read(recipe: ModuleType) -> None:
    options: dict[str, Any] = recipe.legacy_password_options(rounds=4)
    verify = options["verify"]
    assert verify(generate_password_hash("pw-123456"), "pw-123456")
    assert verify(options["hash"]("pw-123456"), "pw-123456")
    assert not verify("$2b$12$" + "a" * 53, "pw-123456")
