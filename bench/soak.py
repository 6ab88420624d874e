"""A bounded soak: ``python3 bench/soak.py [--minutes 3] [--workers 2]``.

Serves ``bench.apps.ours_nocache`` (every request reads its session from PostgreSQL)
with gunicorn on a private PostgreSQL, presses it with wrk at moderate load in slices,
and after each slice samples every worker's resident memory (``VmRSS``) and the app's
open connections (``pg_stat_activity``). It prints one line per slice and exits 1 when
memory grows by more than ``--max-growth`` per cent from the first slice to the last,
or when connections exceed what the pool allows. Run on demand, never in CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wrk  # noqa: E402
from bench.apps.common import USER_AGENT  # noqa: E402
from bench.pg import PostgresServer  # noqa: E402
from bench.procs import children  # noqa: E402
from bench.procs import rss_kib  # noqa: E402
from bench.runner import prepare  # noqa: E402
from bench.server import gunicorn  # noqa: E402

#: SQLAlchemy's default pool: 5 connections and 10 overflow per worker process.
POOL_PER_WORKER = 15


def connections(server: PostgresServer, dbname: str) -> int:
    """Client connections open to ``dbname`` now (ours excluded)."""
    import psycopg

    dsn = f"host=127.0.0.1 port={server.port} user=bench dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND backend_type = 'client backend'",
            (dbname,),
        ).fetchone()
    return int(row[0]) if row else 0


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its figures."""
    parser = argparse.ArgumentParser(prog="bench/soak.py", description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--slice", type=float, default=15.0, help="seconds between samples")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2, help="wrk -c (moderate)")
    parser.add_argument("--max-growth", type=float, default=10.0, help="per cent RSS growth")
    args = parser.parse_args(argv)
    slices = max(2, round(args.minutes * 60 / args.slice))
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp, PostgresServer() as server:
        url = server.create_database("soak")
        env = {**os.environ, "BENCH_DATABASE_URL": url}
        cookie = prepare("ours_nocache", env)
        log = Path(tmp) / "gunicorn.log"
        with gunicorn("bench.apps.ours_nocache:app", env, log, workers=args.workers) as served:
            headers = {"User-Agent": USER_AGENT, "Cookie": cookie}
            load = wrk.Load(1, args.connections, args.slice)
            samples = []
            print("slice  req/s  p99 ms  worker RSS MiB        connections", flush=True)
            for number in range(1, slices + 1):
                result = wrk.run(served.url + "/protected", load, headers)
                pids = children(served.pid)
                rss = [rss_kib(pid) / 1024 for pid in pids]
                open_now = connections(server, "soak")
                samples.append((sum(rss), open_now, result))
                memory = " ".join(f"{r:6.1f}" for r in rss)
                print(f"{number:>5}  {result.requests_per_second:>5.0f}  {result.p99_ms:>6.2f}  "
                      f"{memory:<20}  {open_now:>4}", flush=True)  # fmt: skip
                if result.non_2xx_3xx:
                    print(f"error: {result.non_2xx_3xx} failed responses")
                    return 1
    first, last = samples[0][0], samples[-1][0]
    growth = (last - first) / first * 100
    most = max(s[1] for s in samples)
    print(f"\nRSS of all workers: {first:.1f} MiB after the first slice, {last:.1f} MiB after "
          f"the last ({growth:+.1f} %); at most {most} connections open "
          f"(pool allows {POOL_PER_WORKER * args.workers}).")  # fmt: skip
    ok = growth <= args.max_growth and most <= POOL_PER_WORKER * args.workers
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
