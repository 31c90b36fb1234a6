"""What a QA engineer acts on: the verdict as the console's last lines, ``status`` in the JSON report, every
unchecked claim named with its reason, setup failures that name their claims, C47 in a read-only run, the
mock-only checks against a served mock, HTTPS with a CA of one's own, transient 5xx, and one revocation
window per run. Each runs the suite in this process against a small server (``contract_selftest``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.wrappers import Request, Response

from contract_tests.target import serve_in_thread
from mock_server import create_app
from tests.contract_selftest.breakages import BREAKAGES
from tests.contract_selftest.middleware import Middleware, flat_error
from tests.contract_selftest.reference.switches import Switches
from tests.contract_selftest.runner import SESSIONS, run_suite, served_reference


def test_the_console_ends_with_the_verdict_and_the_reports_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_reference(Switches(), tmp_path) as (url, args):
        run = run_suite(url, tmp_path, capsys, *args, modules=("test_claims_auth_errors.py",))
    last = run.output.strip().splitlines()[-3:]
    assert last[0].startswith("EUlabel contract verdict: PASS"), last
    assert last[1:] == [f"report written: {tmp_path / 'claims.json'}", f"report written: {tmp_path / 'junit.xml'}"]
    assert run.report["status"] == "pass" and run.report["verdict"] == last[0].split(": ", 1)[1]


@pytest.mark.parametrize("read_only", [["--read-only"], ["-m", "not destructive"]], ids=["option", "marker"])
def test_a_read_only_run_names_every_claim_no_check_ran_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], read_only: list[str]
) -> None:
    with served_reference(Switches(), tmp_path) as (url, args):
        run = run_suite(url, tmp_path, capsys, *read_only, "--documented-only", *args)
    verdict = run.report["verdict"]
    named = {c for group in run.report["not_run"] for c in group["claims"]}
    group = next(g for g in run.report["not_run"] if g["reason"].startswith("read-only run"))
    assert {"C11", "C15", "C16", "C17", "C40", "C50"} <= set(group["claims"]), group
    checked = {c for c, row in run.report["claims"].items() if row["checked"]}
    checkable = set(run.report["claims"]) - set(run.report["not_checkable"])
    assert named == checkable - checked, "a claim no check ran for is missing from not_run, or one that ran is in it"
    assert f"{len(named)} of {len(checkable)} checkable claims not checked" in verdict, verdict
    assert "C47" in named and "EULABEL_API_KEY" in verdict, verdict


def _products_reader(url: str) -> str:
    """A products:read key on the reference server, whose organisation holds one product."""
    cookies = {"eulabel_session": SESSIONS["EULABEL_SESSION"]}
    made = requests.post(
        url + "/auth/api-keys",
        cookies=cookies,
        json={"name": "qa", "scopes": ["products:read", "products:write"]},
        timeout=10,
    ).json()
    product = {"name": "Douro", "category": "wine", "gtin": "5601012012200"}
    assert (
        requests.post(
            url + "/products", json=product, headers={"Authorization": f"Bearer {made['secret']}"}, timeout=10
        ).status_code
        == 201
    )
    return str(made["secret"])


def test_a_read_only_run_checks_c47_with_the_key_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_reference(Switches(), tmp_path) as (url, args):
        key = _products_reader(url)
        run = run_suite(url, tmp_path, capsys, "--read-only", *args, env={"EULABEL_API_KEY": key})
    assert run.outcome("test_an_existing_products_read_key_reads_products_and_passports") == "passed", run.output[
        -2000:
    ]
    assert run.report["claims"]["C47"]["checked"] >= 2 and run.report["status"] == "pass", run.report["verdict"]
    assert "C47" not in {c for group in run.report["not_run"] for c in group["claims"]}


@pytest.mark.parametrize("token", ["right-token-0123456789", None], ids=["with-token", "without-token"])
def test_mock_only_checks_run_against_a_served_mock_with_its_control_plane(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str | None
) -> None:
    url, stop = serve_in_thread(create_app({"CONTROL_PLANE": True, "CONTROL_TOKEN": "right-token-0123456789"}))
    env = {**SESSIONS, **({"EULABEL_MOCK_CONTROL_TOKEN": token} if token else {})}
    try:
        run = run_suite(url, tmp_path, capsys, "-k", "unknown_query", modules=("test_claims_auth_errors.py",), env=env)
    finally:
        stop()
    check = next(c for c in run.checks if "unknown_query" in c["nodeid"])
    if token:
        assert check["outcome"] == "passed", check
    else:
        assert check["outcome"] == "skipped" and "EULABEL_MOCK_CONTROL_TOKEN" in check["reason"], check


@pytest.mark.parametrize("how", ["--ca-bundle", "REQUESTS_CA_BUNDLE", "untrusted"])
def test_https_with_a_ca_of_ones_own(tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    with served_reference(Switches(tls=True), tmp_path) as (url, args):
        ca = args[0].split("=", 1)[1]
        env = {**SESSIONS, **({"REQUESTS_CA_BUNDLE": ca} if how == "REQUESTS_CA_BUNDLE" else {})}
        extra = args if how == "--ca-bundle" else []
        run = run_suite(url, tmp_path, capsys, *extra, "-k", "401", modules=("test_claims_auth_errors.py",), env=env)
    assert url.startswith("https://")
    if how == "untrusted":
        assert run.report["status"] == "fail" and "CERTIFICATE_VERIFY_FAILED" in run.output
    else:
        assert run.code == 0 and run.report["status"] == "pass", run.output[-2000:]


class PassportsDown(Middleware):
    """Creating a passport always fails with 500: the auth matrix cannot make the passport it needs."""

    def handle(self, request: Request, body: bytes) -> Response:
        if request.method == "POST" and request.path == "/v1/passports":
            return flat_error(500, "internal_error", "Down.")
        return self.forward(request, body)


def test_a_failed_setup_names_the_claims_it_left_unchecked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, stop = serve_in_thread(PassportsDown(create_app({})))
    try:
        run = run_suite(url + "/v1", tmp_path, capsys, modules=("test_claims_auth_matrix.py",))
    finally:
        stop()
    errored = [c for c in run.checks if c["outcome"] == "error"]
    assert errored and all(c["reason"].startswith("setup failed: ") for c in errored), errored
    assert "C16 could not be checked: setup failed" in run.output
    assert run.report["status"] == "fail" and "could not run: setup failed" in run.report["verdict"]
    assert run.report["transient_5xx"] > 0  # the 500s were sent again before the setup gave up


def test_transient_5xx_are_sent_again_counted_and_not_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_reference(Switches(shed_load=True, seed=3), tmp_path) as (url, args):
        run = run_suite(
            url, tmp_path, capsys, "--documented-only", *args, modules=("test_schema.py", "test_claims_keys.py")
        )
    assert run.code == 0, run.failed()
    assert run.report["transient_5xx"] > 0
    assert run.report["target_unstable"] == f"target unstable: {run.report['transient_5xx']} transient 5xx"


@pytest.mark.parametrize("name", ["revoke-ignored", "revoked-key-gets-403", "revoked-key-works-on-one-operation"])
def test_a_broken_revocation_costs_one_window_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    breakage = next(b for b in BREAKAGES if b.name == name)
    url, stop = serve_in_thread(breakage.make())
    modules = ("test_claims_auth_matrix.py", "test_claims_revocation.py", "test_lifecycle_model.py")
    try:
        run = run_suite(url + "/v1", tmp_path, capsys, "--revocation-window", "2", "--documented-only", modules=modules)
    finally:
        stop()
    revocation: dict[str, Any] = run.report["revocation"]
    failures = [(c["nodeid"], c["reason"]) for c in run.checks if c["outcome"] in ("failed", "error")]
    assert "C16" in run.failing_claims() and not revocation["holds"], (revocation, failures)
    assert revocation["waited_s"] < 2 * 2, f"more than one window spent waiting: {revocation}"
