"""Credential descriptors (``excludeCredentials``, ``allowCredentials``) from stored rows."""

from __future__ import annotations

from typing import Any

from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.structs import AuthenticatorTransport
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

_KNOWN = {t.value for t in AuthenticatorTransport}


def descriptors(passkeys: list[dict[str, Any]]) -> list[PublicKeyCredentialDescriptor]:
    """One descriptor per passkey; a transport py_webauthn does not know is left out,
    and a row whose credential id is not base64url is skipped (it cannot be sent)."""
    out = []
    for row in passkeys:
        try:
            raw = base64url_to_bytes(str(row["credentialID"]))
        except ValueError:
            continue
        transports = [
            AuthenticatorTransport(t)
            for t in str(row.get("transports") or "").split(",")
            if t in _KNOWN
        ]
        out.append(PublicKeyCredentialDescriptor(id=raw, transports=transports or None))
    return out
