"""Better Auth's symmetric encryption (XChaCha20-Poly1305 under SHA-256 of the secret).

The Node cross-check (Better Auth decrypts ours, we decrypt theirs) is in
``tests/test_compat_jwt.py``.
"""

from __future__ import annotations

import pytest

from flask_betterauth.plugins import DecryptionError
from flask_betterauth.plugins import symmetric_decrypt
from flask_betterauth.plugins import symmetric_encrypt


def test_layout_and_the_versioned_envelope() -> None:
    # hex(24-byte nonce | ciphertext | 16-byte tag); Better Auth's "$ba$<version>$<hex>"
    # form of the same value reads with the one secret. (Better Auth's own ciphertexts
    # are read in tests/test_compat_jwt.py.)
    value = symmetric_encrypt("s3cret", "known")
    nonce, sealed = bytes.fromhex(value)[:24], bytes.fromhex(value)[24:]
    assert len(nonce) == 24 and len(sealed) == len("known") + 16
    assert symmetric_decrypt("s3cret", "$ba$1$" + value) == "known"


def test_round_trip_with_a_fresh_nonce_each_time() -> None:
    first = symmetric_encrypt("s3cret", 'Ünïcode {"d": 1}')
    second = symmetric_encrypt("s3cret", 'Ünïcode {"d": 1}')
    assert first != second
    assert first == first.lower() and len(first) == 2 * (24 + len('Ünïcode {"d": 1}'.encode()) + 16)
    assert symmetric_decrypt("s3cret", first) == symmetric_decrypt("s3cret", second)
    assert symmetric_decrypt("s3cret", first) == 'Ünïcode {"d": 1}'


@pytest.mark.parametrize(
    "value",
    ["not hex", "abcd", "00" * 39],
    ids=["not-hex", "too-short", "no-ciphertext-tag"],
)
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(DecryptionError):
        symmetric_decrypt("s3cret", value)


def test_another_secret_or_a_flipped_bit_is_refused() -> None:
    value = symmetric_encrypt("s3cret", "private key")
    with pytest.raises(DecryptionError, match="secret"):
        symmetric_decrypt("other", value)
    flipped = value[:-1] + ("0" if value[-1] != "0" else "1")
    with pytest.raises(DecryptionError):
        symmetric_decrypt("s3cret", flipped)
