"""A GitHub-style OAuth 2.0 provider (no OpenID Connect) built on Authlib's
authorization server, for the tests: ``/login/oauth/authorize`` (PKCE required; the
browser posts ``sub`` to log in, as with oidc-provider-mock), ``/login/oauth/access_token``
(which, like GitHub, answers refusals with HTTP 200 and ``{"error": ...}``), and the
``/api/user`` and ``/api/user/emails`` APIs in GitHub's shapes.

Run as ``python -m tests.social.github_idp <port>``; users are set with
``PUT /users/<login>`` (``{"id", "name", "email", "emails": [...]}``).
"""

from __future__ import annotations

import secrets
import sys
import time
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.integrations.flask_oauth2 import current_token
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask
from flask import jsonify
from flask import request

USERS: dict[str, dict[str, Any]] = {}
CODES: dict[str, Any] = {}
TOKENS: dict[str, Any] = {}


class Client:
    """Any client id; the secret is ``<id>-secret``."""

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return True

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, f"{self.client_id}-secret")

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_post", "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class Code(dict):  # type: ignore[type-arg]
    """An authorization code and what it was issued for."""

    def get_redirect_uri(self) -> str:
        return str(self["redirect_uri"])

    @property
    def code_challenge(self) -> str | None:
        return self.get("code_challenge")

    @property
    def code_challenge_method(self) -> str | None:
        return self.get("code_challenge_method")

    def get_scope(self) -> str:
        return str(self["scope"])


class Token(dict):  # type: ignore[type-arg]
    """An access token."""

    def check_client(self, client: Client) -> bool:
        return client.client_id == self["client_id"]

    def get_scope(self) -> str:
        return str(self["scope"])

    def get_expires_in(self) -> int:
        return int(self["expires_in"])

    def is_expired(self) -> bool:
        return bool(self["issued_at"] + self["expires_in"] < time.time())

    def is_revoked(self) -> bool:
        return False


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        CODES[code] = Code(
            client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.payload.scope or "",
            user=request.user,
            code_challenge=request.payload.data.get("code_challenge"),
            code_challenge_method=request.payload.data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = CODES.get(code)
        return found if found and found["client_id"] == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        for key, value in list(CODES.items()):
            if value is authorization_code:
                del CODES[key]

    def authenticate_user(self, authorization_code: Code) -> Any:
        return authorization_code["user"]


class Validator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> Token | None:
        return TOKENS.get(token_string)


def save_token(token: dict[str, Any], request: Any) -> None:
    TOKENS[token["access_token"]] = Token(
        client_id=request.client.client_id,
        scope=token.get("scope", ""),
        expires_in=token["expires_in"],
        issued_at=time.time(),
        user=request.user,
    )


app = Flask(__name__)
server = AuthorizationServer(app, query_client=Client, save_token=save_token)
server.register_grant(CodeGrant, [CodeChallenge(required=True)])
protect = ResourceProtector()
protect.register_token_validator(Validator())


@app.put("/users/<login>")
def put_user(login: str) -> Any:
    USERS[login] = {"login": login, **(request.get_json() or {})}
    return "", 204


@app.route("/login/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    if request.method == "GET":
        return "<form method=post><input name=sub></form>"
    user = USERS.get(request.form.get("sub", ""))
    return server.create_authorization_response(grant_user=user)


@app.post("/login/oauth/access_token")
def access_token() -> Any:
    response = server.create_token_response()
    if response.status_code != 200:  # GitHub answers refusals with 200
        response.status_code = 200
    return response


@app.get("/api/user")
@protect()
def user() -> Any:
    found = dict(current_token["user"])
    found.pop("emails", None)
    return jsonify(found)


@app.get("/api/user/emails")
@protect()
def emails() -> Any:
    return jsonify(current_token["user"].get("emails", []))


if __name__ == "__main__":
    import logging
    import os

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on the loopback

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
