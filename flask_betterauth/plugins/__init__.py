"""The plugin kit: everything a plugin needs, in one module, and the shipped plugins.

A plugin imports from here (and from :mod:`flask_betterauth`) only::

    from flask_betterauth.plugins import Context, Plugin, endpoint
"""

from __future__ import annotations

from typing import Any

from ..clock import iso as iso
from ..clock import now as now
from ..context import Context as Context
from ..cookies import CookieSpec as CookieSpec
from ..cookies import decode_signed as decode_signed
from ..cookies import encode_signed as encode_signed
from ..dispatch import RawResponse as RawResponse
from ..dispatch import Redirect as Redirect
from ..endpoints.sign_in import check_credential as check_credential
from ..endpoints.sign_in import finish_sign_in as finish_sign_in
from ..errors import APIError as APIError
from ..errors import define_error_codes as define_error_codes
from ..hooks import Hook as Hook
from ..mail.mailer import MailPurpose as MailPurpose
from ..openapi import openapi_document as openapi_document
from ..records import Record as Record
from ..registry import Endpoint as Endpoint
from ..registry import endpoint as endpoint
from ..security.ratelimit import EndpointRateLimit as EndpointRateLimit
from ..sessions.values import Carrier as Carrier
from ..sessions.values import TokenSource as TokenSource
from ..validation import BodySchema as BodySchema
from ..validation import StrictBoolean as StrictBoolean
from ..validation import StrictString as StrictString
from ..validation import TruthyFlag as TruthyFlag
from .base import Plugin as Plugin
from .base import SessionFields as SessionFields

__all__ = [
    "APIError",
    "BodySchema",
    "Carrier",
    "Context",
    "CookieSpec",
    "Endpoint",
    "EndpointRateLimit",
    "Hook",
    "MailPurpose",
    "Plugin",
    "RawResponse",
    "Record",
    "Redirect",
    "SessionFields",
    "StrictBoolean",
    "StrictString",
    "TokenSource",
    "TruthyFlag",
    "bearer",
    "check_credential",
    "decode_signed",
    "define_error_codes",
    "encode_signed",
    "endpoint",
    "finish_sign_in",
    "iso",
    "now",
    "open_api",
    "openapi_document",
    "username",
]


def __getattr__(name: str) -> Any:
    """The shipped plugins' factories, imported on first use (they use this kit)."""
    if name == "open_api":
        from .openapi import open_api

        return open_api
    # A plugin package named like its factory: importing the package sets the package
    # as this module's attribute, so the factory is put back over it.
    if name == "username":
        from .username import username

        globals()["username"] = username
        return username
    if name == "bearer":
        from .bearer import bearer

        globals()["bearer"] = bearer
        return bearer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
