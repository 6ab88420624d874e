"""The benchmarked cases, and the targets that ours must meet relative to the others."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One URL of one app, measured under load.

    :param key: a short stable name (JSON keys, ``--cases``).
    :param group: ``a`` (baseline), ``b`` (ours, cache hit), ``c`` (ours, cache off),
        ``d`` (the peers) or ``e`` (the floor: one database round trip, no auth).
    :param app: the module in ``bench.apps`` that serves it.
    :param signed_in: whether requests carry the session (its cookie, or a bearer token).
    :param credential_header: the request header that carries it.
    """

    key: str
    group: str
    label: str
    app: str
    path: str
    signed_in: bool = True
    credential_header: str = "Cookie"


CASES = (
    Case("bare", "a", "bare Flask route, tiny JSON", "bare", "/hello", signed_in=False),
    Case("ours-cache-protected", "b", "ours: login_required (cache hit)", "ours_cache",
         "/protected"),
    Case("ours-cache-session", "b", "ours: GET get-session (cache hit)", "ours_cache",
         "/api/auth/get-session"),
    Case("ours-nocache-protected", "c", "ours: login_required (cache off)", "ours_nocache",
         "/protected"),
    Case("ours-nocache-session", "c", "ours: GET get-session (cache off)", "ours_nocache",
         "/api/auth/get-session"),
    Case("ours-bearer-protected", "c", "ours: login_required (bearer token)", "ours_bearer",
         "/protected", credential_header="Authorization"),
    Case("floor-select-one", "e", "floor: bare route + SELECT 1 via the pool", "ours_nocache",
         "/select-one", signed_in=False),
    Case("flask-login", "d", "Flask-Login: login_required", "flasklogin", "/protected"),
    Case("flask-security", "d", "Flask-Security-Too: auth_required()", "flasksecurity",
         "/protected"),
)  # fmt: skip

BASELINE = "bare"
#: Minimum share of the baseline's requests per second, by group.
MIN_RATIO = {"b": 0.85, "c": 0.60}


def target_text(case: Case) -> str:
    """The target printed next to a case's figures ("" for the baseline and the peers)."""
    if case.group == "b":
        return f">= {MIN_RATIO['b']:.2f} x (a)"
    if case.group == "c":
        return f">= {MIN_RATIO['c']:.2f} x (a), > both (d)"
    return ""


def target_met(case: Case, rps: dict[str, float]) -> bool | None:
    """Whether ``case`` meets its target, given requests/sec by case key on one database.

    ``None`` when the case has no target or a figure it depends on is missing.
    """
    if case.group not in MIN_RATIO or case.key not in rps or BASELINE not in rps:
        return None
    met = rps[case.key] >= MIN_RATIO[case.group] * rps[BASELINE]
    if case.group == "c":
        peers = [c.key for c in CASES if c.group == "d"]
        if any(p not in rps for p in peers):
            return None
        met = met and all(rps[case.key] > rps[p] for p in peers)
    return met
