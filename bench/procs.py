"""Watching processes through Linux's ``/proc``: a gunicorn master's workers, their
resident memory and their CPU time.

The one copy of this code: the benchmark (bench/server.py), the soak (bench/soak.py)
and the fault tests (tests/faults/infra.py) all use it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stats() -> Iterator[tuple[int, list[str]]]:
    """Every process's pid and the fields of its ``/proc/<pid>/stat`` after the name."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended meanwhile
                continue
            # The command name, in parentheses, may itself hold spaces and parentheses.
            yield int(entry.name), stat[stat.rindex(")") + 2 :].split()


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` now (a gunicorn master's workers), sorted."""
    return sorted(pid for pid, fields in _stats() if int(fields[1]) == parent)


def children_cpu_seconds(parent: int) -> float:
    """CPU time (user + system) used so far by the processes whose parent is ``parent``."""
    return sum(
        (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        for _pid, fields in _stats()
        if int(fields[1]) == parent
    )


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` in KiB (``VmRSS``; 0 when it has none)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
