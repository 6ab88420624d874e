"""Fixtures of the admin tests: an app with the plugin, an admin (Boss) and a user (Ann)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from flask_betterauth.plugins import admin
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import sql

BOSS = {"name": "Boss", "email": "boss@example.com", "password": PASSWORD}
ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


@dataclass
class Crew:
    """The app, Boss (role ``admin``, signed in) and Ann (role ``user``, signed in)."""

    app: TestApp
    via: str
    boss: Caller
    ann: Caller
    boss_id: str
    ann_id: str

    def caller(self) -> Caller:
        """A new caller without cookies."""
        return Caller(self.app, self.via)

    def sign_in(self, email: str, password: str = PASSWORD) -> tuple[Caller, Any]:
        """A new caller signed in as ``email`` (and the reply)."""
        caller = self.caller()
        reply = caller.call("sign_in_email", {"email": email, "password": password})
        return caller, reply


def make_crew(test_app: TestApp, via: str) -> Crew:
    """Sign Boss and Ann up; Boss becomes admin (straight in the database)."""
    boss, ann = Caller(test_app, via), Caller(test_app, via)
    boss_id = boss.call("sign_up_email", BOSS).json["user"]["id"]
    ann_id = ann.call("sign_up_email", ANN).json["user"]["id"]
    sql(test_app, "UPDATE \"user\" SET role = 'admin' WHERE id = :id", id=boss_id)
    return Crew(test_app, via, boss, ann, boss_id, ann_id)


@pytest.fixture
def crew(make_app: Any, via: str, clock: Clock) -> Crew:
    """Boss and Ann on an app with ``admin()`` (SQLite and PostgreSQL, both faces)."""
    return make_crew(make_app(plugins=[admin()]), via)
