"""Mail: the message, the sender interface, and choosing a built-in sender.

A sender is any object with ``send(mail)``; it raises :class:`MailError` (or any
exception) when the message could not be handed over. Two are built in:

- ``"smtp"``: :class:`~flask_betterauth.mail.smtp.SMTPSender`, configured by the usual
  ``MAIL_*`` keys of ``app.config``;
- ``"dev"``: :class:`~flask_betterauth.mail.dev.DevSender`, which prints each message and
  appends it as one JSON line to the file named by ``BETTER_AUTH_MAIL_LOG``.

The app picks one with ``BETTER_AUTH_MAIL = "smtp" | "dev"`` in its config, or passes
``mail_sender=`` (one of those names, or its own object) to ``init_app``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol
from typing import runtime_checkable

from ..errors import BetterAuthError

#: The kinds of mail the package sends; each has templates of the same name (``-`` as ``_``).
MAIL_KINDS = (
    "verify-email",
    "change-email-verification",
    "change-email-confirmation",
    "reset-password",
    "delete-account",
)


@dataclass(frozen=True)
class Mail:
    """One message, rendered and ready to send.

    :param kind: one of :data:`MAIL_KINDS`.
    :param to: the recipient's address.
    :param subject: the subject line.
    :param text: the plain-text body.
    :param html: the HTML body.
    :param url: the link the message carries.
    :param token: the token inside that link.
    """

    kind: str
    to: str
    subject: str
    text: str
    html: str
    url: str
    token: str


class MailError(Exception):
    """A message could not be sent. The text says why, without any secret."""


@runtime_checkable
class MailSender(Protocol):
    """Anything that can send a :class:`Mail`."""

    def send(self, mail: Mail) -> None:
        """Hand ``mail`` over for delivery, or raise."""


def build_sender(choice: Any, config: Mapping[str, Any]) -> MailSender | None:
    """The sender named by the ``mail_sender`` option, else by ``BETTER_AUTH_MAIL``.

    :raises BetterAuthError: for an unknown name, an object without ``send``, or an
        incomplete SMTP configuration.
    """
    if choice is None:
        choice = config.get("BETTER_AUTH_MAIL") or None
    if choice is None:
        return None
    if choice == "smtp":
        from .smtp import SMTPSender

        return SMTPSender.from_config(config)
    if choice == "dev":
        from .dev import DevSender

        return DevSender.from_config(config)
    if isinstance(choice, str):
        raise BetterAuthError(f"the mail sender must be 'smtp' or 'dev', not {choice!r}")
    if not isinstance(choice, MailSender):
        raise BetterAuthError(
            "mail_sender must be 'smtp', 'dev', or an object with a send(mail) method"
        )
    return choice


__all__ = ["MAIL_KINDS", "Mail", "MailError", "MailSender", "build_sender"]
