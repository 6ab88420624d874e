"""Opt-in telemetry: off unless asked for, off under testing, and never a secret, URL
or email address in what reaches the endpoint (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import BetterAuthError
from flask_betterauth import telemetry
from flask_betterauth.redact import redact
from flask_betterauth.redact import redact_text
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.helpers import TestApp
from tests.servers import free_port

SECRET = "telemetry-secret-must-never-leave-0123456789"
WEBHOOK = "https://bot:url-password-must-never-leave@hooks.example.com/path"
EMAIL = "owner-must-never-leave@example.com"
SITE = "https://private-site-must-never-leave.example.com"


class Collector:
    """A local HTTP server that keeps the raw bodies POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.arrived = threading.Event()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
                length = int(self.headers.get("Content-Length", "0"))
                collector.bodies.append(self.rfile.read(length))
                collector.headers.append(dict(self.headers))
                self.send_response(204)
                self.end_headers()
                collector.arrived.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/track"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def collector() -> Iterator[Collector]:
    """A running :class:`Collector`."""
    server = Collector()
    yield server
    server.close()


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[Any]:
    """Build production-like apps (not testing) full of secrets; engines closed after."""
    made: list[TestApp] = []

    def factory(testing: bool = False, **options: Any) -> TestApp:
        config = {
            "TESTING": testing,
            "BETTER_AUTH_SECRET": SECRET,
            "BETTER_AUTH_URL": SITE,
            "BETTER_AUTH_WEBHOOK": WEBHOOK,
            "BETTER_AUTH_OWNER": EMAIL,
        }
        test_app = build_bare_app(
            f"sqlite:///{tmp_path}/telemetry-{len(made)}.sqlite",
            config,
            app_name=f"Contact {EMAIL}",
            trusted_origins=[SITE],
            user={"additional_fields": {"owner": {"type": "string", "default_value": EMAIL}}},
            **options,
        )
        made.append(test_app)
        return test_app

    yield factory
    for test_app in made:
        engine_of(test_app).dispose()


@pytest.fixture(autouse=True)
def no_telemetry_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start without the telemetry variables, whatever the shell has."""
    for name in (telemetry.ENV_ENABLED, telemetry.ENV_ENDPOINT, telemetry.ENV_DEBUG):
        monkeypatch.delenv(name, raising=False)


def _state(test_app: TestApp) -> Any:
    return test_app.app.extensions["betterauth"]


def _assert_clean(raw: str) -> None:
    for leak in (SECRET, "url-password-must-never-leave", EMAIL, SITE, "example.com", "http"):
        assert leak not in raw


def test_off_by_default(apps: Any, collector: Collector) -> None:
    test_app = apps()
    assert telemetry.destination(test_app.app, _state(test_app)) is None
    assert telemetry.publish(test_app.app, _state(test_app)) is None
    assert collector.bodies == []


def test_off_under_testing_even_when_enabled(apps: Any, collector: Collector) -> None:
    test_app = apps(testing=True, telemetry={"enabled": True, "endpoint": collector.url})
    assert telemetry.publish(test_app.app, _state(test_app)) is None
    assert collector.bodies == []


def test_the_option_sends_a_clean_report_at_start_up(apps: Any, collector: Collector) -> None:
    test_app = apps(telemetry={"enabled": True, "endpoint": collector.url})
    assert collector.arrived.wait(timeout=10)
    (raw,) = collector.bodies
    _assert_clean(raw.decode())
    report = json.loads(raw)
    assert report["event"] == "init"
    assert report["database"] == "sqlite"
    assert report["versions"]["flask-betterauth"]
    assert report["features"]["email_and_password"] is True
    assert report["options"]["trusted_origins.count"] == 1
    assert report["options"]["user.additional_fields.count"] == 1
    assert report["options"]["secret.set"] is False  # the secret came from app.config
    assert collector.headers[0]["Content-Type"] == "application/json"
    values = [v for v in report["options"].values() if not isinstance(v, (bool, int))]
    assert values == []
    assert telemetry.snapshot(test_app.app, _state(test_app)) == report


def test_the_environment_turns_it_on(
    apps: Any, collector: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(telemetry.ENV_ENABLED, "1")
    monkeypatch.setenv(telemetry.ENV_ENDPOINT, collector.url)
    test_app = apps()
    assert collector.arrived.wait(timeout=10)
    _assert_clean(collector.bodies[0].decode())
    thread = telemetry.publish(test_app.app, _state(test_app), event="again")
    assert thread is not None
    thread.join(timeout=10)
    assert json.loads(collector.bodies[1])["event"] == "again"


def test_the_option_can_refuse_what_the_environment_asks(
    apps: Any, collector: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(telemetry.ENV_ENABLED, "1")
    monkeypatch.setenv(telemetry.ENV_ENDPOINT, collector.url)
    test_app = apps(telemetry={"enabled": False})
    assert telemetry.publish(test_app.app, _state(test_app)) is None
    assert collector.bodies == []


def test_debug_prints_instead_of_sending(
    apps: Any, collector: Collector, capsys: pytest.CaptureFixture[str]
) -> None:
    test_app = apps(telemetry={"enabled": True, "endpoint": collector.url, "debug": True})
    printed = capsys.readouterr().err
    assert printed.startswith("flask-betterauth telemetry: {")
    _assert_clean(printed.replace("flask-betterauth telemetry", ""))
    assert telemetry.publish(test_app.app, _state(test_app)) is None
    assert collector.bodies == []


def test_enabled_without_an_endpoint_sends_nothing(
    apps: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="flask_betterauth.telemetry"):
        test_app = apps(telemetry={"enabled": True})
    assert "has no endpoint" in caplog.text
    assert telemetry.destination(test_app.app, _state(test_app)) is None


def test_a_failed_send_is_logged_and_swallowed(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}/track"
    with caplog.at_level(logging.INFO, logger="flask_betterauth.telemetry"):
        assert telemetry.send(url, {"event": "init"}, timeout=2) is False
    assert "telemetry report not sent" in caplog.text


def test_the_endpoint_must_be_http() -> None:
    with pytest.raises(BetterAuthError, match="telemetry.endpoint must be an http"):
        build_bare_app("sqlite://", telemetry={"enabled": True, "endpoint": "file:///etc/passwd"})


def test_redaction_rules() -> None:
    assert redact({"client_secret": "abc", "api_key": "k", "min_password_length": 8}) == {
        "client_secret": "[redacted]",
        "api_key": "[redacted]",
        "min_password_length": 8,
    }
    assert redact({"password": {"hash": len, "bcrypt_rounds": 4}}) == {
        "password": {"hash": "<callable>", "bcrypt_rounds": 4}
    }
    assert redact({"refresh_token": None, "secret": ""}) == {"refresh_token": None, "secret": ""}
    assert (
        redact_text("postgresql://me:pw@db:5432/x?sslpassword=p&x=1 by a@b.co")
        == "postgresql://[redacted]@db:5432/x?sslpassword=[redacted]&x=1 by [email]"
    )
