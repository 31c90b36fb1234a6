"""Time spent in the garbage collector per request, with and without ``gc.freeze()`` after start-up.

    python bench/gc_scale.py 50000 freeze     # or: 0 nofreeze, 50000 nofreeze, 0 freeze

Builds a mock with N keys in org_quinta and a 2-key organisation, optionally freezes what exists,
then makes 5,000 key-list calls of the small organisation (after 500 of warm-up) and reports CPU
time per call, the collector's share (``gc.callbacks``) and how many collections were full ones.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # profile_app, beside this file

import instructions  # noqa: E402
import profile_app  # noqa: E402

from mock_server import create_app  # noqa: E402
from mock_server.handle import handle_of  # noqa: E402


def main() -> int:
    keys, freeze = int(sys.argv[1]), sys.argv[2] == "freeze"
    app = create_app({"SEED": 1, "RATE_LIMIT": profile_app.BENCH_RATE_LIMIT, "STRICT": False})
    state = handle_of(app).state
    for i in range(keys):
        state.keys.create("org_quinta", f"filler {i}", ["products:read"])
    state.add_organization("org_small")
    token = state.add_session("org_small")
    for name in ("one", "two"):
        state.keys.create("org_small", name, ["products:read"])
    if freeze:
        gc.freeze()
    make = instructions._with_client_headers("GET", "/v1/auth/api-keys", {"Cookie": f"eulabel_session={token}"})
    call = profile_app.caller(app, make, 200)
    spent, full, collections, began = 0.0, 0, 0, [0.0]

    def watch(phase: str, info: dict[str, Any]) -> None:
        nonlocal spent, full, collections
        if phase == "start":
            began[0] = time.process_time()
            return
        spent += time.process_time() - began[0]
        full += info["generation"] == 2
        collections += 1

    for _ in range(500):
        call()
    gc.callbacks.append(watch)
    n, started = 5000, time.process_time()
    for _ in range(n):
        call()
    total = time.process_time() - started
    print(
        f"keys={keys} {'freeze' if freeze else 'nofreeze'}: {total / n * 1e6:.1f} us per call, "
        f"collector {spent / n * 1e6:.1f} us per call, {full} full of {collections} collections"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
