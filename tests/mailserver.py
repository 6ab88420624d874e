"""A real SMTP server for the tests (aiosmtpd on a free loopback port), and its inbox.

The server runs in a thread; a message is in :attr:`SMTPServer.inbox` before the server
answers ``250`` to the client, so once the app's request has returned, its mail is there.

A test module makes its fixture from :func:`running_smtp_server` (plain SMTP, no login)
and, for TLS, :func:`make_tls_files` (a self-signed certificate for ``localhost`` and
``127.0.0.1``, made with the ``openssl`` command).
"""

from __future__ import annotations

import email
import re
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from aiosmtpd.smtp import LoginPassword

from tests.servers import free_port

_LINK = re.compile(r"https?://\S+")


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        """The decoded subject."""
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The plain-text part."""
        part = self.message.get_body(("plain",))
        assert part is not None, "the message has no text part"
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]

    @property
    def html(self) -> str:
        """The HTML part."""
        part = self.message.get_body(("html",))
        assert part is not None, "the message has no HTML part"
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]

    @property
    def link(self) -> str:
        """The (first) link of the text part: what a person would click."""
        found = _LINK.search(self.text)
        assert found is not None, f"no link in:\n{self.text}"
        return found.group(0)


class _Inbox:
    """aiosmtpd handler: keeps every accepted message."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)  # type: ignore[arg-type]
            )
        return "250 Message accepted for delivery"


class SMTPServer:
    """An aiosmtpd server on ``127.0.0.1`` and a free port.

    :param login: ``(user, password)`` the server requires before accepting mail.
    :param starttls: a server TLS context offered through STARTTLS (and then required).
    :param implicit_tls: a server TLS context for SMTPS (TLS from the first byte).
    """

    def __init__(
        self,
        *,
        login: tuple[str, str] | None = None,
        starttls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.login = login
        self._handler = _Inbox()
        self.failed_logins = 0
        kwargs: dict[str, Any] = {}
        if login is not None:
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=starttls is not None or implicit_tls is not None,
            )
        if starttls is not None:
            kwargs.update(tls_context=starttls, require_starttls=True)
        if implicit_tls is not None:
            kwargs.update(ssl_context=implicit_tls)
        self._kwargs = kwargs
        self._controller: Controller | None = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.login is not None:
            given = (auth_data.login.decode(), auth_data.password.decode())
            if given == self.login:
                return AuthResult(success=True)
        self.failed_logins += 1
        return AuthResult(success=False, handled=False)

    @property
    def inbox(self) -> list[Received]:
        """Every message accepted so far, oldest first."""
        with self._handler.lock:
            return list(self._handler.messages)

    def last(self, to: str | None = None) -> Received:
        """The newest message (to ``to``, when given); fails when there is none."""
        for received in reversed(self.inbox):
            if to is None or to in received.rcpt_tos:
                return received
        raise AssertionError(f"no mail{' to ' + to if to else ''}; inbox: {self.inbox}")

    def config(self, **extra: Any) -> dict[str, Any]:
        """App config that sends mail here through the built-in SMTP sender."""
        return {
            "BETTER_AUTH_MAIL": "smtp",
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_DEFAULT_SENDER": ("Example", "auth@example.com"),
            "MAIL_TIMEOUT": 10,
            **extra,
        }

    def start(self) -> None:
        """Start serving (again, after :meth:`stop`: same port, same inbox)."""
        self._controller = Controller(
            self._handler, hostname=self.host, port=self.port, ready_timeout=30, **self._kwargs
        )
        self._controller.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def running_smtp_server() -> Iterator[SMTPServer]:
    """A running plain SMTP server (no login, no TLS), stopped on leaving."""
    server = SMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class TLSFiles:
    """A self-signed certificate (also its own CA) and its key."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        """A TLS server context presenting the certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts the certificate (and checks the host name)."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_tls_files(folder: Path) -> TLSFiles:
    """A certificate for ``localhost`` and ``127.0.0.1``, valid for a day, in ``folder``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the `openssl` command is needed to make a test certificate")
    files = TLSFiles(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(files.key),
            "-out",
            str(files.cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )
    return files


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server on a free port; its inbox is what the app sent."""
    with running_smtp_server() as server:
        yield server
