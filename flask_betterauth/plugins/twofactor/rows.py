"""The ``twoFactor`` table: each user's TOTP secret, backup codes and failure count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import now

from .settings import LockoutOptions

TABLE = "twoFactor"
Row = dict[str, Any]

#: The schema the plugin adds (spec 2.1 and 12): nothing of it is sent over HTTP.
SCHEMA: dict[str, dict[str, Any]] = {
    "user": {
        "fields": {"twoFactorEnabled": {"type": "boolean", "default_value": False, "input": False}}
    },
    TABLE: {
        "fields": {
            "secret": {"type": "string", "required": True, "index": True, "returned": False},
            "backupCodes": {"type": "string", "required": True, "returned": False},
            "userId": {
                "type": "string",
                "required": True,
                "references": "user.id",
                "index": True,
                "returned": False,
            },
            "verified": {"type": "boolean", "default_value": True, "returned": False},
            "failedVerificationCount": {
                "type": "number",
                "default_value": 0,
                "returned": False,
            },
            "lockedUntil": {"type": "date", "returned": False},
        }
    },
}


def find(ctx: Context, user_id: str) -> Row | None:
    """The user's ``twoFactor`` row, if any."""
    return ctx.adapter.find_one(TABLE, {"userId": user_id})


def save(ctx: Context, user_id: str, secret: str, backup_codes: str, verified: bool) -> None:
    """Create or overwrite the user's row with a new secret and set of codes."""
    values = {"secret": secret, "backupCodes": backup_codes, "verified": verified}
    if ctx.adapter.update_many(TABLE, {"userId": user_id}, values) == 0:
        ctx.adapter.create(
            TABLE,
            {
                "id": ctx.generate_id(),
                "userId": user_id,
                "failedVerificationCount": 0,
                **values,
            },
        )


def mark_verified(ctx: Context, row: Row) -> None:
    """The TOTP of ``row`` is proven: it now counts as a second factor at sign-in."""
    ctx.adapter.update_many(TABLE, {"id": row["id"]}, {"verified": True})


def swap_backup_codes(ctx: Context, row: Row, stored: str) -> bool:
    """Replace the stored codes if nobody replaced them since ``row`` was read."""
    where = {"id": row["id"], "backupCodes": row["backupCodes"]}
    return ctx.adapter.update_many(TABLE, where, {"backupCodes": stored}) == 1


def delete(ctx: Context, user_id: str) -> None:
    """Remove the user's row (2FA off)."""
    ctx.adapter.delete_many(TABLE, {"userId": user_id})


# -- account lockout ----------------------------------------------------------------------


def check_not_locked(ctx: Context, row: Row, options: LockoutOptions) -> None:
    """:raises APIError: 429 ``ACCOUNT_TEMPORARILY_LOCKED`` while the lock lasts; an
    expired lock is lifted (only if it is still the one read)."""
    locked = row.get("lockedUntil")
    if not options.enabled or locked is None:
        return
    if locked > now():
        raise APIError(429, "ACCOUNT_TEMPORARILY_LOCKED")
    where = {"id": row["id"], "lockedUntil": locked}
    ctx.adapter.update_many(TABLE, where, {"failedVerificationCount": 0, "lockedUntil": None})


def record_failure(ctx: Context, row: Row, options: LockoutOptions) -> None:
    """Count one failed factor; the tenth in a row locks the account (compare-and-swap, so
    failures racing each other are all counted)."""
    if not options.enabled:
        return
    while True:
        current = ctx.adapter.find_one(TABLE, {"id": row["id"]})
        if current is None:
            return
        count = int(current.get("failedVerificationCount") or 0)
        changes: Row = {"failedVerificationCount": count + 1}
        if count + 1 >= options.max_failed_attempts:
            changes["lockedUntil"] = now() + timedelta(seconds=options.duration_seconds)
        where = {"id": row["id"], "failedVerificationCount": current["failedVerificationCount"]}
        if ctx.adapter.update_many(TABLE, where, changes) == 1:
            return


def reset_failures(ctx: Context, row: Row, options: LockoutOptions) -> None:
    """A factor succeeded: the count starts again."""
    if options.enabled:
        changes = {"failedVerificationCount": 0, "lockedUntil": None}
        ctx.adapter.update_many(TABLE, {"id": row["id"]}, changes)
