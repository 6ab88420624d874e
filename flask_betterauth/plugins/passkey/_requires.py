"""Fail early, and say what to install, when py_webauthn is missing."""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("webauthn") is None:  # pragma: no cover (installed in tests)
    raise ImportError(
        'the passkey plugin needs py_webauthn: pip install "flask-betterauth[passkey]"'
    )
