"""Opt-in telemetry: which versions and features an app runs, sent where the app says.

Off by default and always off under ``app.testing``. It is turned on by the option
``telemetry={"enabled": True, "endpoint": "https://..."}`` or by the environment
(``BETTER_AUTH_TELEMETRY=1`` and ``BETTER_AUTH_TELEMETRY_ENDPOINT``). With ``debug``
(or ``BETTER_AUTH_TELEMETRY_DEBUG=1``) the report is printed to standard error
instead of being sent.

A report holds booleans, counts and versions only (:func:`snapshot`): never a secret,
a URL, an email address or any other string from the app's configuration. It is sent
once per ``init_app``, from a background thread, with a short timeout; a failure is
logged and otherwise ignored.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import sys
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any

from flask import Flask

from .appinfo import dialect_of
from .appinfo import features
from .appinfo import flags
from .appinfo import package_version
from .appinfo import versions
from .state import AuthState

logger = logging.getLogger("flask_betterauth.telemetry")

ENV_ENABLED = "BETTER_AUTH_TELEMETRY"
ENV_ENDPOINT = "BETTER_AUTH_TELEMETRY_ENDPOINT"
ENV_DEBUG = "BETTER_AUTH_TELEMETRY_DEBUG"
#: Seconds a report may take to send before it is given up.
TIMEOUT = 3.0


@dataclass(frozen=True)
class Destination:
    """Where a report goes: an endpoint, or standard error when ``debug``."""

    endpoint: str | None
    debug: bool


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def destination(app: Flask, state: AuthState) -> Destination | None:
    """Where this app's reports go, or ``None`` when telemetry is off."""
    option = state.options.telemetry
    enabled = option.enabled if option.enabled is not None else _env_flag(ENV_ENABLED)
    if not enabled or app.testing:
        return None
    debug = option.debug or _env_flag(ENV_DEBUG)
    endpoint = option.endpoint or os.environ.get(ENV_ENDPOINT) or None
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        logger.warning("telemetry is off: %s must be an http(s) URL", ENV_ENDPOINT)
        return None
    if endpoint is None and not debug:
        logger.warning(
            "telemetry is enabled but has no endpoint (telemetry.endpoint or %s): nothing is sent",
            ENV_ENDPOINT,
        )
        return None
    return Destination(endpoint, debug)


def snapshot(app: Flask, state: AuthState, event: str = "init") -> dict[str, Any]:
    """The report: versions, the database backend, and the options as booleans and counts."""
    return {
        "event": event,
        "versions": versions(),
        "database": dialect_of(app),
        "features": features(state.options),
        "options": flags(state.options),
        "plugins": len(state.plugin_ids),
        "debug": app.debug,
    }


def send(endpoint: str, report: dict[str, Any], timeout: float = TIMEOUT) -> bool:
    """POST ``report`` as JSON to ``endpoint``; ``False`` (logged) when that fails."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s)
        endpoint,
        data=json.dumps(report).encode(),
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"flask-betterauth/{package_version('flask-betterauth')}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
    except (OSError, ValueError, http.client.HTTPException) as error:
        logger.info("telemetry report not sent: %s", error)
        return False
    return True


def publish(app: Flask, state: AuthState, event: str = "init") -> threading.Thread | None:
    """Report ``event`` if telemetry is on: print it (debug) or send it in the background.

    :returns: the sending thread (tests join it), or ``None`` when nothing is sent.
    """
    where = destination(app, state)
    if where is None:
        return None
    report = snapshot(app, state, event)
    if where.debug or where.endpoint is None:
        print(f"flask-betterauth telemetry: {json.dumps(report, sort_keys=True)}", file=sys.stderr)
        return None
    thread = threading.Thread(
        target=send, args=(where.endpoint, report), name="betterauth-telemetry", daemon=True
    )
    thread.start()
    return thread
