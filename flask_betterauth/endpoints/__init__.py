"""The core endpoints, one module per feature."""

from __future__ import annotations

from ..registry import Endpoint
from .ok import error_page
from .ok import ok
from .session import get_session
from .sign_in import sign_in_email
from .sign_out import sign_out
from .sign_up import sign_up_email

CORE_ENDPOINTS: tuple[Endpoint, ...] = (
    sign_up_email,
    sign_in_email,
    sign_out,
    get_session,
    ok,
    error_page,
)

__all__ = ["CORE_ENDPOINTS"]
