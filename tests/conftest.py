"""Fixtures: an app factory, clients, a clock the tests move, users."""

from __future__ import annotations

pytest_plugins = ["tests.servers"]
