"""The claims report: the verdict, what was not checked and why, per-claim counts; markdown or JSON."""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any

from .claims import CLAIMS, NOT_CHECKED
from .context import Run
from .coverage import CAUGHT
from .divergence import markdown
from .verdict import NO_CHECK, checks_text, claim_ranges, headline, not_run, status


def suite_version() -> str:
    try:
        return metadata.version("eulabel-mock")
    except metadata.PackageNotFoundError:  # a checkout on sys.path without an install
        return "unknown"


def _summary(run: Run) -> dict[str, Any]:
    outcomes = list(run.outcomes.values())
    assumptions = [o for o in outcomes if o.assumption]
    api = run.api
    transient = api.transient if api is not None else 0
    return {
        "status": status(run),
        "verdict": headline(run),
        "run_id": run.run_id,
        "started": run.started.isoformat().replace("+00:00", "Z"),
        "target": run.target.root if run.target is not None and run.target.foreign else "in-process mock",
        "suite_version": suite_version(),
        "options": run.options.as_dict(),
        "error_shapes": dict(api.shapes) if api is not None else {},
        "requests_sent": api.sent if api is not None else 0,
        "transient_5xx": transient,
        "target_unstable": f"target unstable: {transient} transient 5xx" if transient else None,
        "revocation": run.revocation.as_dict(),
        "secrets_reshown": len(api.leaks) if api is not None else 0,
        "not_run": [{"claims": c, "checks": n, "reason": r} for r, c, n in not_run(run)],
        "not_checkable": dict(NOT_CHECKED),
        "differs": [
            {"nodeid": o.nodeid, "claims": o.claims, "reason": o.reason}
            for o in outcomes
            if o.outcome == "differs" and not o.assumption
        ],
        "assumptions": {
            k: sum(1 for o in assumptions if o.outcome == k) for k in ("passed", "failed", "differs", "skipped")
        },
        "differences_from_the_mock": run.differences_seen,
    }


def _per_claim(run: Run) -> dict[str, dict[str, Any]]:
    outcomes = list(run.outcomes.values())
    left_out = {c: why for claims, why in run.deselected.values() for c in claims}
    table: dict[str, dict[str, Any]] = {}
    for claim, text in CLAIMS.items():
        tests = [o for o in outcomes if claim in o.claims and not o.assumption]
        counts = {
            k: sum(1 for o in tests if o.outcome == k) for k in ("passed", "failed", "differs", "skipped", "error")
        }
        if not tests:
            note = NOT_CHECKED.get(claim, left_out.get(claim, NO_CHECK))
        else:
            notes = [f"{o.nodeid.split('::')[-1]}: {o.reason}" for o in tests if o.outcome != "passed" and o.reason]
            note = "; ".join(notes[:3])
        table[claim] = {
            "what": text,
            "checked": counts["passed"] + counts["failed"] + counts["differs"],
            **counts,
            "notes": note,
            "caught_breakages": list(CAUGHT.get(claim, ())),
        }
    return table


def render_json(run: Run) -> str:
    outcomes = list(run.outcomes.values())
    data = {
        **_summary(run),
        "claims": _per_claim(run),
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
        f"- Status: **{s['status']}**",
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
        f"- Revocation (C16): {_revocation(s['revocation'])}",
    ]
    if s["target_unstable"]:
        lines.append(
            f"- {s['target_unstable']} (sent again as the docs tell clients to, C36; only what stayed wrong failed)"
        )
    if s["not_run"]:
        lines += ["", "## Claims not checked, and checks not run", ""]
        lines += [
            f"- {claim_ranges(g['claims']) or '(claims checked by other checks)'}: {g['reason']}"
            + (f" ({checks_text(g['checks'])})" if g["checks"] else "")
            for g in s["not_run"]
        ]
    if s["differs"]:
        lines += ["", "## Where the target takes another reading the docs allow", ""]
        lines += [f"- `{d['nodeid'].split('::')[-1]}` ({', '.join(d['claims'])}): {d['reason']}" for d in s["differs"]]
    lines += markdown(run.differences_seen)
    lines += [
        "",
        "## Documented claims",
        "",
        "Coverage: the broken servers of the suite's self-test that its checks of the claim catch.",
        "",
        "| claim | what | checked | passed | failed | differs | skipped | coverage | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for claim, row in _per_claim(run).items():
        covered = ", ".join(row["caught_breakages"]) or ("not checkable" if claim in NOT_CHECKED else "none")
        lines.append(
            f"| {claim} | {row['what']} | {row['checked']} | {row['passed']} | {row['failed']} | {row['differs']} | "
            f"{row['skipped'] + row['error']} | {covered} | {row['notes']} |"
        )
    lines += [
        "",
        "## Assumption checks (our spec's choices where the docs are silent)",
        "",
        "| check | outcome | notes |",
        "|---|---|---|",
    ]
    lines += [f"| {o.nodeid.split('::')[-1]} | {o.outcome} | {o.reason} |" for o in outcomes if o.assumption]
    failed = [o for o in outcomes if o.outcome in ("failed", "error")]
    if failed:
        lines += ["", "## Failures", ""]
        lines += [f"- `{o.nodeid}` ({', '.join(o.claims) or 'assumption'}): {o.reason}" for o in failed]
    return "\n".join(lines) + "\n"


def _revocation(r: dict[str, Any]) -> str:
    if not r["holds"]:
        return f"does not hold within {r['window_s']:g}s: {r['broken']}"
    if r["first_delay_s"] is None:
        return "not observed in this run"
    return (
        f"holds; first key took {r['first_delay_s']:g}s (window {r['window_s']:g}s), {r['waited_s']:g}s spent waiting"
    )


def render(run: Run, path: str) -> str:
    return render_json(run) if path.lower().endswith(".json") else render_markdown(run)
