"""The ``admin`` plugin: manage users (roles, bans, impersonation), as Better Auth's ``admin()``."""

from __future__ import annotations

from .access import ADMIN_ROLE as ADMIN_ROLE
from .access import DEFAULT_ROLES as DEFAULT_ROLES
from .access import DEFAULT_STATEMENTS as DEFAULT_STATEMENTS
from .access import USER_ROLE as USER_ROLE
from .access import default_ac as default_ac
