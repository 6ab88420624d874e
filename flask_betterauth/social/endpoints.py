"""Every endpoint of social sign-in, for the core's registry."""

from __future__ import annotations

from ..registry import Endpoint
from .account_routes import account_info
from .account_routes import get_access_token
from .account_routes import link_social
from .account_routes import refresh_token
from .account_routes import unlink_account
from .routes import callback_oauth
from .routes import sign_in_social

SOCIAL_ENDPOINTS: tuple[Endpoint, ...] = (
    sign_in_social,
    callback_oauth,
    link_social,
    unlink_account,
    get_access_token,
    refresh_token,
    account_info,
)
