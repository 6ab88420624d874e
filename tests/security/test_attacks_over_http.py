"""Issue 17 items 3-6 and 8-12, replayed as the attacker did: over real HTTP against
gunicorn-served apps (sync workers, no test client).

One replay app (:func:`tests.security.attack_server.create_replay_app`: SQLite in a
temporary folder, a real SMTP server, the cookie cache with a short ``max_age``, rate
limits on) serves items 4, 5, 6, 8, 9 and 12; two instances of the example app (no debug,
no secret set, each its own instance folder) serve items 3, 10 and 11. Each test names
the item it replays; each failed on the code before that item's fix. Items 1 and 2 have
their own HTTP replays (``test_redirects_http.py``, ``test_hosts.py``).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest

from bench.server import gunicorn
from tests.mailserver import SMTPServer
from tests.mailserver import running_smtp_server
from tests.security.attack_server import APP_URL
from tests.security.attack_server import create_replay_app

BASE = "/api/auth"
PASSWORD = "password123"
TOKEN = "better-auth.session_token"
DATA = "better-auth.session_data"
#: ``session.cookie_cache.max_age`` of the replay app, in seconds (item 4 waits past it).
CACHE_MAX_AGE = 2
#: Sync workers of the replay app (item 12 queues more slow requests than this).
WORKERS = 2
#: The example app's public URL (its requests reach it on 127.0.0.1).
EXAMPLE_URL = "http://example.test"

_addresses = itertools.count(1)


def _next_ip() -> str:
    """A client IP no other browser of this module used."""
    number = next(_addresses)
    return f"10.17.{number // 250}.{number % 250 + 1}"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Browser:
    """One client with its own cookie jar and client IP (``X-Client-IP``: its own
    rate-limit bucket) talking to a served app whose public URL is ``origin``."""

    url: str
    origin: str
    jar: dict[str, str] = field(default_factory=dict)
    ip: str = field(default_factory=_next_ip)

    def send(
        self, method: str, path: str, body: Any = None, *, form: dict[str, str] | None = None
    ) -> http.client.HTTPConnection:
        """Send a request and return its connection, whose answer is not read yet."""
        served = urlsplit(self.url)
        connection = http.client.HTTPConnection(served.hostname or "", served.port, timeout=30)
        headers = {"Origin": self.origin, "X-Client-IP": self.ip}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.jar.items())
        payload: str | None = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            payload = urlencode(form)
        elif body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body)
        connection.request(method, path, payload, headers)
        return connection

    def receive(self, connection: http.client.HTTPConnection) -> Answer:
        """Read the answer of :meth:`send` and keep the cookies it sets."""
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        for line in answer.set_cookies():
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in line.lower():
                self.jar[name] = value
            else:
                self.jar.pop(name, None)
        return answer

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.receive(self.send(method, path, body, **kwargs))

    def api(self, method: str, path: str, body: Any = None) -> Answer:
        return self.call(method, BASE + path, body)

    def open_link(self, link: str) -> Answer:
        """Open a link the app mailed (its host is the public URL) on the served app."""
        parts = urlsplit(link)
        return self.call("GET", parts.path + "?" + parts.query)

    def user_email(self) -> str | None:
        """Whose session the jar holds, read from the store."""
        session = self.api("GET", "/get-session?disableCookieCache=true").json
        return None if session is None else str(session["user"]["email"])


@dataclass
class Site:
    url: str
    smtp: SMTPServer

    def browser(self) -> Browser:
        return Browser(self.url, APP_URL)

    def signed_up(self, email: str) -> Browser:
        """A browser signed in as a new account ``email``."""
        browser = self.browser()
        answer = browser.api("POST", "/sign-up/email", _account(email))
        assert answer.status == 200, answer.raw
        assert TOKEN in browser.jar and DATA in browser.jar
        return browser


def _account(email: str) -> dict[str, str]:
    return {"name": email.split("@")[0], "email": email, "password": PASSWORD}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The replay app under gunicorn (:data:`WORKERS` sync workers) and its SMTP server."""
    folder = tmp_path_factory.mktemp("replay")
    with running_smtp_server() as smtp:
        env = {
            **os.environ,
            "FBA_DATABASE_URL": f"sqlite:///{folder / 'app.sqlite'}",
            "FBA_SMTP_PORT": str(smtp.port),
            "FBA_CACHE_MAX_AGE": str(CACHE_MAX_AGE),
        }
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            create_replay_app(create_tables=True)
        app = "tests.security.attack_server:create_replay_app()"
        with gunicorn(app, env, folder / "log", workers=WORKERS) as served:
            site = Site(served.url, smtp)
            for _ in range(2 * WORKERS):  # the workers have booted
                assert site.browser().api("GET", "/ok").status == 200
            yield site


