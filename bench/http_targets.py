#!/usr/bin/env python3
"""The mock's HTTP targets in one run, for this checkout and any others named (BENCHMARKS.md, §1–3).

    python bench/http_targets.py                                  # this checkout, 7 runs of 3 s per target
    python bench/http_targets.py --checkout a=/tmp/a --checkout b=/tmp/b  # two checkouts in one run
    python bench/http_targets.py --runs 1 --duration 1        # to try the script out

Per checkout: the mock as users start it (``python -m mock_server``, its default server), with a
key made through the API, on authenticated ``GET /v1/products``; bare Flask ``GET /`` on that
checkout's own server code (``bench/serve_app.py --root``). Prism on the same openapi.yaml once.
Every target is warmed up, then measured in turns (A B C ... A B C ...), medians reported, so the
ratios compare things measured back to back. Then, per checkout, the same ``GET`` is measured again
while 4 more connections hold a 200 ms latency fault on another route. Cross-version safe: it only
uses each checkout's command line, control plane and serve().
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def bench_run() -> Any:
    """bench/run as a module: the processes, wrk and medians are the same code as its sections."""
    loader = importlib.machinery.SourceFileLoader("bench_run", str(HERE / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # its dataclasses look their module up while they are made
    loader.exec_module(module)
    return module


def measure(checkouts: dict[str, Path], runs: int, duration: int) -> dict[str, Any]:
    b = bench_run()
    cfg = b.Settings(duration=duration, runs=runs)
    mocks = {name: b.mock_cli(root=root) for name, root in checkouts.items()}
    flasks = {name: b.bench_app("flask", "--root", str(root)) for name, root in checkouts.items()}
    peer = b.prism()
    with b.running(*mocks.values(), *flasks.values(), peer):
        loads = {
            name: b.Load(f"{name}: mock GET /v1/products", p.url + "/v1/products", b.bearer(b.create_key(p.url)))
            for name, p in mocks.items()
        }
        others = [b.Load(f"{name}: bare Flask GET /", p.url + "/") for name, p in flasks.items()]
        prism = b.Load(
            "prism GET /v1/products", peer.url + "/v1/products", {"BENCH_AUTHORIZATION": "Bearer bench-token"}
        )
        rows = b.compare([*loads.values(), *others, prism], cfg)
        faulted = {}
        for name, p in mocks.items():
            fault = {"action": "latency", "method": "GET", "path": b.FAULTED, "ms": b.FAULT_MS}
            status, _ = b.request(
                p.url, "POST", "/_mock/faults", {"Content-Type": "application/json"}, json.dumps(fault)
            )
            assert status == 201, status
            label = f"{name}: mock GET /v1/products, {b.FAULT_MS} ms fault on GET {b.FAULTED}"
            faulted[label] = b._median([b._with_faulted_load(p.url, loads[name], cfg) for _ in range(runs)])
    prism_row = rows[prism.label]
    ratios = {
        name: {
            "rps_vs_prism": rows[load.label]["rps"] / prism_row["rps"],
            "rps_vs_bare_flask": rows[load.label]["rps"] / rows[f"{name}: bare Flask GET /"]["rps"],
            "p99_vs_prism": rows[load.label]["p99_ms"] / prism_row["p99_ms"],
        }
        for name, load in loads.items()
    }
    return {"machine": b.machine(), "rows": rows, "faulted": faulted, "ratios": ratios, "table": b.table}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--checkout", action="append", default=[], metavar="NAME=DIR", help="a checkout to measure (default: this one)"
    )
    p.add_argument("--runs", type=int, default=7, help="measured runs per target (default 7)")
    p.add_argument("--duration", type=int, default=3, help="seconds per measured run (default 3)")
    a = p.parse_args()
    checkouts = {name: Path(d).resolve() for name, _, d in (c.partition("=") for c in a.checkout)}
    load_before = os.getloadavg()
    out = measure(checkouts or {"this": HERE.parent}, a.runs, a.duration)
    table = out.pop("table")
    print(json.dumps({**out.pop("machine"), "load_before": load_before, "load_after": os.getloadavg()}))
    print(table({**out["rows"], **out["faulted"]}))
    print(json.dumps(out["ratios"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
