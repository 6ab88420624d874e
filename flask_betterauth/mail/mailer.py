"""Delivering the account mails: through the app's callback, or the built-in sender.

Each mail has a *purpose* whose option says who sends it:

=============================  ====================================================  =====
purpose                        option                                                 None
=============================  ====================================================  =====
``verification``               ``email_verification.send_verification_email``         built-in
``reset_password``             ``email_and_password.send_reset_password``             built-in
``change_email_confirmation``  ``user.change_email.send_change_email_confirmation``   off
``delete_account``             ``user.delete_user.send_delete_account_verification``  off
=============================  ====================================================  =====

A function is the app's own sender, called as Better Auth calls it, in Python's shape:
``send_verification_email(user, url, token)``, ``send_reset_password(user, url, token)``,
``send_change_email_confirmation(user, new_email, url, token)``,
``send_delete_account_verification(user, url, token)``. ``True`` means the built-in
sender renders the package's template (or the app's template of the same name) and sends
it; "built-in" under *None* means the same when a sender is configured, and nothing
otherwise.

A mail that cannot be sent answers ``503 EMAIL_SEND_FAILED`` (an ``APIError`` raised by
the app's function passes through as it is); the caller then undoes what it had started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Flask
from jinja2 import BaseLoader
from jinja2 import ChoiceLoader
from jinja2 import Environment
from jinja2 import PackageLoader

from ..errors import APIError
from ..errors import BetterAuthError
from ..options import Options
from ..records import Record
from . import Mail
from . import MailSender
from . import build_sender

logger = logging.getLogger("flask_betterauth")

BUILT_IN = "built-in"


@dataclass(frozen=True)
class MailPurpose:
    """One purpose of mail (a verification link, a magic link), the core's and plugins'.

    :param name: the purpose's name (``"verification"``), given to :meth:`Mailer.send`.
    :param setting: ``setting(options)``: who sends it: the app's function, ``True``
        (the built-in sender), or ``None`` / ``False``.
    :param arguments: the app's function is called with these, in order: any of
        ``user``, ``email`` (the address mailed), ``url``, ``token``, ``new_email``, and
        the names of the ``extra`` values :meth:`Mailer.send` is given.
    :param subjects: each template kind it sends and that kind's default subject.
    :param on_by_default: ``None`` means the built-in sender, when one is configured.
    :param loader: a Jinja loader of the purpose's own templates (a plugin's), searched
        after the app's templates and before the package's.
    """

    name: str
    setting: Callable[[Options], Any]
    subjects: Mapping[str, str]
    arguments: tuple[str, ...] = ("user", "url", "token")
    on_by_default: bool = False
    loader: BaseLoader | None = None


#: The core's purposes; plugins add theirs to the same table.
CORE_MAIL_PURPOSES = (
    MailPurpose(
        "verification",
        lambda options: options.email_verification.send_verification_email,
        {
            "verify-email": "Verify your email address",
            "change-email-verification": "Confirm your new email address",
        },
        on_by_default=True,
    ),
    MailPurpose(
        "reset_password",
        lambda options: options.email_and_password.send_reset_password,
        {"reset-password": "Reset your password"},
        on_by_default=True,
    ),
    MailPurpose(
        "change_email_confirmation",
        lambda options: options.user.change_email.send_change_email_confirmation,
        {"change-email-confirmation": "Approve the change of your email address"},
        arguments=("user", "new_email", "url", "token"),
    ),
    MailPurpose(
        "delete_account",
        lambda options: options.user.delete_user.send_delete_account_verification,
        {"delete-account": "Confirm the deletion of your account"},
    ),
)


def _duration(seconds: int) -> str:
    """``3600`` -> ``"1 hour"``, ``5400`` -> ``"90 minutes"``: for the mail's wording."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


