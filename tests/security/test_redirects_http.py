"""Issue 17 item 1, replayed over HTTP against gunicorn: a redirect field the app accepts
is written to ``Location`` exactly as checked, and a WHATWG parser (Node's ``new URL``,
as a browser) reads every ``Location`` the app writes as the app's or a trusted origin.

The attack: ``http://<app>\\@evil.example/steal`` passed the check (a browser reads
``\\`` as ``/``: on the app's host) but went out as ``http://<app>%5C@evil.example/steal``
(on ``evil.example``), so the victim's genuine reset mail handed the token to the
attacker. Targets on the app's origin with ``\\`` or control characters are now a 400 with the
field's code, before anything is written (untrusted targets stay a 403).
"""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest

from bench.server import gunicorn
from tests.mailserver import SMTPServer
from tests.mailserver import running_smtp_server
from tests.security.attack_server import APP_URL

BASE = "/api/auth"
VICTIM = {"name": "Vic", "email": "vic@example.com", "password": "password123"}
WHATWG = Path(__file__).with_name("whatwg_origin.mjs")
ROOT = Path(__file__).resolve().parents[2]
APP_ORIGIN = APP_URL

#: Targets that look like the app's to a lax check; each must be refused with a 400.
MALFORMED = [
    f"{APP_URL}\\@evil.example/steal",
    f"{APP_URL}\\x",
    f"{APP_URL}\\\\evil.example",
    f"{APP_URL}/\\evil.example",
    f"{APP_URL}/ok\r\nSet-Cookie: a=b",
    f"{APP_URL}\r\n/x",
    f"{APP_URL}/x\n",
    f"{APP_URL}/\tx",
    f"{APP_URL}/x\x85",
]

#: Targets that are the app's or trusted, some with characters Werkzeug re-encodes.
ACCEPTED = [
    "/dashboard",
    "/caf\u00e9?q=a b&next=%5C",
    f"{APP_URL}/welcome",
    f"{APP_URL}/a%5C@evil.example",
    f"{APP_URL}/?u=http://evil.example",
    "https://a.trusted.example/x y",
    "https://b\u00fccher.trusted.example/",
]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: Any


