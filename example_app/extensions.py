"""The extension instances, created once and bound to each app in :func:`create_app`."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth

db = SQLAlchemy()
auth = BetterAuth()
