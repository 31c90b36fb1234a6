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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

FULL_KEY = re.compile(r"sk_(?:test|live)_[A-Za-z0-9]{16,}")
SESSIONS = {"EULABEL_SESSION": "sess_quinta_demo", "EULABEL_SESSION_2": "sess_textil_demo"}


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
    saved = {k: os.environ.get(k) for k in (*SESSIONS, "EULABEL_API_KEY")}
    profile = settings.get_current_profile_name()
    os.environ.update(env if env is not None else SESSIONS)
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
