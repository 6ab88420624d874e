"""The sessions benchmark: ``python3 bench/sessions.py [--quick] [--write-readme]``.

In one run, on a private PostgreSQL (and a private Redis), with the app served by
``gunicorn -w 2`` (``bench/apps/ours_sessions.py``):

1. a protected view (``login_required``) and ``GET /api/auth/get-session``, with the
   sessions in the database and in Redis (``secondary_storage``), the cookie cache on and
   off: requests/sec and p50/p99, and the Redis / database ratios;
2. ``get-session`` (cache off, sessions in the database) with 1 thousand and with
   1 million sessions in the table: the p50 ratio, whose target is at most 1.5.

Every configuration gets its own database and its own gunicorn, all started first; then
each case is measured once per round (``--rounds``, the order reversed every other
round) and the median is reported, so that other work on the machine weighs on every
case alike. The figures are printed, kept as JSON in ``bench/results/sessions-<stamp>.json``, and
with ``--write-readme`` written between ``<!-- bench-sessions:start -->`` and
``<!-- bench-sessions:end -->`` in the top-level ``README.md``. Run on demand, never in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wrk  # noqa: E402
from bench.apps.common import EMAIL  # noqa: E402
from bench.apps.common import USER_AGENT  # noqa: E402
from bench.pg import SUPERUSER  # noqa: E402
from bench.pg import PostgresServer  # noqa: E402
from bench.server import ROOT  # noqa: E402
from bench.server import free_port  # noqa: E402
from bench.server import gunicorn as run_gunicorn  # noqa: E402

APP = "ours_sessions"
WORKERS = 2
ROUTES = (("protected", "/protected"), ("get-session", "/api/auth/get-session"))
STORAGES = ("database", "redis")
SMALL, LARGE = 1_000, 1_000_000
#: ``get-session`` p50 with LARGE sessions may be at most this many times that with SMALL.
SCALE_TARGET = 1.5
START = "<!-- bench-sessions:start -->"
END = "<!-- bench-sessions:end -->"
#: Filler users the filler sessions belong to.
FILLER_USERS = 10_000


class RedisServer:
    """A private ``redis-server`` (no persistence) on a free loopback port."""

    def __init__(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self._pong():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def _pong(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """Serve the benchmark app with ``gunicorn -w 2 -k sync``; yield its base URL."""
    with run_gunicorn(f"bench.apps.{APP}:app", env, log, timeout=60, workers=WORKERS) as served:
        yield served.url


def fill_sessions(dsn: str, total: int) -> None:
    """Add filler sessions (of filler users) until the table holds ``total`` rows."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        have = conn.execute('SELECT count(*) FROM "session"').fetchone()
        start = int(have[0]) if have else 0
        users = conn.execute("SELECT count(*) FROM \"user\" WHERE id LIKE 'filler-%'").fetchone()
        if not users or not users[0]:
            conn.execute(
                'INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")'
                " SELECT 'filler-' || i, 'Filler', 'filler' || i || '@example.com', false,"
                " now(), now() FROM generate_series(1, %s::integer) AS i",
                (FILLER_USERS,),
            )
        if total > start:
            conn.execute(
                'INSERT INTO "session" (id, "expiresAt", token, "createdAt", "updatedAt",'
                ' "ipAddress", "userAgent", "userId")'
                " SELECT 'filler-' || i, now() + interval '7 days',"
                " encode(sha256(('filler-token-' || i)::bytea), 'base64'), now(), now(),"
                " '127.0.0.1', 'filler', 'filler-' || (1 + i %% %s::integer)"
                " FROM generate_series(%s::integer, %s::integer) AS i",
                (FILLER_USERS, start + 1, total),
            )
        conn.execute('VACUUM ANALYZE "session"')
        count = conn.execute('SELECT count(*) FROM "session"').fetchone()
        if not count or int(count[0]) != total:
            raise RuntimeError(f"the session table holds {count} rows, not {total}")


