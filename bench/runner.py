"""Drive the benchmark: databases, app setup, gunicorn, wrk, report.

Entry point: ``python3 bench/run.py`` (see ``--help``).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import cores
from . import hashing
from . import node
from . import report
from . import wrk
from .apps.common import EMAIL
from .apps.common import PASSWORD
from .apps.common import USER_AGENT
from .cases import BASELINE
from .cases import CASES
from .cases import Case
from .pg import PostgresServer
from .server import ROOT
from .server import Served
from .server import gunicorn

DATABASES = ("sqlite", "postgres")
#: The body of every benchmarked sign-in.
SIGN_IN_BODY = json.dumps({"email": EMAIL, "password": PASSWORD})
#: Seconds before wrk gives a sign-in up (slow hashing under 8 clients is the point).
SIGN_IN_TIMEOUT = 30.0
#: Sign-ins take hundreds of milliseconds each: fewer seconds would count a handful.
SIGN_IN_MIN_SECONDS = 10.0
PACKAGES = ("flask", "werkzeug", "sqlalchemy", "flask-sqlalchemy", "gunicorn", "psycopg",
            "flask-login", "flask-security-too", "bcrypt")  # fmt: skip


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line; ``--quick`` shortens every duration."""
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Requests/sec and p50/p99 latency of flask-betterauth's hot path "
        "against a bare route, Flask-Login and Flask-Security-Too, on SQLite and PostgreSQL.",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per case")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk before each")
    parser.add_argument("--quick", action="store_true", help="3 s per case, 1 s warm-up")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure every case N times, keep each one's best"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk -t")
    parser.add_argument("--connections", type=int, default=4, help="wrk -c")
    parser.add_argument("--db", choices=(*DATABASES, "both"), default="both")
    parser.add_argument(
        "--cases", default="", help="comma-separated case keys: " + ", ".join(c.key for c in CASES)
    )
    parser.add_argument(
        "--pin",
        default="auto",
        help="pin processes to cores: auto (the load generator on one core, the server and"
        " its database on the others), off, or e.g. 'load=0 server=1 database=1'",
    )
    parser.add_argument("--no-hashing", action="store_true", help="skip the hash timings")
    parser.add_argument(
        "--write-readme", action="store_true", help="update README.md between the bench markers"
    )
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    args.placement = cores.parse(args.pin)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    return args


def select_cases(keys: str) -> list[Case]:
    """The cases named in ``--cases`` (all when empty)."""
    if not keys:
        return list(CASES)
    wanted = {k.strip() for k in keys.split(",") if k.strip()}
    unknown = wanted - {c.key for c in CASES}
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    return [c for c in CASES if c.key in wanted]


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[Callable[[str], str]]:
    """Yield a function that makes a fresh, empty database for an app and returns its URL."""
    if kind == "sqlite":
        yield lambda app: f"sqlite:///{tmp / f'{app}.db'}"
        return
    with PostgresServer() as server:
        print(f"  {server.version()} on 127.0.0.1:{server.port}", flush=True)
        yield lambda app: server.create_database(f"bench_{app}")


