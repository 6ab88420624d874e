"""The wrk parser, the cookie header builder, the targets and the README markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import cores
from bench import node
from bench import report
from bench import runner
from bench import wrk
from bench.apps.common import cookie_header
from bench.cases import CASES
from bench.cases import target_met

# A wrk 4.1.0 report captured against bench.apps.bare on an unknown path (all 404),
# with latencies and socket errors edited to cover each unit and every field.
WRK_404 = """\
Running 1s test @ http://127.0.0.1:18765/nothere
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.32ms  602.63us   9.52ms   97.90%
    Req/Sec     3.06k   384.81     3.39k    90.00%
  Latency Distribution
     50%  623.00us
     75%    1.38ms
     90%    1.50ms
     99%    2.01s
  3044 requests in 1.00s, 1.07MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 3044
Requests/sec:   3043.06
Transfer/sec:      1.07MB
"""


def test_wrk_report_is_read_in_milliseconds() -> None:
    result = wrk.parse(WRK_404)
    assert result.requests_per_second == 3043.06
    assert result.requests == 3044
    assert (result.p50_ms, result.p75_ms, result.p99_ms) == pytest.approx((0.623, 1.38, 2010.0))
    assert result.non_2xx_3xx == 3044
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 1}


def test_wrk_report_without_latency_is_refused() -> None:
    with pytest.raises(ValueError, match="not a wrk --latency report"):
        wrk.parse("Requests/sec:   10.00\n")


def test_wrk_command_line() -> None:
    load = wrk.Load(threads=1, connections=4, seconds=3)
    assert wrk.command("http://h/p", load, {"Cookie": "a=b"}) == [
        "wrk", "-t1", "-c4", "-d3s", "--latency", "-H", "Cookie: a=b", "http://h/p",
    ]  # fmt: skip


def test_cookie_header_keeps_values_and_drops_expired_cookies() -> None:
    lines = [
        "better-auth.session_token=abc.def%3D; Max-Age=604800; Path=/; HttpOnly",
        "better-auth.session_data=eyJz; Max-Age=3600; Path=/",
        "better-auth.dont_remember=; Max-Age=0; Path=/",
        "better-auth.session_data=; Max-Age=0; Path=/",
    ]
    assert cookie_header(lines) == "better-auth.session_token=abc.def%3D"


def _shares(**shares: float) -> dict[str, float]:
    return {k.replace("_", "-"): v for k, v in shares.items()}


def test_targets() -> None:
    by_key = {c.key: c for c in CASES}
    shares = _shares(ours_cache_protected=0.90, ours_cache_session=0.849,
                     ours_nocache_protected=0.70, ours_nocache_session=0.60,
                     flask_login=0.65, flask_security=0.50)  # fmt: skip
    assert target_met(by_key["ours-cache-protected"], shares) is True
    assert target_met(by_key["ours-cache-session"], shares) is False
    assert target_met(by_key["ours-nocache-protected"], shares) is True
    # above 0.6 x (a) but slower than Flask-Login
    assert target_met(by_key["ours-nocache-session"], shares) is False
    assert target_met(by_key["flask-login"], shares) is None
    shares["ours-cache-protected"] = 0.89  # login_required's cache hit is held to 0.9
    assert target_met(by_key["ours-cache-protected"], shares) is False
    del shares["flask-security"]
    assert target_met(by_key["ours-nocache-protected"], shares) is None


def _wrk(rps: float, cpu: float | None = None) -> dict[str, float]:
    figures = {"requests_per_second": rps, "p50_ms": 1000 / rps}
    if cpu is not None:
        figures["cpu_us_per_request"] = cpu
    return figures


def test_each_case_is_measured_between_two_baselines() -> None:
    chosen = [c for c in CASES if c.key in ("ours-sign-in", "ours-cache-session", "bare",
                                             "flask-login")]  # fmt: skip
    assert [c.key for c in runner.round_order(chosen)] == [
        "bare",
        "ours-cache-session",
        "bare",
        "flask-login",
        "bare",
        "ours-sign-in",
    ]
    no_base = [c for c in chosen if c.key != "bare"]
    assert runner.round_order(no_base) == no_base


def test_a_share_pairs_a_case_with_the_baseline_around_it() -> None:
    """The machine slows down mid-round: the bare route and the case alike. Paired with
    the measurements around it the case keeps its share (0.5); against the round's best
    bare route it would seem to fall to 0.25."""
    figures: dict[str, dict[str, Any]] = {}
    runner.keep_round(figures, [
        ("bare", _wrk(4000, 100)), ("ours-cache-session", _wrk(2000, 200)),
        ("bare", _wrk(4000, 100)), ("flask-login", _wrk(500, 800)),
        ("bare", _wrk(1000, 400)), ("ours-sign-in", _wrk(10)),
    ])  # fmt: skip
    assert figures["ours-cache-session"]["rounds_share"] == [0.5]
    assert figures["ours-cache-session"]["rounds_cpu_share"] == [0.5]
    assert figures["flask-login"]["rounds_share"] == [0.2]  # 500 / mean(4000, 1000)
    assert figures["flask-login"]["rounds_cpu_share"] == [0.3125]  # mean(100, 400) / 800
    # A sign-in is measured after the last baseline: a share of it means nothing.
    assert figures["ours-sign-in"]["rounds_rps"] == [10]
    assert "rounds_share" not in figures["ours-sign-in"]
    assert figures["bare"]["rounds_rps"] == [3000]  # the round's mean
    assert figures["bare"]["requests_per_second"] == 4000  # the best measurement's figures
    # A second, faster round: its shares join the first's; the best figures are its own.
    runner.keep_round(figures, [
        ("bare", _wrk(8000, 50)), ("ours-cache-session", _wrk(7200, 55)),
        ("bare", _wrk(8000, 50)),
    ])  # fmt: skip
    entry = figures["ours-cache-session"]
    assert entry["rounds_share"] == [0.5, 0.9]
    assert entry["requests_per_second"] == 7200
    assert entry["rounds_rps"] == [2000, 7200]


def test_the_kept_share_is_the_median_over_rounds() -> None:
    results: report.Results = {
        "sqlite": {
            "bare": {**_wrk(4000, 100)},
            "ours-cache-session": {**_wrk(3000, 150), "rounds_share": [0.6, 0.9, 0.86],
                                   "rounds_cpu_share": [0.8, 0.84, 0.7]},
            "ours-cache-protected": {**_wrk(3000, 150)},  # no paired round: no share
        }
    }  # fmt: skip
    report.annotate(results)
    figure = results["sqlite"]["ours-cache-session"]
    assert figure["ratio"] == pytest.approx(0.86)
    assert figure["met"] is True
    assert figure["cpu_ratio"] == pytest.approx(0.8)
    assert figure["cpu_met"] is False
    assert results["sqlite"]["bare"]["ratio"] == 1.0
    assert results["sqlite"]["ours-cache-protected"]["ratio"] is None
    assert results["sqlite"]["ours-cache-protected"]["met"] is None


def test_placement() -> None:
    assert cores.parse("off") == {}
    assert cores.parse("load=0 server=1-3;database=1,2") == {
        "load": "0",
        "server": "1-3",
        "database": "1,2",
    }
    with pytest.raises(SystemExit, match="ROLE=CPUS"):
        cores.parse("wrk=0")
    with pytest.raises(SystemExit, match="ROLE=CPUS"):
        cores.parse("load=")
    try:
        cores.set_placement({"load": "0"})
        assert cores.pinned("load", ["wrk", "-c4"]) == ["taskset", "-c", "0", "wrk", "-c4"]
        assert cores.pinned("server", ["gunicorn"]) == ["gunicorn"]
        cores.set_placement({"server": "1"})
        assert cores.pinned("server", ["gunicorn"]) == ["taskset", "-c", "1", "gunicorn"]
        assert cores.pinned("server", ["gunicorn", "-w2"], processes=2) == ["gunicorn", "-w2"]
        cores.set_placement({"load": "0"})
        assert cores.describe(cores.current()) == "load on core(s) 0"
    finally:
        cores.set_placement({})
    assert cores.describe({}) == "no process pinned to a core"


def test_readme_block_is_replaced_between_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\n{report.START}\nold\n{report.END}\n\nrest\n")
    assert report.write_readme(readme, "new")
    assert readme.read_text() == f"# T\n\n{report.START}\nnew\n{report.END}\n\nrest\n"


def test_readme_without_markers_is_left_alone(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# T\n")
    assert not report.write_readme(readme, "new")
    assert not report.write_readme(tmp_path / "missing.md", "new")
    assert readme.read_text() == "# T\n"


def test_wrk_command_line_for_a_sign_in() -> None:
    load = wrk.Load(threads=1, connections=8, seconds=3, timeout=30)
    assert wrk.command("http://h/p", load, {}, "post.lua") == [
        "wrk", "-t1", "-c8", "-d3s", "--latency", "--timeout=30s", "-s", "post.lua",
        "http://h/p",
    ]  # fmt: skip


def test_post_script_quotes_the_body() -> None:
    script = wrk.post_script('{"email":"a@b.c","password":"x \\"y\\""}')
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = "{\\"email\\":\\"a@b.c\\",\\"password\\":\\"x \\\\\\"y\\\\\\"\\"}"' in script
    assert 'wrk.headers["Content-Type"] = "application/json"' in script


def test_cases_name_their_servers() -> None:
    by_key = {c.key: c for c in CASES}
    assert len(by_key) == len(CASES)
    assert by_key["ours-nocache-protected"].server == "ours_nocache"
    assert by_key["ours-nocache-protected-w4"].server == "ours_nocache_w4"
    assert by_key["better-auth-nocache-protected-p2"].server == "better_auth_nocache_w2"
    assert by_key["better-auth-sign-in"].node and by_key["better-auth-sign-in"].sign_in
    assert not by_key["ours-sign-in"].node
    assert (
        target_met(by_key["better-auth-cache-protected"], {"better-auth-cache-protected": 1.0})
        is None
    )


def test_better_auth_gets_the_same_databases() -> None:
    assert node.database_target("sqlite:////srv/x/a.db") == "/srv/x/a.db"
    assert (
        node.database_target("postgresql+psycopg://bench@127.0.0.1:5432/bench_a")
        == "postgresql://bench@127.0.0.1:5432/bench_a"
    )
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        node.database_target("mysql://x/y")
