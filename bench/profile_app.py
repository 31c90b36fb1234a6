"""Time (and optionally profile) the mock's WSGI app called directly, with no server and no sockets.

    python bench/profile_app.py                      # µs per request for each case
    python bench/profile_app.py --profile products   # pyinstrument call tree (pip install pyinstrument)

The cases mirror the HTTP benchmarks: an authenticated product page (default size and 100 items),
a key creation, the key list, and a bare Flask route for scale.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the mock from this checkout

from flask import Flask  # noqa: E402

from mock_server import create_app  # noqa: E402
from mock_server.handle import handle_of  # noqa: E402

Call = Callable[[], Any]
BENCH_RATE_LIMIT = "100000000/60"  # the per-key limit stays on its code path but never trips


def environ(
    method: str, path: str, headers: dict[str, str], body: bytes = b"", query: str = ""
) -> Callable[[], dict[str, Any]]:
    base: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SCRIPT_NAME": "",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "wsgi.input_terminated": True,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        base[key if key == "CONTENT_TYPE" else "HTTP_" + key] = value
    return lambda: {**base, "wsgi.input": io.BytesIO(body)}


def caller(app: Any, make_env: Callable[[], dict[str, Any]], expect: int) -> Call:
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        statuses.append(status)

    def call() -> None:
        statuses.clear()
        body = app(make_env(), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()
        if not statuses[0].startswith(str(expect)):
            raise RuntimeError(f"expected {expect}, got {statuses[0]}")

    return call


def cases(keys: int = 0, products: int = 0, strict: bool = False) -> dict[str, Call]:
    """The served cases; ``strict`` checks every answer against openapi.yaml (off, as ``eulabel-mock`` serves)."""
    from mock_server.state.gtin import check_digit

    app = create_app({"SEED": 1, "RATE_LIMIT": BENCH_RATE_LIMIT, "STRICT": strict})
    state = handle_of(app).state
    for i in range(keys):
        state.keys.create("org_quinta", f"filler {i}", ["products:read"])
    for i in range(products):
        first13 = f"{10_000_000 + i:013d}"
        state.products.create("org_quinta", f"Product {i}", "wine", first13 + str(check_digit(first13)))
    _, secret = state.keys.create("org_quinta", "profile", ["products:read"])
    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: {"hello": "world"})
    body = json.dumps({"name": "profile", "scopes": ["products:read"]}).encode()
    # Its own state, so created keys do not grow the listed org; no seed: secrets come from the OS as by default.
    writer = create_app({"RATE_LIMIT": BENCH_RATE_LIMIT, "STRICT": strict})
    paged = create_app({"SEED": 1, "RATE_LIMIT": BENCH_RATE_LIMIT, "STRICT": strict})
    paged_state = handle_of(paged).state
    for i in range(20):  # org_quinta then holds more than a page of 20
        first13 = f"{20_000_000 + i:013d}"
        paged_state.products.create("org_quinta", f"Product {i}", "wine", first13 + str(check_digit(first13)))
    _, paged_secret = paged_state.keys.create("org_quinta", "profile", ["products:read"])
    return {
        "products": caller(app, environ("GET", "/v1/products", {"Authorization": f"Bearer {secret}"}), 200),
        "create_key": caller(
            writer,
            environ(
                "POST",
                "/v1/auth/api-keys",
                {"Cookie": "eulabel_session=sess_quinta_demo", "Content-Type": "application/json"},
                body,
            ),
            201,
        ),
        "bare_flask": caller(bare, environ("GET", "/", {}), 200),
        "products_100": caller(
            app, environ("GET", "/v1/products", {"Authorization": f"Bearer {secret}"}, query="limit=100"), 200
        ),
        "page_20": caller(
            paged, environ("GET", "/v1/products", {"Authorization": f"Bearer {paged_secret}"}, query="limit=20"), 200
        ),
        "list_keys": caller(
            app, environ("GET", "/v1/auth/api-keys", {"Cookie": "eulabel_session=sess_quinta_demo"}), 200
        ),
    }


def per_call_us(call: Call, n: int) -> float:
    for _ in range(min(n, 500)):
        call()
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            call()
        best = min(best, (time.perf_counter() - started) / n * 1e6)
    return best


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=2000, help="calls per timing round (best of 5)")
    p.add_argument("--keys", type=int, default=0, help="filler keys in org_quinta (listed by list_keys)")
    p.add_argument("--products", type=int, default=0, help="extra products in org_quinta")
    p.add_argument("--strict", action="store_true", help="check every answer against openapi.yaml")
    p.add_argument(
        "--profile", choices=("products", "create_key", "bare_flask", "products_100", "page_20", "list_keys")
    )
    a = p.parse_args()
    all_cases = cases(a.keys, a.products, a.strict)
    if a.profile:
        from pyinstrument import Profiler

        call = all_cases[a.profile]
        profiler = Profiler(interval=0.0001)
        profiler.start()
        for _ in range(a.n * 5):
            call()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        return 0
    for name, call in all_cases.items():
        print(f"{name}: {per_call_us(call, a.n):.1f} us per call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
