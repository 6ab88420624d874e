"""The quickstart's app: a home page, a protected dashboard and the ready-made pages."""

from __future__ import annotations

from flask import Flask
from flask import render_template

from auth import auth
from auth import init_auth
from flask_betterauth import login_required


def create_app() -> Flask:
    """Make the app."""
    app = Flask(__name__)
    init_auth(app)
    auth.pages.init_app(app)  # sign-in, sign-up, account, ... under /auth

    @app.get("/")
    def index() -> str:
        return render_template("index.html")

    @app.get("/dashboard")
    @login_required
    def dashboard() -> str:
        return render_template("dashboard.html")

    return app
