"""Redaction of configuration for display: secrets, credentials in URLs, email addresses.

``flask auth info`` shows an app's configuration so that it can be pasted into a bug
report; nothing in it may let a reader sign in, reach the database or learn who the
users are.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

#: What replaces a hidden value.
REDACTED = "[redacted]"

#: A key whose value is hidden when it contains one of these words.
_SENSITIVE = re.compile(
    r"secret|password|passwd|token|credential|private|api_?key|salt|signature|^key$|_key$",
    re.IGNORECASE,
)
#: ... unless the key names a plain setting about such a value (``min_password_length``).
_SETTING = re.compile(r"(_length|_rounds|_age|_in|enabled)$", re.IGNORECASE)
#: ``scheme://userinfo@``: the user name and password of a URL.
_URL_USERINFO = re.compile(r"([a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
#: A query parameter of a URL that carries a secret (``?password=...``).
_URL_PARAM = re.compile(
    r"([?&][^=&#\s]*(?:password|secret|token|key)[^=&#\s]*=)[^&#\s]*", re.IGNORECASE
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def is_sensitive(key: str) -> bool:
    """Whether a configuration key names a value that must not be shown."""
    return bool(_SENSITIVE.search(key)) and not _SETTING.search(key)


def redact_text(text: str) -> str:
    """``text`` with URL credentials (user info, secret query parameters) and email
    addresses replaced."""
    text = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)
    text = _URL_PARAM.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _EMAIL.sub("[email]", text)


def redact(value: Any, key: str = "") -> Any:
    """A JSON-able copy of ``value`` with every secret hidden.

    Mappings and dataclasses are walked; a string, number or other scalar under a
    sensitive key (:func:`is_sensitive`) becomes ``"[redacted]"`` (unless it is empty,
    ``None`` or a boolean: those say only whether something is set); every other string
    loses URL credentials and email addresses; callables and objects are shown as their
    type only.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(item, key) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if is_sensitive(key) and value != "":
        return REDACTED
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return redact_text(value)
    if callable(value):
        return "<callable>"
    return f"<{type(value).__name__}>"
