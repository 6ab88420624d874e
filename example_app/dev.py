"""Development tools of the example app: the mail outbox at ``/dev/mail``.

The app mails through flask-betterauth's development sender unless configured otherwise:
each message is printed on the console and, in debug mode, listed at ``/dev/mail`` for a
browser on the same machine, so the links can be followed without a mail server.
"""

from __future__ import annotations

from ipaddress import ip_address

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request

from flask_betterauth.mail.dev import read_log

bp = Blueprint("dev", __name__)


@bp.get("/dev/mail")
def outbox() -> str:
    """The mails the development sender logged, newest first: a development tool.

    The mails hold every user's verification and reset links, so the page exists only in
    debug mode, with the development sender, and for a client on this machine (loopback);
    anyone else gets a 404.
    """
    log = current_app.config.get("BETTER_AUTH_MAIL_LOG")
    dev_sender = current_app.config.get("BETTER_AUTH_MAIL") == "dev" and log
    if not (current_app.debug and dev_sender and _from_loopback()):
        abort(404)
    return render_template("outbox.html", mails=list(reversed(read_log(log)))[:20])


def _from_loopback() -> bool:
    """Whether the client's address is this machine's (127.0.0.0/8 or ::1)."""
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
