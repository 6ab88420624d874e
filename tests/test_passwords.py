"""Password storage: bcrypt with a pre-hash, Better Auth's scrypt upgraded on sign-in,
custom functions, re-hashing on a cost change, and one hash per sign-in attempt."""

from __future__ import annotations

import functools
import re

import bcrypt
import pytest

from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql
from tests.spec_snippets import hash_password

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
#: Our prefix, then a standard bcrypt string (``$2b$<cost>$<salt+hash>``).
BCRYPT = re.compile(r"^bcrypt-sha256\$\$2b\$(\d\d)\$[./A-Za-z0-9]{53}$")
INVALID = {"message": "Invalid email or password", "code": "INVALID_EMAIL_OR_PASSWORD"}


@functools.cache
def scrypt_hash_of(password):
    """A Better Auth scrypt hash, made once per password (scrypt is slow on purpose)."""
    return hash_password(password)


def stored_hash(test_app):
    (account,) = rows(test_app, "account")
    return account["password"]


def sign_in(caller, password, email="ann@example.com"):
    return caller.call("sign_in_email", {"email": email, "password": password})


def test_bcrypt_format_with_the_configured_cost(caller, signed_up):
    stored = stored_hash(caller.app)
    match = BCRYPT.match(stored)
    assert match, stored
    assert match.group(1) == "04"
    # Salted: the same password hashes differently for another user.
    caller.call("sign_up_email", {**ANN, "email": "bob@example.com"})
    hashes = {a["password"] for a in rows(caller.app, "account")}
    assert len(hashes) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a" * 72 + "-one", "a" * 72 + "-two"),
        ("\u00e9" * 36 + "one", "\u00e9" * 36 + "two"),  # 72 bytes of UTF-8, then more
    ],
)
def test_passwords_longer_than_72_bytes_count_in_full(caller, first, second):
    assert len(first.encode()) > 72
    assert first.encode()[:72] == second.encode()[:72]
    assert caller.call("sign_up_email", {**ANN, "password": first}).status == 200
    assert (sign_in(caller, second).status, sign_in(caller, second).json) == (401, INVALID)
    assert sign_in(caller, first).status == 200


def test_better_auth_scrypt_hash_signs_in_and_is_upgraded(caller, signed_up):
    sql(caller.app, "UPDATE account SET password = :hash", hash=scrypt_hash_of(PASSWORD))
    assert (sign_in(caller, "wrong-password").status) == 401
    assert ":" in stored_hash(caller.app)  # a failed attempt changes nothing
    reply = sign_in(caller, PASSWORD)
    assert reply.status == 200
    upgraded = stored_hash(caller.app)
    assert BCRYPT.match(upgraded)
    assert sign_in(caller, PASSWORD).status == 200
    assert stored_hash(caller.app) == upgraded  # no second rewrite


def test_scrypt_hash_is_checked_on_the_nfkc_form(caller, signed_up):
    # U+FB01 (the "fi" ligature) normalises to "fi" under NFKC, as Better Auth hashes it.
    sql(caller.app, "UPDATE account SET password = :hash", hash=scrypt_hash_of("\ufb01nance-pass"))
    assert sign_in(caller, "finance-pass").status == 200


@pytest.mark.parametrize("stored", ["", "nonsense", "a" * 32 + ":" + "zz" * 64, "bcrypt-sha256$x"])
def test_unusable_stored_hash_is_a_plain_refusal(caller, signed_up, stored):
    sql(caller.app, "UPDATE account SET password = :hash", hash=stored)
    assert (sign_in(caller, PASSWORD).status, sign_in(caller, PASSWORD).json) == (401, INVALID)


def test_cost_change_rehashes_at_next_sign_in(make_app, database_url, via):
    first = Caller(make_app(), via)
    first.call("sign_up_email", ANN)
    assert BCRYPT.match(stored_hash(first.app)).group(1) == "04"
    stronger = Caller(
        make_app(email_and_password={"enabled": True, "password": {"bcrypt_rounds": 5}}), via
    )
    assert sign_in(stronger, PASSWORD).status == 200
    assert BCRYPT.match(stored_hash(stronger.app)).group(1) == "05"
    # The old app still verifies the stronger hash.
    assert sign_in(first, PASSWORD).status == 200


