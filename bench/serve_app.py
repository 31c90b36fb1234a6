"""Serve one benchmark target through the mock's own ``serve()``, so every target shares the server code.

Targets:
  mock       the mock, optionally pre-loaded with --keys filler API keys and --products products
             (created in-process through the stores, which is much faster than over HTTP), and
             optionally with a /_bench/slow route that sleeps (a stand-in for injected latency)
  flask      a bare Flask app: one route returning a short JSON body
  wsgi       a bare WSGI callable: one route, no framework

Prints ``ready <base_url> <json facts>`` on stdout once the socket is bound.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the mock from this checkout

import importlib.util  # noqa: E402

from flask import Flask  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("granian", "waitress")


def load_serve() -> Callable[..., None]:
    """``mock_server.server.serve`` without importing the mock package (the bare apps start faster)."""
    spec = importlib.util.spec_from_file_location("eulabel_server", ROOT / "mock_server" / "server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.serve  # type: ignore[no-any-return]


ORG = "org_quinta"
BENCH_RATE_LIMIT = "100000000/60"  # the per-key limit stays on its code path but never trips
StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    import resource

    return pages * resource.getpagesize()


def mock_app(keys: int, products: int, slow: bool) -> tuple[Wsgi, dict[str, Any]]:
    from mock_server import create_app
    from mock_server.api.routing import state_of
    from mock_server.state.gtin import check_digit

    def gtin(n: int) -> str:
        first13 = f"{n:013d}"
        return first13 + str(check_digit(first13))

    app = create_app({"SEED": 1, "RATE_LIMIT": BENCH_RATE_LIMIT})
    state = state_of(app)
    facts: dict[str, Any] = {}
    gc.collect()
    before = rss_bytes()
    for i in range(keys):
        state.keys.create(ORG, f"filler {i}", ["products:read"])  # the secrets are discarded
    gc.collect()
    facts["keys"] = keys
    facts["rss_per_key_bytes"] = (rss_bytes() - before) / keys if keys else None
    for i in range(products):
        state.products.create(ORG, f"Product {i}", "wine", gtin(10_000_000 + i))
    facts["products"] = products
    wsgi: Wsgi = app
    return (_with_slow_route(wsgi) if slow else wsgi), facts


def _with_slow_route(inner: Wsgi) -> Wsgi:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/_bench/slow":
            time.sleep(0.2)  # sleeps release the GIL, like injected latency would
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4")])
            return [b"slow"]
        return inner(environ, start_response)

    return app


def flask_app() -> Flask:
    app = Flask("bare")

    @app.get("/")
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


def wsgi_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    body = b'{"hello":"world"}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("target", choices=("mock", "flask", "wsgi"))
    p.add_argument("--server", choices=SERVERS, default="granian")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--keys", type=int, default=0)
    p.add_argument("--products", type=int, default=0)
    p.add_argument("--slow-route", action="store_true")
    a = p.parse_args()
    facts: dict[str, Any] = {}
    app: Any
    if a.target == "mock":
        app, facts = mock_app(a.keys, a.products, a.slow_route)
    elif a.target == "flask":
        app = flask_app()
    else:
        app = wsgi_app
    facts["rss_bytes"] = rss_bytes()

    def announce(base_url: str) -> None:
        print(f"ready {base_url} {json.dumps(facts)}", flush=True)

    load_serve()(app, "127.0.0.1", 0, announce, server=a.server, threads=a.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
