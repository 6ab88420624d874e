"""The ``username`` plugin: sign in with a username, as Better Auth's ``username()``.

Adds ``user.username`` (unique, stored normalised) and ``user.displayUsername``,
``POST /sign-in/username`` and ``POST /is-username-available``, and checks the two fields
on ``sign-up/email`` and ``update-user``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin

from .endpoints import is_username_available
from .endpoints import sign_in_username
from .hooks import check_sign_up
from .hooks import check_update
from .hooks import database_hooks
from .pages import add_pages
from .rules import ERROR_CODES
from .rules import PLUGIN_ID
from .rules import POST
from .rules import PRE
from .rules import UsernameRules
from .rules import default_username_validator

__all__ = ["ERROR_CODES", "UsernameRules", "username"]


def username(
    min_username_length: int = 3,
    max_username_length: int = 30,
    username_validator: Callable[[str], bool] | None = None,
    display_username_validator: Callable[[str], bool] | None = None,
    username_normalization: Callable[[str], str] | bool | None = None,
    display_username_normalization: Callable[[str], str] | None = None,
    validation_order: dict[str, str] | None = None,
    immutable_username: bool = False,
    display_username: bool = True,
) -> Plugin:
    """Let users sign in with a username.

    :param min_username_length: the shortest username (in UTF-16 units, as JavaScript).
    :param max_username_length: the longest username.
    :param username_validator: ``validator(username) -> bool``; by default letters,
        digits, ``_`` and ``.``.
    :param display_username_validator: ``validator(display_username) -> bool``; none by
        default.
    :param username_normalization: ``normalise(username) -> str`` for the stored form;
        lower case by default, ``False`` to store usernames as sent.
    :param display_username_normalization: the same for display usernames (none).
    :param validation_order: ``{"username": "pre-normalization" | "post-normalization",
        "displayUsername": ...}``: validate the value as sent (default) or normalised.
    :param immutable_username: refuse to change a username once set.
    :param display_username: keep the ``displayUsername`` field (``False`` drops it).
    """
    order = validation_order or {}
    for key, value in order.items():
        if key not in ("username", "displayUsername") or value not in (PRE, POST):
            raise ValueError(f"validation_order: {key!r}: {value!r} is not valid")
    if username_normalization is None or username_normalization is True:
        normalization: Callable[[str], str] | None = str.lower
    elif username_normalization is False:
        normalization = None
    else:
        normalization = username_normalization
    rules = UsernameRules(
        min_length=min_username_length,
        max_length=max_username_length,
        validator=username_validator or default_username_validator,
        display_validator=display_username_validator,
        normalization=normalization,
        display_normalization=display_username_normalization,
        username_order=order.get("username", PRE),
        display_order=order.get("displayUsername", PRE),
        immutable=immutable_username,
        display_username=display_username,
    )
    fields: dict[str, Any] = {"username": {"type": "string", "unique": True}}
    if display_username:
        fields["displayUsername"] = {"type": "string"}
    return Plugin(
        id=PLUGIN_ID,
        endpoints=(sign_in_username, is_username_available),
        schema={"user": {"fields": fields}},
        hooks={
            "before": [
                Hook(check_sign_up, endpoints=frozenset({"sign_up_email"})),
                Hook(check_update, endpoints=frozenset({"update_user"})),
            ]
        },
        database_hooks=database_hooks(rules),
        # Better Auth's core rule for every ``/sign-in*`` path: 3 tries in 10 s.
        rate_limit=[EndpointRateLimit(frozenset({"sign_in_username"}), 10, 3)],
        error_codes=ERROR_CODES,
        state=lambda options: rules,
        pages=add_pages,
    )
