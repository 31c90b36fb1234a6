"""Serve one benchmark target through the mock's own ``serve()``, so every target shares the server code.

Targets:
  mock       the mock, optionally pre-loaded with --keys filler API keys and --products products
             (created in-process through the stores, which is much faster than over HTTP)
  flask      a bare Flask app: one route returning a short JSON body
  wsgi       a bare WSGI callable: one route, no framework

--root DIR serves them with the mock_server of another checkout (an earlier version, to compare
before and after in one run); only the options that version's serve() knows are passed.

Prints ``ready <base_url> <json facts>`` on stdout once the socket is bound.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("granian", "waitress")
ORG = "org_quinta"
BENCH_RATE_LIMIT = "100000000/60"  # the per-key limit stays on its code path but never trips
StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    import resource

    return pages * resource.getpagesize()


def mock_app(keys: int, products: int) -> tuple[Any, dict[str, Any]]:
    from mock_server import create_app
    from mock_server.handle import handle_of
    from mock_server.state.gtin import check_digit

    def gtin(n: int) -> str:
        first13 = f"{n:013d}"
        return first13 + str(check_digit(first13))

    app = create_app({"SEED": 1, "RATE_LIMIT": BENCH_RATE_LIMIT, "STRICT": False})
    state = handle_of(app).state
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
    return app, facts


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
    p.add_argument("--root", type=Path, default=ROOT, help="the checkout whose mock_server serves")
    a = p.parse_args()
    sys.path.insert(0, str(a.root.resolve()))
    from mock_server.serving.server import serve

    facts: dict[str, Any] = {}
    options: dict[str, Any] = {"server": a.server, "threads": a.threads}
    app: Any
    if a.target == "mock":
        app, facts = mock_app(a.keys, a.products)
        import mock_server.app

        try:
            from mock_server.handle import handle_of

            options["delay"] = handle_of(app).hold
        except ImportError:  # before the app's handle: a hook, or (earlier still) none
            hook = getattr(mock_server.app, "latency_hook", None)
            if hook is not None:
                options["delay"] = hook(app)
    elif a.target == "flask":
        app = flask_app()
    else:
        app = wsgi_app
    facts["rss_bytes"] = rss_bytes()

    def announce(base_url: str) -> None:
        print(f"ready {base_url} {json.dumps(facts)}", flush=True)

    accepted = inspect.signature(serve).parameters
    serve(app, "127.0.0.1", 0, announce, **{k: v for k, v in options.items() if k in accepted})
    return 0


if __name__ == "__main__":
    sys.exit(main())
