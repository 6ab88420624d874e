"""Run ``wrk`` against one URL and read requests per second and latency percentiles."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cores

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_LATENCY = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class Load:
    """How hard and how long to press: wrk's ``-t``, ``-c`` and ``-d``."""

    threads: int = 1
    connections: int = 4
    seconds: float = 10
    #: wrk's ``--timeout`` (its default, 2 s, would count slow sign-ins as socket timeouts).
    timeout: float | None = None


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured; latencies in milliseconds."""

    requests_per_second: float
    requests: int
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def parse(output: str) -> WrkResult:
    """Read a ``wrk --latency`` report.

    :raises ValueError: if the report lacks requests/sec or the latency distribution.
    """
    rps = _RPS.search(output)
    latencies = {int(p): float(v) * _UNITS[u] for p, v, u in _LATENCY.findall(output)}
    if rps is None or set(latencies) != {50, 75, 90, 99}:
        raise ValueError(f"not a wrk --latency report:\n{output}")
    total = _TOTAL.search(output)
    non_2xx = _NON_2XX.search(output)
    socket = _SOCKET.search(output)
    names = ("connect", "read", "write", "timeout")
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        requests=int(total.group(1)) if total else 0,
        p50_ms=latencies[50],
        p75_ms=latencies[75],
        p90_ms=latencies[90],
        p99_ms=latencies[99],
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(zip(names, map(int, socket.groups()), strict=True)) if socket else {},
    )


def post_script(body: str) -> str:
    """A wrk Lua script that makes every request a ``POST`` of the JSON ``body``."""
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def command(url: str, load: Load, headers: dict[str, str], script: str | None = None) -> list[str]:
    """The ``wrk`` command line for ``url`` (with the Lua ``script`` file, if any)."""
    args = ["wrk", f"-t{load.threads}", f"-c{load.connections}", f"-d{load.seconds:g}s"]
    args.append("--latency")
    if load.timeout is not None:
        args.append(f"--timeout={load.timeout:g}s")
    if script is not None:
        args += ["-s", script]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    return [*args, url]


def run(url: str, load: Load, headers: dict[str, str], post: str | None = None) -> WrkResult:
    """Run wrk once (every request a ``POST`` of ``post`` when given) and parse its report."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    timeout = load.seconds + (load.timeout or 0) + 30
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script = None
        if post is not None:
            script = str(Path(tmp) / "post.lua")
            Path(script).write_text(post_script(post))
        out = subprocess.run(
            cores.pinned("load", command(url, load, headers, script)),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return parse(out.stdout)


def version() -> str:
    """wrk's version line."""
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()
