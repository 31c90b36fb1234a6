"""Run the contract suite in this process against a URL, and read what it found from its JSON claims report.

In-process runs share one interpreter (no start-up and import per run) and prove the point of keeping the
run's context on ``config.stash``: many runs in one process never mix. Servers are built by the caller in
the main thread and only served from threads: on CPython 3.11, ``ast.parse`` in a thread can raise
SystemError (gh-106905), and building an app compiles code (validators, templates).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

FULL_KEY = re.compile(r"sk_(?:test|live)_[A-Za-z0-9]{16,}")
SESSIONS = {"EULABEL_SESSION": "sess_quinta_demo", "EULABEL_SESSION_2": "sess_textil_demo"}
TRACKED = (*SESSIONS, "EULABEL_API_KEY", "EULABEL_MOCK_CONTROL_TOKEN")  # set only as a run asks


@dataclass
class SuiteRun:
    code: int
    report: dict[str, Any]
    junit: str = ""
    output: str = ""
    checks: list[dict[str, Any]] = field(default_factory=list)

    def failing_claims(self) -> set[str]:
        return {c for check in self.checks if check["outcome"] == "failed" for c in check["claims"]}

    def failed(self) -> list[str]:
        return [c["nodeid"] for c in self.checks if c["outcome"] == "failed"]

    def outcome(self, name: str) -> str | None:
        return next((c["outcome"] for c in self.checks if c["nodeid"].endswith("::" + name)), None)

    def assert_no_full_key(self) -> None:
        for where, text in (
            ("output", self.output),
            ("JUnit XML", self.junit),
            ("JSON report", json.dumps(self.report)),
        ):
            assert not FULL_KEY.search(text), f"a full key leaked into the {where}"


@contextmanager
def served_reference(switches: Any, tmp: Path) -> Iterator[tuple[str, list[str]]]:
    """The reference server with ``switches``: its ``/v1`` URL and the options the suite needs for it."""
    from .reference.wire import serve

    tmp.mkdir(parents=True, exist_ok=True)
    url, stop, ca = serve(switches, tmp)
    try:
        yield url + "/v1", ([f"--ca-bundle={ca}"] if ca else [])
    finally:
        stop()


def run_suite(
    url: str,
    tmp: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    modules: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> SuiteRun:
    """``pytest --pyargs contract_tests[.module …] --base-url url *args`` in this process."""
    tmp.mkdir(parents=True, exist_ok=True)
    report, junit = tmp / "claims.json", tmp / "junit.xml"
    wanted = env if env is not None else SESSIONS
    saved = {k: os.environ.get(k) for k in {*TRACKED, *wanted}}
    profile = settings.get_current_profile_name()
    for name in TRACKED:
        os.environ.pop(name, None)
    os.environ.update(wanted)
    try:
        targets = [f"contract_tests.{m.removesuffix('.py')}" for m in modules] or ["contract_tests"]
        code = pytest.main(
            [
                "--pyargs",
                *targets,
                "--base-url",
                url,
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                "-p",
                "no:xdist",
                "--junitxml",
                str(junit),
                "--claims-report",
                str(report),
                *args,
            ]
        )
    finally:
        settings.load_profile(profile)  # the suite's conftest loads its own profile
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = capsys.readouterr()
    data = json.loads(report.read_text()) if report.exists() else {}
    return SuiteRun(
        int(code), data, junit.read_text() if junit.exists() else "", out.out + out.err, data.get("checks", [])
    )
