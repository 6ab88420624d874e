"""Work finished after the answer is sent: the mail of anonymous requests.

``POST /request-password-reset`` and an anonymous ``POST /send-verification-email``
answer alike whether or not the address has an account. Their mail (and a reset's
token) goes out once the response has been handed to the server, so the time of the
answer does not tell either, and no worker sleeps to hide it. A failure then cannot
change the answer: it is logged.

The HTTP face runs the work from the response's ``close`` (WSGI servers call it once the
body is written); ``auth.api`` inside a Flask request runs it from the close of that
request's response. With ``advanced.mail_after_response`` off (its default under
``app.testing``), or with no request at all, the work runs at once, still without
failing the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask import current_app
from flask import has_request_context
from werkzeug.wrappers import Response

from .context import Context
from .dispatch import bound
from .errors import APIError

logger = logging.getLogger("flask_betterauth")

Work = Callable[[], None]
AnyResponse = TypeVar("AnyResponse", bound=Response)


def after_response(ctx: Context, work: Work, what: str) -> None:
    """Run ``work`` after the response of this call is sent (see the module docstring),
    else now; ``what`` names it in the log when it fails. Never raises."""
    if ctx.state.mail_after_response and (ctx.is_http or has_request_context()):
        ctx.deferred.append((work, what))
    else:
        run_quietly(ctx, work, what)


def run_quietly(ctx: Context, work: Work, what: str) -> None:
    """Run ``work`` as part of ``ctx``'s call; log, never raise, what goes wrong."""
    try:
        with bound(ctx):
            work()
    except APIError as error:
        logger.error("%s failed (%s); the answer was already the generic one", what, error.code)
    except Exception:
        logger.exception("%s failed; the answer was already the generic one", what)


def attach(response: AnyResponse, ctx: Context) -> AnyResponse:
    """Have ``response``'s close run the work ``ctx`` deferred, in an app context."""
    if not ctx.deferred:
        return response
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    pending = list(ctx.deferred)
    ctx.deferred.clear()

    def run() -> None:
        with app.app_context():
            for work, what in pending:
                run_quietly(ctx, work, what)

    response.call_on_close(run)
    return response
