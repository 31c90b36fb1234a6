"""Collects the outcome of every contract check of one run, writes the claims report, and ends the console
output with the verdict and the paths of the reports written (the last lines a QA engineer sees)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .context import Outcome, Run
from .redact import redact
from .report import render
from .verdict import headline, status

DIFFERENCES = "differences_from_the_mock"  # the property that carries a differential run's summary


class Recorder:
    """Registered per config, so two runs in one process never mix."""

    def __init__(self, run: Run, config: pytest.Config) -> None:
        self.run, self.config = run, config

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if DIFFERENCES in props:
            self._differences(json.loads(str(props[DIFFERENCES])))
        claims = [str(v) for k, v in report.user_properties if k == "claim"]
        if not claims and "assumption" not in props:
            return
        entry = self.run.outcomes.setdefault(report.nodeid, Outcome(report.nodeid, claims, "assumption" in props))
        if report.when == "call":  # a failed differential check names only the claim it diverged on
            entry.claims = claims
        if "differs" in props:
            entry.outcome, entry.reason = "differs", reason_of(report)
        elif "setup_failed" in props:
            entry.outcome, entry.reason = "error", f"setup failed: {props['setup_failed']}"
        elif report.when == "call" or report.outcome == "skipped":
            entry.outcome, entry.reason = report.outcome, reason_of(report)
        elif report.outcome == "failed" and entry.outcome != "failed":  # an error in teardown
            entry.outcome, entry.reason = "error", f"teardown failed: {reason_of(report)}"

    def _differences(self, found: dict[str, object]) -> None:
        """Kept from the check's report, so it reaches the claims report from a pytest-xdist worker too."""
        self.run.differences_seen = found
        replay = found.get("replay")
        if isinstance(replay, str) and replay not in self.run.written:
            self.run.written.append(replay)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for finalize in reversed(self.run.finalizers):
            finalize()
        self.run.finalizers.clear()
        path = self.run.options.claims_report
        if path and not hasattr(self.config, "workerinput"):  # pytest-xdist: the controller sees every outcome
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(render(self.run, path), encoding="utf-8")
            self.run.written.append(path)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if hasattr(config, "workerinput") or not self.run.outcomes:
            return
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        verdict = status(self.run)
        line = f"EUlabel contract verdict: {headline(self.run)}"
        reporter.write_line(line, green=verdict == "pass", red=verdict == "fail", bold=True)
        for path in [*self.run.written, *_junit(config)]:
            reporter.write_line(f"report written: {path}")


def _junit(config: pytest.Config) -> list[str]:
    path = getattr(config.option, "xmlpath", None)
    return [str(path)] if path else []


def reason_of(report: pytest.TestReport) -> str:
    """One line that says why a check did not pass: the skip reason, or the first ``E`` line of a failure."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2]).removeprefix("Skipped: ")
    elif report.outcome == "failed" or hasattr(report, "wasxfail"):
        text = getattr(report, "longreprtext", "") or str(longrepr)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("E ")]
        text = lines[0][2:].strip() if lines else text.strip().splitlines()[-1] if text.strip() else ""
        text = text.split("Differs: ", 1)[-1]
    else:
        text = ""
    return redact(text.replace("|", "\\|"))[:300]
