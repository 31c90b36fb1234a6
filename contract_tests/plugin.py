"""pytest wiring: options, target selection, claim bookkeeping, the claims report and secret scrubbing."""

from __future__ import annotations

import atexit
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import claims as claim_index
from .client import Api
from .redact import redact
from .target import CURRENT, Target, credentials_from_env, normalise_base_url, serve_in_thread

PACKAGE_DIR = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "EUlabel contract suite")
    group.addoption(
        "--base-url",
        default=None,
        help="run against this deployment (with or without /v1); default: the in-process mock",
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
    group.addoption("--claims-report", default=None, metavar="PATH", help="write a markdown claims report")
    group.addoption(
        "--rate-limit-burst",
        type=int,
        default=0,
        metavar="N",
        help="against --base-url: send up to N requests with one key to reach a 429 (C32-C35); "
        "0 (default) skips those checks",
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
    CURRENT["options"] = {
        "foreign": bool(config.getoption("--base-url")),
        "documented_only": bool(config.getoption("--documented-only")),
    }
    config.stash[_RESULTS] = Results()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
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
        if config.getoption("--documented-only") and item.get_closest_marker("assumption") is not None:
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
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
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
    config = item.config
    if (
        report.when != "call"
        or not report.failed
        or not config.getoption("--base-url")
        or config.getoption("--strict-assumptions")
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
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    scrub(outcome.get_result())


# --- the claims report ----------------------------------------------------------------------------
@dataclass
class Outcome:
    nodeid: str
    claims: list[str]
    assumption: bool
    outcome: str = "passed"
    reason: str = ""


@dataclass
class Results:
    tests: dict[str, Outcome] = field(default_factory=dict)


_RESULTS = pytest.StashKey[Results]()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    props = dict(report.user_properties)
    claims = [str(v) for k, v in report.user_properties if k == "claim"]
    if not claims and "assumption" not in props:
        return
    results = CURRENT.get("config_results")
    if results is None:
        return
    entry = results.tests.setdefault(report.nodeid, Outcome(report.nodeid, claims, "assumption" in props))
    if "differs" in props:
        entry.outcome, entry.reason = "differs", _reason(report)
    elif report.when == "call" or report.outcome == "skipped":
        entry.outcome, entry.reason = report.outcome, _reason(report)
    elif report.outcome == "failed":  # an error in setup or teardown
        entry.outcome, entry.reason = "failed", _reason(report)


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


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    CURRENT["config_results"] = session.config.stash[_RESULTS]


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--claims-report", None)
    if path:
        api: Api | None = CURRENT.get("api")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(
            claim_index.render_report(session.config.stash[_RESULTS].tests.values(), api, CURRENT.get("target")),
            encoding="utf-8",
        )


# The ``make_key`` fixture: ``make_key(scopes, label=..., on=session)`` -> the created key.
MakeKey = Callable[..., Any]


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    config = request.config
    common: dict[str, Any] = {
        "revocation_window": config.getoption("--revocation-window"),
        "rate_limit_burst": config.getoption("--rate-limit-burst"),
    }
    base_url = config.getoption("--base-url")
    if base_url:
        credentials: dict[str, Any] = credentials_from_env()
        tgt = Target(root=normalise_base_url(base_url), foreign=True, **credentials, **common)
        yield from _serve_target(request, tgt)
        return
    from mock_server import create_app

    app = create_app({"CONTROL_PLANE": True})
    url, stop = serve_in_thread(app)
    tgt = Target(root=url, foreign=False, app=app, **common)
    minted = [Api(tgt).request("POST", "/_mock/sessions", json={}) for _ in range(2)]
    tgt.session, tgt.session2 = (r.json()["session"] for r in minted)
    try:
        yield from _serve_target(request, tgt)
    finally:
        stop()


def _serve_target(request: pytest.FixtureRequest, tgt: Target) -> Iterator[Target]:
    from hypothesis import settings

    budget = request.config.getoption("--max-requests") or 3000 + 300 * settings().max_examples
    api = Api(tgt, max_requests=budget)
    CURRENT.update(target=tgt, api=api)
    atexit.register(api.cleanup)  # also after an interrupt that skips fixture teardown
    try:
        yield tgt
    finally:
        api.cleanup()


@pytest.fixture(scope="session")
def api(target: Target) -> Api:
    return CURRENT["api"]  # type: ignore[no-any-return]


@pytest.fixture
def session(target: Target) -> str:
    if not target.session:
        pytest.skip("set EULABEL_SESSION (an eulabel_session cookie value) to check the key lifecycle")
    return target.session


@pytest.fixture
def session2(target: Target) -> str:
    if not target.session2:
        pytest.skip("set EULABEL_SESSION_2 (a session of a second organisation) to check isolation")
    return target.session2


@pytest.fixture
def api_key(target: Target) -> str:
    if not target.api_key:
        pytest.skip("set EULABEL_API_KEY to run read-only checks with an existing key")
    return target.api_key


@pytest.fixture
def make_key(api: Api, session: str) -> MakeKey:
    """Create a key in the first organisation (or ``on=`` another session); fails if it is unusable."""

    def make(scopes: list[str] | None = None, label: str = "key", on: str | None = None) -> Any:
        from .client import describe_created

        created = api.create_key(on or session, scopes, label)
        assert 200 <= created.status < 300, f"creating a key failed: {describe_created(created)}"
        assert created.secret, "the create response holds no sk_test_/sk_live_ string (C3, C12)"
        assert created.id, f"no key id found in the create response: {describe_created(created)}"
        return created

    return make
