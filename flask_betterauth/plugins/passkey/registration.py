"""``GET /passkey/generate-register-options`` and ``POST /passkey/verify-registration``
(spec 2.1, 2.2): a signed-in user, with a fresh session, adds a passkey."""

from __future__ import annotations

import base64
import json
import secrets
import string
from typing import Any

from marshmallow import fields
from marshmallow.validate import OneOf
from webauthn import generate_registration_options
from webauthn import options_to_json
from webauthn import verify_registration_response
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.structs import AuthenticatorAttachment
from webauthn.helpers.structs import AuthenticatorSelectionCriteria
from webauthn.helpers.structs import ResidentKeyRequirement
from webauthn.helpers.structs import UserVerificationRequirement

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictBoolean
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import start_session
from flask_betterauth.plugins import to_wire

from . import challenge
from . import rows
from .descriptors import descriptors
from .settings import TIMEOUT_MS
from .settings import settings

_ATTACHMENTS = ("platform", "cross-platform")
_USER_ID_ALPHABET = string.ascii_lowercase + string.digits
#: The longest passkey name kept (Better Auth sets none; a name is shown in lists).
MAX_NAME_LENGTH = 256


class RegisterOptionsQuery(BodySchema):
    """The query of ``GET /passkey/generate-register-options``."""

    authenticatorAttachment = StrictString(
        validate=OneOf(
            _ATTACHMENTS,
            error='Invalid option: expected one of "platform"|"cross-platform"',
        )
    )
    name = StrictString()
    context = StrictString()


class VerifyRegistrationBody(BodySchema):
    """The body of ``POST /passkey/verify-registration``."""

    response = fields.Raw(required=True)
    name = StrictString()
    createSession = StrictBoolean()


@endpoint(
    "/passkey/generate-register-options",
    method="GET",
    query=RegisterOptionsQuery,
    auth="fresh",
    name="generate_passkey_registration_options",
)
def generate_passkey_registration_options(ctx: Context) -> Any:
    """The options for ``navigator.credentials.create`` and a new challenge (its cookie)."""
    options = settings(ctx)
    user = ctx.signed_in.user
    label = user.get("email") or user["id"]
    selection = {"residentKey": "preferred", "userVerification": "preferred"}
    selection.update(options.authenticator_selection)
    attachment = ctx.query.get("authenticatorAttachment") or selection.get(
        "authenticatorAttachment"
    )
    made = generate_registration_options(
        rp_id=options.rp_id_for(ctx),
        rp_name=options.rp_name,
        user_name=ctx.query.get("name") or label,
        user_display_name=label,
        # Random on every call and never stored, as Better Auth's.
        user_id="".join(secrets.choice(_USER_ID_ALPHABET) for _ in range(32)).encode(),
        challenge=challenge.new_challenge(),
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            authenticator_attachment=AuthenticatorAttachment(attachment) if attachment else None,
            resident_key=ResidentKeyRequirement(selection["residentKey"]),
            user_verification=UserVerificationRequirement(selection["userVerification"]),
        ),
        exclude_credentials=descriptors(rows.of_user(ctx, user["id"])),
    )
    body = json.loads(options_to_json(made))
    body["extensions"] = {"credProps": True}
    body["hints"] = []
    challenge.store(
        ctx,
        {
            "type": challenge.REGISTRATION,
            "expectedChallenge": body["challenge"],
            "userData": {"id": user["id"], "name": label, "displayName": label},
            "context": ctx.query.get("context"),
        },
    )
    return body


def _failed() -> APIError:
    # Better Auth answers 500 here; a malformed or foreign credential is the client's
    # fault, so this is a 400 with the same code (the official client reads the code).
    return APIError(400, "FAILED_TO_VERIFY_REGISTRATION")


@endpoint(
    "/passkey/verify-registration",
    body=VerifyRegistrationBody,
    auth="fresh",
    name="verify_passkey_registration",
)
def verify_passkey_registration(ctx: Context) -> Any:
    """Check the new credential against the challenge and store it as a passkey."""
    options = settings(ctx)
    user = ctx.signed_in.user
    origin = options.expected_origin(ctx)
    if not origin:
        raise _failed()
    stored = challenge.take(ctx, challenge.REGISTRATION)
    user_data = stored.get("userData")
    if not isinstance(user_data, dict) or user_data.get("id") != user["id"]:
        raise APIError(401, "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY")
    credential = ctx.body["response"]
    if not isinstance(credential, dict):
        raise _failed()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(stored["expectedChallenge"]),
            expected_origin=origin,
            expected_rp_id=options.rp_id_for(ctx),
            require_user_verification=False,
        )
    except Exception:  # noqa: BLE001  (any malformed or refused credential)
        raise _failed() from None
    name = (ctx.body.get("name") or "").strip()[:MAX_NAME_LENGTH] or None
    row = rows.create(
        ctx,
        {
            "name": name,
            "publicKey": base64.b64encode(verified.credential_public_key).decode(),
            "userId": user["id"],
            "credentialID": bytes_to_base64url(verified.credential_id),
            "counter": verified.sign_count,
            "deviceType": rows.DEVICE_TYPES[verified.credential_device_type.value],
            "backedUp": verified.credential_backed_up,
            "transports": ",".join(_transports(credential)),
            "aaguid": verified.aaguid,
        },
    )
    body = rows.wire(ctx, row)
    if ctx.body.get("createSession") is True:
        session = start_session(ctx, user, remember_me=True)
        body["session"] = to_wire(ctx.state.tables["session"], session)
        body["user"] = ctx.user_json(user)
    return body


def _transports(credential: dict[str, Any]) -> list[str]:
    """The transports the browser reported for the new credential (strings only)."""
    inner = credential.get("response")
    found = inner.get("transports") if isinstance(inner, dict) else None
    if not isinstance(found, list):
        return []
    return [t for t in found if isinstance(t, str) and t and "," not in t][:16]
