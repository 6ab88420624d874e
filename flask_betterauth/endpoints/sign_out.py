"""``POST /sign-out``: end the current session and clear its cookies."""

from __future__ import annotations

import logging
from typing import Any

from .. import signals
from ..context import Context
from ..registry import endpoint
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString

logger = logging.getLogger("flask_betterauth")


class SignOutBody(BodySchema):
    """The optional body of ``POST /sign-out``."""

    callbackURL = StrictString()
    disableRedirect = StrictBoolean()
    state = StrictString()


@endpoint("/sign-out", body=SignOutBody, auth="optional")
def sign_out(ctx: Context) -> dict[str, Any]:
    """Sign out: delete the session named by the cookie, and always expire the cookies."""
    sessions = ctx.state.sessions
    token = sessions.token_from(ctx)
    if token is not None:
        try:
            sessions.delete(token)
        except Exception:  # the cookies still go; Better Auth logs and answers success
            logger.exception("could not delete the session on sign-out")
        else:
            signals.send(signals.user_signed_out, token=token)
    sessions.clear_cookies(ctx)
    return {"success": True}
