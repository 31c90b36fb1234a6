"""The differential run (``--differential``, docs/differential.md): the mock served over HTTP and the self-test's
correct servers show no documented divergence; each broken server a stateful sequence can expose fails the run
naming its claim, with a short sequence whose replay file is red there and green against the mock.

Servers are built in the test's thread and served from threads, and the suite runs in this process
(``tests/contract_selftest/runner.py``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import settings

from contract_tests.client import Api
from contract_tests.differential import READ_ONLY_REFUSAL
from contract_tests.divergence import Differences, Divergence, markdown
from contract_tests.lockstep import UNKNOWN, DocumentedDivergence, Lockstep, Side
from contract_tests.shrink import coherent
from contract_tests.target import serve_in_thread
from mock_server import create_app
from tests.contract_selftest.breakages import BREAKAGES, Breakage
from tests.contract_selftest.reference.switches import Switches
from tests.contract_selftest.runner import FULL_KEY, SESSIONS, SuiteRun, run_suite, served_reference

DIFFERENTIAL = ("--differential", "--revocation-window", "1")
MODULE = ("test_differential.py",)
# The broken servers whose breakage shows in a sequence of steps, by name (each names its own claim).
STATEFUL = {
    "foreign-key-listed",
    "foreign-key-revocable",
    "product-visible-across-organisations",
    "scope-not-enforced",
    "created-key-not-kept",
    "secret-reshown-on-revoke",
    "401-echoes-the-presented-key",
    "revoked-key-listed",
    "secret-in-list",
    "revoke-not-served",
    "revoke-ignored",
    "revoked-key-accepted-after-window",
    "revoked-key-gets-403",
    "revoke-restorable",
    "new-key-revokes-older-ones",
    "revoke-takes-newer-keys",
    "timestamps-with-local-offset",
    "product-ids-not-uuids",
    "create-answers-200",
    "no-qr-code-url",
    "duplicate-as-422",
    "gtin-not-normalised",
    "product-list-bare-array",
    "passport-ids-unprefixed",
    "products-read-cannot-read-passports",
    "partial-passport-published",
    "later-call-replaces-data",
}
# Correct servers that differ from the mock only where the docs leave a choice.
CORRECT = [
    Switches(),
    Switches(key_fields="stripe", key_ids="kid", revoke_status=200, unknown_revoke="204", key_list="bare"),
    Switches(error_shape="nested", error_names="gen1", suggestion=False, echo_ids=True),
    Switches(revocation_delay=1.0, merge_status=201, passport_ids="uuid", paging="cursor", one_call="never"),
]


def _differences(run: SuiteRun) -> dict[str, Any]:
    found = run.report.get("differences_from_the_mock")
    assert found and found["ran"], f"no differential section in the report: {run.output[-2000:]}"
    return dict(found)


def _replay(path: str, url: str, capsys: pytest.CaptureFixture[str]) -> int:
    """``pytest REPLAY --base-url URL`` in this process, with the self-test's sessions."""
    saved = {k: os.environ.get(k) for k in SESSIONS}
    profile = settings.get_current_profile_name()
    os.environ.update(SESSIONS)
    try:
        plain = ["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly"]
        code = pytest.main([path, "--base-url", url, *plain])
    finally:
        settings.load_profile(profile)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    capsys.readouterr()
    return int(code)


