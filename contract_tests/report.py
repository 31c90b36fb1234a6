"""The claims report: a headline that names what was not checked, per-claim counts, markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from .claims import CLAIMS, NOT_CHECKED
from .context import Outcome, Run
from .coverage import CAUGHT


def suite_version() -> str:
    try:
        return metadata.version("eulabel-mock")
    except metadata.PackageNotFoundError:  # a checkout on sys.path without an install
        return "unknown"


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


def not_run(outcomes: list[Outcome]) -> list[tuple[str, list[str], int]]:
    """Documented checks that were skipped, grouped by reason: (reason, claims, how many checks)."""
    groups: dict[str, tuple[set[str], int]] = {}
    for o in outcomes:
        if o.assumption or o.outcome != "skipped":
            continue
        claims, count = groups.get(o.reason, (set(), 0))
        groups[o.reason] = (claims | set(o.claims), count + 1)
    return sorted(
        ((r, sorted(c, key=lambda x: int(x[1:])), n) for r, (c, n) in groups.items()),
        key=lambda g: int(g[1][0][1:]) if g[1] else 0,
    )


def headline(outcomes: list[Outcome]) -> str:
    documented = [o for o in outcomes if o.claims and not o.assumption]
    failed = [o for o in documented if o.outcome == "failed"]
    ran = [o for o in documented if o.outcome in ("passed", "failed")]
    skipped = not_run(outcomes)
    if failed:
        verdict = f"FAIL ({len(failed)} of {_checks(len(ran))} failed"
        return verdict + (f"; {_checks(sum(n for _, _, n in skipped))} not run)" if skipped else ")")
    if not ran:
        return "NOT CHECKED (no documented check ran)"
    if not skipped:
        return f"PASS ({_checks(len(ran))})"
    total = sum(n for _, _, n in skipped)
    reasons = "; ".join(f"{claim_ranges(claims)}: {reason}" for reason, claims, _ in skipped)
    return f"PASS with {_checks(total)} not run ({reasons}); {_checks(len(ran))} passed"


def _checks(n: int) -> str:
    return f"{n} check" if n == 1 else f"{n} checks"


def _summary(run: Run) -> dict[str, Any]:
    outcomes = list(run.outcomes.values())
    assumptions = [o for o in outcomes if o.assumption]
    api = run.api
    return {
        "run_id": run.run_id,
        "started": run.started.isoformat().replace("+00:00", "Z"),
        "target": run.target.root if run.target is not None and run.target.foreign else "in-process mock",
        "suite_version": suite_version(),
        "options": run.options.as_dict(),
        "verdict": headline(outcomes),
        "error_shapes": dict(api.shapes) if api is not None else {},
        "requests_sent": api.sent if api is not None else 0,
        "secrets_reshown": len(api.leaks) if api is not None else 0,
        "not_run": [{"claims": c, "checks": n, "reason": r} for r, c, n in not_run(outcomes)],
        "assumptions": {
            k: sum(1 for o in assumptions if o.outcome == k) for k in ("passed", "failed", "differs", "skipped")
        },
    }


def _per_claim(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for claim, text in CLAIMS.items():
        tests = [o for o in outcomes if claim in o.claims and not o.assumption]
        counts = {k: sum(1 for o in tests if o.outcome == k) for k in ("passed", "failed", "skipped")}
        if not tests:
            note = NOT_CHECKED.get(claim, "no check selected in this run")
        else:
            notes = [f"{o.nodeid.split('::')[-1]}: {o.reason}" for o in tests if o.outcome != "passed" and o.reason]
            note = "; ".join(notes[:3])
        table[claim] = {
            "what": text,
            "checked": counts["passed"] + counts["failed"],
            **counts,
            "notes": note,
            "caught_breakages": list(CAUGHT.get(claim, ())),
        }
    return table


def render_json(run: Run) -> str:
    outcomes = list(run.outcomes.values())
    data = {
        **_summary(run),
        "claims": _per_claim(outcomes),
        "checks": [
            {
                "nodeid": o.nodeid,
                "claims": o.claims,
                "assumption": o.assumption,
                "outcome": o.outcome,
                "reason": o.reason,
            }
            for o in outcomes
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_markdown(run: Run) -> str:
    outcomes = list(run.outcomes.values())
    s = _summary(run)
    known = {k: v for k, v in s["error_shapes"].items() if k != "unknown"}
    a = s["assumptions"]
    asm = "FAIL" if a["failed"] else "DIFFERS" if a["differs"] else "PASS"
    options = ", ".join(f"{k}={v}" for k, v in s["options"].items() if v not in (None, False, 0))
    lines = [
        "# Contract claims report",
        "",
        f"- Documented claims verdict: **{s['verdict']}**",
        f"- Run id: `{s['run_id']}` (the name prefix of everything this run created)",
        f"- Started: {s['started']}",
        f"- Target: {s['target']}",
        f"- Suite version: {s['suite_version']}",
        f"- Options: {options or 'defaults'}",
        f"- Detected error shape: **{' and '.join(sorted(known)) if known else 'none observed'}** "
        f"(responses: {s['error_shapes'] or 'none'})",
        f"- Assumption checks verdict: **{asm}** ({sum(a.values())} checks, {a['failed']} failed, "
        f"{a['differs']} differ; these test our spec's choices, not the docs: on another server a difference "
        "is reported, not failed)",
        f"- Requests sent by claim and model checks: {s['requests_sent']}; secrets re-shown: {s['secrets_reshown']}",
    ]
    if s["not_run"]:
        lines += ["", "## Checks not run", ""]
        lines += [f"- {claim_ranges(g['claims'])}: {_checks(g['checks'])}, {g['reason']}" for g in s["not_run"]]
    lines += [
        "",
        "## Documented claims",
        "",
        "Coverage: the broken servers of the suite's self-test that its checks of the claim catch.",
        "",
        "| claim | what | checked | passed | failed | skipped | coverage | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for claim, row in _per_claim(outcomes).items():
        covered = ", ".join(row["caught_breakages"]) or ("not checkable" if claim in NOT_CHECKED else "none")
        lines.append(
            f"| {claim} | {row['what']} | {row['checked']} | {row['passed']} | {row['failed']} | "
            f"{row['skipped']} | {covered} | {row['notes']} |"
        )
    lines += [
        "",
        "## Assumption checks (our spec's choices where the docs are silent)",
        "",
        "| check | outcome | notes |",
        "|---|---|---|",
    ]
    lines += [f"| {o.nodeid.split('::')[-1]} | {o.outcome} | {o.reason} |" for o in outcomes if o.assumption]
    failed = [o for o in outcomes if o.outcome == "failed"]
    if failed:
        lines += ["", "## Failures", ""]
        lines += [f"- `{o.nodeid}` ({', '.join(o.claims) or 'assumption'}): {o.reason}" for o in failed]
    return "\n".join(lines) + "\n"


def render(run: Run, path: str) -> str:
    return render_json(run) if path.lower().endswith(".json") else render_markdown(run)
