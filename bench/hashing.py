"""Sign-in cost: the time of one password hash, in this process.

bcrypt at costs 10, 11 and 12 (ours; 11 is the default), and Better Auth's scrypt
(N=16384, r=16, p=1, dklen=64; what a database moved from Better Auth holds).
Run alone with ``python3 bench/hashing.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
from collections.abc import Callable

import bcrypt

PASSWORD = b"correct horse battery staple"
BCRYPT_COSTS = (10, 11, 12)


def _bcrypt(cost: int) -> Callable[[], object]:
    return lambda: bcrypt.hashpw(PASSWORD, bcrypt.gensalt(rounds=cost))


def _scrypt() -> object:
    # Better Auth salts with the ASCII of a 32-char hex string, not raw bytes.
    salt = os.urandom(16).hex().encode()
    return hashlib.scrypt(
        PASSWORD, salt=salt, n=16384, r=16, p=1, dklen=64, maxmem=64 * 1024 * 1024
    )


def hashers() -> dict[str, Callable[[], object]]:
    """Each measured hash by its label."""
    table = {f"bcrypt cost {cost}": _bcrypt(cost) for cost in BCRYPT_COSTS}
    table["scrypt N=16384,r=16,p=1 (Better Auth)"] = _scrypt
    return table


def measure(repeat: int = 5) -> dict[str, float]:
    """The median time of one hash, in milliseconds, for each hasher."""
    results = {}
    for label, hasher in hashers().items():
        hasher()  # first call pays for imports and allocation
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            hasher()
            times.append((time.perf_counter() - start) * 1000)
        results[label] = statistics.median(times)
    return results


def format_table(results: dict[str, float]) -> str:
    """A Markdown table of :func:`measure`'s results."""
    lines = ["| password hash | one hash (median) |", "|---|---:|"]
    lines += [f"| {label} | {ms:.1f} ms |" for label, ms in results.items()]
    return "\n".join(lines)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="hashes timed per hasher")
    args = parser.parse_args()
    print(format_table(measure(args.repeat)))


if __name__ == "__main__":
    main()
