"""The official ``magicLinkClient`` and ``emailOTPClient`` drive the magic-link and
email-OTP plugins (``tests/compat/passwordless.mjs``): links and codes come from the
built-in sender's mail, which also goes to a real SMTP server."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.mail import Mail
from flask_betterauth.mail.dev import DevSender
from flask_betterauth.mail.smtp import SMTPSender
from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import magic_link
from tests.mailserver import SMTPServer
from tests.test_compat import compat_client_installed as compat_client_installed
from tests.test_compat import run_node
from tests.test_compat import serving

pytestmark = pytest.mark.compat


class _Both:
    """The built-in sender over real SMTP, each message also logged for the Node side."""

    def __init__(self, smtp: SMTPSender, log: Path) -> None:
        self.smtp = smtp
        self.dev = DevSender(log, stream=io.StringIO())

    def send(self, mail: Mail) -> None:
        self.smtp.send(mail)
        self.dev.send(mail)


@pytest.mark.usefixtures("compat_client_installed")
def test_passwordless_client_flows(tmp_path: Path, smtp_server: SMTPServer) -> None:
    log = tmp_path / "mail.jsonl"
    sender: Any = _Both(SMTPSender.from_config(smtp_server.config()), log)
    plugins = [magic_link(True), email_otp(True)]
    with serving(tmp_path, plugins=plugins, mail_sender=sender) as server:
        proc = run_node(
            "passwordless.mjs",
            server.url,
            "magic-link",
            "email-otp",
            env={"PATH": os.environ["PATH"], "MAIL_LOG": str(log)},
        )
    link, code = (json.loads(line) for line in proc.stdout.splitlines())
    assert "crashed" not in link, link
    assert "crashed" not in code, code

    steps = link["steps"]
    email = link["email"].lower()
    assert steps["send"]["data"] == {"status": True}
    assert link["mail"]["url"].endswith("&callbackURL=%2Fdashboard")
    assert smtp_server.inbox[0].link == link["mail"]["url"]  # the same link went by SMTP
    verified = steps["verify"]["data"]
    assert verified["user"]["email"] == email and verified["user"]["name"] == "Ann Link"
    assert verified["session"]["token"] == verified["token"]
    assert "better-auth.session_token" in steps["verify"]["cookies"]
    assert steps["session"]["data"]["user"]["emailVerified"] is True
    reused = steps["reused"]
    assert reused["http"][0]["status"] == 302
    assert reused["http"][0]["location"].endswith("/?error=INVALID_TOKEN")
    assert steps["opened"]["status"] == 302
    assert steps["opened"]["location"].endswith("/dashboard")
    assert steps["openedSession"]["data"]["user"]["email"] == email

    steps = code["steps"]
    email = code["email"].lower()
    assert steps["send"]["data"] == {"success": True}
    assert steps["wrong"]["error"]["status"] == 400
    assert steps["wrong"]["error"]["code"] == "INVALID_OTP"
    assert steps["check"]["error"]["code"] == "USER_NOT_FOUND"  # not signed up yet
    signed_in = steps["signIn"]["data"]
    assert signed_in["token"] and signed_in["user"]["name"] == "Ann Code"
    assert steps["session"]["data"]["user"]["email"] == email
    assert steps["verifyEmail"]["data"]["status"] is True
    assert steps["requestReset"]["data"] == {"success": True}
    assert steps["forget"]["data"] == {"success": True}
    assert code["resetType"] == "email-otp"
    assert steps["reset"]["data"] == {"success": True}
    assert steps["passwordSignIn"]["data"]["token"]
    assert steps["unknown"]["data"] == {"success": True}
    assert {m.rcpt_tos[0] for m in smtp_server.inbox} >= {email}