def prepare(env: dict[str, str]) -> str:
    """Create the tables and the signed-in bench user in a fresh process; its Cookie."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.apps", APP],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"setup of {APP} failed:\n{out.stderr[-3000:]}")
    return str(json.loads(out.stdout.strip().splitlines()[-1])["cookie"])


def check(url: str, headers: dict[str, str]) -> None:
    """One request by hand: 200, the bench user's JSON, no ``Set-Cookie`` (wrk would count
    a redirect or a ``null`` session as a success)."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own http URL)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = json.loads(response.read() or b"null")
        cookies = response.headers.get_all("Set-Cookie") or []
    user = body.get("user", body) if isinstance(body, dict) else None
    if not isinstance(user, dict) or user.get("email") != EMAIL or cookies:
        raise RuntimeError(f"GET {url} answered {body!r} with cookies {cookies}")


def measure(url: str, cookie: str, load: wrk.Load, warmup: float) -> dict[str, Any]:
    """Check the route, warm it up, run wrk, check it again; the wrk figures."""
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie}
    check(url, headers)
    if warmup > 0:
        wrk.run(url, wrk.Load(load.threads, load.connections, warmup), headers)
    result = wrk.run(url, load, headers)
    check(url, headers)
    if result.non_2xx_3xx or not result.requests:
        raise RuntimeError(f"{result.non_2xx_3xx} of {result.requests} responses failed")
    return result.as_dict()


def machine(load: wrk.Load, warmup: float) -> dict[str, Any]:
    """What the figures depend on: CPU, Python, wrk, the load."""
    cpu = platform.processor()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(),
            "wrk": wrk.version(),
            "load": {"threads": load.threads, "connections": load.connections,
                     "seconds": load.seconds, "warmup_seconds": warmup}}  # fmt: skip


@dataclass(frozen=True)
class Served:
    """One running set-up: its base URL and the bench user's cookie."""

    base: str
    cookie: str


def serve(
    name: str, env: dict[str, str], tmp: Path, servers: ExitStack, fill: tuple[str, int] | None
) -> Served:
    """Set one configuration up in its own database and serve it (until ``servers`` closes)."""
    cookie = prepare(env)
    if fill is not None:
        print(f"  {name}: filling the session table to {fill[1]:,} rows ...", flush=True)
        fill_sessions(fill[0], fill[1])
    base = servers.enter_context(gunicorn(env, tmp / f"gunicorn-{name}.log"))
    return Served(base, cookie)


def start_all(
    pg: PostgresServer, redis: RedisServer, tmp: Path, servers: ExitStack
) -> dict[str, Served]:
    """Every configuration, each in its own database, served side by side.

    ``<storage>-cache-<on|off>`` for the matrix; ``scale-<n>`` (cache off, sessions in the
    database, ``n`` rows in the table) for the scale comparison.
    """
    served: dict[str, Served] = {}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    for storage in STORAGES:
        for cache in ("off", "on"):
            name = f"{storage}-cache-{cache}"
            database = pg.create_database(f"bench_{name.replace('-', '_')}")
            env = {**base_env, "BENCH_COOKIE_CACHE": "1" if cache == "on" else "0",
                   "BENCH_DATABASE_URL": database}  # fmt: skip
            if storage == "redis":
                env["BENCH_REDIS_URL"] = redis.url
            served[name] = serve(name, env, tmp, servers, None)
    for total in (SMALL, LARGE):
        name = f"scale-{total}"
        database = f"bench_scale_{total}"
        env = {**base_env, "BENCH_COOKIE_CACHE": "0",
               "BENCH_DATABASE_URL": pg.create_database(database)}  # fmt: skip
        dsn = f"host=127.0.0.1 port={pg.port} user={SUPERUSER} dbname={database}"
        served[name] = serve(name, env, tmp, servers, (dsn, total))
    return served


