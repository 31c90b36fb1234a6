"""Instructions per request of the mock beside a bare Flask route, counted with callgrind in one run.

    python bench/instruction_ratios.py                       # bare_flask, products, page_20, create_key
    python bench/instruction_ratios.py products list_keys    # other cases of bench/profile_app.py

Each case runs under ``valgrind --tool=callgrind`` twice (``bench/instructions.py CASE 1200`` and
``200``); the difference of the totals divided by 1,000 is one request, set-up and warm-up left
out. Counts are deterministic, unlike time on a shared machine. Ratios are to ``bare_flask`` (a
Flask ``GET /`` answering a small JSON object).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CASES = ("bare_flask", "products", "page_20", "create_key")
RUNS = (1200, 200)


def collected(case: str, calls: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, str(HERE / "instructions.py"), case, str(calls)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise RuntimeError(f"no callgrind total for {case}: {done.stderr[-500:]}")
    return int(match.group(1))


def per_call(case: str) -> int:
    many, few = (collected(case, n) for n in RUNS)
    return (many - few) // (RUNS[0] - RUNS[1])


def main() -> int:
    cases = sys.argv[1:] or list(DEFAULT_CASES)
    if "bare_flask" not in cases:
        cases.insert(0, "bare_flask")
    counts = {case: per_call(case) for case in cases}
    bare = counts["bare_flask"]
    print("| case | instructions per request | × bare Flask |")
    print("|---|---:|---:|")
    for case, count in counts.items():
        print(f"| `{case}` | {count:,} | {count / bare:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
