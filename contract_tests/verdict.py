"""The verdict of a run: ``pass`` or ``fail``, and one line that names every documented claim no check ran for.

A claim counts as checked when at least one of its checks ran (passed, failed, or met a reading the docs also
allow: ``differs``). Every other checkable claim is named with the reason its checks did not run: skipped
(the skip says what is missing), left out (``--read-only``, ``-k``, ``-m``), its setup failed, or no check
of it was selected at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from .claims import CLAIMS, NOT_CHECKED
from .context import Outcome, Run

RAN = ("passed", "failed", "differs")
NO_CHECK = "no check selected in this run"


def claim_ranges(claims: Iterable[str]) -> str:
    """``C32, C33, C34, C35, C38`` -> ``C32–C35, C38``."""
    numbers = sorted({int(c[1:]) for c in claims})
    parts: list[str] = []
    start = prev = None
    for n in [*numbers, None]:
        if n is not None and prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(f"C{start}" if start == prev else f"C{start}–C{prev}")
        start = prev = n
    return ", ".join(parts)


def documented(run: Run) -> list[Outcome]:
    return [o for o in run.outcomes.values() if o.claims and not o.assumption]


def _not_runchecks_text(run: Run) -> list[tuple[list[str], str]]:
    """(claims, reason) of every documented check that did not run: skipped, errored or left out."""
    out = [(o.claims, o.reason or o.outcome) for o in documented(run) if o.outcome not in RAN]
    out += [(claims, why) for nodeid, (claims, why) in run.deselected.items() if claims and nodeid not in run.outcomes]
    return out


def not_run(run: Run) -> list[tuple[str, list[str], int]]:
    """Grouped by reason: (reason, the claims no check ran for, how many checks did not run)."""
    ran = {c for o in documented(run) if o.outcome in RAN for c in o.claims}
    groups: dict[str, tuple[list[str], int]] = {}
    named: set[str] = set()
    for claims, reason in _not_runchecks_text(run):
        fresh = [c for c in claims if c not in ran and c not in named]
        named |= set(fresh)
        known, count = groups.get(reason, ([], 0))
        groups[reason] = (known + fresh, count + 1)
    missing = [c for c in CLAIMS if c not in ran and c not in named and c not in NOT_CHECKED]
    if missing:
        groups[NO_CHECK] = (missing, 0)
    rows = [(r, sorted(c, key=lambda x: int(x[1:])), n) for r, (c, n) in groups.items()]
    return sorted(rows, key=lambda g: int(g[1][0][1:]) if g[1] else 999)


def unchecked_claims(run: Run) -> list[str]:
    return [c for _, claims, _ in not_run(run) for c in claims]


def status(run: Run) -> str:
    checks = documented(run)
    bad = [o for o in checks if o.outcome in ("failed", "error")]
    return "fail" if bad or not any(o.outcome in RAN for o in checks) else "pass"


def headline(run: Run) -> str:
    checks = documented(run)
    failed = [o for o in checks if o.outcome == "failed"]
    errors = [o for o in checks if o.outcome == "error"]
    ran = [o for o in checks if o.outcome in RAN]
    differ = [o for o in checks if o.outcome == "differs"]
    missing = unchecked_claims(run)
    checkable = len(CLAIMS) - len(NOT_CHECKED)
    reasons = "; ".join(f"{claim_ranges(claims)}: {reason}" for reason, claims, _ in not_run(run) if claims)
    gaps = f"{len(missing)} of {checkable} checkable claims not checked ({reasons})" if missing else ""
    differs = f", {checks_text(len(differ))} met another documented reading ({claim_ranges(_claims(differ))})"
    differs = differs if differ else ""
    if failed or errors:
        parts = [f"{len(failed)} of {checks_text(len(ran) + len(errors))} failed ({claim_ranges(_claims(failed))})"]
        if errors:
            parts.append(f"{len(errors)} could not run: setup failed ({claim_ranges(_claims(errors))})")
        return "FAIL (" + "; ".join(parts + ([gaps] if gaps else [])) + ")"
    if not ran:
        return f"NOT CHECKED (no documented check ran; {gaps})" if gaps else "NOT CHECKED (no documented check ran)"
    passed = f"{checks_text(len(ran) - len(differ))} passed{differs}"
    return f"PASS with {gaps}; {passed}" if gaps else f"PASS ({passed})"


def _claims(outcomes: list[Outcome]) -> list[str]:
    return sorted({c for o in outcomes for c in o.claims}, key=lambda x: int(x[1:]))


def checks_text(n: int) -> str:
    return f"{n} check" if n == 1 else f"{n} checks"
