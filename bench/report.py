"""Turn measured figures into a terminal table, a README block and a JSON file."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from .cases import BASELINE
from .cases import CASES
from .cases import target_met
from .cases import target_text

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
DB_TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

#: ``results[db][case_key]`` is a wrk result dict, or ``{"error": "..."}``.
Results = dict[str, dict[str, dict[str, Any]]]


def annotate(results: Results) -> None:
    """Add each case's share of the baseline on the same database, and whether its
    target is met.

    ``ratio`` and ``met`` compare requests/sec; ``cpu_ratio`` and ``cpu_met`` compare the
    worker's CPU time per request (as the requests/sec it would allow: baseline CPU over
    the case's CPU), which other load on the machine disturbs less. Each round measures
    the baseline just before and just after every case, and a round's share is the
    case's figure over their mean; the share kept is the median over the rounds, so
    that a machine whose speed drifts moves both sides of a share alike.
    """
    for by_case in results.values():
        ok = {key: r for key, r in by_case.items() if "error" not in r}
        shares = {BASELINE: 1.0} if BASELINE in ok else {}
        cpu_shares = dict(shares)
        for key, measured in ok.items():
            if measured.get("rounds_share"):
                shares[key] = statistics.median(measured["rounds_share"])
            if measured.get("rounds_cpu_share"):
                cpu_shares[key] = statistics.median(measured["rounds_cpu_share"])
        for case in CASES:
            figure = ok.get(case.key)
            if figure is None:
                continue
            figure["target"] = target_text(case)
            if case.sign_in:  # a POST that hashes: no share of a GET route to speak of
                continue
            figure["ratio"] = shares.get(case.key)
            figure["met"] = target_met(case, shares)
            figure["cpu_ratio"] = cpu_shares.get(case.key)
            figure["cpu_met"] = target_met(case, cpu_shares)


def _mark(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def _ratio(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}"


def _cpu(figure: dict[str, Any]) -> str:
    cpu = figure.get("cpu_us_per_request")
    return "" if cpu is None else f"{cpu:.0f}"


def text_table(results: Results) -> str:
    """One fixed-width table per database, for the terminal."""
    blocks = []
    header = (
        f"{'case':<50} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'x (a)':>5} {'met':>3}  "
        f"{'CPU us/req':>10} {'x (a)':>5} {'met':>3}  target"
    )
    for db, by_case in results.items():
        lines = [DB_TITLES.get(db, db), header, "-" * (len(header) + 26)]
        for case in CASES:
            figure = by_case.get(case.key)
            if figure is None:
                continue
            name = f"({case.group}) {case.label}"
            if "error" in figure:
                lines.append(f"{name:<50} error: {figure['error'].splitlines()[0][:100]}")
                continue
            lines.append(
                f"{name:<50} {figure['requests_per_second']:>6.0f} {figure['p50_ms']:>7.2f} "
                f"{figure['p99_ms']:>7.2f} {_ratio(figure.get('ratio')):>5} "
                f"{_mark(figure.get('met')):>3}  {_cpu(figure):>10} "
                f"{_ratio(figure.get('cpu_ratio')):>5} {_mark(figure.get('cpu_met')):>3}  "
                f"{figure.get('target', '')}"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _md_ratio(ratio: float | None, met: bool | None) -> str:
    return _ratio(ratio) + {True: " ✓", False: " ✗", None: ""}[met]


def markdown(results: Results, hashing: dict[str, float], about: str) -> str:
    """The README block: a table per database, then the password-hash timings."""
    lines = [about]
    for db, by_case in results.items():
        lines += [
            "",
            f"**{DB_TITLES.get(db, db)}**",
            "",
            "| case | req/s | p50 / p99 ms | x (a) | CPU µs/req | x (a) by CPU | target |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for case in CASES:
            figure = by_case.get(case.key)
            if figure is None:
                continue
            name = f"({case.group}) {case.label}"
            if "error" in figure:
                lines.append(f"| {name} | error | | | | | {target_text(case)} |")
                continue
            lines.append(
                f"| {name} | {figure['requests_per_second']:.0f} | {figure['p50_ms']:.2f} / "
                f"{figure['p99_ms']:.2f} | {_md_ratio(figure.get('ratio'), figure.get('met'))} | "
                f"{_cpu(figure)} | "
                f"{_md_ratio(figure.get('cpu_ratio'), figure.get('cpu_met'))} | "
                f"{target_text(case)} |"
            )
    if hashing:
        lines += ["", "| password hash (sign-in cost) | one hash |", "|---|---:|"]
        lines += [f"| {label} | {ms:.1f} ms |" for label, ms in hashing.items()]
    return "\n".join(lines)


def write_readme(readme: Path, block: str) -> bool:
    """Replace what lies between the markers in ``readme``; False if there are none."""
    if not readme.exists():
        return False
    text = readme.read_text()
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return False
    readme.write_text(text[: start + len(START)] + "\n" + block + "\n" + text[end:])
    return True


def write_json(directory: Path, stamp: str, data: dict[str, Any]) -> Path:
    """Keep the run as ``<directory>/bench-<stamp>.json`` (and ``latest.json``)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(data, indent=2, sort_keys=True)
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path
