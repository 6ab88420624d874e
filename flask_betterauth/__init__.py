"""Better Auth for Flask: the Better Auth protocol, served by a Flask extension."""

from __future__ import annotations

from .access import create_access_control as create_access_control
from .access import has_permission as has_permission
from .access import permission_required as permission_required
from .api import APIResponse as APIResponse
from .errors import ERROR_CODES as ERROR_CODES
from .errors import APIError as APIError
from .errors import BetterAuthError as BetterAuthError
from .errors import NotBuiltError as NotBuiltError
from .extension import BetterAuth as BetterAuth
from .glue import current_session as current_session
from .glue import current_user as current_user
from .glue import login_required as login_required
from .records import Record as Record

__all__ = [
    "ERROR_CODES",
    "APIError",
    "APIResponse",
    "BetterAuth",
    "BetterAuthError",
    "NotBuiltError",
    "Record",
    "current_session",
    "create_access_control",
    "current_user",
    "has_permission",
    "login_required",
    "permission_required",
]
