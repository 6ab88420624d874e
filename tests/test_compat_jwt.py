"""The ``jwt`` plugin with the official ``jwtClient()`` and ``jose`` (spec 10): the client's
``token()`` and ``jwks()``, the ``set-auth-jwt`` header, and tokens signed here verified by
``jose`` against our ``/jwks``; the Python verifier over real HTTP; and Better Auth's own
``symmetricEncrypt`` reading our encrypted private keys and the other way round.

Needs ``npm ci --prefix tests/compat``.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import jwt
from flask_betterauth.plugins import symmetric_decrypt
from flask_betterauth.plugins import symmetric_encrypt
from flask_betterauth.plugins.jwt_plugin import InvalidJWT
from flask_betterauth.plugins.jwt_plugin import JWKSUnavailable
from flask_betterauth.plugins.jwt_plugin import RemoteJWKS
from flask_betterauth.plugins.jwt_plugin import verify_jwt
from tests.servers import free_port
from tests.test_compat import TEST_SECRET
from tests.test_compat import LiveServer
from tests.test_compat import compat_client_installed  # noqa: F401  (jwt_server needs it)
from tests.test_compat import ok
from tests.test_compat import run_node
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat


@pytest.fixture
def jwt_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The compatibility server with ``jwt()`` on."""
    request.getfixturevalue("compat_client_installed")
    with serving(tmp_path, plugins=[jwt()]) as server:
        yield server


def test_jwt_client_and_jose_verify_our_tokens(jwt_server: LiveServer) -> None:
    report = run_scenario(jwt_server.url, "jwt", "jwt.mjs")
    steps = report["steps"]
    user = ok(steps["signUp"])["user"]
    token = ok(steps["token"])["token"]
    assert steps["token"]["http"][0]["method"] == "GET"
    [key] = ok(steps["jwks"])["keys"]
    assert list(key) == ["alg", "crv", "x", "kty", "kid"]
    assert (key["alg"], key["crv"], key["kty"]) == ("EdDSA", "Ed25519", "OKP")

    verified = report["verified"]
    assert verified["protectedHeader"] == {"alg": "EdDSA", "kid": key["kid"]}
    payload = verified["payload"]
    assert {k: payload[k] for k in user} == user
    assert payload["sub"] == user["id"]
    assert payload["iss"] == payload["aud"] == jwt_server.url
    assert payload["exp"] - payload["iat"] == 900

    assert report["exposed"] == "set-auth-jwt"
    assert report["verifiedHeaderJwt"]["payload"]["sub"] == user["id"]
    assert report["tampered"] == {"error": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}
    assert report["otherAudience"] == {"error": "ERR_JWT_CLAIM_VALIDATION_FAILED"}
    assert steps["signedOut"]["error"]["status"] == 401
    assert steps["signedOut"]["data"] is None
    assert report["verifiedHeaderJwt"]["protectedHeader"]["kid"] == key["kid"]
    assert token.count(".") == report["sessionJwt"].count(".") == 2


def _token(server: LiveServer) -> str:
    client = server.app.test_client()
    body = {"name": "Ann", "email": "ann@example.com", "password": "password123"}
    assert client.post("/api/auth/sign-up/email", json=body).status_code == 200
    return str(client.get("/api/auth/token").json["token"])


def test_python_services_verify_with_the_live_jwks(jwt_server: LiveServer) -> None:
    token = _token(jwt_server)
    url = f"{jwt_server.url}/api/auth/jwks"
    origin = jwt_server.url
    assert verify_jwt(token, url, issuer=origin, audience=origin)["email"] == "ann@example.com"

    fetched: list[str] = []

    def fetch(address: str) -> Any:
        fetched.append(address)
        with urllib.request.urlopen(address, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    keys = RemoteJWKS(url, fetch=fetch, min_refresh=0)
    for _ in range(3):
        assert verify_jwt(token, keys, issuer=origin, audience=origin)["sub"]
    assert fetched == [url]
    with pytest.raises(InvalidJWT, match="no key 'unknown'"):
        verify_jwt("eyJhbGciOiJFZERTQSIsImtpZCI6InVua25vd24ifQ.e30.AA", keys, issuer=origin,
                   audience=origin)  # fmt: skip
    assert fetched == [url, url]  # an unknown kid fetches the keys again
    with pytest.raises(InvalidJWT, match="claims"):
        verify_jwt(token, keys, issuer="https://elsewhere.example", audience=origin)


def test_an_unreachable_or_wrong_jwks_url_is_not_a_bad_token(jwt_server: LiveServer) -> None:
    token = _token(jwt_server)
    origin = jwt_server.url
    for url in (f"http://127.0.0.1:{free_port()}/jwks", f"{origin}/api/auth/get-session"):
        with pytest.raises(JWKSUnavailable):
            verify_jwt(token, url, issuer=origin, audience=origin)


_ENVELOPE_SCRIPT = """
import * as crypto from "./node_modules/better-auth/dist/crypto/index.mjs";
const { symmetricDecrypt, symmetricEncrypt } = crypto;
const [secret, ours] = process.argv.slice(1);
const theirs = await symmetricEncrypt({ key: secret, data: '{"kty":"OKP","d":"é"}' });
const read = await symmetricDecrypt({ key: secret, data: ours });
process.stdout.write(JSON.stringify({ theirs, read }));
"""


@pytest.mark.usefixtures("compat_client_installed")
def test_better_auth_reads_our_envelope_and_we_read_theirs() -> None:
    ours = symmetric_encrypt(TEST_SECRET, '{"kty":"OKP","x":"ü"}')
    result = json.loads(
        run_node("--input-type=module", "-e", _ENVELOPE_SCRIPT, TEST_SECRET, ours).stdout
    )
    assert result["read"] == '{"kty":"OKP","x":"ü"}'
    assert symmetric_decrypt(TEST_SECRET, result["theirs"]) == '{"kty":"OKP","d":"é"}'
