"""The key steps of a differential run (create, use, list, revoke, another organisation's revoke, rotate),
each sent to both sides and read down to facts with the claim each touches.

A revoked key may keep working for ``--revocation-window`` seconds on the target: a use of it is polled
through the run's ``Revocation``, which waits one window at most per run (once revocation is seen not to
hold, every later poll looks once), so neither a sequence nor its shrinking waits a window per step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .client import KEYS
from .lockstep import Facts, KeyPlan, Lockstep, Side, World
from .redact import ENV_PREFIX
from .responses import dumps
from .shapes import iso_utc, matches, timestamps

Outcome = tuple[str | None, dict[str, Facts]]


def _status_class(code: int) -> str | int:
    return "2xx" if 200 <= code < 300 else code


def _made(side: Side, handle: str, org: int, scopes: list[str], name: str) -> Facts:
    created = side.api.create_key(side.sessions[org], scopes, label="diff", body={"name": name, "scopes": scopes})
    side.exchanges.append(f"POST {KEYS} -> {created.status} {dumps(created.body)}")
    ok = 200 <= created.status < 300 and bool(created.secret) and bool(created.id)
    side.keys[handle] = created if ok else None
    stamps = [value for _, value in timestamps(created.body)]
    return {
        "status": (created.status, "C30"),
        "timestamps in UTC": (all(iso_utc(v) for v in stamps), "C22"),
        "an sk_test_/sk_live_ key shown": (bool(created.secret and ENV_PREFIX.match(created.secret)), "C3"),
        "an id given": (bool(created.id), None),
    }


def create_key(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    org = step["org"]
    older = [h for h, k in ls.world.keys.items() if k.org == org and not k.revoked and not k.foreign_tried]
    handle = ls.world.handle("k", step)
    ls.world.keys[handle] = KeyPlan(org, list(step["scopes"]), ls.world.serial)
    name = ls.target.api.unique_name("diff")

    def run(side: Side) -> Facts:
        facts = _made(side, handle, org, step["scopes"], name)
        dead = [h for h in older if _refused(side, h)]
        return {**facts, "older keys of the organisation refused since": (dead, "C18")}

    return handle, ls.each(run)


def _refused(side: Side, handle: str) -> bool:
    created = side.keys.get(handle)
    if created is None or not created.secret:
        return False
    resp = side.api.use(created.secret)
    if resp.status_code == 401:
        side.note(resp)
    return resp.status_code == 401


def use_claim(world: World, handle: str, status: int | str | None = None) -> str:
    """The claim a use of this key touches, by what the steps did to it and its organisation, and by the
    answer: a 401 after another organisation's revoke is that organisation's doing (C4)."""
    plan = world.keys[handle]
    if plan.revoked >= 2:
        return "C17"
    if plan.revoked:
        return "C16"
    if plan.foreign_tried and status == 401:
        return "C4"
    if "products:read" not in plan.scopes:
        return "C10"
    if plan.sibling_revoked_after:
        return "C19"
    younger = [k for k in world.keys.values() if k.org == plan.org and k.seq > plan.seq and not k.revoked]
    return "C18" if younger else "C11"


def _use(side: Side, handle: str, world: World, poll: bool = True) -> int | str:
    created = side.keys.get(handle)
    if created is None or not created.secret:
        return "no such key on this side"
    secret = created.secret
    revoked = world.keys[handle].revoked and created.revoked_at is not None
    if poll and revoked and side.revocation is not None and created.revoked_at is not None:
        resp = side.revocation.revoked_key_status(
            lambda: side.api.use(secret), created.revoked_at, "GET /v1/products answers {status} to a revoked key"
        )
        side.note(resp)
    else:
        resp = side.send("GET", "/v1/products", key=secret)
    return resp.status_code


def use_key(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    handle = step["key"]

    def run(side: Side) -> Facts:
        status = _use(side, handle, ls.world)
        return {"status": (status, use_claim(ls.world, handle, status))}

    return None, ls.each(run)


def _active_claim(world: World, org: int) -> str:
    mine = [k for k in world.keys.values() if k.org == org and not k.revoked]
    if any(k.foreign_tried for k in mine):
        return "C4"
    if any(k.sibling_revoked_after for k in mine):
        return "C19"
    return "C18" if len(mine) > 1 else "C13"


def _listed(side: Side, org: int, world: World) -> Facts:
    session = side.sessions[org]
    gone = [c for h, c in side.keys.items() if c and c.revoked_at and world.keys[h].org == org]

    def shows_gone(result: Any) -> bool:
        items = result[1] or []
        return any(matches(i, c.id, None) for c in gone for i in items)

    if side.listing is not None and gone:
        since = max(c.revoked_at or 0.0 for c in gone)
        (resp, items), _ = side.listing.until(
            lambda: side.api.list_keys(session), lambda r: not shows_gone(r), since, "a revoked key is still listed"
        )
    else:
        resp, items = side.api.list_keys(session)
    side.note(resp)

    def found(want: Callable[[KeyPlan], bool]) -> list[str]:
        return sorted(
            h
            for h, c in side.keys.items()
            if c and want(world.keys[h]) and any(matches(i, c.id, None) for i in items or [])
        )

    revoked_listed = found(lambda k: k.org == org and bool(k.revoked))
    return {
        "status": (resp.status_code, "C13"),
        # listed because the revoke did nothing: revocation (C16), not the list, is what fails
        "revoked keys that still work": ([h for h in revoked_listed if _still_works(side, h)], "C16"),
        "active keys listed": (found(lambda k: k.org == org and not k.revoked), _active_claim(world, org)),
        "revoked keys listed": (revoked_listed, "C13"),
        "another organisation's keys listed": (found(lambda k: k.org != org), "C4"),
        "a full key in the list": (any(secret in resp.text for secret in side.api.secrets), "C14"),
    }


def _still_works(side: Side, handle: str) -> bool:
    created = side.keys.get(handle)
    return bool(created and created.secret and side.api.use(created.secret).status_code != 401)


def list_keys(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    return None, ls.each(lambda side: _listed(side, step["org"], ls.world))


def _revoke(side: Side, handle: str, session: str) -> int | str:
    created = side.keys.get(handle)
    if created is None:
        return "no such key on this side"
    resp = side.api.revoke(session, created)
    side.note(resp)
    return resp.status_code


def _revoked(world: World, handle: str) -> None:
    plan = world.keys[handle]
    plan.revoked += 1
    for other in world.keys.values():
        if other.org == plan.org and other.seq > plan.seq:
            other.sibling_revoked_after = True


def revoke_key(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    handle = step["key"]
    plan = ls.world.keys[handle]
    again = plan.revoked > 0

    def run(side: Side) -> Facts:
        if again:  # the docs give no status for revoking a revoked key, only that it stays revoked (C17)
            before = _use(side, handle, ls.world)  # dead by now, after the window (C16)
            status = _revoke(side, handle, side.sessions[plan.org])
            return {
                "the key before the second revoke": (before, "C16"),
                "status": (status, None),
                "the key after the second revoke": (_use(side, handle, ls.world, poll=False), "C17"),
            }
        status = _revoke(side, handle, side.sessions[plan.org])
        done = _status_class(status) if isinstance(status, int) else status
        return {"revoked (2xx)": (done, "C15"), "status": (status, None)}

    observed = ls.each(run)
    _revoked(ls.world, handle)
    return None, observed


def foreign_revoke(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    """Another organisation tries to revoke the key: no status is documented (C4, C15), only the effect,
    which later uses and lists show."""
    handle = step["key"]
    plan = ls.world.keys[handle]
    other = 2 if plan.org == 1 else 1

    plan.foreign_tried = True

    def run(side: Side) -> Facts:
        status = _revoke(side, handle, side.sessions[other])
        after = _use(side, handle, ls.world, poll=False)
        return {"status": (status, None), "the key after it": (after, use_claim(ls.world, handle, after))}

    observed = ls.each(run)
    return None, observed


def rotate_key(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    """A new key with the same scopes, then the old one revoked: the new one works throughout (C19)."""
    old = step["key"]
    plan = ls.world.keys[old]
    new = ls.world.handle("k", step)
    ls.world.keys[new] = KeyPlan(plan.org, list(plan.scopes), ls.world.serial)
    name = ls.target.api.unique_name("rotated")
    before_claim = use_claim(ls.world, new)
    revoke_claim = None if plan.revoked else "C15"  # the docs give no status for revoking a revoked key

    def run(side: Side) -> Facts:
        made = _made(side, new, plan.org, plan.scopes, name)
        before = _use(side, new, ls.world)
        status = _revoke(side, old, side.sessions[plan.org])
        after = _use(side, new, ls.world)
        return {
            "new key: status": (made["status"][0], "C30"),
            "new key before the old one is revoked": (before, before_claim),
            "old key revoked (2xx)": (_status_class(status) if isinstance(status, int) else status, revoke_claim),
            "new key after the old one is revoked": (after, "C19"),
        }

    observed = ls.each(run)
    _revoked(ls.world, old)
    return new, observed
