"""``GET /passkey/generate-authenticate-options`` and ``POST
/passkey/verify-authentication`` (spec 2.3, 2.4, 7): sign in with a passkey.

Without a session the options name no credential, so the browser offers the
discoverable passkeys it holds for the RP ID (and autofill can list them); the passkey is
then found by the credential id the browser sends back. With a session they name that
user's passkeys. A passkey is itself a strong factor: as in Better Auth, the two-factor
plugin does not hold this sign-in: it is declared ``sign_in=True`` (hooks on every
sign-in see it) with ``second_factor=True`` (two-factor's hold skips it).
"""

from __future__ import annotations

import json
from typing import Any

from marshmallow import fields
from webauthn import generate_authentication_options
from webauthn import options_to_json
from webauthn import verify_authentication_response
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.structs import UserVerificationRequirement

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import start_session
from flask_betterauth.plugins import to_wire

from . import challenge
from . import rows
from .descriptors import descriptors
from .settings import TIMEOUT_MS
from .settings import settings

#: Longest credential id looked up (WebAuthn allows 1023 bytes: 1364 base64url characters).
MAX_CREDENTIAL_ID = 1400


class VerifyAuthenticationBody(BodySchema):
    """The body of ``POST /passkey/verify-authentication``."""

    response = fields.Dict(
        required=True,
        error_messages={"invalid": "Invalid input: expected record"},
    )


@endpoint(
    "/passkey/generate-authenticate-options",
    method="GET",
    auth="optional",
    name="generate_passkey_authentication_options",
)
def generate_passkey_authentication_options(ctx: Context) -> Any:
    """The options for ``navigator.credentials.get`` and a new challenge (its cookie)."""
    options = settings(ctx)
    signed_in = ctx.session
    passkeys = rows.of_user(ctx, signed_in.user["id"]) if signed_in is not None else []
    made = generate_authentication_options(
        rp_id=options.rp_id_for(ctx),
        challenge=challenge.new_challenge(),
        timeout=TIMEOUT_MS,
        allow_credentials=descriptors(passkeys),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    body = json.loads(options_to_json(made))
    if not body.get("allowCredentials"):
        body.pop("allowCredentials", None)
    challenge.store(
        ctx,
        {
            "type": challenge.AUTHENTICATION,
            "expectedChallenge": body["challenge"],
            "userData": {"id": signed_in.user["id"] if signed_in is not None else ""},
        },
    )
    return body


@endpoint(
    "/passkey/verify-authentication",
    body=VerifyAuthenticationBody,
    name="verify_passkey_authentication",
    sign_in=True,
    second_factor=True,
)
def verify_passkey_authentication(ctx: Context) -> Any:
    """Check an assertion against the challenge and the stored key; start a session."""
    options = settings(ctx)
    origin = options.expected_origin(ctx)
    if not origin:
        raise APIError(400, None, "origin missing")
    stored = challenge.take(ctx, challenge.AUTHENTICATION)
    credential = ctx.body["response"]
    credential_id = credential.get("id")
    passkey = None
    if isinstance(credential_id, str) and 0 < len(credential_id) <= MAX_CREDENTIAL_ID:
        passkey = rows.by_credential(ctx, credential_id)
    if passkey is None:
        raise APIError(401, "PASSKEY_NOT_FOUND")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(stored["expectedChallenge"]),
            expected_origin=origin,
            expected_rp_id=options.rp_id_for(ctx),
            credential_public_key=rows.public_key(passkey),
            credential_current_sign_count=int(passkey["counter"] or 0),
            require_user_verification=False,
        )
    except Exception:  # noqa: BLE001  (any malformed or refused assertion)
        raise APIError(400, "AUTHENTICATION_FAILED") from None
    counted = verified.new_sign_count != passkey["counter"]  # both 0: no counter kept
    if counted and not rows.advance_counter(ctx, passkey, verified.new_sign_count):
        # Another sign-in with this passkey changed the count meanwhile: a cloned
        # authenticator, or the same assertion twice.
        raise APIError(400, "AUTHENTICATION_FAILED")
    user = ctx.users.find_by_id(passkey["userId"])
    if user is None:
        raise APIError(500, "UNABLE_TO_CREATE_SESSION")
    session = start_session(ctx, user, remember_me=True)
    return {
        "session": to_wire(ctx.state.tables["session"], session),
        "user": ctx.user_json(user),
    }
