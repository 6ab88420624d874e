"""New-password checks: the app's password policy and the breached-password check, the
latter against a local stand-in for Have I Been Pwned's range API."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

import pytest

from flask_betterauth.errors import ERROR_CODES
from flask_betterauth.security.breach import count_in_range
from flask_betterauth.security.breach import sha1_parts
from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import TOKEN_COOKIE
from tests.security.conftest import set_cookie_value
from tests.servers import free_port

BREACHED = "correct horse battery staple"
CLEAN = "a-clean-password-42"


@dataclass
class RangeAPI:
    """A local range API: knows :data:`BREACHED`, records what it is asked."""

    url: str
    mode: str = "ok"
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, prefix: str) -> str:
        """The range of ``prefix``; in ``garbage`` mode every known suffix has a bad count."""
        lines = [f"{'0' * 35}:3", f"{'F' * 35}:0"]
        for password in (BREACHED, CLEAN) if self.mode == "garbage" else (BREACHED,):
            wanted, suffix = sha1_parts(password)
            if prefix == wanted:
                lines.insert(1, f"{suffix}:{'oops' if self.mode == 'garbage' else 52256179}")
        return "\r\n".join(lines)


@pytest.fixture
def range_api() -> Iterator[RangeAPI]:
    api: RangeAPI

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            api.paths.append(self.path)
            api.headers.append(dict(self.headers))
            if api.mode == "hang":
                api.release.wait(30)
                return
            if api.mode == "error":
                self.send_error(500)
                return
            body = api.answer(self.path.rsplit("/", 1)[1]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api = RangeAPI(f"http://127.0.0.1:{server.server_port}/range/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield api
    api.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def checked_app(make_app: Any, api_url: str, **breached: Any) -> Any:
    options = {"enabled": True, "api_url": api_url, "timeout": 0.5, **breached}
    return make_app(email_and_password={"breached_passwords": options}).app.test_client(
        use_cookies=False
    )


def sign_up(client: Any, password: str, email: str = ANN["email"]) -> Any:
    body = {"name": "Ann", "email": email, "password": password}
    return client.post(f"{BASE}/sign-up/email", json=body, headers={"Origin": APP_ORIGIN})


# -- breached passwords ---------------------------------------------------------------------


def test_off_by_default(make_app, range_api):
    client = make_app(
        email_and_password={"breached_passwords": {"api_url": range_api.url}}
    ).app.test_client()
    assert sign_up(client, BREACHED).status_code == 200
    assert range_api.paths == []


def test_a_breached_password_is_refused(make_app, range_api):
    client = checked_app(make_app, range_api.url)
    response = sign_up(client, BREACHED)
    assert response.status_code == 400
    assert response.get_json() == {
        "code": "PASSWORD_COMPROMISED",
        "message": ERROR_CODES["PASSWORD_COMPROMISED"],
    }
    assert set_cookie_value(response) is None
    assert sign_up(client, CLEAN).status_code == 200


def test_only_five_hex_digits_leave_the_server(make_app, range_api):
    client = checked_app(make_app, range_api.url)
    sign_up(client, CLEAN)
    prefix, _ = sha1_parts(CLEAN)
    assert range_api.paths == [f"/range/{prefix}"]
    digest = hashlib.sha1(CLEAN.encode(), usedforsecurity=False).hexdigest()
    assert len(prefix) == 5 and prefix == digest[:5].upper()
    assert range_api.headers[0]["Add-Padding"] == "true"


def test_padding_entries_do_not_count():
    assert count_in_range(f"{'A' * 35}:0\r\n{'B' * 35}:7", "a" * 35) == 0
    assert count_in_range(f"{'A' * 35}:0\r\n{'B' * 35}:7", "b" * 35) == 7


def test_a_custom_message(make_app, range_api):
    client = checked_app(make_app, range_api.url, message="Pick another one")
    assert sign_up(client, BREACHED).get_json()["message"] == "Pick another one"


@pytest.mark.parametrize("mode", ["error", "garbage", "hang", "down"])
def test_unavailable_and_allowed(make_app, range_api, caplog, mode):
    range_api.mode = mode
    url = f"http://127.0.0.1:{free_port()}/range/" if mode == "down" else range_api.url
    client = checked_app(make_app, url)
    assert sign_up(client, BREACHED).status_code == 200
    assert "breached-password check skipped" in caplog.text


@pytest.mark.parametrize("mode", ["error", "garbage", "hang", "down"])
def test_unavailable_and_denied(make_app, range_api, mode):
    range_api.mode = mode
    url = f"http://127.0.0.1:{free_port()}/range/" if mode == "down" else range_api.url
    client = checked_app(make_app, url, on_unavailable="deny")
    response = sign_up(client, CLEAN)
    assert response.status_code == 503
    assert response.get_json()["code"] == "BREACH_CHECK_UNAVAILABLE"


def test_the_check_guards_change_password_and_reset(make_app, range_api):
    sent: list[str] = []
    client = make_app(
        email_and_password={
            "breached_passwords": {"enabled": True, "api_url": range_api.url},
            "send_reset_password": lambda user, url, token: sent.append(token),
        }
    ).app.test_client(use_cookies=False)
    response = sign_up(client, CLEAN)
    cookie = f"{TOKEN_COOKIE}={set_cookie_value(response)}"
    headers = {"Cookie": cookie, "Origin": APP_ORIGIN}
    changed = client.post(
        f"{BASE}/change-password",
        json={"currentPassword": CLEAN, "newPassword": BREACHED},
        headers=headers,
    )
    assert changed.get_json()["code"] == "PASSWORD_COMPROMISED"
    client.post(f"{BASE}/request-password-reset", json={"email": ANN["email"]})
    reset = client.post(f"{BASE}/reset-password", json={"token": sent[0], "newPassword": BREACHED})
    assert reset.get_json()["code"] == "PASSWORD_COMPROMISED"


# -- the password policy --------------------------------------------------------------------


def policy(password: str, user: dict[str, Any]) -> str | None:
    if user["email"].split("@")[0].lower() in password.lower():
        return "The password must not contain your email address"
    if not any(c.isdigit() for c in password):
        return "The password needs a digit"
    return None


def test_the_policy_refuses_with_its_message(make_app):
    client = make_app(email_and_password={"password_policy": policy}).app.test_client()
    response = sign_up(client, "no-digits-here")
    assert response.status_code == 400
    assert response.get_json() == {
        "code": "PASSWORD_POLICY_VIOLATION",
        "message": "The password needs a digit",
    }
    assert sign_up(client, "ann-is-1-name").get_json()["message"] == (
        "The password must not contain your email address"
    )
    assert sign_up(client, "fine-password-1").status_code == 200


def test_length_comes_before_the_policy(make_app):
    calls: list[str] = []

    def counting(password: str, user: dict[str, Any]) -> None:
        calls.append(password)

    client = make_app(email_and_password={"password_policy": counting}).app.test_client()
    assert sign_up(client, "short").get_json()["code"] == "PASSWORD_TOO_SHORT"
    assert calls == []
    assert sign_up(client, PASSWORD).status_code == 200
    assert calls == [PASSWORD]


def test_the_policy_sees_the_user(make_app):
    seen: list[dict[str, Any]] = []

    def record(password: str, user: dict[str, Any]) -> None:
        seen.append(user)

    client = make_app(email_and_password={"password_policy": record}).app.test_client(
        use_cookies=False
    )
    response = sign_up(client, PASSWORD)
    assert seen[0]["email"] == ANN["email"] and seen[0]["name"] == "Ann"
    headers = {"Cookie": f"{TOKEN_COOKIE}={set_cookie_value(response)}", "Origin": APP_ORIGIN}
    client.post(
        f"{BASE}/change-password",
        json={"currentPassword": PASSWORD, "newPassword": "another-pass-1"},
        headers=headers,
    )
    assert seen[1]["id"] == response.get_json()["user"]["id"]
    assert "password" not in seen[1]
