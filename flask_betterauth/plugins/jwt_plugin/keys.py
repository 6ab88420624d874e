"""The ``jwks`` table: key pairs made, stored, chosen for signing and published.

A row holds the public JWK as JSON and the private JWK encrypted with the app's secret
exactly as Better Auth stores it (the JSON string of its ``symmetricEncrypt`` envelope),
so either server reads the other's keys. Keys are made lazily: the first token or the
first ``/jwks`` request makes one. With ``rotation_interval`` a key expires and the next
token makes a new one; expired keys stay listed for ``grace_period`` so tokens they signed
still verify.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from joserfc.jwk import JWKRegistry
from joserfc.jwk import Key
from joserfc.jwk import OKPKey
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry

from flask_betterauth import BetterAuthError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import DecryptionError
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import now
from flask_betterauth.plugins import now_ms
from flask_betterauth.plugins import symmetric_decrypt
from flask_betterauth.plugins import symmetric_encrypt
from flask_betterauth.plugins import to_ms

from .options import JwtOptions

TABLE = "jwks"
SCHEMA = {
    TABLE: {
        "fields": {
            "publicKey": {"type": "string", "required": True},
            "privateKey": {"type": "string", "required": True},
            "createdAt": {"type": "date", "required": True},
            "expiresAt": {"type": "date", "required": False},
            "alg": {"type": "string", "required": False},
            "crv": {"type": "string", "required": False},
        }
    }
}


def _quiet(name: str) -> Any:
    """The registry's algorithm ``name`` without its deprecation warning (RFC 9864 renames
    ``EdDSA``, but Better Auth and its clients use that name)."""
    alg = copy.copy(JWSRegistry.algorithms[name])
    alg.security_warning = None
    return alg


class SigningRegistry(JWSRegistry):
    """joserfc's JWS registry, limited to the algorithms this plugin signs with."""

    algorithms = {**JWSRegistry.algorithms, "EdDSA": _quiet("EdDSA")}


def registry_for(algorithms: list[str]) -> SigningRegistry:
    """A registry that accepts only ``algorithms``."""
    return SigningRegistry(algorithms=algorithms)


#: How long the signing key is reused before the table is read again: a key another
#: worker made, or rows an operator removed, are seen within this time.
RECHECK_SECONDS = 60


@dataclass(frozen=True)
class SigningKey:
    """A private key ready to sign: its ``kid`` (the row id) and algorithm, and until
    when (milliseconds since the epoch) it is reused without reading the table (never
    past the key's expiry)."""

    kid: str
    alg: str
    key: Key
    reuse_until: int


#: How many signed session tokens a process keeps for reuse.
TOKENS_KEPT = 1024


@dataclass
class KeyCache:
    """The plugin's per-app state: private keys already decrypted, by row id (rows never
    change once written), the current signing key, and the session tokens get-session
    signed lately (``(token, iat)`` by session, key and claims; see
    :func:`~.tokens.session_token`)."""

    keys: dict[str, Key] = field(default_factory=dict)
    signing: SigningKey | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens: dict[Hashable, tuple[str, int]] = field(default_factory=dict)

    def remember_token(self, entry: Hashable, token: str, issued: int) -> None:
        """Keep ``token`` (issued at ``issued``, seconds) for ``entry``; at most
        :data:`TOKENS_KEPT`, the oldest going first."""
        tokens = self.tokens
        with self.lock:
            if len(tokens) >= TOKENS_KEPT:
                tokens.pop(next(iter(tokens)), None)
            tokens[entry] = (token, issued)


def _generate(options: JwtOptions) -> Key:
    key: Key
    if options.alg == "EdDSA":
        key = OKPKey.generate_key("Ed25519")
    elif options.alg == "ES256":
        key = ECKey.generate_key("P-256")
    elif options.alg == "ES512":
        key = ECKey.generate_key("P-521")
    else:
        key = RSAKey.generate_key(options.modulus_length)
    return key


