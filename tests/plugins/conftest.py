"""The fixture every plugin suite starts from: ``plugin_app(plugin, **options)``.

It runs each test on SQLite and PostgreSQL (through ``make_app``) and over HTTP and
``auth.api`` (through ``via``), so a plugin's suite proves both faces on both databases
by asking for this one fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from flask_betterauth.plugins import Plugin
from tests.helpers import Caller
from tests.helpers import TestApp


@dataclass
class PluginApp:
    """An app with the plugin under test, and callers on the face the test runs on."""

    app: TestApp
    via: str

    def caller(self) -> Caller:
        """A new caller (a browser with its own cookies, or the API face)."""
        return Caller(self.app, self.via)


@pytest.fixture
def plugin_app(make_app: Callable[..., TestApp], via: str) -> Callable[..., PluginApp]:
    """``plugin_app(plugin, **options)``: an app with ``plugin`` (and the options)."""

    def build(plugin: Plugin, **options: Any) -> PluginApp:
        plugins = [plugin, *options.pop("plugins", [])]
        return PluginApp(make_app(plugins=plugins, **options), via)

    return build
