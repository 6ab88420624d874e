"""Sending mail over SMTP, with the ``MAIL_*`` settings Flask apps already use.

=====================  ==========================================================
``MAIL_SERVER``        host name (default ``localhost``)
``MAIL_PORT``          port (default 465 with ``MAIL_USE_SSL``, 587 with
                       ``MAIL_USE_TLS``, else 25)
``MAIL_USE_TLS``       upgrade the connection with STARTTLS (default off)
``MAIL_USE_SSL``       connect over TLS from the start, "SMTPS" (default off)
``MAIL_USERNAME``      log in with this user name (and ``MAIL_PASSWORD``)
``MAIL_PASSWORD``      the password for ``MAIL_USERNAME``
``MAIL_DEFAULT_SENDER``  the From address: ``"a@b.c"``, ``"Name <a@b.c>"`` or
                       ``("Name", "a@b.c")``; required
``MAIL_TIMEOUT``       seconds to wait for the server (default 10)
=====================  ==========================================================

Each message opens its own connection: account mail is rare, and a fresh connection
never fails because the server dropped an idle one.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr
from email.utils import make_msgid
from typing import Any

from ..errors import BetterAuthError
from . import Mail
from . import MailError


def _sender_address(value: Any) -> str:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return formataddr((str(value[0]), str(value[1])))
    if isinstance(value, str) and value:
        return value
    raise BetterAuthError(
        "BETTER_AUTH_MAIL='smtp' needs MAIL_DEFAULT_SENDER: the From address, "
        "'noreply@example.com' or ('Example', 'noreply@example.com')"
    )


class SMTPSender:
    """Sends each :class:`Mail` through an SMTP server.

    :param host: the server's host name.
    :param port: its port.
    :param sender: the From address.
    :param use_tls: upgrade with STARTTLS after connecting.
    :param use_ssl: speak TLS from the start (SMTPS).
    :param username: log in with this name, when given.
    :param password: and this password.
    :param timeout: seconds to wait for the server.
    :param ssl_context: the TLS settings; default: the system's trusted certificates.
    """

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        *,
        sender: str,
        use_tls: bool = False,
        use_ssl: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if use_tls and use_ssl:
            raise BetterAuthError("set MAIL_USE_TLS (STARTTLS) or MAIL_USE_SSL (SMTPS), not both")
        self.host = host
        self.port = port if port is not None else (465 if use_ssl else 587 if use_tls else 25)
        self.sender = sender
        self.use_tls = use_tls
        self.use_ssl = use_ssl
        self.username = username
        self.password = password
        self.timeout = timeout
        self.ssl_context = ssl_context

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SMTPSender:
        """A sender configured by the ``MAIL_*`` keys of ``config``."""
        port = config.get("MAIL_PORT")
        return cls(
            config.get("MAIL_SERVER") or "localhost",
            int(port) if port is not None else None,
            sender=_sender_address(config.get("MAIL_DEFAULT_SENDER")),
            use_tls=bool(config.get("MAIL_USE_TLS", False)),
            use_ssl=bool(config.get("MAIL_USE_SSL", False)),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            timeout=float(config.get("MAIL_TIMEOUT", 10.0)),
        )

    def message(self, mail: Mail) -> EmailMessage:
        """The MIME message for ``mail``: plain text with an HTML alternative."""
        message = EmailMessage()
        message["Subject"] = mail.subject
        message["From"] = self.sender
        message["To"] = mail.to
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip(">"))
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message

    def send(self, mail: Mail) -> None:
        """Deliver ``mail`` to the server.

        :raises MailError: naming what failed (connection, TLS, login, refusal), never the
            password.
        """
        message = self.message(mail)
        where = f"{self.host}:{self.port}"
        context = self.ssl_context or ssl.create_default_context()
        try:
            client: smtplib.SMTP
            if self.use_ssl:
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.use_tls:
                    client.starttls(context=context)
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except smtplib.SMTPAuthenticationError as error:
            raise MailError(
                f"the SMTP server {where} refused the login ({error.smtp_code})"
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(f"the SMTP server {where} refused the recipient") from error
        except smtplib.SMTPException as error:
            raise MailError(f"the SMTP server {where} failed: {error}") from error
        except ssl.SSLError as error:
            raise MailError(f"TLS with the SMTP server {where} failed: {error}") from error
        except OSError as error:
            raise MailError(f"could not reach the SMTP server {where}: {error}") from error
