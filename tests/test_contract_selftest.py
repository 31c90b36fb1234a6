"""The contract suite catches broken builds of the mock, and passes correct ones.

Each broken build (tests/contract_selftest/breakages.py) breaks one documented rule; the suite runs
against it in a subprocess via ``--base-url`` and must fail a check that names that rule's claim.
The suite must also pass the mock started with ``--error-format nested`` and ``--revocation-delay 2``,
and a correct server that differs from the mock where the docs are silent. No run may print or write
a full key.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests.target import serve_in_thread
from tests.contract_selftest.breakages import BREAKAGES, Breakage, CorrectButDifferent, build

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "contract_tests"
FULL_KEY = re.compile(r"sk_(?:test|live)_[A-Za-z0-9]{16,}")
SESSIONS = {"EULABEL_SESSION": "sess_quinta_demo", "EULABEL_SESSION_2": "sess_textil_demo"}
pytestmark = pytest.mark.slow


@dataclass
class Run:
    returncode: int
    output: str
    junit: str
    report: str

    def failing_claims(self) -> set[str]:
        claims: set[str] = set()
        for case in ET.fromstring(self.junit).iter("testcase"):
            if case.find("failure") is None and case.find("error") is None:
                continue
            if "lifecycle" in case.get("name", ""):
                continue  # it cites many claims; the specific claim tests must catch the break
            claims |= {p.get("value", "") for p in case.iter("property") if p.get("name") == "claim"}
        return claims


def run_suite(
    base_url: str,
    tmp: Path,
    files: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
    window: str = "1",
    env: dict[str, str] | None = None,
) -> Run:
    junit, report = tmp / "junit.xml", tmp / "claims.md"
    paths = [str(SUITE / f) for f in files] or [str(SUITE)]
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        "--base-url",
        base_url,
        "-p",
        "no:cacheprovider",
        "-q",
        "--junitxml",
        str(junit),
        "--claims-report",
        str(report),
        "--revocation-window",
        window,
        *extra,
    ]
    proc = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **(env or SESSIONS)}, capture_output=True, text=True, timeout=240
    )
    return Run(
        proc.returncode,
        proc.stdout + proc.stderr,
        junit.read_text() if junit.exists() else "",
        report.read_text() if report.exists() else "",
    )


def assert_no_full_key(run: Run) -> None:
    for where, text in (("output", run.output), ("JUnit XML", run.junit), ("claims report", run.report)):
        assert not FULL_KEY.search(text), f"a full key leaked into the {where}"


def test_there_is_a_breakage_for_at_least_twelve_rules() -> None:
    assert len({b.name for b in BREAKAGES}) == len(BREAKAGES) >= 12


# One test per breakage, so pytest-xdist spreads the suite runs over the workers. It also keeps
# create_app out of threads: it compiles the URL rules with ast.parse, and on CPython 3.11 ast.parse
# in two threads at once can fail with "SystemError: AST constructor recursion depth mismatch"
# (CPython gh-106905). The app is built here, in the test's thread, before its server thread starts.
@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
def test_suite_catches_the_breakage_with_the_right_claim(breakage: Breakage, tmp_path: Path) -> None:
    wrapped, _ = build(breakage)
    url, stop = serve_in_thread(wrapped)
    try:
        run = run_suite(url + "/v1", tmp_path, breakage.files, breakage.extra_args)
    finally:
        stop()
    assert_no_full_key(run)
    assert run.returncode != 0, f"{breakage.name}: the suite passed"
    assert breakage.claim in run.failing_claims(), (
        f"{breakage.name}: failing claims {sorted(run.failing_claims())}, expected {breakage.claim}"
    )


@pytest.fixture
def cli_mock(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0", *request.param],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        assert line[:2] == ["eulabel-mock", "ready"], line
        sessions = [part.split("=", 1)[1] for part in line[3:]]
        yield line[2], {"EULABEL_SESSION": sessions[0], "EULABEL_SESSION_2": sessions[1]}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    "cli_mock",
    [("--error-format", "nested"), ("--revocation-delay", "2")],
    indirect=True,
    ids=["nested-errors", "revocation-delay-2"],
)
def test_suite_passes_the_mock_started_with_options(cli_mock: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, env = cli_mock
    run = run_suite(url, tmp_path, window="10", env=env)
    assert_no_full_key(run)
    assert run.returncode == 0, run.output[-3000:]
    assert "Documented claims verdict: **PASS**" in run.report


def test_suite_passes_a_correct_server_that_differs_where_the_docs_are_silent(tmp_path: Path) -> None:
    from mock_server import create_app

    app = create_app({"ERROR_FORMAT": "nested", "REVOCATION_DELAY": 2})
    url, stop = serve_in_thread(CorrectButDifferent(app))
    try:
        run = run_suite(url, tmp_path, window="10")
    finally:
        stop()
    assert_no_full_key(run)
    assert run.returncode == 0, run.output[-3000:]
    assert "nested" in run.report
    assert "Documented claims verdict: **PASS**" in run.report
    # Where it departs from our spec's own choices (field names, revoke status), that is reported only.
    assert "Assumption checks verdict: **DIFFERS**" in run.report
    assert "| test_key_object_uses_our_field_names | differs |" in run.report
