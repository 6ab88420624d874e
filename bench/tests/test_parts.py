"""The wrk parser, the cookie header builder, the targets and the README markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import node
from bench import report
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


def _rps(bare: float, **others: float) -> dict[str, float]:
    return {"bare": bare, **{k.replace("_", "-"): v for k, v in others.items()}}


def test_targets() -> None:
    by_key = {c.key: c for c in CASES}
    rps = _rps(1000, ours_cache_protected=850, ours_cache_session=849,
               ours_nocache_protected=700, ours_nocache_session=600,
               flask_login=650, flask_security=500)  # fmt: skip
    assert target_met(by_key["ours-cache-protected"], rps) is True
    assert target_met(by_key["ours-cache-session"], rps) is False
    assert target_met(by_key["ours-nocache-protected"], rps) is True
    # above 0.6 x (a) but slower than Flask-Login
    assert target_met(by_key["ours-nocache-session"], rps) is False
    assert target_met(by_key["flask-login"], rps) is None
    del rps["bare"]
    assert target_met(by_key["ours-cache-protected"], rps) is None


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
    assert target_met(by_key["better-auth-cache-protected"], {"bare": 1.0}) is None


def test_better_auth_gets_the_same_databases() -> None:
    assert node.database_target("sqlite:////srv/x/a.db") == "/srv/x/a.db"
    assert (
        node.database_target("postgresql+psycopg://bench@127.0.0.1:5432/bench_a")
        == "postgresql://bench@127.0.0.1:5432/bench_a"
    )
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        node.database_target("mysql://x/y")
