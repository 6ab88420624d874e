"""Turn measured figures into a terminal table, a README block and a JSON file."""

from __future__ import annotations

import json
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
    """Add ``ratio`` (to the baseline on the same database) and ``met`` to each figure."""
    for by_case in results.values():
        rps = {key: r["requests_per_second"] for key, r in by_case.items() if "error" not in r}
        for case in CASES:
            figure = by_case.get(case.key)
            if figure is None or "error" in figure:
                continue
            base = rps.get(BASELINE)
            figure["ratio"] = figure["requests_per_second"] / base if base else None
            figure["target"] = target_text(case)
            figure["met"] = target_met(case, rps)


def _mark(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def text_table(results: Results) -> str:
    """One fixed-width table per database, for the terminal."""
    blocks = []
    header = (
        f"{'case':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x (a)':>6}  {'target':<26} met"
    )
    for db, by_case in results.items():
        lines = [DB_TITLES.get(db, db), header, "-" * len(header)]
        for case in CASES:
            figure = by_case.get(case.key)
            if figure is None:
                continue
            name = f"({case.group}) {case.label}"
            if "error" in figure:
                lines.append(f"{name:<40} error: {figure['error'].splitlines()[0][:80]}")
                continue
            ratio = figure.get("ratio")
            lines.append(
                f"{name:<40} {figure['requests_per_second']:>8.0f} {figure['p50_ms']:>8.2f} "
                f"{figure['p99_ms']:>8.2f} {_ratio(ratio):>6}  {figure.get('target', ''):<26} "
                f"{_mark(figure.get('met'))}"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _ratio(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}"


def markdown(results: Results, hashing: dict[str, float], about: str) -> str:
    """The README block: one row per case, the databases side by side, then hashing."""
    dbs = list(results)
    head = "| case | target |" + "".join(
        f" {DB_TITLES.get(db, db)} req/s | p50 / p99 ms | x (a) |" for db in dbs
    )
    lines = [about, "", head, "|---|---|" + "---:|---:|---:|" * len(dbs)]
    for case in CASES:
        cells = []
        for db in dbs:
            figure = results[db].get(case.key)
            if figure is None or "error" in figure:
                cells.append(" - | - | - |" if figure is None else " error | - | - |")
                continue
            met = figure.get("met")
            ratio = _ratio(figure.get("ratio")) + {True: " ✓", False: " ✗", None: ""}[met]
            cells.append(
                f" {figure['requests_per_second']:.0f} | {figure['p50_ms']:.2f} / "
                f"{figure['p99_ms']:.2f} | {ratio} |"
            )
        lines.append(f"| ({case.group}) {case.label} | {target_text(case)} |" + "".join(cells))
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
