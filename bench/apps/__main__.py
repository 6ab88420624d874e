"""``python -m bench.apps NAME``: set up one app's database and print its cookie as JSON."""

from __future__ import annotations

import importlib
import json
import sys


def main(argv: list[str]) -> int:
    """Import ``bench.apps.<name>``, run its ``prepare()`` and print ``{"cookie": ...}``."""
    if len(argv) != 1:
        print("usage: python -m bench.apps NAME", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.apps.{argv[0]}")
    cookie = module.prepare()
    print(json.dumps({"cookie": cookie}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
