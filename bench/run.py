"""Run the benchmark: ``python3 bench/run.py [--quick] [--write-readme]``.

See ``bench/README.md`` for what each case means.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
