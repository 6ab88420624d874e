"""Case (c), bearer: flask-betterauth read from ``Authorization: Bearer`` (no cookies).

A client without cookies (a mobile app) sends the signed token ``set-auth-token`` gave
it; there is no cookie cache to hit, so each request reads the session from the database,
as the cookie case with the cache off does.
"""

from __future__ import annotations

from .common import EMAIL
from .common import NAME
from .common import PASSWORD
from .common import USER_AGENT
from .ours import PROTECTED
from .ours import create_app

app, db = create_app(cookie_cache=False)


def prepare() -> str:
    """Sign the bench user up; return the ``Authorization`` header of its session."""
    with app.app_context():
        db.create_all()
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/api/auth/sign-up/email",
        json={"name": NAME, "email": EMAIL, "password": PASSWORD},
        headers={"User-Agent": USER_AGENT},
    )
    token = response.headers.get("set-auth-token")
    if response.status_code != 200 or not token:
        raise RuntimeError(f"sign-up answered {response.status_code} without set-auth-token")
    header = f"Bearer {token}"
    check = client.get(PROTECTED, headers={"Authorization": header, "User-Agent": USER_AGENT})
    body = check.get_json(silent=True) or {}
    if check.status_code != 200 or body.get("email") != EMAIL or check.headers.get("Set-Cookie"):
        raise RuntimeError(f"GET {PROTECTED} with the bearer token answered {check.status_code}")
    return header
