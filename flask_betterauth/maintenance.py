"""Housekeeping outside requests: deleting what has expired.

Expired sessions are also removed when a request meets one, and a secondary storage
expires its keys by itself; :func:`cleanup_expired` sweeps the database for the rest
(a CLI command or a scheduled job calls it through ``auth.cleanup_expired()``).
"""

from __future__ import annotations

from .state import AuthState


def cleanup_expired(state: AuthState) -> dict[str, int]:
    """Delete expired sessions and verification values; returns how many of each went.

    Sessions kept with ``session.preserve_session_in_database`` are an audit trail and
    stay.
    """
    sessions = state.sessions.cleanup_expired()
    return {"sessions": sessions, "verifications": state.verifications.cleanup_expired()}
