"""Where the benchmark's processes run: each role pinned to a set of CPU cores, or not.

On a small machine the load generator, the server and the database fight for the same
cores, and the scheduler moving them about changes the figures from run to run by more
than the differences being measured. Pinning the load generator to its own core, as
wrk's authors advise (a load generator on its own machine), keeps it out of the
server's way; every case, the bare route included, runs under the same placement.
"""

from __future__ import annotations

import os
import shutil

#: The roles a process can play.
ROLES = ("load", "server", "database")


def parse(spec: str) -> dict[str, str]:
    """``--pin``'s value: ``"auto"`` (:func:`automatic`), ``"off"``, or roles and cores
    such as ``"load=0 server=1-3 database=1,2"`` (``taskset -c`` core lists, roles apart
    by spaces or ``;``)."""
    if spec == "auto":
        return automatic()
    if spec == "off":
        return {}
    placement: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.replace(";", " ").split())):
        role, _, cpus = part.partition("=")
        if role not in ROLES or not cpus:
            raise SystemExit(f"--pin: {part!r} is not ROLE=CPUS (roles: {', '.join(ROLES)})")
        placement[role] = cpus
    return placement


def automatic() -> dict[str, str]:
    """The default placement: the load generator on the first core it may use, the
    system under test (the server and its database) on the others; nothing pinned on
    a single core or without ``taskset``."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2 or shutil.which("taskset") is None:
        return {}
    rest = ",".join(map(str, allowed[1:]))
    return {"load": str(allowed[0]), "server": rest, "database": rest}


def describe(placement: dict[str, str]) -> str:
    """``placement`` in words, for the report."""
    if not placement:
        return "no process pinned to a core"
    return "; ".join(f"{role} on core(s) {placement[role]}" for role in ROLES if role in placement)


_PLACEMENT: dict[str, str] = {}


def set_placement(placement: dict[str, str]) -> None:
    """Use ``placement`` for every process started from now on."""
    _PLACEMENT.clear()
    _PLACEMENT.update(placement)


def current() -> dict[str, str]:
    """The placement in use."""
    return dict(_PLACEMENT)


def pinned(role: str, command: list[str], processes: int = 1) -> list[str]:
    """``command`` run on ``role``'s cores (through ``taskset``), or as it is.

    A server of more than one process is left unpinned: the scaling and sign-in rows
    measure what more processes gain, which one pinned core would hide.
    """
    cpus = _PLACEMENT.get(role)
    if cpus is None or processes > 1:
        return command
    if shutil.which("taskset") is None:
        raise RuntimeError("taskset is not installed (Debian: util-linux)")
    return ["taskset", "-c", cpus, *command]
