#!/usr/bin/env python3
"""How long the contract suite takes to report a broken revocation (C16), with the default 10 s window.

    python bench/revocation_verdict.py            # every C16 breakage of the self-test, one after another
    python bench/revocation_verdict.py revoke-ignored

Each breakage (``tests/contract_selftest/breakages.py``: never revoked, accepted after the window, a 403
instead of a 401, revoked on every operation but one) is served from a thread of this process and the whole
documented suite runs against it in this process (``pytest --documented-only``, as QA runs it). Prints, per
breakage, the wall time, whether a check naming C16 failed, and the seconds the run spent waiting for
revocations (one window at most, by design). Loopback only; every server is stopped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from contract_tests.target import serve_in_thread  # noqa: E402
from tests.contract_selftest.breakages import BREAKAGES  # noqa: E402
from tests.contract_selftest.runner import SESSIONS  # noqa: E402


def main(names: list[str]) -> int:
    os.environ.update(SESSIONS)
    chosen = [b for b in BREAKAGES if b.claim == "C16" and (not names or b.name in names)]
    for breakage in chosen:
        url, stop = serve_in_thread(breakage.make())
        report = Path(tempfile.mkdtemp()) / "claims.json"
        args = ["--pyargs", "contract_tests", "--base-url", url + "/v1", "--documented-only", "-q", "-p", "no:xdist"]
        args += ["-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        started = time.monotonic()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                pytest.main([*args, "--claims-report", str(report)])
        finally:
            stop()
        elapsed = time.monotonic() - started
        data = json.loads(report.read_text())
        failed = {c for check in data["checks"] if check["outcome"] == "failed" for c in check["claims"]}
        waited = data["revocation"]["waited_s"]
        named = "C16" in failed
        print(f"{breakage.name:40} {elapsed:6.1f} s  C16 failed: {named}  waited {waited:5.2f} s  {data['status']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
