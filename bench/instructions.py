"""Run one case of ``bench/profile_app.py`` N times, for counting instructions with callgrind.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/instructions.py products 1200
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/instructions.py products 200
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/instructions.py products 200 strict

The difference of the two totals ("Collected"), divided by 1,000, is the instructions of one
request, set-up and warm-up left out. Requests carry the headers a client sends (Host, User-Agent,
Accept), as they would over HTTP. Counts are deterministic, unlike time on a shared machine.
A third argument ``strict`` checks every answer against openapi.yaml (``--strict``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # profile_app, beside this file

import profile_app  # noqa: E402

CLIENT_HEADERS = {"Host": "127.0.0.1:8080", "User-Agent": "python-requests/2.32.3", "Accept": "*/*"}
_environ = profile_app.environ


def _with_client_headers(method: str, path: str, headers: dict[str, str], body: bytes = b"", query: str = "") -> Any:
    return _environ(method, path, {**CLIENT_HEADERS, **headers}, body, query)


def main() -> int:
    case, calls = sys.argv[1], int(sys.argv[2])
    strict = sys.argv[3:] == ["strict"]
    profile_app.environ = _with_client_headers  # type: ignore[assignment]
    call = profile_app.cases(strict=strict)[case]
    for _ in range(50):  # warm-up, the same in both runs
        call()
    for _ in range(calls):
        call()
    return 0


if __name__ == "__main__":
    sys.exit(main())
