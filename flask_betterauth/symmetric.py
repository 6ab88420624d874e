"""Better Auth's symmetric encryption of values at rest (private keys, TOTP secrets).

Better Auth's ``symmetricEncrypt`` uses XChaCha20-Poly1305 with the SHA-256 of the secret
as the key and a random 24-byte nonce, and stores ``hex(nonce ‖ ciphertext ‖ tag)``. A
value encrypted by either server decrypts on the other when they share the secret, so a
database moved from Better Auth keeps working.

XChaCha20-Poly1305 is ChaCha20-Poly1305 under a subkey derived with HChaCha20 from the
key and the nonce's first 16 bytes, with the nonce ``0000 ‖ nonce[16:24]``; the AEAD comes
from ``cryptography``, HChaCha20 (a few lines of integer arithmetic) is written here.
"""

from __future__ import annotations

import hashlib
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

NONCE_LENGTH = 24
_TAG_LENGTH = 16
_MASK = 0xFFFFFFFF
#: "expand 32-byte k", the ChaCha constants.
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)


class DecryptionError(Exception):
    """The value is not hex, too short, or was not encrypted with this secret."""


def _rotate(value: int, bits: int) -> int:
    return ((value << bits) & _MASK) | (value >> (32 - bits))


def _quarter_round(state: list[int], a: int, b: int, c: int, d: int) -> None:
    state[a] = (state[a] + state[b]) & _MASK
    state[d] = _rotate(state[d] ^ state[a], 16)
    state[c] = (state[c] + state[d]) & _MASK
    state[b] = _rotate(state[b] ^ state[c], 12)
    state[a] = (state[a] + state[b]) & _MASK
    state[d] = _rotate(state[d] ^ state[a], 8)
    state[c] = (state[c] + state[d]) & _MASK
    state[b] = _rotate(state[b] ^ state[c], 7)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """The HChaCha20 subkey of a 32-byte key and a 16-byte nonce (RFC draft-irtf-cfrg-xchacha)."""
    state = [*_SIGMA, *struct.unpack("<8L", key), *struct.unpack("<4L", nonce16)]
    for _ in range(10):
        _quarter_round(state, 0, 4, 8, 12)
        _quarter_round(state, 1, 5, 9, 13)
        _quarter_round(state, 2, 6, 10, 14)
        _quarter_round(state, 3, 7, 11, 15)
        _quarter_round(state, 0, 5, 10, 15)
        _quarter_round(state, 1, 6, 11, 12)
        _quarter_round(state, 2, 7, 8, 13)
        _quarter_round(state, 3, 4, 9, 14)
    return struct.pack("<8L", *state[0:4], *state[12:16])


def _cipher(secret: str, nonce: bytes) -> tuple[ChaCha20Poly1305, bytes]:
    key = hashlib.sha256(secret.encode()).digest()
    return ChaCha20Poly1305(hchacha20(key, nonce[:16])), b"\0\0\0\0" + nonce[16:]


def symmetric_encrypt(secret: str, data: str) -> str:
    """``data`` encrypted with ``secret`` as Better Auth's ``symmetricEncrypt`` does:
    lower-case hex of nonce, ciphertext and tag."""
    nonce = os.urandom(NONCE_LENGTH)
    cipher, inner_nonce = _cipher(secret, nonce)
    return (nonce + cipher.encrypt(inner_nonce, data.encode(), None)).hex()


def symmetric_decrypt(secret: str, value: str) -> str:
    """The text :func:`symmetric_encrypt` (here or in Better Auth) encrypted.

    :raises DecryptionError: when ``value`` is malformed or ``secret`` is not the one used.
    """
    try:
        raw = bytes.fromhex(value)
    except (ValueError, TypeError):
        raise DecryptionError("the value is not hex") from None
    if len(raw) < NONCE_LENGTH + _TAG_LENGTH:
        raise DecryptionError("the value is too short")
    cipher, inner_nonce = _cipher(secret, raw[:NONCE_LENGTH])
    try:
        plain = cipher.decrypt(inner_nonce, raw[NONCE_LENGTH:], None)
    except InvalidTag:
        raise DecryptionError("the value was not encrypted with this secret") from None
    try:
        return plain.decode()
    except UnicodeDecodeError:
        raise DecryptionError("the value is not UTF-8 text") from None
