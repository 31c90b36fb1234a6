"""The shortest sequence that still shows a divergence: steps left out one at a time while the replay still
diverges on the same fact with the same claim.

Hypothesis' own shrinker re-ran some 650 sequences for one broken server (150 s over HTTP); a sequence
stops at its first divergence and its steps are plain data with named handles, so leaving out one step at a
time needs at most n(n-1)/2 replays of at most n steps. Replays share the run's ``Revocation``: once
revocation is known not to hold on the target, no replay waits a window for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .divergence import Differences, Divergence
from .lockstep import DocumentedDivergence, Lockstep

Start = Callable[[Differences], Lockstep]
MADE = ("as",)
USES = ("key", "product")


def coherent(steps: list[dict[str, Any]]) -> bool:
    """Every handle a step uses was made by an earlier step."""
    made: set[str] = set()
    for step in steps:
        if any(name in step and step[name] not in made for name in USES):
            return False
        made.update(str(step[name]) for name in MADE if name in step)
    return True


def replay(start: Start, steps: list[dict[str, Any]]) -> Divergence | None:
    """The divergence ``steps`` end on when sent again, or None."""
    scratch = Differences()
    try:
        start(scratch).run([dict(s) for s in steps])
    except DocumentedDivergence:
        return scratch.first
    return None


def shrink(start: Start, found: Divergence, budget: int = 40) -> Divergence:
    """``found`` with as few steps as still show it (the same fact and claim); at most ``budget`` replays."""
    best = found
    tried = 0
    progress = True
    while progress and tried < budget:
        progress = False
        steps = best.steps
        for i in range(len(steps) - 1):
            if steps[i]["do"] == "service_keys":  # every sequence starts with it
                continue
            candidate = steps[:i] + steps[i + 1 :]
            if not coherent(candidate):
                continue
            tried += 1
            again = replay(start, candidate)
            if again is not None and (again.fact, again.claim) == (found.fact, found.claim):
                best, progress = again, True
                break
            if tried >= budget:
                break
    return best
