"""The username rules: normalisation, length and character checks, the taken check."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import define_error_codes

PLUGIN_ID = "username"
ERROR_CODES = define_error_codes(
    {
        "INVALID_USERNAME_OR_PASSWORD": "Invalid username or password",
        "EMAIL_NOT_VERIFIED": "Email not verified",
        "UNEXPECTED_ERROR": "Unexpected error",
        "USERNAME_IS_ALREADY_TAKEN": "Username is already taken. Please try another.",
        "USERNAME_TOO_SHORT": "Username is too short",
        "USERNAME_TOO_LONG": "Username is too long",
        "INVALID_USERNAME": "Username is invalid",
        "INVALID_DISPLAY_USERNAME": "Display username is invalid",
        "USERNAME_IS_IMMUTABLE": "Username cannot be updated",
    }
)
_DEFAULT_PATTERN = re.compile(r"[a-zA-Z0-9_.]+")
PRE = "pre-normalization"
POST = "post-normalization"


def default_username_validator(username: str) -> bool:
    """Better Auth's default rule: letters, digits, ``_`` and ``.`` only."""
    return _DEFAULT_PATTERN.fullmatch(username) is not None


def js_length(text: str) -> int:
    """Length in UTF-16 code units, as JavaScript's ``String.length`` counts."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class UsernameRules:
    """The plugin's options, as the handlers and hooks use them (the per-app state)."""

    min_length: int
    max_length: int
    validator: Callable[[str], bool]
    display_validator: Callable[[str], bool] | None
    normalization: Callable[[str], str] | None
    display_normalization: Callable[[str], str] | None
    username_order: str
    display_order: str
    immutable: bool
    display_username: bool

    def normalise(self, username: str) -> str:
        """The stored form of ``username`` (lower case unless configured otherwise)."""
        return self.normalization(username) if self.normalization else username

    def normalise_display(self, display: str) -> str:
        """The stored form of a display username (unchanged unless configured)."""
        return self.display_normalization(display) if self.display_normalization else display

    def problem(self, username: str) -> str | None:
        """The error code ``username`` breaks (length, then characters), or ``None``;
        checked on the raw value unless the validation order says after normalisation."""
        checked = self.normalise(username) if self.username_order == POST else username
        length = js_length(checked)
        if length < self.min_length:
            return "USERNAME_TOO_SHORT"
        if length > self.max_length:
            return "USERNAME_TOO_LONG"
        if not self.validator(checked):
            return "INVALID_USERNAME"
        return None

    def check(self, username: str, status: int) -> None:
        """:raises APIError: ``status`` with the code ``username`` breaks."""
        code = self.problem(username)
        if code is not None:
            raise APIError(status, code)

    def check_display(self, display: Any) -> None:
        """:raises APIError: 400 ``INVALID_DISPLAY_USERNAME`` when the app's display
        validator refuses ``display``."""
        if not isinstance(display, str) or self.display_validator is None:
            return
        checked = self.normalise_display(display) if self.display_order == POST else display
        if not self.display_validator(checked):
            raise APIError(400, "INVALID_DISPLAY_USERNAME")

    def check_free(self, ctx: Context, username: str, owner_id: str | None) -> None:
        """:raises APIError: 400 ``USERNAME_IS_ALREADY_TAKEN`` when another user than
        ``owner_id`` holds the normalised ``username``."""
        found = ctx.users.find_where({"username": self.normalise(username)})
        if found is not None and found["id"] != owner_id:
            raise APIError(400, "USERNAME_IS_ALREADY_TAKEN")


def rules_of(ctx: Context) -> UsernameRules:
    """The username rules of the app ``ctx`` belongs to."""
    return ctx.plugin_state(PLUGIN_ID, UsernameRules)
