"""Rate limiting (spec 8.4, 8.5): rules, keys, windows, storages, client IPs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.errors import BetterAuthError
from flask_betterauth.plugins import EndpointRateLimit
from flask_betterauth.plugins import Plugin
from flask_betterauth.security import ratelimit
from flask_betterauth.security.counters import MemoryStorage
from flask_betterauth.security.ip import client_ip
from flask_betterauth.security.ip import ip_from_header
from flask_betterauth.security.ratelimit import MESSAGE
from flask_betterauth.security.ratelimit import Rule
from flask_betterauth.security.ratelimit import endpoint_rules
from flask_betterauth.security.ratelimit import glob_matcher
from flask_betterauth.storage.secondary import MemoryStorage as MemorySecondaryStorage
from flask_betterauth.storage.secondary import RedisStorage
from tests.helpers import build_app
from tests.servers import free_port
from tests.servers import url_answers
from tests.servers import wait_for
from tests.workers import Hold

SIGN_IN = "/api/auth/sign-in/email"
CREDENTIALS = {"email": "nobody@example.com", "password": "password123"}
ROOT = Path(__file__).resolve().parent.parent


def limited(make_app: Any, **rate_limit: Any) -> Any:
    """A test client of an app with rate limiting on (and ``rate_limit`` options)."""
    return make_app(rate_limit={"enabled": True, **rate_limit}).app.test_client()


def sign_in(client: Any, query: str = "", **kwargs: Any) -> Any:
    return client.post(SIGN_IN + query, json=CREDENTIALS, **kwargs)


def statuses(responses: list[Any]) -> list[int]:
    return [r.status_code for r in responses]


# -- the spec's behaviours ------------------------------------------------------------


def test_fourth_sign_in_in_ten_seconds_is_refused(make_app, clock):
    client = limited(make_app)
    answers = [sign_in(client) for _ in range(4)]
    assert statuses(answers) == [401, 401, 401, 429]
    refused = answers[3]
    assert refused.get_json() == {"message": MESSAGE}
    assert refused.headers["X-Retry-After"] == "10"
    assert refused.mimetype == "application/json"


def test_retry_after_counts_down_and_the_window_resets(make_app, clock):
    client = limited(make_app)
    for _ in range(3):
        sign_in(client)
    clock.advance(seconds=4)
    assert sign_in(client).headers["X-Retry-After"] == "6"
    clock.advance(seconds=5.5)
    assert sign_in(client).headers["X-Retry-After"] == "1"
    clock.advance(seconds=0.5)
    assert statuses([sign_in(client) for _ in range(4)]) == [401, 401, 401, 429]


def test_each_path_has_its_own_bucket(make_app, clock):
    client = limited(make_app)
    for _ in range(3):
        sign_in(client)
    assert sign_in(client).status_code == 429
    assert client.post("/api/auth/sign-up/email", json={}).status_code == 400
    assert client.get("/api/auth/get-session").status_code == 200


def test_the_query_string_is_ignored(make_app, clock):
    client = limited(make_app)
    answers = [sign_in(client, f"?attempt={n}") for n in range(4)]
    assert statuses(answers) == [401, 401, 401, 429]


def test_trailing_slash_shares_the_bucket(make_app, clock):
    client = limited(make_app)
    for _ in range(3):
        sign_in(client)
    assert client.post(SIGN_IN + "/", json=CREDENTIALS).status_code == 429


def test_default_rule_is_100_per_10_seconds(make_app, clock):
    client = limited(make_app)
    answers = [client.get("/api/auth/get-session") for _ in range(101)]
    assert Counter(statuses(answers)) == {200: 100, 429: 1}


def test_global_window_and_max_options(make_app, clock):
    client = limited(make_app, window=30, max=2)
    answers = [client.get("/api/auth/ok") for _ in range(3)]
    assert statuses(answers) == [200, 200, 429]
    assert answers[2].headers["X-Retry-After"] == "30"


def test_mail_sending_paths_get_three_per_minute(make_app, clock):
    client = limited(make_app)
    path = "/api/auth/request-password-reset"
    body = {"email": "nobody@example.com"}
    first = [client.post(path, json=body).status_code for _ in range(3)]
    assert 429 not in first
    refused = client.post(path, json=body)
    assert refused.status_code == 429
    assert refused.headers["X-Retry-After"] == "60"


def test_unknown_paths_are_counted_too(make_app, clock):
    client = limited(make_app, max=2)
    answers = [client.get("/api/auth/no-such-route") for _ in range(3)]
    assert statuses(answers) == [404, 404, 429]


def test_auth_api_calls_are_not_limited(make_app, clock):
    test_app = make_app(rate_limit={"enabled": True})
    with test_app.app.test_request_context():
        for _ in range(5):
            assert test_app.auth.api.ok() == {"ok": True}


def test_routes_outside_the_auth_blueprint_are_not_limited(make_app, clock):
    test_app = make_app(rate_limit={"enabled": True, "max": 1})
    test_app.app.add_url_rule("/home", "home", lambda: "home")
    client = test_app.app.test_client()
    assert statuses([client.get("/home") for _ in range(3)]) == [200, 200, 200]


# -- when it is on ----------------------------------------------------------------------


def test_off_in_testing_unless_enabled(make_app, clock):
    client = make_app().app.test_client()
    assert 429 not in statuses([sign_in(client) for _ in range(5)])


def test_off_in_debug_mode(tmp_path, clock):
    app = build_app(f"sqlite:///{tmp_path}/d.sqlite", {"TESTING": False, "DEBUG": True}).app
    client = app.test_client()
    assert 429 not in statuses([sign_in(client) for _ in range(5)])


def test_on_in_production(tmp_path, clock):
    app = build_app(f"sqlite:///{tmp_path}/p.sqlite", {"TESTING": False}).app
    assert app.extensions["betterauth"].rate_limiter is not None
    client = app.test_client()
    headers = {"Origin": "http://localhost"}
    assert statuses([sign_in(client, headers=headers) for _ in range(4)])[-1] == 429


def test_enabled_false_wins_in_production(tmp_path):
    url = f"sqlite:///{tmp_path}/p.sqlite"
    app = build_app(url, {"TESTING": False}, rate_limit={"enabled": False}).app
    assert app.extensions["betterauth"].rate_limiter is None


# -- custom and plugin rules -------------------------------------------------------------


def test_custom_rule_replaces_the_built_in_one(make_app, clock):
    client = limited(make_app, custom_rules={"/sign-in/email": {"window": 60, "max": 5}})
    answers = [sign_in(client) for _ in range(6)]
    assert statuses(answers) == [401] * 5 + [429]
    assert answers[5].headers["X-Retry-After"] == "60"


def test_custom_rule_false_disables_limiting(make_app, clock):
    client = limited(make_app, custom_rules={"/sign-in/email": False})
    assert 429 not in statuses([sign_in(client) for _ in range(10)])


def test_custom_rule_glob(make_app, clock):
    client = limited(make_app, custom_rules={"/sign-in/*": {"window": 10, "max": 1}})
    assert statuses([sign_in(client) for _ in range(2)]) == [401, 429]
    assert client.get("/api/auth/ok").status_code == 200


def test_custom_rule_callable_sees_the_request_and_the_current_rule(make_app, clock):
    seen = []

    def rule(request, current):
        seen.append((request.path, current))
        if request.headers.get("X-Trusted-Client"):
            return False
        return {"window": current.window, "max": 1}

    client = limited(make_app, custom_rules={"/sign-in/email": rule})
    assert statuses([sign_in(client) for _ in range(2)]) == [401, 429]
    trusted = [sign_in(client, headers={"X-Trusted-Client": "1"}) for _ in range(3)]
    assert 429 not in statuses(trusted)
    assert seen[0] == (SIGN_IN, Rule(window=10, max=3))


def test_custom_rule_callable_returning_none_keeps_the_rule(make_app, clock):
    client = limited(make_app, custom_rules={"/sign-in/email": lambda request, current: None})
    assert statuses([sign_in(client) for _ in range(4)]) == [401, 401, 401, 429]


def test_plugin_rule_overrides_the_built_in_rule(make_app, clock):
    plugin = Plugin(
        id="strict",
        rate_limit=[EndpointRateLimit(frozenset({"sign_in_email"}), window=30, max=1)],
    )
    client = make_app(rate_limit={"enabled": True}, plugins=[plugin]).app.test_client()
    answers = [sign_in(client) for _ in range(2)]
    assert statuses(answers) == [401, 429]
    assert answers[1].headers["X-Retry-After"] == "30"


def test_custom_rule_wins_over_a_plugin_rule(make_app, clock):
    plugin = Plugin(
        id="strict", rate_limit=[EndpointRateLimit(frozenset({"ok"}), window=30, max=1)]
    )
    client = make_app(
        rate_limit={"enabled": True, "custom_rules": {"/ok": False}}, plugins=[plugin]
    ).app.test_client()
    assert statuses([client.get("/api/auth/ok") for _ in range(3)]) == [200, 200, 200]


def test_endpoint_rules_name_endpoints_not_paths(make_app, clock):
    plugin = Plugin(id="strict", rate_limit=[EndpointRateLimit(frozenset({"ok"}), 30, 2)])
    client = make_app(rate_limit={"enabled": True}, plugins=[plugin]).app.test_client()
    assert statuses([client.get("/api/auth/ok") for _ in range(3)]) == [200, 200, 429]
    # An unknown endpoint name is no rule, and a path nobody serves has the global rule.
    registry = make_app().app.extensions["betterauth"].registry
    assert endpoint_rules(registry, [plugin.rate_limit[0]]) == {"/ok": Rule(window=30, max=2)}
    assert endpoint_rules([], [EndpointRateLimit(frozenset({"missing"}), 30, 2)]) == {}


def test_glob_matcher():
    assert glob_matcher("/two-factor/*")("/two-factor/verify")
    assert not glob_matcher("/two-factor/*")("/two-factor/a/b")
    assert glob_matcher("/two-factor/**")("/two-factor/a/b")
    assert not glob_matcher("/sign-in/*")("/sign-up/email")


@pytest.mark.parametrize(
    "bad",
    [
        {"custom_rules": {"/x": True}},
        {"custom_rules": {"/x": {"window": 10}}},
        {"storage": "disk"},
        {"window": 0},
    ],
)
def test_bad_options_fail_at_start_up(tmp_path, bad):
    with pytest.raises(BetterAuthError):
        build_app(f"sqlite:///{tmp_path}/x.sqlite", rate_limit=bad)


# -- client IPs ---------------------------------------------------------------------------


def test_each_socket_address_has_its_own_bucket(make_app, clock):
    client = limited(make_app)
    first = {"environ_base": {"REMOTE_ADDR": "203.0.113.1"}}
    second = {"environ_base": {"REMOTE_ADDR": "203.0.113.2"}}
    assert statuses([sign_in(client, **first) for _ in range(4)])[-1] == 429
    assert sign_in(client, **second).status_code == 401


def test_forwarded_for_is_ignored_unless_configured(make_app, clock):
    client = limited(make_app)
    answers = [sign_in(client, headers={"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(4)]
    assert statuses(answers)[-1] == 429


def test_configured_header_separates_clients(make_app, clock):
    client = make_app(
        rate_limit={"enabled": True},
        advanced={"ip_address": {"ip_address_headers": ["x-forwarded-for"]}},
    ).app.test_client()
    for _ in range(3):
        sign_in(client, headers={"X-Forwarded-For": "198.51.100.1"})
    assert sign_in(client, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert sign_in(client, headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 401


def test_an_untrusted_chain_cannot_pick_a_fresh_bucket(make_app, clock):
    client = make_app(
        rate_limit={"enabled": True},
        advanced={"ip_address": {"ip_address_headers": ["x-forwarded-for"]}},
    ).app.test_client()
    answers = [
        sign_in(client, headers={"X-Forwarded-For": f"10.9.9.{n}, 198.51.100.7"}) for n in range(4)
    ]
    assert statuses(answers)[-1] == 429


def test_disabling_ip_tracking_disables_limiting(make_app, clock):
    client = limited(make_app)
    client = make_app(
        rate_limit={"enabled": True}, advanced={"ip_address": {"disable_ip_tracking": True}}
    ).app.test_client()
    assert 429 not in statuses([sign_in(client) for _ in range(5)])


def test_ip_from_header_rules():
    assert ip_from_header("198.51.100.7") == "198.51.100.7"
    assert ip_from_header("198.51.100.7, 10.0.0.1") is None
    assert ip_from_header("not-an-ip") is None
    assert ip_from_header(" ") is None
    proxies = ("10.0.0.0/8", "2001:db8:ffff::/48")
    assert ip_from_header("6.6.6.6, 198.51.100.7, 10.0.0.1", trusted_proxies=proxies) == (
        "198.51.100.7"
    )
    assert ip_from_header("10.0.0.2, 10.0.0.1", trusted_proxies=proxies) is None
    assert ip_from_header("junk, 10.0.0.1", trusted_proxies=proxies) is None


def test_ip_normalisation():
    assert ip_from_header("::ffff:192.0.2.1") == "192.0.2.1"
    assert ip_from_header("2001:DB8::1") == "2001:0db8:0000:0000:0000:0000:0000:0000"
    assert ip_from_header("2001:db8::1") == ip_from_header("2001:db8::ffff:1")
    assert ip_from_header("2001:db8::1", ipv6_subnet=128) == (
        "2001:0db8:0000:0000:0000:0000:0000:0001"
    )
    assert client_ip({}, "::1", ipv6_subnet=128) == "0000:0000:0000:0000:0000:0000:0000:0001"
    assert client_ip({}, None) is None
    assert client_ip({"x-real-ip": "bad"}, "192.0.2.9", header_names=["x-real-ip"]) == ("192.0.2.9")


def test_ipv6_clients_in_one_64_share_a_bucket(make_app, clock):
    client = limited(make_app)
    answers = [
        sign_in(client, environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n}"}) for n in range(1, 5)
    ]
    assert statuses(answers)[-1] == 429
    other = sign_in(client, environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
    assert other.status_code == 401


def test_bad_trusted_proxy_fails_at_start_up(tmp_path):
    with pytest.raises(BetterAuthError, match="trusted_proxies"):
        build_app(
            f"sqlite:///{tmp_path}/x.sqlite",
            advanced={"ip_address": {"trusted_proxies": ["10.0.0.0/99"]}},
        )


def test_the_key_memo_is_bounded_and_the_counts_survive_it(make_app, clock, monkeypatch):
    monkeypatch.setattr(ratelimit, "KEYS_MAX", 2)
    test_app = make_app(rate_limit={"enabled": True})
    client = test_app.app.test_client()
    addresses = [{"environ_base": {"REMOTE_ADDR": f"203.0.113.{n}"}} for n in range(5)]
    for _ in range(3):
        for address in addresses:  # five pairs through a memo of two: it starts afresh
            assert sign_in(client, **address).status_code == 401
    assert len(test_app.state.rate_limiter._keys) <= 2
    assert {sign_in(client, **address).status_code for address in addresses} == {429}


# -- storages ----------------------------------------------------------------------------


def test_memory_storage_is_bounded(clock):
    storage = MemoryStorage(max_keys=3)
    rule = Rule(window=10, max=1)
    for n in range(5):
        assert storage.consume(f"k{n}", rule).allowed
    assert len(storage) == 3
    assert not storage.consume("k4", rule).allowed
    assert storage.consume("k0", rule).allowed


def test_the_rate_limit_table_exists_only_for_database_storage(make_app):
    assert "rateLimit" not in make_app().state.models.tables
    tables = make_app(rate_limit={"storage": "database"}).state.models.tables
    assert {c.key for c in tables["rateLimit"].c} == {"id", "key", "count", "lastRequest"}


def _rows(test_app: Any) -> list[Any]:
    table = test_app.state.models.tables["rateLimit"]
    with test_app.app.app_context():
        with test_app.db.engine.connect() as conn:
            return list(conn.execute(sa.select(table.c.key, table.c.count)))


def test_database_storage(make_app, clock):
    test_app = make_app(rate_limit={"enabled": True, "storage": "database"})
    client = test_app.app.test_client()
    answers = [sign_in(client, f"?n={n}") for n in range(4)]
    assert statuses(answers) == [401, 401, 401, 429]
    assert answers[3].headers["X-Retry-After"] == "10"
    assert _rows(test_app) == [("127.0.0.1|/sign-in/email", 3)]
    clock.advance(seconds=10)
    assert sign_in(client).status_code == 401
    assert _rows(test_app) == [("127.0.0.1|/sign-in/email", 1)]


def test_database_storage_prunes_idle_rows(make_app, clock):
    test_app = make_app(rate_limit={"enabled": True, "storage": "database"})
    client = test_app.app.test_client()
    client.get("/api/auth/ok")
    clock.advance(minutes=5)
    client.get("/api/auth/get-session")
    assert [key for key, _ in _rows(test_app)] == ["127.0.0.1|/get-session"]


def test_database_storage_holds_under_concurrency(make_app, clock):
    test_app = make_app(
        rate_limit={
            "enabled": True,
            "storage": "database",
            "custom_rules": {"/ok": {"window": 60, "max": 5}},
        }
    )
    barrier = threading.Barrier(8)

    def hit(_: int) -> list[int]:
        client = test_app.app.test_client()
        barrier.wait()
        return [client.get("/api/auth/ok").status_code for _ in range(3)]

    with ThreadPoolExecutor(8) as pool:
        results = [code for batch in pool.map(hit, range(8)) for code in batch]
    assert Counter(results) == {200: 5, 429: 19}


def test_secondary_storage_is_the_default_when_present(make_app, clock):
    store = MemorySecondaryStorage()
    client = make_app(rate_limit={"enabled": True}, secondary_storage=store).app.test_client()
    answers = [sign_in(client) for _ in range(4)]
    assert statuses(answers) == [401, 401, 401, 429]
    assert answers[3].headers["X-Retry-After"] == "10"
    assert store.get("127.0.0.1|/sign-in/email") == "4"


def test_any_object_with_increment_serves(make_app, clock):
    class Counts:
        def __init__(self) -> None:
            self.calls: list[tuple[str, int]] = []

        def get(self, key: str) -> None:
            return None

        def set(self, key: str, value: str, ttl: int | None = None) -> None:
            pass

        def delete(self, key: str) -> None:
            pass

        def increment(self, key: str, ttl: int) -> int:
            self.calls.append((key, ttl))
            return len(self.calls)

    store = Counts()
    client = make_app(
        rate_limit={"enabled": True, "storage": "secondary-storage"},
        secondary_storage=store,
        session={"store_session_in_database": True},
    ).app.test_client()
    assert statuses([client.get("/api/auth/ok") for _ in range(101)])[-1] == 429
    assert store.calls[0] == ("127.0.0.1|/ok", 10)


def test_secondary_storage_without_increment_fails_at_start_up(tmp_path):
    class NoIncrement:
        def get(self, key):
            return None

        def set(self, key, value, ttl=None):
            pass

        def delete(self, key):
            pass

    with pytest.raises(BetterAuthError, match="increment"):
        build_app(
            f"sqlite:///{tmp_path}/x.sqlite",
            rate_limit={"enabled": True, "storage": "secondary-storage"},
            secondary_storage=NoIncrement(),
        )


def test_a_broken_counter_store_lets_requests_through(make_app, clock, caplog):
    class Broken:
        def consume(self, key, rule):
            raise ConnectionError("counter store down")

    client = limited(make_app, custom_storage=Broken())
    assert statuses([client.get("/api/auth/ok") for _ in range(3)]) == [200, 200, 200]
    assert "rate limit storage failed" in caplog.text


def test_custom_storage(make_app, clock):
    class Always:
        def consume(self, key, rule):
            return {"allowed": key != "127.0.0.1|/ok", "retry_after": 42}

    client = limited(make_app, custom_storage=Always())
    refused = client.get("/api/auth/ok")
    assert refused.status_code == 429
    assert refused.headers["X-Retry-After"] == "42"
    assert client.get("/api/auth/get-session").status_code == 200


@pytest.mark.redis
def test_redis_storage(make_app, clock, redis_url):
    client = make_app(
        rate_limit={"enabled": True},
        secondary_storage=RedisStorage.from_url(redis_url, key_prefix="t:"),
    ).app.test_client()
    assert statuses([sign_in(client) for _ in range(4)]) == [401, 401, 401, 429]


# -- across gunicorn workers -------------------------------------------------------------


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.headers["X-Worker-Pid"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["X-Worker-Pid"]


def test_with_redis_the_limit_holds_across_gunicorn_workers(tmp_path, redis_url):
    from tests.ratelimit_server import OK_MAX

    port = free_port()
    env = {
        **os.environ,
        "FBA_DATABASE_URL": f"sqlite:///{tmp_path}/gunicorn.sqlite",
        "FBA_REDIS_URL": redis_url,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "tests.ratelimit_server:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: url_answers(base + "/health"), lambda: process.poll() is None, "gunicorn")
        # The first half goes to the worker the hold leaves free; then the hold moves
        # (a second one is taken by that worker before the first is let go), and the
        # second half goes to the other worker. Each worker must see the shared count.
        first_hold = Hold(port)
        first = [_get(base + "/api/auth/ok") for _ in range(OK_MAX)]
        second_hold = Hold(port)
        first_hold.release()
        second = [_get(base + "/api/auth/ok") for _ in range(OK_MAX)]
        second_hold.release()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert [status for status, _ in first] == [200] * OK_MAX
    assert [status for status, _ in second] == [429] * OK_MAX
    first_pids, second_pids = {pid for _, pid in first}, {pid for _, pid in second}
    assert len(first_pids) == len(second_pids) == 1
    assert first_pids != second_pids, "both workers must have served requests"
