"""Password hashing: bcrypt with a SHA-256 pre-hash, and Better Auth's scrypt for migration."""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import bcrypt

#: Prefix of the hashes this package writes; the rest is a standard bcrypt string.
BCRYPT_PREFIX = "bcrypt-sha256$"
_SCRYPT = {"n": 16384, "r": 16, "p": 1, "dklen": 64, "maxmem": 64 * 1024 * 1024}


def _prehash(password: str) -> bytes:
    """SHA-256 then base64: 44 bytes, so bcrypt's 72-byte limit never cuts a password."""
    normalized = unicodedata.normalize("NFKC", password).encode()
    return base64.b64encode(hashlib.sha256(normalized).digest())


def _is_scrypt(stored: str) -> bool:
    salt, _, key = stored.partition(":")
    return len(salt) == 32 and len(key) == 128


def scrypt_hash(password: str, salt_hex: str) -> str:
    """Better Auth's default hash: scrypt over the NFKC password, the hex salt as bytes."""
    key = hashlib.scrypt(
        unicodedata.normalize("NFKC", password).encode(), salt=salt_hex.encode(), **_SCRYPT
    )
    return f"{salt_hex}:{key.hex()}"


@dataclass(frozen=True)
class PasswordHasher:
    """Hashes new passwords with bcrypt and verifies bcrypt and Better Auth scrypt hashes.

    :param rounds: the bcrypt cost factor (each step doubles the time).
    :param custom_hash: replaces hashing entirely when given (``password -> str``).
    :param custom_verify: replaces verification when given (``(hash, password) -> bool``).
    """

    rounds: int = 11
    custom_hash: Callable[[str], str] | None = None
    custom_verify: Callable[[str, str], bool] | None = None

    def hash(self, password: str) -> str:
        """Hash ``password`` for storage."""
        if self.custom_hash is not None:
            return self.custom_hash(password)
        digest = bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds))
        return BCRYPT_PREFIX + digest.decode()

    def verify(self, stored: str, password: str) -> bool:
        """Check ``password`` against a stored hash of any supported format."""
        if self.custom_verify is not None:
            return bool(self.custom_verify(stored, password))
        if stored.startswith(BCRYPT_PREFIX):
            try:
                return bool(
                    bcrypt.checkpw(_prehash(password), stored[len(BCRYPT_PREFIX) :].encode())
                )
            except ValueError:
                return False
        if _is_scrypt(stored):
            expected = scrypt_hash(password, stored[:32])
            return hmac.compare_digest(expected.encode(), stored.encode())
        return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether a hash that verified should be replaced by a fresh one (format or cost)."""
        if self.custom_hash is not None:
            return False
        if not stored.startswith(BCRYPT_PREFIX):
            return True
        parts = stored[len(BCRYPT_PREFIX) :].split("$")
        return len(parts) < 3 or parts[2] != f"{self.rounds:02d}"

    def burn(self, password: str) -> None:
        """Spend the time one verification would, for an account that does not exist."""
        self.hash(password)
