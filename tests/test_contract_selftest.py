"""The contract suite catches a broken server for every checkable claim, and passes correct ones.

Each broken server (tests/contract_selftest/breakages.py) breaks one documented rule; the suite runs against
it and must fail a check that names that rule's claim. Three correct servers that differ from the mock
wherever the docs allow (tests/contract_selftest/servers.py) must pass, with their differences from this
project's own assumptions reported as ``differs``. No run may print or write a full key. The suite runs in
this process (``runner``): servers are built in the test's thread and served from a thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract_tests.claims import CLAIMS, NOT_CHECKED
from contract_tests.coverage import CAUGHT
from contract_tests.target import serve_in_thread
from tests.contract_selftest.breakages import BREAKAGES, Breakage
from tests.contract_selftest.runner import SuiteRun, run_suite
from tests.contract_selftest.servers import SERVERS
from tests.contract_selftest.variants import Variant, build


@pytest.fixture
def served() -> Iterator[Any]:
    stops = []

    def serve(app: Any) -> str:
        url, stop = serve_in_thread(app)
        stops.append(stop)
        return url + "/v1"

    yield serve
    for stop in stops:
        stop()


def test_every_checkable_claim_has_a_breakage_and_the_report_lists_them() -> None:
    by_claim: dict[str, tuple[str, ...]] = {}
    for b in BREAKAGES:
        by_claim[b.claim] = (*by_claim.get(b.claim, ()), b.name)
    assert by_claim == CAUGHT, "contract_tests/coverage.py is out of step with the self-test's breakages"
    checkable = set(CLAIMS) - set(NOT_CHECKED)
    assert set(CAUGHT) == checkable, f"claims without a breakage: {sorted(checkable - set(CAUGHT))}"
    assert len({b.name for b in BREAKAGES}) == len(BREAKAGES)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[f"{b.claim}-{b.name}" for b in BREAKAGES])
def test_breakage_is_caught_by_a_check_naming_its_claim(
    breakage: Breakage, served: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = served(breakage.make())
    run = run_suite(url, tmp_path, capsys, "--revocation-window", "1", *breakage.extra_args, modules=breakage.files)
    run.assert_no_full_key()
    assert run.code != 0, f"{breakage.name}: the suite passed"
    assert breakage.claim in run.failing_claims(), (
        f"{breakage.name}: failing claims {sorted(run.failing_claims())}, expected {breakage.claim}"
    )
    assert run.report["verdict"].startswith("FAIL")


def _run_correct(
    server: type[Variant],
    served: Any,
    tmp: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    modules: tuple[str, ...] = (),
    revocation_delay: float | None = None,
) -> SuiteRun:
    server_url = served(build(server, revocation_delay))
    run = run_suite(server_url, tmp, capsys, "--revocation-window", "10", *args, modules=modules)
    run.assert_no_full_key()
    assert run.code == 0 and not run.failed(), f"{server.name}: {run.failed()}\n{run.output[-3000:]}"
    assert run.report["verdict"].startswith("PASS"), run.report["verdict"]
    return run


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS, ids=[s.name for s in SERVERS])
def test_documented_only_run_passes_a_correct_server_that_differs(
    server: type[Variant], served: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _run_correct(server, served, tmp_path, capsys, "--documented-only")
    assert not [c for c in run.checks if c["assumption"]], "--documented-only ran an assumption check"


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS, ids=[s.name for s in SERVERS])
def test_default_run_reports_a_correct_servers_differences_as_differs(
    server: type[Variant], served: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Revocation is slow in the documented-only runs above; here the differences are the point, so the
    # keys go within a second and the run waits less.
    run = _run_correct(server, served, tmp_path, capsys, revocation_delay=1.0)
    assert run.outcome("test_key_object_uses_our_field_names") == "differs", run.report["assumptions"]
    assert run.report["assumptions"]["failed"] == 0


def test_verdict_names_the_checks_not_run(served: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.contract_selftest.servers import DocsMinimal

    run = _run_correct(
        DocsMinimal,
        served,
        tmp_path,
        capsys,
        "--documented-only",
        modules=("test_claims_rate_limits.py", "test_claims_auth_errors.py"),
    )
    verdict = run.report["verdict"]
    assert verdict.startswith("PASS with "), verdict
    assert "C32–C35: need --rate-limit-burst" in verdict and "C25–C26: not applicable" in verdict, verdict
    assert {"run_id", "started", "target", "suite_version", "options"} <= set(run.report)
