"""Issue 17 item 2: without ``BETTER_AUTH_URL`` the Host header built the links in mails
and became a trusted origin. Now the app refuses to start without a base URL (or
``advanced.allowed_hosts``) outside debug and testing, and a Host not allowed is a
``400 INVALID_HOST`` before anything is built from it.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from bench.server import gunicorn
from flask_betterauth import APIError
from flask_betterauth import BetterAuth
from flask_betterauth import BetterAuthError
from flask_betterauth.security.hosts import host_allowed
from tests.helpers import SECRET
from tests.mailserver import SMTPServer
from tests.mailserver import running_smtp_server
from tests.security.conftest import ANN
from tests.security.conftest import BASE


def production_app(database_url: str, **options: Any) -> tuple[Flask, BetterAuth]:
    """An app neither in debug nor in testing mode, without a base URL."""
    app = Flask("hosts")
    app.config.update(SQLALCHEMY_DATABASE_URI=database_url, BETTER_AUTH_SECRET=SECRET)
    db = SQLAlchemy()
    db.init_app(app)
    auth = BetterAuth()
    auth.init_app(app, db, **options)
    with app.app_context():
        db.create_all()
    return app, auth


def test_outside_debug_and_testing_a_base_url_is_required(database_url):
    with pytest.raises(BetterAuthError) as refused:
        production_app(database_url)
    message = str(refused.value)
    assert "BETTER_AUTH_URL" in message and "allowed_hosts" in message
    assert "for example" in message


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("app.example.com", True),
        ("APP.example.com:8443", True),
        ("api.example.com:8080", True),
        ("api.example.com:8081", False),
        ("api.example.com", False),
        ("evil.example", False),
        ("app.example.com.evil.example", False),
        ("app.example.com@evil.example", False),
        ("app.example.com/x", False),
        ("app.example.com:x", False),
        ("", False),
    ],
)
def test_host_allowed(host, allowed):
    assert host_allowed(host, ["app.example.com", "api.example.com:8080"]) is allowed


@pytest.fixture
def mailed(database_url):
    """A production app that answers to ``app.example.com`` and 'mails' into a list."""
    sent: list[str] = []
    app, auth = production_app(
        database_url,
        email_and_password={
            "enabled": True,
            "password": {"bcrypt_rounds": 4},
            "send_reset_password": lambda user, url, token: sent.append(url),
        },
        # Mail at once (not after the response), so the test reads what was sent.
        advanced={"allowed_hosts": ["app.example.com"], "mail_after_response": False},
        rate_limit={"enabled": False},
    )
    client = app.test_client(use_cookies=False)
    answer = client.post(f"{BASE}/sign-up/email", json=ANN, headers={"Host": "app.example.com"})
    assert answer.status_code == 200, answer.get_json()
    return auth, client, sent


def test_a_host_not_allowed_is_refused_before_anything_is_mailed(mailed):
    _, client, sent = mailed
    response = client.post(
        f"{BASE}/request-password-reset",
        json={"email": ANN["email"]},
        headers={"Host": "evil.example"},
    )
    assert (response.status_code, response.get_json()["code"]) == (400, "INVALID_HOST")
    assert sent == []
    response = client.post(
        f"{BASE}/request-password-reset",
        json={"email": ANN["email"]},
        headers={"Host": "app.example.com"},
    )
    assert response.status_code == 200
    assert [url.split("/reset-password/")[0] for url in sent] == ["http://app.example.com/api/auth"]


def test_a_host_not_allowed_never_becomes_a_trusted_origin(mailed):
    _, client, _ = mailed
    response = client.post(
        f"{BASE}/sign-in/email",
        json={"email": ANN["email"], "password": ANN["password"]},
        headers={"Host": "evil.example", "Origin": "http://evil.example", "Cookie": "a=b"},
    )
    assert (response.status_code, response.get_json()["code"]) == (400, "INVALID_HOST")
    assert "Set-Cookie" not in response.headers


def test_auth_api_in_a_request_checks_the_host_too(mailed):
    auth, client, sent = mailed
    app = client.application
    for host, code in [("evil.example", "INVALID_HOST"), ("app.example.com", None)]:
        with app.test_request_context("/", headers={"Host": host}):
            try:
                auth.api.request_password_reset(body={"email": ANN["email"]})
            except APIError as error:
                assert error.code == code
            else:
                assert code is None
    assert [url.split("/reset-password/")[0] for url in sent] == ["http://app.example.com/api/auth"]


def test_in_testing_only_loopback_hosts_build_urls(make_app):
    sent: list[str] = []
    test_app = make_app(
        {"BETTER_AUTH_URL": None},
        email_and_password={"send_reset_password": lambda user, url, token: sent.append(url)},
    )
    client = test_app.app.test_client(use_cookies=False)
    assert client.post(f"{BASE}/sign-up/email", json=ANN).status_code == 200
    body = {"email": ANN["email"]}
    for host in ("evil.example", "localhost:5000", "127.0.0.1:8000"):
        client.post(f"{BASE}/request-password-reset", json=body, headers={"Host": host})
    assert [url.split("/api/auth/")[0] for url in sent] == [
        "http://localhost:5000",
        "http://127.0.0.1:8000",
    ]


# -- replayed over HTTP against gunicorn ------------------------------------------------


ROOT = Path(__file__).resolve().parents[2]
APP = "tests.security.attack_server:create_app()"


def _env(tmp_path: Path, smtp: SMTPServer, hosts: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("BETTER_AUTH_")},
        "FBA_DATABASE_URL": f"sqlite:///{tmp_path}/hosts.sqlite",
        "FBA_SMTP_PORT": str(smtp.port),
        "FBA_ALLOWED_HOSTS": hosts,
    }


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with running_smtp_server() as server:
        yield server


def test_gunicorn_refuses_to_start_without_a_base_url(tmp_path, smtp):
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", APP],
        cwd=ROOT,
        env=_env(tmp_path, smtp, ""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "BETTER_AUTH_URL" in done.stderr and "allowed_hosts" in done.stderr


def _post(url: str, path: str, body: Any, host: str) -> tuple[int, Any]:
    port = int(url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, "Content-Type": "application/json"}
    connection.request("POST", BASE + path, json.dumps(body), headers)
    response = connection.getresponse()
    answer = json.loads(response.read() or b"null")
    connection.close()
    return response.status, answer


def test_a_forged_host_gets_no_reset_mail_over_http(tmp_path, smtp):
    with gunicorn(APP, _env(tmp_path, smtp, "app.example.com"), tmp_path / "log") as served:
        assert _post(served.url, "/sign-up/email", ANN, "app.example.com")[0] == 200
        before = len(smtp.inbox)
        status, body = _post(
            served.url, "/request-password-reset", {"email": ANN["email"]}, "evil.example"
        )
        assert (status, body["code"]) == (400, "INVALID_HOST")
        assert len(smtp.inbox) == before
        status, _ = _post(
            served.url, "/request-password-reset", {"email": ANN["email"]}, "app.example.com"
        )
        assert status == 200
    assert smtp.last(ANN["email"]).link.startswith(
        "http://app.example.com/api/auth/reset-password/"
    )
