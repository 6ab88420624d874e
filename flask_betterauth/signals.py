"""Signals (blinker) for the events an app may want to observe.

Connect with ``user_signed_in.connect(receiver, app)``; each is sent with the app as
sender and keyword arguments named below. They are sent only when someone listens.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from flask import current_app

_signals = Namespace()

#: ``user`` signed up (``user``).
user_signed_up = _signals.signal("user-signed-up")
#: ``user`` signed in and got ``session``.
user_signed_in = _signals.signal("user-signed-in")
#: the session of ``token`` ended by sign-out (``user`` may be ``None``).
user_signed_out = _signals.signal("user-signed-out")
#: a session was created (``session``, ``user``).
session_created = _signals.signal("session-created")
#: sessions were revoked (``user_id``, ``count``).
session_revoked = _signals.signal("session-revoked")
#: ``user`` changed their password.
password_changed = _signals.signal("password-changed")
#: ``user`` reset their password with an emailed token.
password_reset = _signals.signal("password-reset")
#: ``user`` verified their email address.
email_verified = _signals.signal("email-verified")
#: ``user`` was deleted.
user_deleted = _signals.signal("user-deleted")


def send(signal: Any, **kwargs: Any) -> None:
    """Send ``signal`` from the current app, only if it has receivers."""
    if signal.receivers:
        signal.send(current_app._get_current_object(), **kwargs)  # type: ignore[attr-defined]