@dataclass
class Mailer:
    """Who sends each purpose's mail, and how the built-in sender renders it.

    :param purposes: every purpose, by name (the core's and the plugins').
    :param channels: per purpose, the app's function, :data:`BUILT_IN`, or ``None``.
    :param sender: the built-in sender, if one is configured.
    :param app_name: shown in the default templates (the ``app_name`` option).
    :param get_environment: returns the app's Jinja environment (read on first use).
    """

    purposes: Mapping[str, MailPurpose]
    channels: dict[str, Callable[..., Any] | str | None]
    sender: MailSender | None
    app_name: str
    get_environment: Callable[[], Environment]
    _environment: Environment | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_app(
        cls, app: Flask, options: Options, extra_purposes: Sequence[MailPurpose] = ()
    ) -> Mailer:
        """Resolve the mail options and the configured sender for ``app``.

        :param extra_purposes: the plugins' purposes, after the core's.

        :raises BetterAuthError: when a mail option is ``True``, or ``send_on_sign_up`` /
            ``send_on_sign_in`` is on, but no sender is configured.
        """
        sender = build_sender(options.mail_sender, app.config)
        purposes: dict[str, MailPurpose] = {}
        for purpose in (*CORE_MAIL_PURPOSES, *extra_purposes):
            if purpose.name in purposes:
                raise BetterAuthError(f"two mail purposes are named {purpose.name!r}")
            purposes[purpose.name] = purpose
        channels: dict[str, Callable[..., Any] | str | None] = {}
        for name, purpose in purposes.items():
            setting = purpose.setting(options)
            if callable(setting):
                channels[name] = setting
            elif setting is True or (setting is None and purpose.on_by_default):
                if sender is None and setting is True:
                    raise BetterAuthError(
                        f"a {name.replace('_', ' ')} mail option is True, but no mail "
                        "sender is configured: set BETTER_AUTH_MAIL = 'smtp' or 'dev' in "
                        "the config, or pass mail_sender="
                    )
                channels[name] = BUILT_IN if sender is not None else None
            else:
                channels[name] = None
        verification = options.email_verification
        for name in ("send_on_sign_up", "send_on_sign_in"):
            if getattr(verification, name) is True and channels["verification"] is None:
                raise BetterAuthError(
                    f"email_verification.{name} is on, but nothing sends verification mail: "
                    "pass email_verification={'send_verification_email': fn}, or set "
                    "BETTER_AUTH_MAIL = 'smtp' or 'dev' in the config, or pass mail_sender="
                )
        return cls(purposes, channels, sender, options.app_name, lambda: app.jinja_env)

    def can_send(self, purpose: str) -> bool:
        """Whether mail of ``purpose`` has someone to send it."""
        return self.channels.get(purpose) is not None

    @property
    def environment(self) -> Environment:
        """The app's Jinja environment, falling back to the package's own templates."""
        if self._environment is None:
            base = self.get_environment()
            loaders = [base.loader] if base.loader is not None else []
            loaders += [p.loader for p in self.purposes.values() if p.loader is not None]
            loaders.append(PackageLoader("flask_betterauth", "templates"))
            self._environment = base.overlay(loader=ChoiceLoader(loaders))
        return self._environment

    def render(self, kind: str, **context: Any) -> tuple[str, str, str]:
        """The subject, text and HTML of mail ``kind`` from its templates.

        The text template may set ``subject`` (``{% set subject = "..." %}``); otherwise
        a default subject is used.
        """
        name = f"betterauth/mail/{kind.replace('-', '_')}"
        values = {"app_name": self.app_name, **context}
        text_module = self.environment.get_template(f"{name}.txt").make_module(values)
        html = self.environment.get_template(f"{name}.html").render(values)
        default = next(p.subjects[kind] for p in self.purposes.values() if kind in p.subjects)
        subject = str(getattr(text_module, "subject", "") or default).strip()
        return subject, str(text_module).strip() + "\n", html

    def send(
        self,
        purpose: str,
        kind: str,
        *,
        user: Record,
        url: str,
        token: str,
        expires_in: int,
        new_email: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Send the ``purpose`` mail (template ``kind``) about ``user`` to ``user.email``.

        ``user`` may be a record not (yet) stored, ``{"email": ...}`` at least (a magic
        link to a new address). ``extra`` values (a code's ``type``) are passed to the
        app's function by name and to the templates.

        :raises APIError: 503 ``EMAIL_SEND_FAILED`` when it could not be sent, or the
            ``APIError`` the app's function raised.
        """
        channel = self.channels.get(purpose)
        if channel is None:
            raise BetterAuthError(f"no sender for {purpose} mail")
        try:
            if channel == BUILT_IN:
                self._send_built_in(kind, user, url, token, expires_in, new_email, extra or {})
            elif callable(channel):
                values = {
                    "user": user,
                    "email": user["email"],
                    "url": url,
                    "token": token,
                    "new_email": new_email,
                    **(extra or {}),
                }
                channel(*(values[name] for name in self.purposes[purpose].arguments))
        except APIError:
            raise
        except Exception:
            logger.exception("could not send the %s mail to %s", kind, user.get("email"))
            raise APIError(503, "EMAIL_SEND_FAILED") from None

    def _send_built_in(
        self,
        kind: str,
        user: Record,
        url: str,
        token: str,
        expires_in: int,
        new_email: str | None,
        extra: Mapping[str, Any],
    ) -> None:
        assert self.sender is not None
        to = str(user["email"])
        subject, text, html = self.render(
            kind,
            **extra,
            user=user,
            email=to,
            url=url,
            token=token,
            new_email=new_email,
            expires_in=expires_in,
            expires_text=_duration(expires_in),
        )
        self.sender.send(Mail(kind, to, subject, text, html, url, token))
