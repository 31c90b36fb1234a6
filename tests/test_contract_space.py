"""The contract suite passes every correct server: the reference server with each switch alone, and with
seeded random combinations of all of them (``tests/contract_selftest/reference``).

The reference server is written from the docs, outside ``mock_server``; each switch is one freedom the docs
leave (an alternative code or form, a status they do not fix, the other reading of a contradiction, HTTP
they never describe). A check that fails here cannot count as catching a breakage. The combinations change
every day (the seed is the date) and are reproducible: ``CONTRACT_SPACE_SEED=<seed> pytest -m slow -k space``
runs the same ones again; each test's id and failure message name the seed and the switches.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.contract_selftest.reference.switches import Switches, alone, combination
from tests.contract_selftest.runner import run_suite, served_reference

COMBINATIONS = 20
BASE_SEED = int(os.environ.get("CONTRACT_SPACE_SEED") or datetime.now(UTC).strftime("%Y%m%d00"))
SPACE = [pytest.param(s, id=f"alone:{s.label()}") for s in alone()]
SPACE += [pytest.param(combination(BASE_SEED + i), id=f"seed={BASE_SEED + i}") for i in range(COMBINATIONS)]


@pytest.mark.slow
@pytest.mark.parametrize("switches", SPACE)
def test_documented_only_run_passes_every_correct_server_of_the_space(
    switches: Switches, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_reference(switches, tmp_path) as (url, args):
        run = run_suite(url, tmp_path, capsys, "--documented-only", *args)
    run.assert_no_full_key()
    where = f"seed {switches.seed}: {switches.label()}" if switches.seed else switches.label()
    assert run.code == 0 and not run.failed(), f"{where}: {run.failed()}\n{run.output[-3000:]}"
    assert run.report["status"] == "pass", run.report["verdict"]
    assert not [c for c in run.checks if c["assumption"]], "--documented-only ran an assumption check"


@pytest.mark.slow
def test_default_run_reports_a_correct_servers_differences_from_our_assumptions_as_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    switches = Switches(key_fields="stripe", key_ids="kid", revoke_status=200, unknown_revoke="204")
    with served_reference(switches, tmp_path) as (url, args):
        run = run_suite(url, tmp_path, capsys, *args)
    run.assert_no_full_key()
    assert run.code == 0 and not run.failed(), run.failed()
    assert run.outcome("test_key_object_uses_our_field_names") == "differs", run.report["assumptions"]
    assert run.outcome("test_unknown_key_id_revoke_is_404") == "differs", run.report["assumptions"]
    assert run.report["assumptions"]["failed"] == 0


def test_the_space_holds_every_switch_alone_and_the_combinations_are_reproducible() -> None:
    assert len(alone()) == sum(
        len(v) - 1
        for v in __import__("tests.contract_selftest.reference.switches", fromlist=["CHOICES"]).CHOICES.values()
    )
    assert combination(7) == combination(7) and combination(7) != combination(8)
    assert len({combination(BASE_SEED + i) for i in range(COMBINATIONS)}) == COMBINATIONS
