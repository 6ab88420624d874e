"""A software WebAuthn authenticator for the tests: it answers the options the server
sends as a browser with a platform passkey would (``none`` attestation, ES256), and can
be told to lie (another origin, another RP ID, a bad signature, an old counter)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
AAGUID = bytes.fromhex("5c3b8e2a0d1f4a6e9b7c2e4f6a8b0c1d")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cose_key(public: ec.EllipticCurvePublicKey) -> bytes:
    """The COSE_Key of an ES256 public key."""
    numbers = public.public_numbers()
    return cbor2.dumps(
        {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
    )


@dataclass
class Credential:
    """One passkey the authenticator holds."""

    rp_id: str
    key: ec.EllipticCurvePrivateKey
    id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    user_handle: str = ""
    sign_count: int = 0


@dataclass
class Authenticator:
    """Holds credentials; ``create`` and ``get`` return the JSON a browser posts."""

    origin: str = "http://localhost"
    flags: int = UP | UV | BE | BS
    count_step: int = 1
    credentials: list[Credential] = field(default_factory=list)

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin or self.origin}
        return json.dumps({**data, "crossOrigin": False}).encode()

    def create(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        kind: str = "webauthn.create",
        flags: int | None = None,
    ) -> dict[str, Any]:
        """A new credential for ``options`` (``PublicKeyCredentialCreationOptionsJSON``)."""
        rp = rp_id or options["rp"]["id"]
        cred = Credential(options["rp"]["id"], ec.generate_private_key(ec.SECP256R1()))
        cred.user_handle = options["user"]["id"]
        self.credentials.append(cred)
        public = cose_key(cred.key.public_key())
        attested = AAGUID + struct.pack(">H", len(cred.id)) + cred.id + public
        auth_data = self._auth_data(rp, (self.flags if flags is None else flags) | AT, 0)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data + attested})
        client_data = self._client_data(kind, options["challenge"], origin)
        return {
            "id": b64url(cred.id),
            "rawId": b64url(cred.id),
            "response": {
                "attestationObject": b64url(attestation),
                "clientDataJSON": b64url(client_data),
                "transports": ["hybrid", "internal"],
            },
            "type": "public-key",
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def _auth_data(self, rp_id: str, flags: int, count: int) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", count)

    def get(
        self,
        options: dict[str, Any],
        *,
        credential: Credential | None = None,
        origin: str | None = None,
        rp_id: str | None = None,
        kind: str = "webauthn.get",
        sign_count: int | None = None,
        bad_signature: bool = False,
    ) -> dict[str, Any]:
        """An assertion for ``options`` with ``credential`` (default: the first one
        allowed, or the first held for the RP ID)."""
        cred = credential or self.pick(options)
        if sign_count is None:
            cred.sign_count += self.count_step
            sign_count = cred.sign_count
        auth_data = self._auth_data(rp_id or options["rpId"], self.flags, sign_count)
        client_data = self._client_data(kind, options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = cred.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        if bad_signature:
            signature = cred.key.sign(signed + b"!", ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(cred.id),
            "rawId": b64url(cred.id),
            "response": {
                "authenticatorData": b64url(auth_data),
                "clientDataJSON": b64url(client_data),
                "signature": b64url(signature),
                "userHandle": cred.user_handle,
            },
            "type": "public-key",
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def pick(self, options: dict[str, Any]) -> Credential:
        """The credential a browser would use for ``options``."""
        allowed = {c["id"] for c in options.get("allowCredentials") or []}
        for cred in self.credentials:
            if cred.rp_id == options["rpId"] and (not allowed or b64url(cred.id) in allowed):
                return cred
        raise LookupError("no credential for these options")
