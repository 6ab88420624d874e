"""``GET /list-accounts``: the ways a user signs in (credential, social providers)."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..records import to_wire
from ..registry import endpoint


def _scopes(scope: Any) -> list[str]:
    """The stored comma-separated ``scope`` as a list (empty when unset)."""
    if not scope:
        return []
    return [part.strip() for part in str(scope).split(",") if part.strip()]


@endpoint("/list-accounts", method="GET", auth="session", name="list_user_accounts")
def list_user_accounts(ctx: Context) -> list[dict[str, Any]]:
    """The user's accounts, without passwords or provider tokens; ``scope`` as ``scopes``."""
    table = ctx.state.tables["account"]
    accounts = []
    for row in ctx.accounts.list(ctx.signed_in.user["id"]):
        wire = to_wire(table, row)
        scope = wire.pop("scope", None)
        wire["scopes"] = _scopes(scope)
        accounts.append(wire)
    return accounts