# -- Item 4: a copied cookie pair of an ended session --------------------------------


def _end_by_sign_out(victim: Browser, site: Site, email: str) -> None:
    assert victim.api("POST", "/sign-out", {}).status == 200


def _end_by_revoke(victim: Browser, site: Site, email: str) -> None:
    other = site.browser()
    answer = other.api("POST", "/sign-in/email", {"email": email, "password": PASSWORD})
    assert answer.status == 200, answer.raw
    assert other.api("POST", "/revoke-sessions", {}).status == 200


def _end_by_delete(victim: Browser, site: Site, email: str) -> None:
    answer = victim.api("POST", "/delete-user", {"password": PASSWORD})
    assert answer.status == 200, answer.raw


def test_item_4_a_copied_cookie_pair_dies_with_its_session(site: Site) -> None:
    # Before the fix, update-user accepted the cached session_data of a signed-out,
    # revoked or deleted session, wrote, and re-issued the cache with a fresh expiry.
    thieves = []
    for number, end in enumerate((_end_by_sign_out, _end_by_revoke, _end_by_delete)):
        email = f"cache{number}@example.com"
        victim = site.signed_up(email)
        thief = site.browser()
        thief.jar = dict(victim.jar)
        end(victim, site, email)
        copied = dict(thief.jar)
        refused = thief.api("POST", "/update-user", {"name": "Mallory"})
        assert refused.status == 401, (end.__name__, refused.raw)
        assert thief.jar.get(DATA) is None, "a refusal must not re-issue the cache"
        thief.jar = copied
        thieves.append(thief)
    time.sleep(CACHE_MAX_AGE + 0.3)  # the documented bound: at most max_age seconds
    for thief in thieves:
        assert thief.api("GET", "/get-session").json is None


# -- Item 5: an HTML sign-in form on auth.api ------------------------------------------


