"""Fixtures of the organization tests: an app with the plugin, people signed in, the
invitations the app's mail function received."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest

from flask_betterauth.plugins import organization
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import build_app


@dataclass
class Invitations:
    """What ``send_invitation_email`` received."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, data: dict[str, Any]) -> None:
        self.sent.append(data)


@pytest.fixture
def invitations() -> Invitations:
    return Invitations()


@pytest.fixture(scope="module")
def shared_parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestApp, Invitations]]:
    """One SQLite app per module (building one costs more than most tests), with its
    invitation outbox; :func:`fresh_org_app` empties it before each test."""
    outbox = Invitations()
    url = f"sqlite:///{tmp_path_factory.mktemp('orgs')}/auth.sqlite"
    test_app = build_app(url, plugins=[organization(send_invitation_email=outbox)])
    yield test_app, outbox
    with test_app.app.app_context():
        test_app.db.engine.dispose()


@pytest.fixture
def fresh_org_app(shared_parts: tuple[TestApp, Invitations], clock: Any) -> TestApp:
    """The module's shared app, every table emptied (as new, without building it)."""
    test_app, outbox = shared_parts
    outbox.sent.clear()
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        for table in reversed(test_app.db.metadata.sorted_tables):
            conn.execute(table.delete())
    return test_app


@pytest.fixture
def org_app(make_app: Any, invitations: Invitations, clock: Any) -> TestApp:
    """An app with the organization plugin, invitations mailed to :func:`invitations`."""
    return make_app(plugins=[organization(send_invitation_email=invitations)])


def person(test_app: TestApp, via: str, name: str) -> Caller:
    """A new person, signed up and signed in (``<name>@example.com``)."""
    caller = Caller(test_app, via)
    body = {"name": name.title(), "email": f"{name}@example.com", "password": PASSWORD}
    reply = caller.call("sign_up_email", body)
    assert reply.status == 200, reply.json
    caller.user = reply.json["user"]  # type: ignore[attr-defined]
    return caller


@pytest.fixture
def ann(org_app: TestApp, via: str) -> Caller:
    return person(org_app, via, "ann")


@pytest.fixture
def bob(org_app: TestApp, via: str) -> Caller:
    return person(org_app, via, "bob")


def create(caller: Caller, slug: str = "acme", **extra: Any) -> dict[str, Any]:
    """Create organization ``slug`` as ``caller``; its JSON."""
    reply = caller.call("create_organization", {"name": slug.title(), "slug": slug, **extra})
    assert reply.status == 200, reply.json
    return dict(reply.json)


def join(owner: Caller, other: Caller, org: dict[str, Any], role: str = "member") -> dict:
    """``owner`` invites ``other`` with ``role`` and ``other`` accepts; the new member."""
    email = other.user["email"]  # type: ignore[attr-defined]
    body = {"email": email, "role": role, "organizationId": org["id"]}
    invited = owner.call("invite_member", body)
    assert invited.status == 200, invited.json
    accepted = other.call("accept_invitation", {"invitationId": invited.json["id"]})
    assert accepted.status == 200, accepted.json
    return dict(accepted.json["member"])
