"""Moving users from Flask-Login or Flask-Security-Too into flask-betterauth's tables.

Used by ``docs/moving-from-flask-login.rst`` and tested by
``tests/test_moving_from_flask_login.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from datetime import datetime
from datetime import timezone
from typing import Any

from werkzeug.security import check_password_hash

from flask_betterauth.crypto import generate_id
from flask_betterauth.passwords import PasswordHasher


def legacy_password_options(
    security_password_salt: str | None = None, rounds: int = 11
) -> dict[str, Callable[..., Any]]:
    """``email_and_password.password`` options that verify the old hashes too.

    New hashes are flask-betterauth's own (bcrypt); old ones keep working:
    Werkzeug's ``scrypt:``/``pbkdf2:`` hashes (the usual Flask-Login set-up) and
    Flask-Security-Too's passlib hashes (``$2b$...``, ``$argon2...``), which it made
    from an HMAC of the password keyed with ``SECURITY_PASSWORD_SALT``.
    """
    modern = PasswordHasher(rounds)
    passlib = None
    if security_password_salt is not None:
        from passlib.context import CryptContext

        passlib = CryptContext(schemes=["bcrypt", "argon2", "pbkdf2_sha512", "pbkdf2_sha256"])

    def flask_security_verify(stored: str, password: str) -> bool:
        assert passlib is not None and security_password_salt is not None
        # Its forms normalise passwords (NFKD) first; scripts may not have.
        for candidate in dict.fromkeys([unicodedata.normalize("NFKD", password), password]):
            signed = base64.b64encode(
                hmac.new(
                    security_password_salt.encode(), candidate.encode(), hashlib.sha512
                ).digest()
            )
            if passlib.identify(stored) == "bcrypt":
                signed = signed[:72]
            if passlib.verify(signed, stored):
                return True
        return False

    def verify(stored: str, password: str) -> bool:
        if stored.startswith(("scrypt:", "pbkdf2:")):
            return check_password_hash(stored, password)
        if stored.startswith("$") and passlib is not None:
            return flask_security_verify(stored, password)
        return modern.verify(stored, password)

    return {"hash": modern.hash, "verify": verify}


def copy_user(
    db: Any,
    auth: Any,
    *,
    email: str,
    name: str,
    password_hash: str | None,
    email_verified: bool = False,
    created_at: datetime | None = None,
) -> str:
    """Add one user (and their password as a credential account); returns the new id.

    Call inside an app context, then ``db.session.commit()``.
    """
    moment = created_at or datetime.now(timezone.utc)
    user_id = generate_id()
    db.session.add(
        auth.models.User(
            id=user_id,
            name=name,
            email=email.lower(),
            emailVerified=email_verified,
            createdAt=moment,
            updatedAt=moment,
        )
    )
    db.session.flush()  # the user row first: the account refers to it
    if password_hash:
        db.session.add(
            auth.models.Account(
                id=generate_id(),
                accountId=user_id,
                providerId="credential",
                userId=user_id,
                password=password_hash,
                createdAt=moment,
                updatedAt=moment,
            )
        )
    return user_id