def run_rounds(
    served: dict[str, Served], rounds: int, load: wrk.Load, warmup: float
) -> dict[str, list[dict[str, Any]]]:
    """Measure every case once per round, the order reversed every other round, so that
    a change in the machine's load over the run falls on all cases alike."""
    cases = [(f"{route}/{name}", name, path) for name in served if not name.startswith("scale")
             for route, path in ROUTES]  # fmt: skip
    cases += [(f"get-session/{total}", f"scale-{total}", ROUTES[1][1]) for total in (SMALL, LARGE)]
    figures: dict[str, list[dict[str, Any]]] = {key: [] for key, _, _ in cases}
    for number in range(rounds):
        print(f"round {number + 1} of {rounds}", flush=True)
        for key, name, path in cases if number % 2 == 0 else reversed(cases):
            print(f"  {key} ...", end=" ", flush=True)
            figure = measure(served[name].base + path, served[name].cookie, load, warmup)
            figures[key].append(figure)
            print(f"{figure['requests_per_second']:.0f} req/s, p50 {figure['p50_ms']:.2f} ms",
                  flush=True)  # fmt: skip
    return figures


def medians(rounds: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Per case, the median over the rounds of requests/sec, p50 and p99."""
    return {
        key: {name: statistics.median(f[name] for f in figures)
              for name in ("requests_per_second", "p50_ms", "p99_ms")}
        for key, figures in rounds.items()
    }  # fmt: skip


def ratios(figures: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Redis / database per route and cache setting, and LARGE / SMALL for the p50."""
    out: dict[str, Any] = {}
    for route, _ in ROUTES:
        for cache in ("off", "on"):
            db = figures[f"{route}/database-cache-{cache}"]
            rd = figures[f"{route}/redis-cache-{cache}"]
            out[f"{route}/cache-{cache}"] = {
                "rps_redis_over_database": rd["requests_per_second"] / db["requests_per_second"],
                "p50_redis_over_database": rd["p50_ms"] / db["p50_ms"],
            }
    small, large = figures[f"get-session/{SMALL}"], figures[f"get-session/{LARGE}"]
    p50 = large["p50_ms"] / small["p50_ms"]
    out["scale"] = {"p50_large_over_small": p50, "target": SCALE_TARGET,
                    "met": p50 <= SCALE_TARGET}  # fmt: skip
    return out


def markdown(data: dict[str, Any]) -> str:
    """The README block: both tables, the ratios, and how they compare to the target."""
    figures, rat = data["medians"], data["ratios"]
    info = data["machine"]
    lines = [
        f"Measured {data['started'][:10]} with `python3 bench/sessions.py` on {info['cpus']} x "
        f"{info['cpu']}, Python {info['python']}: PostgreSQL and Redis on the same machine, "
        f"gunicorn with {WORKERS} sync workers, `wrk -t{info['load']['threads']} "
        f"-c{info['load']['connections']} -d{info['load']['seconds']:g}s`; each figure is "
        f"the median of {data['rounds']} rounds, the cases interleaved.",
        "",
        "| route | cookie cache | sessions in | req/s | p50 ms | p99 ms | Redis / database req/s |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for route, path in ROUTES:
        for cache in ("off", "on"):
            for storage in STORAGES:
                f = figures[f"{route}/{storage}-cache-{cache}"]
                ratio = rat[f"{route}/cache-{cache}"]["rps_redis_over_database"]
                lines.append(
                    f"| `{path}` | {cache} | {'PostgreSQL' if storage == 'database' else 'Redis'}"
                    f" | {f['requests_per_second']:.0f} | {f['p50_ms']:.2f} | {f['p99_ms']:.2f}"
                    f" | {f'{ratio:.2f}' if storage == 'redis' else ''} |"
                )
    off = [rat[f"{route}/cache-off"]["rps_redis_over_database"] for route, _ in ROUTES]
    on = [rat[f"{route}/cache-on"]["rps_redis_over_database"] for route, _ in ROUTES]
    lines += [
        "",
        f"With the cookie cache off, sessions in Redis serve {min(off):.2f} to {max(off):.2f}"
        " times the requests per second of sessions in PostgreSQL: a Redis read, with its"
        " JSON decode, replaces one indexed query that runs on a compiled statement in"
        " autocommit (one round trip). Redis earns its place by sharing sessions across"
        " hosts without the database, not by speed on one machine. With the cookie cache"
        " on, neither store is read on these requests, and"
        f" the ratios ({min(on):.2f} to {max(on):.2f}) show only the run's noise.",
    ]
    s, large = figures[f"get-session/{SMALL}"], figures[f"get-session/{LARGE}"]
    verdict = "met" if rat["scale"]["met"] else "NOT met"
    lines += [
        "",
        "| `get-session`, cache off, sessions in PostgreSQL | req/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
        f"| {SMALL:,} sessions in the table | {s['requests_per_second']:.0f} |"
        f" {s['p50_ms']:.2f} | {s['p99_ms']:.2f} |",
        f"| {LARGE:,} sessions in the table | {large['requests_per_second']:.0f} |"
        f" {large['p50_ms']:.2f} | {large['p99_ms']:.2f} |",
        "",
        f"p50 with {LARGE:,} sessions / p50 with {SMALL:,}: "
        f"**{rat['scale']['p50_large_over_small']:.2f}** (target: at most {SCALE_TARGET}; "
        f"{verdict}). The session is found through the unique index on `session.token`, "
        "so the table's size barely shows.",
    ]
    return "\n".join(lines)


def write_readme(readme: Path, block: str) -> bool:
    """Replace what lies between the markers in ``readme``; False if there are none."""
    text = readme.read_text() if readme.exists() else ""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return False
    readme.write_text(text[: start + len(START)] + "\n" + block + "\n" + text[end:])
    return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line; ``--quick`` shortens every duration."""
    parser = argparse.ArgumentParser(prog="bench/sessions.py", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every case")
    parser.add_argument("--duration", type=float, default=5, help="seconds of wrk per case")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of wrk before each")
    parser.add_argument("--quick", action="store_true", help="1 round, 2 s per case")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t")
    parser.add_argument("--connections", type=int, default=4, help="wrk -c")
    parser.add_argument("--write-readme", action="store_true", help="update README.md")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="only print (and write) a kept run's block"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.duration, args.warmup = 1, 2.0, 1.0
    return args


def main(argv: list[str] | None = None) -> int:
    """Run everything, print the block, keep the JSON, maybe update README.md."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.report is not None:
        return publish(json.loads(args.report.read_text()), args.write_readme)
    load = wrk.Load(args.threads, args.connections, args.duration)
    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as tmp, PostgresServer() as pg:
        redis = RedisServer()
        try:
            print(f"{pg.version()} on 127.0.0.1:{pg.port}; Redis on {redis.url}", flush=True)
            with ExitStack() as servers:
                served = start_all(pg, redis, Path(tmp), servers)
                rounds = run_rounds(served, args.rounds, load, args.warmup)
        finally:
            redis.stop()
    figures = medians(rounds)
    data = {"started": started.isoformat(), "machine": machine(load, args.warmup),
            "rounds": args.rounds, "medians": figures, "ratios": ratios(figures),
            "all_rounds": rounds}  # fmt: skip
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"sessions-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
    print(f"\nresults: {path}")
    return publish(data, args.write_readme)


def publish(data: dict[str, Any], readme_too: bool) -> int:
    """Print the README block of ``data``; with ``readme_too``, write it into README.md."""
    block = markdown(data)
    print()
    print(block)
    if readme_too:
        readme = ROOT / "README.md"
        if write_readme(readme, block):
            print(f"updated {readme}")
        else:
            print(f"note: {readme} has no {START} ... {END} markers; not written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