def test_item_5_the_auth_api_sign_in_form_answers_429_after_the_limit(site: Site) -> None:
    # Before the fix the form (auth.api.sign_in_email(..., headers=request.headers))
    # answered 401 to every wrong password: no brute-force limit.
    site.signed_up("form@example.com")
    attacker = site.browser()
    wrong = {"email": "form@example.com", "password": "wrong-password-1"}
    statuses = [attacker.call("POST", "/login", form=wrong).status for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    right = attacker.call("POST", "/login", form={**wrong, "password": PASSWORD})
    assert right.status == 429 and b"TOO_MANY_REQUESTS" in right.raw


# -- Item 6: login CSRF through email verification ------------------------------------


def test_item_6_the_attackers_verification_link_does_not_switch_the_session(
    site: Site,
) -> None:
    # Before the fix, with auto_sign_in_after_verification, the victim's browser was
    # signed into the attacker's account.
    site.signed_up("mallory@example.com")
    link = site.smtp.last("mallory@example.com").link
    victim = site.signed_up("csrf-victim@example.com")
    opened = victim.open_link(link)
    assert opened.status in (200, 302), opened.raw
    assert victim.user_email() == "csrf-victim@example.com"
    assert victim.api("GET", "/get-session").json["user"]["email"] == "csrf-victim@example.com"


# -- Item 8: a mail failure on the anonymous reset request ----------------------------


def test_item_8_a_reset_request_answers_alike_while_smtp_is_down(site: Site) -> None:
    # Before the fix a known address answered 503 (the mail failed), an unknown one 200.
    site.signed_up("known@example.com")
    site.smtp.stop()
    try:
        answers = [
            site.browser().api("POST", "/request-password-reset", {"email": email})
            for email in ("known@example.com", "unknown@example.com")
        ]
    finally:
        site.smtp.start()
    assert [answer.status for answer in answers] == [200, 200]
    assert answers[0].json == answers[1].json


# -- Item 9: rememberMe false, replayed without dont_remember -------------------------


def test_item_9_a_short_session_cookie_does_not_slide_to_seven_days(site: Site) -> None:
    # Before the fix the short-session flag lived only in the dont_remember cookie: the
    # session cookie replayed alone slid to seven days on its first use.
    site.signed_up("short@example.com")
    owner = site.browser()
    body = {"email": "short@example.com", "password": PASSWORD, "rememberMe": False}
    assert owner.api("POST", "/sign-in/email", body).status == 200
    thief = site.browser()
    thief.jar = {TOKEN: owner.jar[TOKEN]}
    answer = thief.api("GET", "/get-session")
    expires = datetime.fromisoformat(answer.json["session"]["expiresAt"].replace("Z", "+00:00"))
    assert expires < datetime.now(UTC) + timedelta(days=1, minutes=5)
    for line in answer.set_cookies():
        if line.startswith(TOKEN + "="):
            assert "max-age" not in line.lower(), line


# -- Item 12: anonymous send-verification-email must not hold the workers ------------


def test_item_12_parallel_anonymous_verification_requests_do_not_stall_ok(
    site: Site,
) -> None:
    # Before the fix each anonymous request slept a 500 ms floor inside its sync worker:
    # ten of them queued /ok behind ~2.5 s on two workers. Each sender reads its answer
    # at once, as a browser does (gunicorn lingers up to 2 s on a connection whose
    # client neither reads nor closes).
    senders = [site.browser() for _ in range(5 * WORKERS)]
    sent = threading.Barrier(len(senders) + 1)
    answers: dict[int, int] = {}

    def send(number: int) -> None:
        sender = senders[number]
        body = {"email": f"nobody{number}@example.com"}
        connection = sender.send("POST", BASE + "/send-verification-email", body)
        sent.wait()
        answers[number] = sender.receive(connection).status

    threads = [threading.Thread(target=send, args=(number,)) for number in range(len(senders))]
    for thread in threads:
        thread.start()
    sent.wait()  # every request is on the wire, queued before /ok
    started = time.monotonic()
    ok = site.browser().api("GET", "/ok")
    waited = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert ok.status == 200
    assert sorted(answers.items()) == [(number, 200) for number in range(len(senders))]
    assert waited < 1.0, f"/ok took {waited:.2f} s behind {len(senders)} requests"


# -- Items 3, 10, 11: the example app, served without debug ---------------------------


@dataclass
class Example:
    """An installation of the example app, served, and its instance folder."""

    browser: Browser
    instance: Path


@contextmanager
def _served_example(folder: Path, env: dict[str, str]) -> Iterator[Example]:
    instance = folder / "instance"
    env = {**env, "EXAMPLE_APP_INSTANCE_PATH": str(instance)}
    with gunicorn("example_app:create_app()", env, folder / "log") as running:
        yield Example(Browser(running.url, EXAMPLE_URL), instance)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Example]]:
    """Two installations of the example app (no secret set), each its own instance folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("BETTER_AUTH_SECRET", "DATABASE_URL", "REDIS_URL", "FLASK_DEBUG")
    }
    env["BETTER_AUTH_URL"] = EXAMPLE_URL
    with (
        _served_example(tmp_path_factory.mktemp("example"), env) as first,
        _served_example(tmp_path_factory.mktemp("example"), env) as second,
    ):
        yield [first, second]


def test_item_3_dev_mail_is_404_for_everyone_without_debug(examples: list[Example]) -> None:
    # Before the fix /dev/mail listed every user's reset and verification links to anyone.
    site = examples[0].browser
    answer = site.api("POST", "/sign-up/email", _account("dev-mail@example.com"))
    assert answer.status == 200, answer.raw
    assert site.call("GET", "/dev/mail").status == 404  # even from 127.0.0.1


@pytest.mark.parametrize(
    "path", ["/", "/auth/sign-in", "/api/auth/ok", "/api/auth/get-session", "/no-such-page"]
)
def test_item_11_security_headers_are_on_every_response(examples: list[Example], path: str) -> None:
    # Before the fix the example app sent none of these headers.
    headers = examples[0].browser.call("GET", path).headers
    assert "frame-ancestors 'none'" in (headers.get("Content-Security-Policy") or "")
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy")


def test_item_10_a_cookie_pair_of_one_installation_is_nothing_to_another(
    examples: list[Example],
) -> None:
    # Before the fix both installations signed with the same public development secret:
    # a cookie pair made (or forged) for one was a valid cached session on the other.
    first, second = (example.browser for example in examples)
    answer = first.api("POST", "/sign-up/email", _account("secret@example.com"))
    assert answer.status == 200, answer.raw
    assert first.api("GET", "/get-session").json["user"]["email"] == "secret@example.com"
    second.jar = dict(first.jar)
    assert second.api("GET", "/get-session").json is None
    # Both have served a request, so each made its secret in its instance folder.
    secrets = [(example.instance / "secret_key").read_text().strip() for example in examples]
    assert len(set(secrets)) == 2 and all(len(secret) >= 32 for secret in secrets)
