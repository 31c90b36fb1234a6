"""The contract suite catches a broken server for every checkable claim.

Each broken server (tests/contract_selftest/breakages.py) breaks one documented rule; the suite runs against
it and must fail a check that names that rule's claim. A check that fails on a correct server proves nothing:
``test_contract_space.py`` runs the suite against the space of correct servers (every switch alone and seeded
combinations) and fails when any check fails there. No run may print or write a full key. The suite runs in
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
from tests.contract_selftest.reference.switches import Switches
from tests.contract_selftest.runner import run_suite, served_reference


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


def test_verdict_names_the_checks_not_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with served_reference(Switches(error_shape="nested", rate_headers=False), tmp_path) as (url, args):
        run = run_suite(
            url,
            tmp_path,
            capsys,
            "--documented-only",
            *args,
            modules=("test_claims_rate_limits.py", "test_claims_auth_errors.py"),
        )
    assert run.code == 0, run.failed()
    verdict = run.report["verdict"]
    assert verdict.startswith("PASS with "), verdict
    assert "C32–C35: need --rate-limit-burst" in verdict and "C25–C26: not applicable" in verdict, verdict
    assert "C16–C19" in verdict and "C37–C51: no check selected in this run" in verdict, verdict
    assert run.report["status"] == "pass"
    assert {"run_id", "started", "target", "suite_version", "options"} <= set(run.report)
