"""Run every benchmark script in this folder and print their reports.

Usage: ``python benchmarks/run_all.py [--quick]``. ``--quick`` is the smoke mode the test
suite uses: it proves the scripts run, not how fast anything is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    extra = sys.argv[1:]
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"=== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *extra], check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