@dataclass
class Site:
    """The app under gunicorn, its SQLite file and the SMTP server it mails to."""

    url: str
    database: Path
    smtp: SMTPServer

    def call(
        self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> Answer:
        served = urlsplit(self.url)
        connection = http.client.HTTPConnection(served.hostname or "", served.port, timeout=30)
        target = BASE + path + ("?" + urlencode(query) if query else "")
        headers = {"Origin": APP_ORIGIN}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, target, json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        is_json = "json" in (response.getheader("Content-Type") or "")
        parsed = json.loads(raw) if raw and is_json else raw
        return Answer(response.status, response.headers, parsed)

    def follow_mailed(self, link: str) -> Answer:
        """Open a mailed link (on :data:`APP_URL`) against the served app."""
        parts = urlsplit(link)
        assert f"{parts.scheme}://{parts.netloc}" == APP_URL, link
        path = parts.path.removeprefix(BASE)
        served = urlsplit(self.url)
        connection = http.client.HTTPConnection(served.hostname or "", served.port, timeout=30)
        connection.request("GET", BASE + path + "?" + parts.query)
        response = connection.getresponse()
        response.read()
        connection.close()
        return Answer(response.status, response.headers, None)

    def sessions(self) -> int:
        with sqlite3.connect(self.database) as connection:
            return int(connection.execute("select count(*) from session").fetchone()[0])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("attack")
    database = folder / "app.sqlite"
    with running_smtp_server() as smtp:
        env = {
            **os.environ,
            "FBA_DATABASE_URL": f"sqlite:///{database}",
            "FBA_SMTP_PORT": str(smtp.port),
        }
        with gunicorn("tests.security.attack_server:create_app()", env, folder / "log") as served:
            answer = Site(served.url, database, smtp).call("POST", "/sign-up/email", VICTIM)
            assert answer.status == 200, answer.body
            yield Site(served.url, database, smtp)


def whatwg_origins(locations: list[str]) -> list[str | None]:
    """The origin Node's WHATWG URL parser gives each ``Location`` (relative to the app)."""
    pairs = json.dumps([[location, APP_URL + BASE + "/"] for location in locations])
    done = subprocess.run(
        ["node", str(WHATWG)], input=pairs, capture_output=True, text=True, check=True
    )
    origins: list[str | None] = json.loads(done.stdout)
    return origins


def allowed(origin: str | None) -> bool:
    return origin == APP_URL or (origin or "").endswith(".trusted.example")


def refused_with(answer: Answer, code: str) -> None:
    assert (answer.status, answer.body["code"]) == (400, code), answer.body
    assert answer.headers.get("Location") is None
    assert answer.headers.get("Set-Cookie") is None


def test_the_reset_mail_cannot_carry_a_backslash_redirect(site: Site) -> None:
    before = len(site.smtp.inbox)
    for target in MALFORMED:
        body = {"email": VICTIM["email"], "redirectTo": target}
        refused_with(site.call("POST", "/request-password-reset", body), "INVALID_REDIRECT_URL")
    assert len(site.smtp.inbox) == before, "no reset mail may go out"


def test_a_mailed_reset_link_redirects_only_to_the_app(site: Site) -> None:
    body = {"email": VICTIM["email"], "redirectTo": "/new-password"}
    assert site.call("POST", "/request-password-reset", body).status == 200
    link = site.smtp.last(VICTIM["email"]).link
    opened = site.follow_mailed(link)
    assert opened.status == 302
    assert whatwg_origins([opened.headers["Location"]]) == [APP_URL]
    token = urlsplit(link).path.rsplit("/", 1)[1]
    for target in MALFORMED:
        answer = site.call("GET", f"/reset-password/{token}", query={"callbackURL": target})
        refused_with(answer, "INVALID_CALLBACK_URL")


def test_the_verification_link_refuses_malformed_callbacks(site: Site) -> None:
    mails = [m for m in site.smtp.inbox if "/verify-email" in m.link]
    assert mails, "sign-up mails a verification link"
    link = mails[0].link
    token = dict(p.split("=", 1) for p in urlsplit(link).query.split("&"))["token"]
    for target in MALFORMED:
        answer = site.call("GET", "/verify-email", query={"token": token, "callbackURL": target})
        refused_with(answer, "INVALID_CALLBACK_URL")
    opened = site.follow_mailed(link)
    assert opened.status == 302
    assert whatwg_origins([opened.headers["Location"]]) == [APP_URL]


@pytest.mark.parametrize("path", ["/sign-in/email", "/sign-up/email"])
def test_sign_in_and_up_refuse_before_any_session_is_written(site: Site, path: str) -> None:
    before = site.sessions()
    for number, target in enumerate(MALFORMED):
        body = {**VICTIM, "callbackURL": target}
        if path == "/sign-up/email":
            body["email"] = f"new{number}@example.com"
        refused_with(site.call("POST", path, body), "INVALID_CALLBACK_URL")
    assert site.sessions() == before


def test_every_written_location_is_the_apps_or_trusted_to_a_browser(site: Site) -> None:
    locations = []
    for target in ACCEPTED:
        answer = site.call("POST", "/sign-in/email", {**VICTIM, "callbackURL": target})
        assert answer.status == 200, (target, answer.body)
        locations.append(answer.headers["Location"])
        body = {"email": VICTIM["email"], "redirectTo": target}
        assert site.call("POST", "/request-password-reset", body).status == 200
        opened = site.follow_mailed(site.smtp.last(VICTIM["email"]).link)
        assert opened.status == 302
        locations.append(opened.headers["Location"])
    origins = whatwg_origins(locations)
    assert all(allowed(origin) for origin in origins), list(zip(locations, origins, strict=True))
