"""The sessions benchmark app: flask-betterauth with its sessions in the database or in
Redis, the cookie cache on or off, as the environment says.

``BENCH_DATABASE_URL`` names the database; ``BENCH_REDIS_URL``, when set, puts the
sessions in Redis (``secondary_storage``); ``BENCH_COOKIE_CACHE=1`` turns the cookie
cache on. Served by ``bench/sessions.py`` with ``gunicorn -w 2``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from .ours import create_app as _create_app
from .ours import prepare as _prepare


def cookie_cache_on() -> bool:
    """Whether ``BENCH_COOKIE_CACHE`` turns the cookie cache on."""
    return os.environ.get("BENCH_COOKIE_CACHE", "0") == "1"


def create_app() -> tuple[Flask, SQLAlchemy]:
    """The app of :mod:`bench.apps.ours`, its sessions where the environment says.

    Rate limiting counts in memory in both set-ups, so that only where the sessions live
    differs.
    """
    options: dict[str, Any] = {"rate_limit": {"storage": "memory"}}
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if redis_url:
        from flask_betterauth.storage.secondary import RedisStorage

        options["secondary_storage"] = RedisStorage.from_url(redis_url)
    return _create_app(cookie_cache_on(), **options)


app, db = create_app()


def prepare() -> str:
    """Sign the bench user up; return the session's ``Cookie`` header."""
    return _prepare(app, db, cookie_cache=cookie_cache_on())
