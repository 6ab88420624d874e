"""The core endpoints, one module per feature."""

from __future__ import annotations

from ..registry import Endpoint
from .account import list_user_accounts
from .email_verification import send_verification_email
from .email_verification import verify_email
from .ok import error_page
from .ok import ok
from .password_reset import request_password_reset
from .password_reset import request_password_reset_callback
from .password_reset import reset_password
from .session import get_session
from .session_management import list_sessions
from .session_management import revoke_other_sessions
from .session_management import revoke_session
from .session_management import revoke_sessions
from .session_management import update_session
from .sign_in import sign_in_email
from .sign_out import sign_out
from .sign_up import sign_up_email
from .user import change_email
from .user import change_password
from .user import delete_user
from .user import delete_user_callback
from .user import set_password
from .user import update_user
from .user import verify_password

CORE_ENDPOINTS: tuple[Endpoint, ...] = (
    sign_up_email,
    sign_in_email,
    sign_out,
    get_session,
    list_sessions,
    revoke_session,
    revoke_sessions,
    revoke_other_sessions,
    update_session,
    send_verification_email,
    verify_email,
    request_password_reset,
    request_password_reset_callback,
    reset_password,
    update_user,
    change_password,
    set_password,
    verify_password,
    change_email,
    delete_user,
    delete_user_callback,
    list_user_accounts,
    ok,
    error_page,
)

__all__ = ["CORE_ENDPOINTS"]
