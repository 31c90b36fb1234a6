"""pytest wiring: options, markers, target selection, claim bookkeeping, the claims report, secret scrubbing.

Registered through the ``pytest11`` entry point ``contract_tests.plugin``, so an installed package runs with
``pytest --pyargs contract_tests --base-url URL`` and no project configuration; ``-p contract_tests.plugin``
names the same plugin and is not registered twice. The run's state lives on ``config.stash`` (``context.RUN``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import claims as claim_index
from .context import RUN, Options, Outcome, Run, run_of
from .fixtures import api, api_key, make_key, session, session2, target  # noqa: F401  (found by name)
from .redact import redact
from .report import render

PACKAGE_DIR = Path(__file__).resolve().parent
MARKERS = (
    "claim(id): the documented claim (C1..C54) a contract check verifies",
    "assumption: checks a choice of this project's spec where the docs are silent",
    "mock_only: needs the mock's control plane; skipped against other targets",
    "destructive: creates or revokes things on the target (deselected by --read-only)",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "EUlabel contract suite")
    group.addoption(
        "--base-url",
        default=None,
        help="run against this deployment (with or without /v1); default: the in-process mock",
    )
    group.addoption(
        "--read-only",
        action="store_true",
        default=False,
        help="send only GET and HEAD: create, change and revoke nothing (same as -m 'not destructive')",
    )
    group.addoption(
        "--revocation-window",
        type=float,
        default=10.0,
        help="seconds a revoked key may keep working before it must get 401 (C16; default 10)",
    )
    group.addoption(
        "--documented-only",
        action="store_true",
        default=False,
        help="run only checks of documented claims; deselect assumption checks",
    )
    group.addoption(
        "--strict-assumptions",
        action="store_true",
        default=False,
        help="against --base-url: fail the run when the target differs from an assumption of our "
        "spec (default: report it as 'differs'; the docs are silent there)",
    )
    group.addoption(
        "--claims-report",
        default=None,
        metavar="PATH",
        help="write the claims report: JSON when PATH ends in .json, else markdown",
    )
    group.addoption(
        "--rate-limit-burst",
        type=int,
        default=0,
        metavar="N",
        help="against --base-url: send up to N requests with one key to reach a 429 (C32-C35); "
        "0 (default): derive N from X-RateLimit-Limit when it fits the request budget",
    )
    group.addoption(
        "--max-requests",
        type=int,
        default=None,
        help="upper bound on requests the claim and model checks send "
        "(default 3000 + 300 per hypothesis example: 5400 with the default profile)",
    )


def in_contract_suite(item: pytest.Item) -> bool:
    return PACKAGE_DIR in Path(str(item.path)).resolve().parents


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    run = Run(Options.from_config(config))
    config.stash[RUN] = run
    config.pluginmanager.register(Recorder(run), f"contract_tests.recorder-{id(config)}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    options = run_of(config).options
    kept, dropped = [], []
    for item in items:
        if not in_contract_suite(item):
            kept.append(item)
            continue
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
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    if in_contract_suite(item) and item.get_closest_marker("mock_only") and item.config.getoption("--base-url"):
        pytest.skip("needs the mock's control plane (/_mock); the target is a --base-url deployment")


# --- secrets never leave the run: scrub every report before pytest renders or writes it -----------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    scrub(report)
    if in_contract_suite(item):
        for marker in item.iter_markers("claim"):
            report.user_properties.append(("claim", marker.args[0]))
        if item.get_closest_marker("assumption") is not None:
            report.user_properties.append(("assumption", "true"))
            _report_difference(item, report)


def _report_difference(item: pytest.Item, report: pytest.TestReport) -> None:
    """On another server, a failed assumption (and nothing documented) is a difference, not a failure.

    The mock must meet its own spec, so against it (and with --strict-assumptions) it still fails.
    """
    options = run_of(item.config).options
    if (
        report.when != "call"
        or not report.failed
        or not options.foreign
        or options.strict_assumptions
        or item.get_closest_marker("claim") is not None
    ):
        return
    report.outcome = "skipped"
    report.wasxfail = "differs from an assumption of this project's spec (the docs are silent)"  # type: ignore[attr-defined]
    report.user_properties.append(("differs", "true"))


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


# --- the claims report ----------------------------------------------------------------------------
class Recorder:
    """Collects the outcome of every contract check of one run; registered per config, so runs never mix."""

    def __init__(self, run: Run) -> None:
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        claims = [str(v) for k, v in report.user_properties if k == "claim"]
        if not claims and "assumption" not in props:
            return
        entry = self.run.outcomes.setdefault(report.nodeid, Outcome(report.nodeid, claims, "assumption" in props))
        if "differs" in props:
            entry.outcome, entry.reason = "differs", _reason(report)
        elif report.when == "call" or report.outcome == "skipped":
            entry.outcome, entry.reason = report.outcome, _reason(report)
        elif report.outcome == "failed":  # an error in setup or teardown
            entry.outcome, entry.reason = "failed", _reason(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:  # noqa: F811  (the hook's name)
        for finalize in reversed(self.run.finalizers):
            finalize()
        self.run.finalizers.clear()
        path = self.run.options.claims_report
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(render(self.run, path), encoding="utf-8")


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2]).removeprefix("Skipped: ")
    elif report.outcome == "failed" or hasattr(report, "wasxfail"):
        text = getattr(report, "longreprtext", "") or str(longrepr)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("E ")]
        text = lines[0][2:].strip() if lines else text.strip().splitlines()[-1] if text.strip() else ""
    else:
        text = ""
    return redact(text.replace("|", "\\|"))[:200]
