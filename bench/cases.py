"""The benchmarked cases, and the targets that ours must meet relative to the others."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One URL of one app, measured under load.

    :param key: a short stable name (JSON keys, ``--cases``).
    :param group: ``a`` (baseline), ``b`` (ours, cache hit), ``c`` (ours, cache off),
        ``d`` (the peers), ``e`` (Better Auth), ``s`` (scaling), ``i`` (sign-in) or ``f``
        (the floor: one database round trip through the pool, no auth).
    :param app: the module in ``bench.apps`` that serves it.
    :param signed_in: whether requests carry the session (its cookie, or a bearer token).
    :param credential_header: the request header that carries it.
    :param workers: gunicorn workers, or Node processes for Better Auth (``node:cluster``).
    :param connections: wrk's ``-c`` for this case (default: the run's ``--connections``).
    :param sign_in: ``POST`` the bench user's email and password (a sign-in) instead of
        a ``GET`` with the session.
    :param min_share: the target: the least share of the bare route's requests per
        second (ours only); cache-off cases must also beat both peers (group ``d``).
    """

    key: str
    group: str
    label: str
    app: str
    path: str
    signed_in: bool = True
    credential_header: str = "Cookie"
    workers: int = 1
    connections: int | None = None
    sign_in: bool = False
    min_share: float | None = None

    @property
    def server(self) -> str:
        """The served instance this case runs on: its app and process count."""
        return self.app if self.workers == 1 else f"{self.app}_w{self.workers}"

    @property
    def node(self) -> bool:
        """Whether Better Auth's own Node server answers (not a gunicorn app)."""
        return self.app.startswith("better_auth")


CASES = (
    Case("bare", "a", "bare Flask route, tiny JSON", "bare", "/hello", signed_in=False),
    Case("ours-cache-protected", "b", "ours: login_required (cache hit)", "ours_cache",
         "/protected", min_share=0.90),
    Case("ours-cache-session", "b", "ours: GET get-session (cache hit)", "ours_cache",
         "/api/auth/get-session", min_share=0.85),
    Case("ours-nocache-protected", "c", "ours: login_required (cache off)", "ours_nocache",
         "/protected", min_share=0.60),
    Case("ours-nocache-session", "c", "ours: GET get-session (cache off)", "ours_nocache",
         "/api/auth/get-session", min_share=0.60),
    Case("ours-bearer-protected", "c", "ours: login_required (bearer token)", "ours_bearer",
         "/protected", credential_header="Authorization", min_share=0.60),
    Case("ours-preping-protected", "c", "ours: login_required (cache off, pool_pre_ping)",
         "ours_preping", "/protected"),
    Case("floor-select-one", "f", "floor: bare route + SELECT 1 via the pool", "ours_nocache",
         "/select-one", signed_in=False),
    Case("flask-login", "d", "Flask-Login: login_required", "flasklogin", "/protected"),
    Case("flask-security", "d", "Flask-Security-Too: auth_required()", "flasksecurity",
         "/protected"),
    # (e) Better Auth 1.7.24 itself, its Node server on the same database server.
    Case("better-auth-cache-protected", "e", "Better Auth: getSession (cache hit)",
         "better_auth_cache", "/protected"),
    Case("better-auth-cache-session", "e", "Better Auth: GET get-session (cache hit)",
         "better_auth_cache", "/api/auth/get-session"),
    Case("better-auth-nocache-protected", "e", "Better Auth: getSession (cache off)",
         "better_auth_nocache", "/protected"),
    Case("better-auth-nocache-session", "e", "Better Auth: GET get-session (cache off)",
         "better_auth_nocache", "/api/auth/get-session"),
    # (s) Scaling: more gunicorn workers, more Node processes (cache off).
    Case("ours-nocache-protected-w2", "s", "ours: login_required, 2 workers",
         "ours_nocache", "/protected", workers=2),
    Case("ours-nocache-protected-w4", "s", "ours: login_required, 4 workers",
         "ours_nocache", "/protected", workers=4),
    Case("better-auth-nocache-protected-p2", "s", "Better Auth: getSession, 2 processes",
         "better_auth_nocache", "/protected", workers=2),
    # (i) Sign-in at each one's default password hash, 8 concurrent clients, 2 processes.
    Case("ours-sign-in", "i", "ours: sign-in (bcrypt 11), 2 workers", "ours_signin",
         "/api/auth/sign-in/email", signed_in=False, workers=2, connections=8, sign_in=True),
    Case("better-auth-sign-in", "i", "Better Auth: sign-in (scrypt), 2 processes",
         "better_auth_nocache", "/api/auth/sign-in/email", signed_in=False, workers=2,
         connections=8, sign_in=True),
)  # fmt: skip

BASELINE = "bare"


def target_text(case: Case) -> str:
    """The target printed next to a case's figures ("" for the baseline and the peers)."""
    if case.min_share is None:
        return ""
    beat = ", > both (d)" if case.group == "c" else ""
    return f">= {case.min_share:.2f} x (a){beat}"


def target_met(case: Case, shares: dict[str, float]) -> bool | None:
    """Whether ``case`` meets its target, given each case's share of the bare route
    (its requests per second over the bare route's) on one database.

    ``None`` when the case has no target or a figure it depends on is missing.
    """
    if case.min_share is None or case.key not in shares:
        return None
    met = shares[case.key] >= case.min_share
    if case.group == "c":
        peers = [c.key for c in CASES if c.group == "d"]
        if any(p not in shares for p in peers):
            return None
        met = met and all(shares[case.key] > shares[p] for p in peers)
    return met
