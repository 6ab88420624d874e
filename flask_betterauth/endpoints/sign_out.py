"""``POST /sign-out``: end the current session and clear its cookies."""

from __future__ import annotations

from typing import Any

from .. import signals
from ..context import Context
from ..registry import endpoint
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString


class SignOutBody(BodySchema):
    """The optional body of ``POST /sign-out``."""

    callbackURL = StrictString()
    disableRedirect = StrictBoolean()
    state = StrictString()


@endpoint("/sign-out", body=SignOutBody, auth="optional")
def sign_out(ctx: Context) -> dict[str, Any]:
    """Sign out: delete the session named by the cookie, and always expire the cookies.

    When the session store cannot be reached the cookies still go, but the answer is
    ``503`` ``SECONDARY_STORAGE_UNAVAILABLE``: the session itself was not ended, and the
    caller should know.
    """
    sessions = ctx.state.sessions
    token = sessions.token_from(ctx)
    sessions.clear_cookies(ctx)
    if token is not None:
        sessions.delete(token)
        signals.send(signals.user_signed_out, token=token)
    return {"success": True}
