"""Session create hooks with sessions in secondary storage alone (no database row): they
run around the storage's write, as Better Auth's ``createWithHooks`` with
``executeMainFn: false``: a ``before`` hook changes or refuses the session, an ``after``
hook sees it as kept."""

from __future__ import annotations

import json
from typing import Any

from flask_betterauth.storage.secondary import MemoryStorage
from tests.helpers import PASSWORD
from tests.helpers import SQLITE_ONLY
from tests.helpers import Caller
from tests.helpers import rows

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
SIGN_IN = {"email": ANN["email"], "password": PASSWORD}


def _sessions(storage: MemoryStorage, user_id: str) -> list[dict[str, Any]]:
    listed = json.loads(storage.get(f"active-sessions-{user_id}") or "[]")
    return [json.loads(storage.get(entry["token"]) or "null")["session"] for entry in listed]


@SQLITE_ONLY
def test_before_hook_changes_the_kept_session(make_app: Any, via: str) -> None:
    storage = MemoryStorage()
    seen: list[dict[str, Any]] = []
    hooks = {
        "session": {
            "create": {
                "before": lambda data, ctx: {"data": {"userAgent": "hooked"}},
                "after": lambda row, ctx: seen.append(row),
            }
        }
    }
    test_app = make_app(secondary_storage=storage, database_hooks=hooks)
    caller = Caller(test_app, via)
    user_id = caller.call("sign_up_email", ANN).json["user"]["id"]
    assert [s["userAgent"] for s in _sessions(storage, user_id)] == ["hooked"]
    assert [(s["userId"], s["userAgent"]) for s in seen] == [(user_id, "hooked")]
    assert rows(test_app, "session") == []


@SQLITE_ONLY
def test_refused_session_is_not_kept(make_app: Any, via: str) -> None:
    storage = MemoryStorage()
    hooks = {"session": {"create": {"before": lambda data, ctx: False}}}
    test_app = make_app(
        secondary_storage=storage,
        database_hooks=hooks,
        email_and_password={"auto_sign_in": False},
    )
    caller = Caller(test_app, via)
    user_id = caller.call("sign_up_email", ANN).json["user"]["id"]
    reply = caller.call("sign_in_email", SIGN_IN)
    assert (reply.status, reply.json["code"]) == (400, "FAILED_TO_CREATE_SESSION")
    assert reply.cookie("better-auth.session_token") is None
    assert _sessions(storage, user_id) == []
