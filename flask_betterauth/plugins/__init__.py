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
from ..errors import APIError as APIError
from ..errors import define_error_codes as define_error_codes
from ..hooks import Hook as Hook
from ..mail.mailer import MailPurpose as MailPurpose
from ..openapi import openapi_document as openapi_document
from ..records import Record as Record
from ..registry import Endpoint as Endpoint
from ..registry import endpoint as endpoint
from ..security.ratelimit import EndpointRateLimit as EndpointRateLimit
from ..sessions.flows import start_session as start_session
from ..sessions.values import Carrier as Carrier
from ..sessions.values import SignedIn as SignedIn
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
    "SignedIn",
    "StrictBoolean",
    "StrictString",
    "TokenSource",
    "TruthyFlag",
    "decode_signed",
    "define_error_codes",
    "encode_signed",
    "endpoint",
    "iso",
    "now",
    "open_api",
    "openapi_document",
    "start_session",
    "two_factor",
]


def __getattr__(name: str) -> Any:
    """The shipped plugins' factories, imported on first use (they use this kit)."""
    if name == "open_api":
        from .openapi import open_api

        return open_api
    if name == "two_factor":
        from .twofactor import two_factor

        return two_factor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
