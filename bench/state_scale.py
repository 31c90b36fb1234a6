#!/usr/bin/env python3
"""How the mock's cost grows with stored state: key POST with --state, key list, bytes per key.

    python bench/state_scale.py                      # this checkout, 100,000 keys
    python bench/state_scale.py --src /tmp/before    # another checkout of the mock (e.g. main), same machine
    python bench/state_scale.py --keys 10000 --requests 60 --skip-memory   # a quick try
    python bench/state_scale.py --only list --keys 50000   # the key list of a 2-key organisation only

Large states are seeded in-process through the store API (a child process running ``seed``),
written to a state file, then served by ``python -m mock_server --state FILE`` and measured over
HTTP on one keep-alive connection, one request at a time: the numbers are latencies, not queues.
Targets are measured in turns (A B C A B C ...) and each row is the median over all turns, so
ratios compare numbers taken back to back in one run. Loopback only; every process is stopped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RATE = "100000000/60"  # the per-key limit stays on its code path but never trips
SMALL_ORG, SMALL_SESSION = "org_bench_small", "sess_bench_small"
QUINTA_COOKIE = "eulabel_session=sess_quinta_demo"
KEY_BODY = json.dumps({"name": "bench", "scopes": ["products:read"]})


def seed(path: str, keys: int, small: bool) -> None:
    """Runs in a child process with the code under test importable: fill a state file quickly."""
    from contextlib import nullcontext

    from mock_server import create_app
    from mock_server.app import flush_state

    app = create_app({"STATE_FILE": path, "RATE_LIMIT": RATE})
    try:
        from mock_server.handle import handle_of

        state = handle_of(app).state
    except ImportError:  # a checkout from before the app's handle
        from mock_server.api.routing import state_of  # type: ignore[attr-defined]

        state = state_of(app)
    changes = getattr(state, "changes", None)  # absent before the database: that version saves at flush
    with changes.transaction() if changes is not None else nullcontext():
        for i in range(keys):
            state.keys.create("org_quinta", f"filler {i}", ["products:read"])
    if small:  # outside the transaction: a change shows in memory once committed, and the session needs the org
        state.add_organization(SMALL_ORG)
        state.add_session(SMALL_ORG, SMALL_SESSION)
        for name in ("one", "two"):
            state.keys.create(SMALL_ORG, name, ["products:read"])
    flush_state(app)


class Mock:
    def __init__(self, src: Path, state: Path | None) -> None:
        argv = [sys.executable, "-m", "mock_server", "--port", "0", "--rate-limit", RATE]
        if state is not None:
            argv += ["--state", str(state)]
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.proc = subprocess.Popen(
            argv, cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("eulabel-mock ready"):
            self.stop()
            raise RuntimeError(f"mock did not start: {line!r}")
        host_port = line.split()[2].split("//")[1]
        self.host, port = host_port.split(":")
        self.port = int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)

    def call(self, method: str, path: str, cookie: str, body: str | None = None) -> float:
        headers = {"Cookie": cookie}
        if body is not None:
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}")
        return elapsed

    def rss(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:"))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=60)


def seeded(src: Path, directory: Path, name: str, keys: int, small: bool) -> Path:
    path = directory / name
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "seed", str(path), str(keys), "1" if small else "0"],
        cwd=src,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
    )
    print(f"  seeded {name}: {keys} keys in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def in_turns(targets: dict[str, Mock], request: Any, total: int, rounds: int, budget: float) -> dict[str, Any]:
    """``total`` requests per target in ``rounds`` turns; a turn also ends after ``budget`` seconds."""
    times: dict[str, list[float]] = {label: [] for label in targets}
    for mock in targets.values():  # warm-up, unmeasured
        for _ in range(5):
            request(mock)
    for _ in range(rounds):
        for label, mock in targets.items():
            ends = time.perf_counter() + budget
            for _ in range(total // rounds):
                times[label].append(request(mock))
                if time.perf_counter() > ends:
                    break
    return {
        label: {
            "n": len(t),
            "p50_ms": statistics.median(t) * 1e3,
            "p90_ms": statistics.quantiles(t, n=10)[-1] * 1e3 if len(t) > 1 else t[0] * 1e3,
        }
        for label, t in times.items()
    }


def post_rows(src: Path, tmp: Path, keys: int, requests: int, budget: float) -> dict[str, Any]:
    files = {
        "state, 100 keys": seeded(src, tmp, "small.state", 100, False),
        f"state, {keys:,} keys": seeded(src, tmp, "large.state", keys, False),
    }
    targets = {"memory only": Mock(src, None)}
    try:
        for label, path in files.items():
            targets[label] = Mock(src, path)
        return in_turns(
            targets, lambda m: m.call("POST", "/v1/auth/api-keys", QUINTA_COOKIE, KEY_BODY), requests, 5, budget
        )
    finally:
        for mock in targets.values():
            mock.stop()


def list_rows(src: Path, tmp: Path, keys: int, requests: int) -> dict[str, Any]:
    files = {
        "2-key org, no other keys": seeded(src, tmp, "list0.state", 0, True),
        f"2-key org, {keys:,} keys elsewhere": seeded(src, tmp, "list1.state", keys, True),
    }
    targets: dict[str, Mock] = {}
    try:
        for label, path in files.items():
            targets[label] = Mock(src, path)
        cookie = f"eulabel_session={SMALL_SESSION}"
        return in_turns(targets, lambda m: m.call("GET", "/v1/auth/api-keys", cookie), requests, 5, 60.0)
    finally:
        for mock in targets.values():
            mock.stop()


def bytes_per_key(src: Path, keys: int, state: Path | None = None, clients: int = 2) -> dict[str, Any]:
    """RSS growth of a mock across creating ``keys`` keys over HTTP, divided by ``keys``."""
    mock = Mock(src, state)
    try:
        for _ in range(20):  # the first requests import and cache things: not per-key memory
            mock.call("POST", "/v1/auth/api-keys", QUINTA_COOKIE, KEY_BODY)
        before = mock.rss()
        started = time.perf_counter()

        def work(n: int) -> None:
            client = Mock.__new__(Mock)
            client.conn = http.client.HTTPConnection(mock.host, mock.port, timeout=600)
            for _ in range(n):
                Mock.call(client, "POST", "/v1/auth/api-keys", QUINTA_COOKIE, KEY_BODY)

        threads = [threading.Thread(target=work, args=(keys // clients,)) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = mock.rss()
        return {
            "keys": keys,
            "rss_before": before,
            "rss_after": after,
            "bytes_per_key": (after - before) / keys,
            "seconds": time.perf_counter() - started,
        }
    finally:
        mock.stop()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        seed(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("--src", type=Path, default=ROOT, help="checkout of the mock to measure")
    p.add_argument("--keys", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=300, help="measured requests per target")
    p.add_argument("--budget", type=float, default=20.0, help="seconds per target per turn, at most")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--only", choices=("post", "list"), help="measure one kind of row (no memory)")
    p.add_argument("--memory-with-state", action="store_true", help="also measure bytes per key with --state")
    p.add_argument("--json", type=Path)
    a = p.parse_args()
    import tempfile

    result: dict[str, Any] = {"src": str(a.src), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="state-scale-") as tmp:
        if a.only in (None, "post"):
            result["post"] = post_rows(a.src, Path(tmp), a.keys, a.requests, a.budget)
        if a.only in (None, "list"):
            result["list"] = list_rows(a.src, Path(tmp), a.keys, a.requests)
        if not a.skip_memory and a.only is None:
            result["memory"] = bytes_per_key(a.src, a.keys)
        if a.memory_with_state:
            result["memory_with_state"] = bytes_per_key(a.src, a.keys, Path(tmp) / "memory.state")
    result["load_after"] = os.getloadavg()
    text = json.dumps(result, indent=2)
    print(text)
    if a.json:
        a.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
