"""Error types and the catalogue of Better Auth error codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BetterAuthError(Exception):
    """A setup mistake: a bad option, a missing secret, an extension used before ``init_app``.

    Raised at start-up, never in answer to a request.
    """


class NotBuiltError(BetterAuthError):
    """An option names a part of Better Auth that this version does not provide yet."""


class APIError(Exception):
    """An error an endpoint answers with: an HTTP status, a stable code and a message.

    The wire form is ``{"message": message, "code": code}``; ``code`` is left out when it
    is ``None`` (Better Auth sends a few errors with a message only) and ``body=False``
    sends no body at all.

    :param status: the HTTP status code.
    :param code: the stable code from :data:`ERROR_CODES`, or ``None``.
    :param message: the human message; defaults to the catalogue's message for ``code``.
    :param headers: extra response headers.
    :param body: ``False`` sends no body at all.
    :param extra: more members of the JSON body beside ``message`` and ``code`` (Better
        Auth adds some to a few errors, e.g. ``missingPermissions``).
    """

    def __init__(
        self,
        status: int,
        code: str | None = None,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        body: bool = True,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if message is None:
            message = _KNOWN_MESSAGES.get(code or "", code or "")
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.has_body = body
        self.extra = dict(extra or {})

    def to_dict(self) -> dict[str, Any] | None:
        """The JSON body of this error, or ``None`` when it has none."""
        if not self.has_body:
            return None
        if self.code is None:
            return {"message": self.message, **self.extra}
        return {"message": self.message, "code": self.code, **self.extra}

    def __repr__(self) -> str:
        return f"APIError({self.status}, {self.code!r}, {self.message!r})"


#: Every code defined so far (the core's and the plugins') and its message: where
#: :class:`APIError` finds the message of a code raised without one.
_KNOWN_MESSAGES: dict[str, str] = {}


def define_error_codes(codes: Mapping[str, str]) -> dict[str, str]:
    """Return a catalogue of ``CODE -> message`` after checking every key is UPPER_SNAKE.

    The codes become known to :class:`APIError`, so ``APIError(400, "MY_CODE")`` answers
    with the message defined here.
    """
    for code in codes:
        if not code.replace("_", "").isalnum() or code.upper() != code:
            raise BetterAuthError(f"error code {code!r} must be UPPER_SNAKE_CASE")
    for code, message in codes.items():
        _KNOWN_MESSAGES.setdefault(code, message)
    return dict(codes)


#: Every code the core can answer with, and its default message (Better Auth's wording).
ERROR_CODES: dict[str, str] = define_error_codes(
    {
        "USER_NOT_FOUND": "User not found",
        "FAILED_TO_CREATE_USER": "Failed to create user",
        "FAILED_TO_CREATE_SESSION": "Failed to create session",
        "FAILED_TO_UPDATE_USER": "Failed to update user",
        "FAILED_TO_GET_SESSION": "Failed to get session",
        "INVALID_PASSWORD": "Invalid password",
        "INVALID_EMAIL": "Invalid email",
        "INVALID_EMAIL_OR_PASSWORD": "Invalid email or password",
        "INVALID_USER": "Invalid user",
        "SOCIAL_ACCOUNT_ALREADY_LINKED": "Social account already linked",
        "PROVIDER_NOT_FOUND": "Provider not found",
        "INVALID_TOKEN": "Invalid token",
        "TOKEN_EXPIRED": "Token expired",
        "ID_TOKEN_NOT_SUPPORTED": "id_token not supported",
        "FAILED_TO_GET_USER_INFO": "Failed to get user info",
        "USER_EMAIL_NOT_FOUND": "User email not found",
        "EMAIL_NOT_VERIFIED": "Email not verified",
        "PASSWORD_TOO_SHORT": "Password too short",
        "PASSWORD_TOO_LONG": "Password too long",
        "USER_ALREADY_EXISTS": "User already exists.",
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": "User already exists. Use another email.",
        "EMAIL_CAN_NOT_BE_UPDATED": "Email can not be updated",
        "CHANGE_EMAIL_DISABLED": "Change email is disabled",
        "CREDENTIAL_ACCOUNT_NOT_FOUND": "Credential account not found",
        "SESSION_EXPIRED": "Session expired. Re-authenticate to perform this action.",
        "FAILED_TO_UNLINK_LAST_ACCOUNT": "You can't unlink your last account",
        "ACCOUNT_NOT_FOUND": "Account not found",
        # Social sign-in and provider tokens (flask_betterauth.social).
        "OAUTH_LINK_ERROR": "Account not linked",
        "LINKING_NOT_ALLOWED": "Account not linked - linking not allowed",
        "LINKING_DIFFERENT_EMAILS_NOT_ALLOWED": "Account not linked - different emails not allowed",
        "LINKING_FAILED": "Account not linked - unable to create account",
        "FAILED_TO_GET_ACCESS_TOKEN": "Failed to get a valid access token",
        "FAILED_TO_REFRESH_ACCESS_TOKEN": "Failed to refresh access token",
        "REFRESH_TOKEN_NOT_FOUND": "Refresh token not found",
        "TOKEN_REFRESH_NOT_SUPPORTED": "Token refresh not supported",
        "PROVIDER_NOT_SUPPORTED": "Provider not supported",
        "PROVIDER_NOT_CONFIGURED": "Provider not configured",
        "ACCESS_TOKEN_NOT_FOUND": "Access token not found",
        "USER_ALREADY_HAS_PASSWORD": (
            "User already has a password. Provide that to delete the account."
        ),
        "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED": (
            "Cross-site navigation login blocked. This request appears to be a CSRF attack."
        ),
        "VERIFICATION_EMAIL_NOT_ENABLED": "Verification email isn't enabled",
        "EMAIL_ALREADY_VERIFIED": "Email is already verified",
        "EMAIL_MISMATCH": "Email mismatch",
        "SESSION_NOT_FRESH": "Session is not fresh",
        "LINKED_ACCOUNT_ALREADY_EXISTS": "Linked account already exists",
        "INVALID_ORIGIN": "Invalid origin",
        "INVALID_CALLBACK_URL": "Invalid callbackURL",
        "INVALID_REDIRECT_URL": "Invalid redirectURL",
        "INVALID_ERROR_CALLBACK_URL": "Invalid errorCallbackURL",
        "INVALID_NEW_USER_CALLBACK_URL": "Invalid newUserCallbackURL",
        "MISSING_OR_NULL_ORIGIN": "Missing or null Origin",
        "CALLBACK_URL_REQUIRED": "callbackURL is required",
        "FAILED_TO_CREATE_VERIFICATION": "Unable to create verification",
        "FIELD_NOT_ALLOWED": "Field not allowed to be set",
        "ASYNC_VALIDATION_NOT_SUPPORTED": "Async validation is not supported",
        "VALIDATION_ERROR": "Validation Error",
        "MISSING_FIELD": "Field is required",
        "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED": (
            "POST method requires deferSessionRefresh to be enabled in session config"
        ),
        "BODY_MUST_BE_AN_OBJECT": "Body must be an object",
        "PASSWORD_ALREADY_SET": "User already has a password set",
        # Codes the core answers with that Better Auth keeps outside its registry.
        "EMAIL_PASSWORD_SIGN_UP_DISABLED": "Email and password sign up is not enabled",
        "EMAIL_PASSWORD_DISABLED": "Email and password is not enabled",
        "RESET_PASSWORD_DISABLED": "Reset password isn't enabled",
        "UNAUTHORIZED": "Unauthorized",
        "INTERNAL_SERVER_ERROR": "Internal Server Error",
        "NOT_FOUND": "Not found",
        "UNSUPPORTED_MEDIA_TYPE": "Unsupported media type",
        "BAD_REQUEST": "Bad request",
        "PAYLOAD_TOO_LARGE": "Request body is too large",
        "SERVICE_UNAVAILABLE": "Service unavailable",
        # Ours: new-password checks beyond length (password policy, breached passwords).
        "PASSWORD_POLICY_VIOLATION": "Password does not meet the password policy",
        "PASSWORD_COMPROMISED": (
            "The password you entered has been compromised. Please choose a different password."
        ),
        "BREACH_CHECK_UNAVAILABLE": (
            "The password could not be checked against known breaches. Please try again later."
        ),
        # Ours: a mail (verification, reset, confirmation) could not be handed over.
        "EMAIL_SEND_FAILED": "The email could not be sent. Please try again later.",
        # Ours: user.image is not an http(s), path or data:image URL.
        "INVALID_IMAGE_URL": "Invalid image URL: use an http(s) URL, a path or a data:image URL",
        # Ours: no base URL is set and the Host header is not in advanced.allowed_hosts.
        "INVALID_HOST": "Invalid host",
        # ``auth.api`` over its rate limit (the HTTP face answers Better Auth's code-less
        # 429 body with the same message).
        "TOO_MANY_REQUESTS": "Too many requests. Please try again later.",
        "SECONDARY_STORAGE_UNAVAILABLE": (
            "Session storage is unavailable. Please try again shortly."
        ),
        # Ours: the database cannot answer now (restart, timeout, no pooled connection).
        "DATABASE_UNAVAILABLE": "The database is unavailable. Please try again shortly.",
    }
)


class SecondaryStorageUnavailable(APIError):
    """The secondary storage (Redis) cannot be reached: ``503``
    ``SECONDARY_STORAGE_UNAVAILABLE``, never a ``500``.

    :param detail: what failed, for logs; the client sees only the catalogue message.
    """

    def __init__(self, detail: str = "") -> None:
        super().__init__(503, "SECONDARY_STORAGE_UNAVAILABLE")
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


# What an endpoint answers when a database hook refuses a write (``False`` from ``before``).
for _model in ("user", "session", "account", "verification"):
    for _operation in ("create", "update", "delete"):
        ERROR_CODES.setdefault(
            f"FAILED_TO_{_operation.upper()}_{_model.upper()}", f"Failed to {_operation} {_model}"
        )
