"""The passkey pages: a "Passkeys" section of the account page (list, rename, delete, add)
and "Sign in with a passkey" on the sign-in page, with passkeys offered in the email
field's autofill. The WebAuthn ceremonies run in the pages' ``passkey.js``.

Mounted with the ready-made pages (``pages=True``); the templates are
``betterauth/pages/passkey/*.html``, which an app overrides by name.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from flask_betterauth import APIError
from flask_betterauth import current_user
from flask_betterauth.pages import AccountSection
from flask_betterauth.pages import Done
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import after_sign_in
from flask_betterauth.pages import call_api
from flask_betterauth.pages import redirect_with

MESSAGES = {
    "PASSKEY_NOT_FOUND": "That passkey is gone already. Reload the page.",
    "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY": "That passkey is not yours.",
}


def _passkeys() -> list[dict[str, Any]] | None:
    """The signed-in user's passkeys, or ``None`` when the session cannot list them."""
    if not current_user:
        return None
    return list(call_api("list_passkeys").response)


def _rename(form: MultiDict[str, str]) -> Done:
    body = {"id": form.get("id", ""), "name": form.get("name", "")}
    return Done("passkey-renamed", call_api("update_passkey", body))


def _delete(form: MultiDict[str, str]) -> Done:
    return Done("passkey-deleted", call_api("delete_passkey", {"id": form.get("id", "")}))


def _add(form: MultiDict[str, str]) -> Done:
    # The form is sent here only when its script did not run.
    raise APIError(400, None, "Adding a passkey needs JavaScript in this browser.")


SECTION = AccountSection(
    id="passkeys",
    title="Passkeys",
    template="betterauth/pages/passkey/section.html",
    actions={"rename-passkey": _rename, "delete-passkey": _delete, "add-passkey": _add},
    data=_passkeys,
    order=32,
)


def signed_in() -> Response:
    """Where the sign-in page's script goes once a passkey signed the user in: on to
    ``next`` or the configured page."""
    return redirect_with(after_sign_in(), None)


def register(kit: PageKit) -> None:
    """Add the passkey pages to the ready-made pages."""
    kit.add_account_section(SECTION)
    kit.add_sign_in_method("betterauth/pages/passkey/sign_in.html")
    kit.add_sign_in_autocomplete("webauthn")
    kit.add_page("/passkey/signed-in", "passkey_signed_in", signed_in)
    kit.add_notice("passkey-added", "Your passkey is added.")
    kit.add_notice("passkey-renamed", "Your passkey is renamed.")
    kit.add_notice("passkey-deleted", "Your passkey is deleted.")
    kit.add_messages(MESSAGES)
