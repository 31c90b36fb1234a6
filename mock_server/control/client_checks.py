"""What a client did against what the docs ask of clients, read from journal entries, per key.

Each rule reads the entries as ``GET /_mock/journal`` serves them (oldest first) and gives findings:
the claim the docs make, the key (its id and listed prefix, never the secret), the ids of the
entries that show it, a message and a one-line fix. Facts about keys the journal does not hold
(organisation, scopes, when a key was revoked) come from ``KeyFacts``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SHOWN = 20  # entry ids a finding lists; ``count`` tells how many there were
NO_WAIT = 1.0  # seconds a 429 without Retry-After asks for: the least the header could say
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True, slots=True)
class KeyFacts:
    id: str
    prefix: str
    org_id: str
    scopes: frozenset[str]
    created_at: float
    revoked_at: float | None


Facts = Callable[[str], KeyFacts | None]  # a key by id, in any organisation
OrgKeys = Callable[[str], Iterable[KeyFacts]]  # an organisation's keys, revoked ones too

FIXES = {
    "C2": "Send the key only as 'Authorization: Bearer <key>', and rotate it: where it was sent, it may be logged.",
    "C16": "Stop using a key before revoking it: switch every deployment to its successor first.",
    "C19": "Rotate in the documented order: create the new key, switch to it, verify a call, then revoke the old one.",
    "C21": "Send request bodies as JSON with 'Content-Type: application/json'.",
    "C35": "After a 429, make no call with this key until Retry-After seconds have passed.",
    "C36": "Retry only 429 and 5xx; after another 4xx, change the request as the error says instead of resending it.",
}


PLACES = {
    "path": "the path",
    "query": "the query string",
    "body": "the body",
    "authorization": "the Authorization header without the Bearer scheme",
}


def epoch(entry: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(entry["time"]).replace("Z", "+00:00")).timestamp()


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def finding(
    claim: str, rule: str, key_id: str | None, facts: Facts, shown: list[dict[str, Any]], message: str, **extra: Any
) -> dict[str, Any]:
    known = facts(key_id) if key_id else None
    return {
        "claim": claim,
        "rule": rule,
        "keyId": key_id,
        "prefix": known.prefix if known else extra.pop("prefix", None),
        "entries": [e["id"] for e in shown[:SHOWN]],
        "count": len(shown),
        "message": message,
        "fix": FIXES[claim],
        **extra,
    }


def by_key(entries: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = {}
    for e in entries:
        out.setdefault(e["keyId"], []).append(e)
    return out


def _signature(e: dict[str, Any]) -> str:
    return json.dumps([e["method"], e["path"], e["query"], e["request"]["body"]], sort_keys=True, default=str)


def retried_client_errors(entries: list[dict[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """C36: the same request sent again after a 4xx other than 429, and answered the same.

    A successful write with the key in between changes what the request meets, so it ends the run.
    A revoked key's refusals are C16's finding, not this one's.
    """
    out: list[dict[str, Any]] = []
    for key_id, calls in by_key(entries).items():
        runs: dict[str, list[dict[str, Any]]] = {}
        for e in calls:
            sig, status = _signature(e), e["status"]
            run = runs.get(sig)
            if run and status == run[0]["status"]:
                run.append(e)
            elif 400 <= status < 500 and status != 429 and (e["reason"] or {}).get("code") != "key_revoked":
                runs[sig] = [e]
            if status < 300 and e["method"] in WRITES:
                _close(runs, key_id, facts, out)
        _close(runs, key_id, facts, out)
    return out


def _close(runs: dict[str, list[dict[str, Any]]], key_id: str | None, facts: Facts, out: list[dict[str, Any]]) -> None:
    for run in runs.values():
        if len(run) > 1:
            first = run[0]
            message = (
                f"{first['method']} {first['path']} answered {first['status']} was sent "
                f"{plural(len(run) - 1, 'more time')} unchanged."
            )
            out.append(finding("C36", "retried_client_error", key_id, facts, run, message))
    runs.clear()


def retry_after_ignored(entries: list[dict[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """C35: calls with a key sooner than the Retry-After of its last 429 allowed."""
    out: list[dict[str, Any]] = []
    for key_id, calls in by_key(entries).items():
        until, wait = 0.0, 0.0
        run: list[dict[str, Any]] = []
        for e in calls:
            at = epoch(e)
            if run and at >= until:
                _close_early(run, wait, key_id, facts, out)
                run = []
            if run:
                run.append(e)
            if e["status"] == 429:
                header = {k.lower(): v for k, v in e["response"]["headers"].items()}.get("retry-after", "")
                wait = float(header) if header.isdigit() else NO_WAIT
                until = max(until, at + wait)
                run = run or [e]
        _close_early(run, wait, key_id, facts, out)
    return out


def _close_early(run: list[dict[str, Any]], wait: float, key_id: str | None, facts: Facts, out: list[Any]) -> None:
    if len(run) > 1:
        message = f"{plural(len(run) - 1, 'call')} within the Retry-After of a 429 ({wait:g} s)."
        out.append(finding("C35", "retry_after_ignored", key_id, facts, run, message, retryAfter=wait))


def keys_outside_authorization(entries: list[dict[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """C2: a key sent anywhere but ``Authorization: Bearer``, per key and place."""
    groups: dict[tuple[str | None, str, str], list[dict[str, Any]]] = {}
    for e in entries:
        for seen in e.get("keyElsewhere") or ():
            groups.setdefault((seen["keyId"], seen["prefix"], seen["in"]), []).append(e)
    return [
        finding(
            "C2",
            "key_outside_authorization",
            key_id,
            facts,
            shown,
            f"A key was sent in {_place(where)} in {plural(len(shown), 'request')}.",
            prefix=prefix,
            sentIn=where,
        )
        for (key_id, prefix, where), shown in groups.items()
    ]


def _place(where: str) -> str:
    if where.startswith("header:"):
        return f"the header {where.removeprefix('header:')}"
    return PLACES.get(where, where)


def bodies_not_json(entries: list[dict[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """C21: a request body sent with another Content-Type, or none."""
    out = []
    for key_id, calls in by_key(entries).items():
        shown, types = [], set()
        for e in calls:
            if e["request"]["body"] is None:
                continue
            headers = {k.lower(): v for k, v in e["request"]["headers"].items()}
            mimetype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if mimetype != "application/json":
                shown.append(e)
                types.add(mimetype or "no Content-Type")
        if shown:
            message = f"{plural(len(shown), 'request body', 'request bodies')} sent as {', '.join(sorted(types))}."
            out.append(finding("C21", "body_not_json", key_id, facts, shown, message))
    return out