class Counting:
    """Custom ``hash``/``verify`` functions that count their calls."""

    def __init__(self):
        self.hashes = 0
        self.verifies = 0

    def hash(self, password):
        self.hashes += 1
        return "custom$" + password[::-1]

    def verify(self, stored, password):
        self.verifies += 1
        return stored == "custom$" + password[::-1]

    def reset(self):
        self.hashes = self.verifies = 0


@pytest.fixture
def counting(make_app, via):
    counter = Counting()
    test_app = make_app(
        email_and_password={
            "enabled": True,
            "password": {"hash": counter.hash, "verify": counter.verify},
        }
    )
    caller = Caller(test_app, via)
    assert caller.call("sign_up_email", ANN).status == 200
    caller.counter = counter
    return caller


def test_custom_hash_and_verify(counting):
    assert stored_hash(counting.app) == "custom$" + PASSWORD[::-1]
    assert counting.counter.hashes == 1
    counting.counter.reset()
    assert sign_in(counting, PASSWORD).status == 200
    assert (counting.counter.hashes, counting.counter.verifies) == (0, 1)
    assert sign_in(counting, "wrong-password").status == 401
    # Custom hashes are never "upgraded" to bcrypt.
    assert stored_hash(counting.app) == "custom$" + PASSWORD[::-1]


@pytest.mark.parametrize(
    ("case", "hashes", "verifies"),
    [
        ("unknown email", 1, 0),
        ("wrong password", 0, 1),
        ("no credential account", 1, 0),
        ("no stored password", 1, 0),
        ("right password", 0, 1),
        ("password too long", 0, 0),
    ],
)
def test_each_sign_in_attempt_costs_one_hash(counting, case, hashes, verifies):
    email, password = "ann@example.com", PASSWORD
    if case == "unknown email":
        email = "nobody@example.com"
    elif case == "wrong password":
        password = "wrong-password"
    elif case == "no credential account":
        sql(counting.app, "DELETE FROM account")
    elif case == "no stored password":
        sql(counting.app, "UPDATE account SET password = NULL")
    elif case == "password too long":
        password = "x" * 129
    counting.counter.reset()
    reply = sign_in(counting, password, email)
    assert reply.status == (
        200 if case == "right password" else 400 if hashes == verifies == 0 else 401
    )
    assert (counting.counter.hashes, counting.counter.verifies) == (hashes, verifies)


def test_duplicate_sign_up_in_safe_mode_still_hashes(make_app, via):
    counter = Counting()
    caller = Caller(
        make_app(
            email_and_password={
                "enabled": True,
                "auto_sign_in": False,
                "password": {"hash": counter.hash, "verify": counter.verify},
            }
        ),
        via,
    )
    caller.call("sign_up_email", ANN)
    counter.reset()
    assert caller.call("sign_up_email", ANN).status == 200
    assert counter.hashes == 1


def test_unknown_email_spends_one_bcrypt_at_the_configured_cost(caller, signed_up, monkeypatch):
    calls = []
    real_hashpw, real_checkpw = bcrypt.hashpw, bcrypt.checkpw

    def hashpw(password, salt):
        calls.append(("hashpw", salt[:7]))
        return real_hashpw(password, salt)

    def checkpw(password, hashed):
        calls.append(("checkpw", hashed[:7]))
        return real_checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "hashpw", hashpw)
    monkeypatch.setattr(bcrypt, "checkpw", checkpw)
    assert sign_in(caller, PASSWORD, "nobody@example.com").status == 401
    assert calls == [("hashpw", b"$2b$04$")]
    calls.clear()
    assert sign_in(caller, "wrong-password").status == 401
    assert calls == [("checkpw", b"$2b$04$")]
