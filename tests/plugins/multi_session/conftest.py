"""The multi-session tests' browser with three accounts."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import multi_session
from tests.helpers import Caller

from .test_multi_session import sign_up


@pytest.fixture
def three(plugin_app: Any) -> tuple[Any, Caller, list[dict[str, Any]]]:
    """One browser signed in to ann, bob and cy (cy active)."""
    made = plugin_app(multi_session())
    browser = made.caller()
    accounts = [sign_up(browser, name) for name in ("ann", "bob", "cy")]
    return made, browser, accounts
