"""Helpers for an application's own tests: a signed-in test client and fast hashing.

Like Flask-Login's ``FlaskLoginClient``::

    from flask_betterauth.testing import AuthTestClient

    app.test_client_class = AuthTestClient

    def test_dashboard(app, user):
        client = app.test_client(user=user)      # signed in as ``user``
        assert client.get("/dashboard").status_code == 200

and, so that sign-ups in tests do not spend a tenth of a second hashing::

    auth.init_app(app, db, **merge_options(options, FAST_HASHING))   # or pass it along
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.testing import FlaskClient

from .cookies import encode_signed
from .records import Record
from .sessions.values import SignedIn
from .state import current_state

#: Options that make password hashing as cheap as bcrypt allows (cost 4): for tests
#: only. Merge them into the app's options under ``app.testing``.
FAST_HASHING: dict[str, Any] = {"email_and_password": {"password": {"bcrypt_rounds": 4}}}


class AuthTestClient(FlaskClient):
    """A test client that starts out signed in.

    ``app.test_client(user=user)`` creates a session for ``user`` (a user record, or
    the email of an existing user) and holds its cookie, exactly as after a sign-in;
    :attr:`signed_in` is that session and user.

    :param user: whom to sign in; ``None`` for an anonymous client.
    :param remember_me: ``False`` makes a one-day session, as ``rememberMe: false``.
    """

    def __init__(
        self,
        *args: Any,
        user: Mapping[str, Any] | str | None = None,
        remember_me: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.signed_in: SignedIn | None = None
        if user is not None:
            self.sign_in(user, remember_me=remember_me)

    def sign_in(self, user: Mapping[str, Any] | str, *, remember_me: bool = True) -> SignedIn:
        """Start a session for ``user`` (a record or an email) and keep its cookie.

        :raises LookupError: when no user has that email.
        """
        with self.application.app_context():
            state = current_state()
            if isinstance(user, str):
                found = state.users.find_by_email(user)
                if found is None:
                    raise LookupError(f"no user has the email {user!r}")
                user = found
            signed_in = state.sessions.create(Record(user), remember_me=remember_me)
            spec = state.cookies_for(https=False).session_token
            value = encode_signed(state.key, signed_in.session["token"])
            self.set_cookie(spec.name, value, path=spec.path or "/")
        self.signed_in = signed_in
        return signed_in
