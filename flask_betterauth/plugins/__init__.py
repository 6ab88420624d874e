"""The plugin kit: everything a plugin needs, in one module, and the shipped plugins.

A plugin imports from here (and from :mod:`flask_betterauth`) only::

    from flask_betterauth.plugins import Context, Plugin, endpoint
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

from .. import signals as signals
from ..access import AccessControl as AccessControl
from ..access import Authorization as Authorization
from ..access import PermissionRequest as PermissionRequest
from ..access import Role as Role
from ..access import RoleSource as RoleSource
from ..access import create_access_control as create_access_control
from ..access import has_permission as has_permission
from ..access import permission_required as permission_required
from ..access import split_roles as split_roles
from ..access import user_has_permission as user_has_permission
from ..additional_fields import parse_input as parse_input
from ..clock import iso as iso
from ..clock import now as now
from ..clock import now_ms as now_ms
from ..clock import to_ms as to_ms
from ..context import Context as Context
from ..cookies import CookieSpec as CookieSpec
from ..cookies import decode_signed as decode_signed
from ..cookies import encode_signed as encode_signed
from ..dispatch import RawResponse as RawResponse
from ..dispatch import Redirect as Redirect
from ..dispatch import current_context as current_context
from ..endpoints.sign_in import check_credential as check_credential
from ..endpoints.sign_in import check_email as check_email
from ..endpoints.sign_in import finish_sign_in as finish_sign_in
from ..errors import APIError as APIError
from ..errors import define_error_codes as define_error_codes
from ..hooks import Hook as Hook
from ..links import set_query as set_query
from ..mail.mailer import MailPurpose as MailPurpose
from ..openapi import openapi_document as openapi_document
from ..password_rules import check_new_password as check_new_password
from ..password_rules import check_password_length as check_password_length
from ..password_rules import reset_password_of as reset_password_of
from ..records import Record as Record
from ..records import to_wire as to_wire
from ..registry import Endpoint as Endpoint
from ..registry import endpoint as endpoint
from ..security.ratelimit import EndpointRateLimit as EndpointRateLimit
from ..sessions.flows import find_session as find_session
from ..sessions.flows import reissue_cookies as reissue_cookies
from ..sessions.flows import start_session as start_session
from ..sessions.values import Carrier as Carrier
from ..sessions.values import SignedIn as SignedIn
from ..sessions.values import TokenSource as TokenSource
from ..social.generic import GenericProviders as GenericProviders
from ..social.generic import parse_config as parse_generic_oauth_config
from ..social.providers import Provider as Provider
from ..social.providers import ProviderSource as ProviderSource
from ..social.state import add_oauth_server_context as add_oauth_server_context
from ..social.state import oauth_state as oauth_state
from ..state import AuthState as AuthState
from ..state import current_state as current_state
from ..storage import ConflictError as ConflictError
from ..storage.base import Op as Op
from ..symmetric import DecryptionError as DecryptionError
from ..symmetric import symmetric_decrypt as symmetric_decrypt
from ..symmetric import symmetric_encrypt as symmetric_encrypt
from ..validation import BodySchema as BodySchema
from ..validation import StrictBoolean as StrictBoolean
from ..validation import StrictString as StrictString
from ..validation import TruthyFlag as TruthyFlag
from ..validation import check_image_url as check_image_url
from .base import Plugin as Plugin
from .base import SessionFields as SessionFields

__all__ = [
    "APIError",
    "AccessControl",
    "AuthState",
    "Authorization",
    "BodySchema",
    "Carrier",
    "ConflictError",
    "Context",
    "CookieSpec",
    "DecryptionError",
    "Endpoint",
    "EndpointRateLimit",
    "GenericProviders",
    "Hook",
    "MailPurpose",
    "Op",
    "PermissionRequest",
    "Plugin",
    "Provider",
    "ProviderSource",
    "RawResponse",
    "Record",
    "Redirect",
    "Role",
    "RoleSource",
    "SessionFields",
    "SignedIn",
    "StrictBoolean",
    "StrictString",
    "TokenSource",
    "TruthyFlag",
    "add_oauth_server_context",
    "admin",
    "anonymous",
    "bearer",
    "check_credential",
    "check_email",
    "check_image_url",
    "check_new_password",
    "check_password_length",
    "create_access_control",
    "current_context",
    "current_state",
    "decode_signed",
    "define_error_codes",
    "email_otp",
    "encode_signed",
    "endpoint",
    "find_session",
    "finish_sign_in",
    "generic_oauth",
    "has_permission",
    "iso",
    "jwt",
    "magic_link",
    "multi_session",
    "now",
    "now_ms",
    "oauth_state",
    "open_api",
    "organization",
    "openapi_document",
    "reissue_cookies",
    "reset_password_of",
    "parse_generic_oauth_config",
    "parse_input",
    "passkey",
    "permission_required",
    "set_query",
    "signals",
    "split_roles",
    "start_session",
    "symmetric_decrypt",
    "symmetric_encrypt",
    "to_ms",
    "to_wire",
    "two_factor",
    "user_has_permission",
    "username",
]


#: The shipped plugins: factory name -> the module (under this package) that defines it.
_SHIPPED = {
    "open_api": ".openapi",
    "jwt": ".jwt_plugin",
    "username": ".username",
    "bearer": ".bearer",
    "two_factor": ".twofactor",
    "organization": ".organization",
    "generic_oauth": ".generic_oauth",
    "passkey": ".passkey",
    "admin": ".admin",
    "magic_link": ".magic_link",
    "email_otp": ".email_otp",
    "anonymous": ".anonymous",
    "multi_session": ".multi_session",
}


if TYPE_CHECKING:
    # What __getattr__ gives, for type checkers (one line a plugin). Without these,
    # mypy takes ``from flask_betterauth.plugins import passkey`` for the package named
    # like the factory. Declared, not imported: plugins import the kit and the core.
    admin: Callable[..., Plugin]
    anonymous: Callable[..., Plugin]
    bearer: Callable[..., Plugin]
    email_otp: Callable[..., Plugin]
    generic_oauth: Callable[..., Plugin]
    jwt: Callable[..., Plugin]
    magic_link: Callable[..., Plugin]
    multi_session: Callable[..., Plugin]
    open_api: Callable[..., Plugin]
    organization: Callable[..., Plugin]
    passkey: Callable[..., Plugin]
    two_factor: Callable[..., Plugin]
    username: Callable[..., Plugin]


def __getattr__(name: str) -> Any:
    """The shipped plugins' factories, imported on first use (they use this kit)."""
    module = _SHIPPED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    factory = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = factory
    return factory


class _Kit(types.ModuleType):
    """This module's type. Importing a plugin package named like its factory
    (``flask_betterauth.plugins.passkey``) makes Python set the package as this module's
    attribute; the factory is kept there instead, so ``from flask_betterauth.plugins
    import passkey`` is the factory whatever was imported first."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == __name__ + _SHIPPED.get(
            name, "-"
        ):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Kit
