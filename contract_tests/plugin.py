"""pytest wiring: options, markers, target selection, claim bookkeeping, the claims report, secret scrubbing.

Registered through the ``pytest11`` entry point ``contract_tests.plugin``, so an installed package runs with
``pytest --pyargs contract_tests --base-url URL`` and no project configuration; ``-p contract_tests.plugin``
names the same plugin and is not registered twice. The run's state lives on ``config.stash`` (``context.RUN``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import claims as claim_index
from .claims import MARKERS
from .context import RUN, Options, Run, run_of
from .differential import lockstep, oracle, refuse_read_only  # noqa: F401  (fixtures by name)
from .differs import Differs
from .fixtures import api, api_key, make_key, revocation, session, session2, target  # noqa: F401  (by name)
from .options import add_options
from .recorder import DIFFERENCES, Recorder, reason_of
from .redact import redact

PACKAGE_DIR = Path(__file__).resolve().parent
READ_ONLY = "read-only run (creates, changes and revokes nothing)"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def in_contract_suite(item: pytest.Item) -> bool:
    return PACKAGE_DIR in Path(str(item.path)).resolve().parents


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    run = Run(Options.from_config(config))
    config.stash[RUN] = run
    refuse_read_only(run)
    config.pluginmanager.register(Recorder(run, config), f"contract_tests.recorder-{id(config)}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    options = run_of(config).options
    kept, dropped = [], []
    for item in items:
        if not in_contract_suite(item):
            kept.append(item)
            continue
        if item.get_closest_marker("differential") is not None and not options.differential:
            continue  # not part of an ordinary run, so not counted as left out either
        claims = [m.args[0] for m in item.iter_markers("claim")]
        if not claims and item.get_closest_marker("assumption") is None:
            raise pytest.UsageError(f"{item.nodeid}: a contract check must cite a claim or be marked assumption")
        unknown = [c for c in claims if c not in claim_index.CLAIMS]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown claim id(s) {unknown}")
        if options.documented_only and item.get_closest_marker("assumption") is not None:
            dropped.append(item)
        elif options.read_only and item.get_closest_marker("destructive") is not None:
            dropped.append(item)
            run_of(config).deselected[item.nodeid] = (claims, READ_ONLY)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Checks left out by -k or -m: their claims are named as not checked, with that reason."""
    for item in items:
        if not in_contract_suite(item):
            continue
        claims = [m.args[0] for m in item.iter_markers("claim")]
        run = run_of(item.config)
        why = READ_ONLY if run.options.read_only and item.get_closest_marker("destructive") else "deselected (-k or -m)"
        run.deselected.setdefault(item.nodeid, (claims, why))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if in_contract_suite(item) and item.get_closest_marker("mock_only") and item.config.getoption("--base-url"):
        why = run_of(item.config).mock_plane_missing()
        if why:
            pytest.skip(why)


# --- secrets never leave the run: scrub every report before pytest renders or writes it -----------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    scrub(report)
    if in_contract_suite(item):
        for claim in _claims_of(item, report):
            report.user_properties.append(("claim", claim))
        if item.get_closest_marker("differential") is not None and report.when == "call":
            summary = json.dumps(run_of(item.config).differences.as_dict())
            report.user_properties.append((DIFFERENCES, summary))
        if call.excinfo is not None and call.excinfo.errisinstance(Differs):
            _mark_differs(report, redact(str(call.excinfo.value)))
        elif item.get_closest_marker("assumption") is not None:
            _report_difference(item, report)
        if item.get_closest_marker("assumption") is not None:
            report.user_properties.append(("assumption", "true"))
        if report.when == "setup" and report.failed:
            _name_the_claims(item, report)


def _claims_of(item: pytest.Item, report: pytest.TestReport) -> list[str]:
    """The claims a check cites; a failed differential check names only the claim its divergence touches."""
    claims = [m.args[0] for m in item.iter_markers("claim")]
    first = run_of(item.config).differences.first
    if item.get_closest_marker("differential") is not None and report.failed and first is not None and first.claim:
        return [first.claim]
    return claims


def _report_difference(item: pytest.Item, report: pytest.TestReport) -> None:
    """On another server, a failed assumption (and nothing documented) is a difference, not a failure.

    The mock must meet its own spec, so against it (and with --strict-assumptions) it still fails.
    """
    run = run_of(item.config)
    options = run.options
    if (
        report.when != "call"
        or not report.failed
        or not options.foreign
        or options.strict_assumptions
        or run.mock_plane_missing() is None  # a served mock still meets its own spec
        or item.get_closest_marker("claim") is not None
    ):
        return
    _mark_differs(report, "differs from an assumption of this project's spec (the docs are silent)")


def _mark_differs(report: pytest.TestReport, reason: str) -> None:
    report.outcome = "skipped"
    report.wasxfail = reason  # type: ignore[attr-defined]
    report.user_properties.append(("differs", "true"))


def _name_the_claims(item: pytest.Item, report: pytest.TestReport) -> None:
    """A setup failure says which claims it left unchecked, in the console as in the claims report."""
    claims = [m.args[0] for m in item.iter_markers("claim")] or ["an assumption"]
    why = reason_of(report) or "its setup failed"
    report.user_properties.append(("setup_failed", why))
    report.sections.append(("could not check", f"{', '.join(claims)}: setup failed: {why}"))
    if isinstance(report.longrepr, str) or report.longrepr is None:
        return
    text = f"{', '.join(claims)} could not be checked: setup failed: {why}\n\n{report.longreprtext}"
    report.longrepr = redact(text)


def scrub(report: pytest.TestReport | pytest.CollectReport) -> None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        report.longrepr = (longrepr[0], longrepr[1], redact(str(longrepr[2])))
    elif longrepr is not None:
        text = str(longrepr)
        clean = redact(text)
        if clean != text:
            report.longrepr = clean
    report.sections = [(title, redact(content)) for title, content in report.sections]


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome: Any = yield
    scrub(outcome.get_result())
