"""Signals for the events an app observes."""

from __future__ import annotations

from blinker import Namespace

from flask_betterauth import signals
from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def test_sign_up_in_out_send_signals(auth_app, via):
    seen = []
    receivers = {
        signals.user_signed_up: lambda app, user: seen.append(("signed up", user["email"])),
        signals.user_signed_in: lambda app, user, session: seen.append(
            ("signed in", user["email"])
        ),
        signals.session_created: lambda app, session, user: seen.append(("session", user["email"])),
        signals.user_signed_out: lambda app, token: seen.append(("signed out", len(token))),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, auth_app.app)
    try:
        caller = Caller(auth_app, via)
        caller.call("sign_up_email", ANN)
        caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
        caller.call("sign_out", {})
    finally:
        for signal, receiver in receivers.items():
            signal.disconnect(receiver, auth_app.app)
    assert seen == [
        ("signed up", "ann@example.com"),
        ("session", "ann@example.com"),
        ("session", "ann@example.com"),
        ("signed in", "ann@example.com"),
        ("signed out", 32),
    ]


def test_a_signal_without_receivers_is_not_sent(app, monkeypatch):
    signal = Namespace().signal("nobody-listens")
    calls = []
    monkeypatch.setattr(signal, "send", lambda *args, **kwargs: calls.append(kwargs))
    with app.app_context():
        signals.send(signal, user="ann")
        assert calls == []

        def receiver(sender, **kwargs):
            return None

        signal.connect(receiver)
        signals.send(signal, user="ann")
    assert calls == [{"user": "ann"}]
