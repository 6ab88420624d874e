"""Better Auth's symmetric encryption of values at rest (private keys, TOTP secrets).

Better Auth's ``symmetricEncrypt`` uses XChaCha20-Poly1305 with the SHA-256 of the secret
as the key and a random 24-byte nonce, and stores ``hex(nonce ‖ ciphertext ‖ tag)``. A
value encrypted by either server decrypts on the other when they share the secret, so a
database moved from Better Auth keeps working. The AEAD is libsodium's, through PyNaCl.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt
from nacl.exceptions import CryptoError

NONCE_LENGTH = 24
_TAG_LENGTH = 16


class DecryptionError(Exception):
    """The value is not hex, too short, or was not encrypted with this secret."""


#: The HKDF salt of Better Auth's purpose keys (``derivePurposeKey``).
_PURPOSE_SALT = b"better-auth:oauth-encryption:v1"


def purpose_secret(secret: str, purpose: str) -> str:
    """The secret Better Auth 1.7.24 derives from ``secret`` for one kind of OAuth
    ciphertext (``derivePurposeKey``): HKDF-SHA256 with the salt
    ``better-auth:oauth-encryption:v1`` and the info ``better-auth:<purpose>:v1``, 32
    bytes, as lower-case hex. Pass it to :func:`symmetric_encrypt` as the secret.

    Purposes in 1.7.24: ``oauth-state-cookie`` (the stateless OAuth state) and
    ``oauth-link-session-token`` (the session token a link flow carries).
    """
    prk = hmac.new(_PURPOSE_SALT, secret.encode(), hashlib.sha256).digest()
    info = f"better-auth:{purpose}:v1".encode()
    # One HKDF-Expand block is 32 bytes, exactly the length asked for.
    return hmac.new(prk, info + b"\x01", hashlib.sha256).hexdigest()


def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def symmetric_encrypt(secret: str, data: str) -> str:
    """``data`` encrypted with ``secret`` as Better Auth's ``symmetricEncrypt`` does:
    lower-case hex of nonce, ciphertext and tag."""
    nonce = secrets.token_bytes(NONCE_LENGTH)
    sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(data.encode(), None, nonce, _key(secret))
    return (nonce + sealed).hex()


def symmetric_decrypt(secret: str, value: str) -> str:
    """The text :func:`symmetric_encrypt` (here or in Better Auth) encrypted.

    A ``$ba$<version>$<hex>`` envelope (Better Auth's form under a list of rotated
    secrets) is read with this app's one secret.

    :raises DecryptionError: when ``value`` is malformed or ``secret`` is not the one used.
    """
    if isinstance(value, str) and value.startswith("$ba$"):
        value = value.rsplit("$", 1)[-1]
    try:
        raw = bytes.fromhex(value)
    except (ValueError, TypeError):
        raise DecryptionError("the value is not hex") from None
    if len(raw) < NONCE_LENGTH + _TAG_LENGTH:
        raise DecryptionError("the value is too short")
    nonce, sealed = raw[:NONCE_LENGTH], raw[NONCE_LENGTH:]
    try:
        plain = crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, None, nonce, _key(secret))
    except CryptoError:
        raise DecryptionError("the value was not encrypted with this secret") from None
    try:
        return plain.decode()
    except UnicodeDecodeError:
        raise DecryptionError("the value is not UTF-8 text") from None
