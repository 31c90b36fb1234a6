"""What a client did with its keys' lifecycle against the docs: revoked keys still used (C16) and
rotations with a gap (C19), read from journal entries and the key store's facts."""

from __future__ import annotations

from typing import Any

from .client_checks import Facts, OrgKeys, by_key, epoch, finding, plural


def used_after_revocation(entries: list[dict[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """C16: calls with a key refused because it was revoked: someone still holds it."""
    out = []
    for key_id, calls in by_key(entries).items():
        shown = [e for e in calls if (e["reason"] or {}).get("code") == "key_revoked"]
        if key_id and shown:
            span = epoch(shown[-1]) - epoch(shown[0])
            message = f"{plural(len(shown), 'call')} after the key's revocation took effect, over {span:g} s."
            out.append(
                finding(
                    "C16",
                    "used_after_revocation",
                    key_id,
                    facts,
                    shown,
                    message,
                    firstCall=shown[0]["time"],
                    lastCall=shown[-1]["time"],
                    spanSeconds=span,
                )
            )
    return out


def rotation_gaps(entries: list[dict[str, Any]], facts: Facts, org_keys: OrgKeys) -> list[dict[str, Any]]:
    """C19: a revoked key that was in use, whose successor (a newer key of its organisation with at
    least its scopes) was first used only after the revocation: calls had no working key between."""
    calls = by_key(entries)
    out = []
    for key_id, own in calls.items():
        old = facts(key_id) if key_id else None
        if old is None or old.revoked_at is None or not any(e["status"] < 400 for e in own):
            continue
        successors = [
            calls[k.id][0]
            for k in org_keys(old.org_id)
            if k.id != old.id and k.created_at >= old.created_at and old.scopes <= k.scopes and k.id in calls
        ]
        if not successors:
            continue
        first = min(successors, key=epoch)
        gap = epoch(first) - old.revoked_at
        if gap > 0:
            last_good = [e for e in own if e["status"] < 400][-1]
            new = facts(first["keyId"])
            message = f"The new key was first used {gap:g} s after the old one was revoked."
            out.append(
                finding(
                    "C19",
                    "rotation_gap",
                    key_id,
                    facts,
                    [last_good, first],
                    message,
                    newKeyId=first["keyId"],
                    newPrefix=new.prefix if new else None,
                    gapSeconds=gap,
                )
            )
    return out