def create_key(ctx: Context, options: JwtOptions) -> Record:
    """Make a key pair and store it; the private half encrypted unless
    ``disable_private_key_encryption``."""
    key = _generate(options)
    private_jwk = json.dumps(key.as_dict(private=True), separators=(",", ":"))
    public_jwk = key.as_dict(private=False)
    stored = (
        private_jwk
        if options.disable_private_key_encryption
        else json.dumps(symmetric_encrypt(ctx.state.secret, private_jwk))
    )
    moment = now()
    row: dict[str, Any] = {
        "id": ctx.generate_id(),
        "publicKey": json.dumps(public_jwk, separators=(",", ":")),
        "privateKey": stored,
        "createdAt": moment,
        "alg": options.alg,
        "crv": options.configured_crv or public_jwk.get("crv"),
    }
    if options.rotation_interval:
        row["expiresAt"] = moment + timedelta(seconds=options.rotation_interval)
    return Record(ctx.adapter.create(TABLE, row))


def all_keys(ctx: Context) -> list[Record]:
    """Every stored key, newest first."""
    rows = ctx.adapter.find_many(TABLE, sort_by=("createdAt", "desc"))
    return [Record(row) for row in rows]


def _live(row: Record) -> bool:
    return row.get("expiresAt") is None or row["expiresAt"] > now()


def _signing_row(ctx: Context, options: JwtOptions) -> Record:
    """The newest live key of the configured algorithm (a stored key without ``alg`` counts
    as one), else the newest live key; a new key when there is none."""
    rows = [row for row in all_keys(ctx) if _live(row)]
    preferred = [row for row in rows if (row.get("alg") or options.alg) == options.alg]
    candidates = preferred or rows
    return candidates[0] if candidates else create_key(ctx, options)


def private_key(ctx: Context, options: JwtOptions, row: Record) -> Key:
    """The private key of ``row``, decrypted with the app's secret.

    :raises BetterAuthError: when it does not decrypt (the secret changed).
    """
    cache = ctx.plugin_state("jwt", KeyCache)
    found = cache.keys.get(row["id"])
    if found is not None:
        return found
    text = row["privateKey"]
    try:
        if not options.disable_private_key_encryption:
            text = symmetric_decrypt(ctx.state.secret, json.loads(text))
        key = JWKRegistry.import_key(json.loads(text))
    except (DecryptionError, JoseError, ValueError, TypeError, KeyError) as error:
        raise BetterAuthError(
            f"jwt: the private key {row['id']!r} does not decrypt: the secret is not the one "
            "it was stored with (remove the jwks rows, or keep the old secret)"
        ) from error
    with cache.lock:
        cache.keys[row["id"]] = key
    return key


def signing_key(ctx: Context, options: JwtOptions, moment_ms: int | None = None) -> SigningKey:
    """The key new tokens are signed with, made first if needed; the table is read again
    after :data:`RECHECK_SECONDS` or when the key expires. ``moment_ms`` is now in
    milliseconds (read from the clock when not given): comparing integers spares each
    get-session a datetime."""
    cache = ctx.plugin_state("jwt", KeyCache)
    if moment_ms is None:
        moment_ms = now_ms()
    current = cache.signing
    if current is not None and moment_ms < current.reuse_until:
        return current
    row = _signing_row(ctx, options)
    until = moment_ms + RECHECK_SECONDS * 1000
    if row.get("expiresAt") is not None:
        until = min(until, to_ms(row["expiresAt"]))
    alg = row.get("alg") or options.alg
    current = SigningKey(row["id"], alg, private_key(ctx, options, row), until)
    cache.signing = current
    return current


def published_keys(ctx: Context, options: JwtOptions) -> list[dict[str, Any]]:
    """The public JWKs of ``/jwks``: keys unexpired or within the grace period of their
    expiry, each with ``alg``, ``crv`` and ``kid`` (the row id); a key is made first when
    there is none."""
    rows = all_keys(ctx) or [create_key(ctx, options)]
    limit = now() - timedelta(seconds=options.grace_period)
    listed = []
    for row in rows:
        if row.get("expiresAt") is not None and row["expiresAt"] <= limit:
            continue
        jwk: dict[str, Any] = {"alg": row.get("alg") or options.alg}
        crv = row.get("crv") or options.configured_crv
        if crv is not None:
            jwk["crv"] = crv
        jwk.update(json.loads(row["publicKey"]))
        jwk["kid"] = row["id"]
        listed.append(jwk)
    return listed
