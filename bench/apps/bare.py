"""Case (a): a bare Flask route returning a tiny JSON, with no database and no auth."""

from __future__ import annotations

from flask import Flask

from .common import EMAIL

app = Flask(__name__)


@app.get("/hello")
def hello() -> dict[str, str]:
    """The same body the protected routes return, without asking who is calling."""
    return {"email": EMAIL}


def prepare() -> str:
    """Nothing to set up: no database, no session, no cookie."""
    return ""
