"""What the journal costs an authenticated ``GET /v1/products``, in-process, beside bare Flask.

    python bench/journal_share.py

CPU time per call (``time.process_time``, best of 7 rounds of 1,000 calls after 300 of warm-up):
the mock as configured by default, with ``JOURNAL_SIZE`` 0, with the garbage collector off, and a
bare Flask route. On a shared machine the ratios hold better than the absolute numbers.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # profile_app, beside this file

import instructions  # noqa: E402
import profile_app  # noqa: E402
from flask import Flask  # noqa: E402

from mock_server import create_app  # noqa: E402
from mock_server.handle import handle_of  # noqa: E402


def best(call: Callable[[], None], n: int = 1000, rounds: int = 7) -> float:
    for _ in range(300):
        call()
    fastest = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(n):
            call()
        fastest = min(fastest, (time.process_time() - started) / n * 1e6)
    return fastest


def products(config: dict[str, Any]) -> Callable[[], None]:
    app = create_app({"SEED": 1, "RATE_LIMIT": profile_app.BENCH_RATE_LIMIT, "STRICT": False, **config})
    _, secret = handle_of(app).state.keys.create("org_quinta", "bench", ["products:read"])
    make = instructions._with_client_headers("GET", "/v1/products", {"Authorization": f"Bearer {secret}"})
    return profile_app.caller(app, make, 200)


def main() -> int:
    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: {"hello": "world"})
    rows = {"bare Flask": best(profile_app.caller(bare, instructions._with_client_headers("GET", "/", {}), 200))}
    rows["mock, default"] = best(products({}))
    rows["mock, JOURNAL_SIZE 0"] = best(products({"JOURNAL_SIZE": 0}))
    gc.disable()
    rows["mock, default, collector off"] = best(products({}))
    gc.enable()
    for label, us in rows.items():
        print(f"{label}: {us:.1f} us per call ({us / rows['bare Flask']:.2f}x bare Flask)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
