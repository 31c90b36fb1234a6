"""Memory the request journal keeps, and the size of one journal read, under 60 KB request headers.

In-process (Flask test client, no server): N requests each carrying one 60 KB header; reports the
traced memory the app holds afterwards and the bytes of one ``GET /_mock/journal``. Run it on two
trees to compare: ``PYTHONPATH=<tree> python bench/journal_memory.py``.
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc

from mock_server import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--header-kb", type=int, default=60)
    args = parser.parse_args()
    app = create_app({"SEED": 1, "RATE_LIMIT": "0", "STRICT": False})
    client = app.test_client()
    size = args.header_kb * 1024
    client.get("/v1/products", headers={"X-Big": "v" * size})  # warm up imports and caches
    client.delete("/_mock/journal")
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(args.requests):
        # A new string per request, as a server would parse it: nothing shared between entries.
        client.get("/v1/products", headers={"X-Big": f"{i:08d}" + "v" * (size - 8)})
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    read = len(client.get("/_mock/journal").data)
    print(
        f"{args.requests} requests x {args.header_kb} KB header: journal keeps {kept / 1e6:.1f} MB, "
        f"one read returns {read / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