# --- fast ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", [("--read-only",), ("-m", "not destructive")], ids=["option", "marker"])
def test_a_read_only_differential_run_is_refused_in_one_line(
    spelling: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_suite("http://127.0.0.1:9/v1", tmp_path, capsys, "--differential", *spelling, modules=MODULE)
    assert run.code == pytest.ExitCode.USAGE_ERROR, run.output
    assert [line for line in run.output.splitlines() if line.strip()] == [f"ERROR: {READ_ONLY_REFUSAL}"]


def test_without_differential_the_check_is_not_collected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_suite("http://127.0.0.1:9/v1", tmp_path, capsys, "--collect-only", modules=MODULE)
    assert run.code == pytest.ExitCode.NO_TESTS_COLLECTED, run.output
    assert "test_target_answers_every_step_as_the_mock_does" not in run.output


def test_a_shortened_sequence_keeps_every_step_that_makes_a_handle_it_uses() -> None:
    steps: list[dict[str, Any]] = [
        {"do": "service_keys"},
        {"do": "create_key", "org": 1, "scopes": ["products:read"], "as": "k1"},
        {"do": "revoke_key", "key": "k1"},
    ]
    assert coherent(steps) and coherent([steps[0], steps[1]])
    assert not coherent([steps[0], steps[2]]), "a step uses k1, which no earlier step made"


def _pair(strict: bool = False) -> Lockstep:
    def side(name: str) -> Side:
        return Side(name, api=cast(Api, None), sessions={1: "s"})  # compare sends nothing

    return Lockstep(side("target"), side("mock"), Differences(), kinds={}, strict=strict, steps=[{"do": "use_key"}])


def test_a_divergence_on_a_documented_fact_fails_and_a_silent_one_is_kept_as_differs() -> None:
    pair = _pair()
    pair.compare({"target": {"status": (204, None)}, "mock": {"status": (200, None)}})
    assert pair.differences.first is None and len(pair.differences.silent_ones) == 1
    with pytest.raises(DocumentedDivergence, match="touches C16"):
        pair.compare({"target": {"status": (200, "C16")}, "mock": {"status": (401, "C16")}})
    assert pair.differences.first is not None and pair.differences.first.claim == "C16"
    with pytest.raises(DocumentedDivergence):
        _pair(strict=True).compare({"target": {"status": (204, None)}, "mock": {"status": (200, None)}})


def test_a_fact_one_side_cannot_tell_is_not_compared() -> None:
    pair = _pair()
    pair.compare({"target": {"its products listed": (UNKNOWN, "C37")}, "mock": {"its products listed": ([], "C37")}})
    assert pair.differences.first is None and not pair.differences.silent_ones


def test_a_step_the_target_rate_limited_is_not_a_documented_divergence() -> None:
    pair = _pair()
    pair.target.exchanges = ["GET /v1/products -> 429 application/json {}"]
    pair.compare({"target": {"status": (429, "C30")}, "mock": {"status": (201, "C30")}})
    assert pair.differences.first is None and pair.differences.silent_ones


def test_the_differences_section_masks_every_secret() -> None:
    secret = "sk_test_" + "Ab3" * 12
    found = Differences(ran=True, examples=1, steps=2)
    found.failing(
        Divergence(
            2,
            "list_keys(org=1)",
            "a full key in the list",
            "C14",
            True,
            False,
            [f"GET /v1/auth/api-keys -> 200 {secret}"],
            ["GET /v1/auth/api-keys -> 200 {}"],
            ["service_keys()", "list_keys(org=1)"],
            [{"do": "list_keys", "org": 1}],
        )
    )
    text = "\n".join(markdown(found.as_dict())) + json.dumps(found.as_dict())
    assert "## Differences from the mock" in text and "### Fails: C14" in text
    assert "| target answered | the mock answered |" in text
    assert not FULL_KEY.search(text), "a full key in the differences section"


# --- slow: served servers --------------------------------------------------------------------------
@pytest.mark.slow
def test_the_mock_served_over_http_shows_no_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, stop = serve_in_thread(create_app({"CONTROL_PLANE": True}))
    try:
        run = run_suite(url + "/v1", tmp_path, capsys, *DIFFERENTIAL, modules=MODULE)
    finally:
        stop()
    run.assert_no_full_key()
    found = _differences(run)
    assert run.code == 0 and found["failing"] is None and found["differs"] == [], found
    assert found["steps"] > found["examples"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("switches", CORRECT, ids=[s.label() for s in CORRECT])
def test_a_correct_server_shows_no_documented_difference(
    switches: Switches, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_reference(switches, tmp_path) as (url, args):
        run = run_suite(url, tmp_path, capsys, *DIFFERENTIAL, *args, modules=MODULE)
    run.assert_no_full_key()
    found = _differences(run)
    assert found["failing"] is None, f"{switches.label()}: {found['failing']}"
    assert run.code == 0 and not run.failed(), run.output[-2000:]
    outcome = run.outcome("test_target_answers_every_step_as_the_mock_does")
    assert outcome == ("differs" if found["differs"] else "passed"), (outcome, found["differs"])


@pytest.mark.slow
@pytest.mark.parametrize("breakage", [b for b in BREAKAGES if b.name in STATEFUL], ids=lambda b: f"{b.claim}-{b.name}")
def test_a_broken_server_fails_naming_its_claim_and_the_replay_is_red_there_and_green_on_the_mock(
    breakage: Breakage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken, stop = serve_in_thread(breakage.make())
    mock, stop_mock = serve_in_thread(create_app({"CONTROL_PLANE": True}))
    try:
        run = run_suite(broken + "/v1", tmp_path, capsys, *DIFFERENTIAL, modules=MODULE)
        run.assert_no_full_key()
        found = _differences(run)
        failing = found["failing"]
        assert run.code != 0 and failing is not None, f"{breakage.name}: no divergence found"
        assert failing["claim"] == breakage.claim, f"{breakage.name}: {failing['claim']}: {failing['fact']}"
        assert run.failing_claims() == {breakage.claim}, run.failing_claims()
        assert len(failing["sequence"]) <= 5, failing["sequence"]
        replay = found["replay"]
        assert replay and Path(replay).exists() and not FULL_KEY.search(Path(replay).read_text())
        assert _replay(replay, broken + "/v1", capsys) == pytest.ExitCode.TESTS_FAILED
        assert _replay(replay, mock + "/v1", capsys) == pytest.ExitCode.OK
    finally:
        stop()
        stop_mock()


def test_every_stateful_breakage_is_a_breakage_of_the_self_test() -> None:
    assert STATEFUL <= {b.name for b in BREAKAGES}