def prepare(app: str, env: dict[str, str]) -> str:
    """Run the app's setup in a fresh process; return the signed-in user's credential
    (the ``Cookie`` header, or the ``Authorization`` header of a bearer case)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.apps", app],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if out.returncode != 0:
        lines = out.stderr.strip().splitlines() or ["(no output)"]
        raise RuntimeError(f"setup of {app} failed: {lines[-1]}\n{out.stderr[-3000:]}")
    return str(json.loads(out.stdout.strip().splitlines()[-1])["cookie"])


def check(url: str, headers: dict[str, str]) -> None:
    """One request by hand: 200, JSON naming the bench user, and no ``Set-Cookie``.

    wrk counts any 2xx or 3xx as success, so a redirect to a sign-in page or a
    ``null`` session would otherwise pass for a fast signed-in request.
    """
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own http URL)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = json.loads(response.read() or b"null")
        cookies = response.headers.get_all("Set-Cookie") or []
        status = response.status
    user = body.get("user", body) if isinstance(body, dict) else None
    if status != 200 or not isinstance(user, dict) or user.get("email") != EMAIL:
        raise RuntimeError(f"GET {url} answered {status}: {body!r}")
    if cookies:
        raise RuntimeError(f"GET {url} set cookies on a steady-state request: {cookies}")


def check_sign_in(url: str, headers: dict[str, str]) -> None:
    """One sign-in by hand: 200, the bench user, and a session cookie set."""
    request = urllib.request.Request(  # noqa: S310 (our own http URL)
        url, data=SIGN_IN_BODY.encode(), method="POST",
        headers={**headers, "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        body = json.loads(response.read() or b"null")
        cookies = response.headers.get_all("Set-Cookie") or []
    user = body.get("user") if isinstance(body, dict) else None
    if not isinstance(user, dict) or user.get("email") != EMAIL or not cookies:
        raise RuntimeError(f"POST {url} answered {body!r}")


def measure(
    case: Case,
    base: str,
    cookie: str,
    load: wrk.Load,
    warmup: float,
    worker_cpu: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """Check the route, warm it up, run wrk, check it again; the figures as a dict.

    Given ``worker_cpu`` (the server's CPU seconds so far), the figures also hold
    ``cpu_us_per_request``: the server's CPU time over the run per request served.
    A sign-in case ``POST``s the bench user's credentials instead.
    """
    url = base + case.path
    headers = {"User-Agent": USER_AGENT}
    if case.signed_in:
        headers[case.credential_header] = cookie
    if case.sign_in:
        # No warm-up: its unanswered sign-ins would still queue in front of the run's.
        seconds = max(load.seconds, SIGN_IN_MIN_SECONDS)
        connections = case.connections or load.connections
        load, warmup = wrk.Load(load.threads, connections, seconds, SIGN_IN_TIMEOUT), 0
    elif case.connections:
        load = wrk.Load(load.threads, case.connections, load.seconds)
    post = SIGN_IN_BODY if case.sign_in else None
    verify = check_sign_in if case.sign_in else check
    verify(url, headers)
    if warmup > 0:
        wrk.run(url, wrk.Load(load.threads, load.connections, warmup, load.timeout), headers, post)
    cpu = worker_cpu() if worker_cpu else 0.0
    result = wrk.run(url, load, headers, post)
    cpu = worker_cpu() - cpu if worker_cpu else 0.0
    verify(url, headers)
    if result.non_2xx_3xx or not result.requests:
        raise RuntimeError(f"{result.non_2xx_3xx} of {result.requests} responses failed")
    figures = result.as_dict()
    if worker_cpu:
        figures["cpu_us_per_request"] = cpu / result.requests * 1e6
    return figures


def _serve(case: Case, url: str, log: Path, servers: ExitStack) -> tuple[Served, str]:
    """Set the case's app up on the database at ``url`` and serve it with the case's
    process count; the server and the cookie."""
    if case.node:
        cookie = node.prepare(url, case.app)
        return servers.enter_context(node.serve(url, case.app, log, case.workers)), cookie
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    cookie = prepare(case.app, env)
    served = gunicorn(f"bench.apps.{case.app}:app", env, log, workers=case.workers)
    return servers.enter_context(served), cookie


def _error(exc: Exception) -> dict[str, Any]:
    print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}", flush=True)
    return {"error": f"{type(exc).__name__}: {exc}"}


def run_database(
    kind: str, cases: list[Case], load: wrk.Load, warmup: float, rounds: int, tmp: Path
) -> dict[str, dict[str, Any]]:
    """Every case on one database, ``rounds`` times over; each case keeps its best round.

    All apps are served at once (idle workers cost nothing), so that rounds interleave
    the cases and a burst of outside load cannot fall on one case only. A failing app
    or case records its error and the others go on.
    """
    figures: dict[str, dict[str, Any]] = {}
    served: dict[str, tuple[Served, str]] = {}
    with database(kind, tmp) as make_database, ExitStack() as servers:
        firsts: dict[str, Case] = {}
        for case in cases:
            firsts.setdefault(case.server, case)
        for name, first in firsts.items():
            print(f"  setting up {name} ...", end=" ", flush=True)
            try:
                log = tmp / f"server-{kind}-{name}.log"
                served[name] = _serve(first, make_database(name), log, servers)
                print("ok", flush=True)
            except Exception as exc:  # noqa: BLE001 (report it and go on with the others)
                for case in cases:
                    if case.server == name:
                        figures[case.key] = _error(exc)
        for round_ in range(1, rounds + 1):
            sequence: list[tuple[str, dict[str, Any]]] = []
            for case in round_order(cases):
                if case.server not in served or "error" in figures.get(case.key, {}):
                    continue
                print(f"  round {round_}/{rounds} {case.key} ...", end=" ", flush=True)
                try:
                    server, cookie = served[case.server]
                    result = measure(
                        case, server.url, cookie, load, warmup, server.worker_cpu_seconds
                    )
                except Exception as exc:  # noqa: BLE001
                    figures[case.key] = _error(exc)
                    continue
                print(f"{result['requests_per_second']:.0f} req/s", flush=True)
                sequence.append((case.key, result))
            keep_round(figures, sequence)
    return figures


def round_order(cases: list[Case]) -> list[Case]:
    """One round's measurements in order: when the baseline is chosen, it runs before
    each case and once more after the last (sign-ins, which have no share, come last,
    without it), so that each share pairs a case with the baseline measured seconds
    before and after it."""
    if not any(c.key == BASELINE for c in cases):
        return list(cases)
    base = next(c for c in cases if c.key == BASELINE)
    shared = [c for c in cases if c.key != BASELINE and not c.sign_in]
    order = [base]
    for case in shared:
        order += [case, base]
    return order + [c for c in cases if c.sign_in]


#: The cases with no share of the baseline: itself, and the sign-ins (POSTs that hash).
_UNSHARED = {BASELINE, *(c.key for c in CASES if c.sign_in)}


def keep_round(figures: dict[str, dict[str, Any]], sequence: list[tuple[str, Any]]) -> None:
    """Record one round, measured in ``sequence`` order (case key, figures).

    Each case's requests/sec and CPU per request join its ``rounds_rps`` and
    ``rounds_cpu_us`` (the baseline's: the mean of its measurements in the round); a
    case measured next to the baseline also gets its share of the baseline measured
    just before and after it in ``rounds_share`` and ``rounds_cpu_share``. The best
    round's full figures are kept.
    """
    shares: dict[str, tuple[float, float | None]] = {}
    for index, (key, result) in enumerate(sequence):
        neighbours = (sequence[i] for i in (index - 1, index + 1) if 0 <= i < len(sequence))
        bases = [r for k, r in neighbours if k == BASELINE]
        if key not in _UNSHARED and bases:
            shares[key] = _share(result, bases)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for key, result in sequence:
        by_key.setdefault(key, []).append(result)
    for key, results in by_key.items():
        if "error" in figures.get(key, {}):
            continue
        seen = figures.get(key, {})
        best = max(results, key=lambda r: r["requests_per_second"])
        if best["requests_per_second"] > seen.get("requests_per_second", -1):
            kept = {k: v for k, v in seen.items() if k.startswith("rounds_")}
            figures[key] = {**best, **kept}
        entry = figures[key]
        cpus = [r["cpu_us_per_request"] for r in results if "cpu_us_per_request" in r]
        entry["rounds_rps"] = [
            *entry.get("rounds_rps", []),
            statistics.mean(r["requests_per_second"] for r in results),
        ]
        entry["rounds_cpu_us"] = [
            *entry.get("rounds_cpu_us", []),
            statistics.mean(cpus) if cpus else 0.0,
        ]
        if key in shares:
            share, cpu_share = shares[key]
            entry["rounds_share"] = [*entry.get("rounds_share", []), share]
            if cpu_share is not None:
                entry["rounds_cpu_share"] = [*entry.get("rounds_cpu_share", []), cpu_share]


def _share(result: dict[str, Any], bases: list[dict[str, Any]]) -> tuple[float, float | None]:
    """``result``'s requests/sec over the mean of ``bases``'; and by CPU, the bases' mean
    CPU per request over ``result``'s (``None`` when a CPU figure is missing)."""
    rps = result["requests_per_second"] / statistics.mean(b["requests_per_second"] for b in bases)
    cpu = result.get("cpu_us_per_request")
    base_cpus = [b["cpu_us_per_request"] for b in bases if b.get("cpu_us_per_request")]
    if not cpu or len(base_cpus) != len(bases):
        return rps, None
    return rps, statistics.mean(base_cpus) / cpu


def machine(load: wrk.Load, warmup: float) -> dict[str, Any]:
    """What the figures depend on: CPU, Python, package versions, load settings."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "wrk": wrk.version(),
        "packages": versions,
        "load": {"threads": load.threads, "connections": load.connections,
                 "seconds": load.seconds, "warmup_seconds": warmup},
        "placement": cores.current(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables, keep the JSON, maybe update README.md."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cases = select_cases(args.cases)
    load = wrk.Load(args.threads, args.connections, args.duration)
    cores.set_placement(args.placement)
    started = datetime.datetime.now(datetime.timezone.utc)
    hashes: dict[str, float] = {}
    if not args.no_hashing:
        print("hashing ...", flush=True)
        hashes = hashing.measure(repeat=3 if args.quick else 5)
    results: report.Results = {}
    dbs = DATABASES if args.db == "both" else (args.db,)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for kind in dbs:
            print(f"{report.DB_TITLES[kind]}:", flush=True)
            results[kind] = run_database(kind, cases, load, args.warmup, args.rounds, Path(tmp))
    report.annotate(results)
    info = machine(load, args.warmup)
    print()
    print(report.text_table(results))
    if hashes:
        print()
        print(hashing.format_table(hashes))
    stamp = started.strftime("%Y%m%d-%H%M%S")
    data = {"started": started.isoformat(), "machine": info, "hashing_ms": hashes,
            "results": results}  # fmt: skip
    path = report.write_json(args.results_dir, stamp, data)
    print(f"\nresults: {path}")
    about = (
        f"Measured {started:%Y-%m-%d} with `python3 bench/run.py` on {info['cpus']} x "
        f"{info['cpu']}, Python {info['python']}: gunicorn, 1 sync worker; "
        f"`wrk -t{load.threads} -c{load.connections} -d{load.seconds:g}s`"
        + (f", {args.rounds} rounds" if args.rounds > 1 else "")
        + f"; {cores.describe(args.placement)}. req/s, latency and CPU are the best round's. "
        "x (a) is the share of the bare route's requests/sec on the same database: each "
        "case is measured between two runs of the bare route, its share is over their mean"
        + (", and the table gives the median over the rounds" if args.rounds > 1 else "")
        + "; CPU µs/req is the gunicorn worker's CPU time per request, and x (a) by CPU the "
        "bare route's CPU per request over the case's, paired the same way."
    )
    if args.write_readme:
        readme = ROOT / "README.md"
        if report.write_readme(readme, report.markdown(results, hashes, about)):
            print(f"updated {readme}")
        else:
            print(f"note: {readme} has no {report.START} ... {report.END} markers; not written")
    failed = any("error" in f for by_case in results.values() for f in by_case.values())
    return 1 if failed else 0
