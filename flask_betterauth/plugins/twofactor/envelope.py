"""Better Auth's symmetric encryption of stored secrets (spec core 7.4).

XChaCha20-Poly1305 under ``SHA-256(secret)``, a random 24-byte nonce, stored as
``hex(nonce || ciphertext || tag)``. TOTP secrets and (by default) backup codes are kept
this way, so a database written by Better Auth with the same secret reads here and the
other way round.
"""

from __future__ import annotations

import hashlib
import secrets

from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt
from nacl.exceptions import CryptoError

NONCE_LENGTH = 24


class EnvelopeError(ValueError):
    """A stored value that does not decrypt with this secret."""


def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def encrypt(secret: str, text: str) -> str:
    """``text`` sealed with the app's ``secret``, as Better Auth's ``symmetricEncrypt``."""
    nonce = secrets.token_bytes(NONCE_LENGTH)
    sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(text.encode(), None, nonce, _key(secret))
    return (nonce + sealed).hex()


def decrypt(secret: str, stored: str) -> str:
    """The text :func:`encrypt` sealed; ``$ba$<version>$<hex>`` envelopes of a rotated
    secret list are read with the one secret this app has.

    :raises EnvelopeError: when ``stored`` is malformed or was sealed with another secret.
    """
    if stored.startswith("$ba$"):
        stored = stored.rsplit("$", 1)[-1]
    try:
        raw = bytes.fromhex(stored)
    except ValueError:
        raise EnvelopeError("not hex") from None
    if len(raw) < NONCE_LENGTH + 16:
        raise EnvelopeError("too short")
    nonce, sealed = raw[:NONCE_LENGTH], raw[NONCE_LENGTH:]
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed, None, nonce, _key(secret)
        ).decode()
    except (CryptoError, UnicodeDecodeError):
        raise EnvelopeError("does not decrypt with this secret") from None
