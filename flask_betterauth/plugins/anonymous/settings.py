"""The anonymous plugin's options, error codes and the made-up email of a guest."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from marshmallow.validate import Email

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context

PLUGIN_ID = "anonymous"
#: The domain of a guest's email when no ``email_domain_name`` is given (spec 9).
PLACEHOLDER_DOMAIN = "anonymous.placeholder.invalid"
DEFAULT_NAME = "Anonymous"

#: Better Auth's ``ANONYMOUS_ERROR_CODES``, same codes and messages.
ERROR_CODES = {
    "INVALID_EMAIL_FORMAT": "Email was not generated in a valid format",
    "FAILED_TO_CREATE_USER": "Failed to create user",
    "COULD_NOT_CREATE_SESSION": "Could not create session",
    "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY": (
        "Anonymous users cannot sign in again anonymously"
    ),
    "FAILED_TO_DELETE_ANONYMOUS_USER": "Failed to delete anonymous user",
    "FAILED_TO_DELETE_ANONYMOUS_USER_SESSIONS": "Failed to delete anonymous user sessions",
    "USER_IS_NOT_ANONYMOUS": "User is not anonymous",
    "DELETE_ANONYMOUS_USER_DISABLED": "Deleting anonymous users is disabled",
}

#: ``on_link_account(anonymous_user, new_user)``: each a ``SignedIn`` (session, user).
LinkCallback = Callable[[Any, Any], None]

_ID_ALPHABET = string.ascii_lowercase + string.digits
_is_email = Email()


@dataclass(frozen=True)
class AnonymousSettings:
    """The options of :func:`~flask_betterauth.plugins.anonymous`, as one value."""

    email_domain_name: str | None = None
    generate_name: Callable[[Context], str] | None = None
    generate_random_email: Callable[[], str] | None = None
    on_link_account: LinkCallback | None = None
    disable_delete_anonymous_user: bool = False

    def email(self) -> str:
        """A new guest's email: ``generate_random_email()`` if given (and valid), else
        ``temp-<id>@<email_domain_name>``, else ``<id>@anonymous.placeholder.invalid``.

        :raises APIError: 400 ``INVALID_EMAIL_FORMAT`` for a generated non-email.
        """
        if self.generate_random_email is not None:
            custom = self.generate_random_email()
            if custom:
                try:
                    _is_email(custom)
                except ValidationError:
                    raise APIError(400, "INVALID_EMAIL_FORMAT") from None
                return custom
        random_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(32))
        if self.email_domain_name:
            return f"temp-{random_id}@{self.email_domain_name}"
        return f"{random_id}@{PLACEHOLDER_DOMAIN}"

    def name(self, ctx: Context) -> str:
        """A new guest's name: ``generate_name(ctx)`` when it gives one, else "Anonymous"."""
        named = self.generate_name(ctx) if self.generate_name is not None else None
        return named or DEFAULT_NAME


def settings_of(ctx: Context) -> AnonymousSettings:
    """The plugin's options for this app."""
    return ctx.plugin_state(PLUGIN_ID, AnonymousSettings)
