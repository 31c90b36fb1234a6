"""Two servers driven in lockstep: every step is sent with the same inputs to the target and to the mock,
each answer is read down to facts (``facts.py``), and facts that differ are a divergence.

A step is plain data (``{"do": "use_key", "key": "k1"}``): the state machine builds it, and a replay file
holds the same list. Fresh values (names, GTINs) are drawn once per step and sent to both sides; ids and
secrets stay per side, behind handles (``k1``, ``p1``). What a step means for the claims (a key revoked, a
sibling revoked after it, another organisation's attempt) is kept once, in ``World``, by intent, so the
claim a divergence touches does not depend on which side is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from .client import Api, Created
from .divergence import Differences, Divergence
from .responses import describe
from .revocation import Revocation

Facts = dict[str, tuple[Any, str | None]]  # name -> (value, the claim it touches or None: the docs are silent)
UNKNOWN = "not seen on this side"  # a fact one side cannot tell (its list is a full page): never compared


@dataclass
class KeyPlan:
    org: int
    scopes: list[str]
    seq: int
    revoked: int = 0  # revokes by its own organisation
    foreign_tried: bool = False
    sibling_revoked_after: bool = False  # another key of its organisation was revoked after it was made


@dataclass
class ProductPlan:
    org: int
    gtin: str
    name: str
    category: str
    submissions: list[str] = field(default_factory=list)


@dataclass
class World:
    """What the steps so far asked for, the same for both sides."""

    keys: dict[str, KeyPlan] = field(default_factory=dict)
    products: dict[str, ProductPlan] = field(default_factory=dict)
    service: dict[tuple[int, str], int] = field(default_factory=dict)  # (org, role) -> serial when first used
    serial: int = 0

    def handle(self, letter: str, step: dict[str, Any]) -> str:
        """The handle ``step`` makes: the one it names (``as``) when replayed, else the next, written into it,
        so a sequence with steps left out still means the same things by the same names."""
        self.serial += 1
        step.setdefault("as", f"{letter}{self.serial}")
        return str(step["as"])


@dataclass
class Side:
    """One server as the steps see it: its client, its sessions, and what each handle is there."""

    name: str
    api: Api
    sessions: dict[int, str]
    revocation: Revocation | None = None  # polls a revoked key until it dies (the target); None: at once
    listing: Revocation | None = None  # polls the list until a revoked key leaves it
    keys: dict[str, Created | None] = field(default_factory=dict)
    products: dict[str, str | None] = field(default_factory=dict)  # handle -> productId
    passports: dict[str, str | None] = field(default_factory=dict)  # product handle -> passport id
    service: dict[tuple[int, str], str | None] = field(default_factory=dict)  # (org, role) -> secret
    exchanges: list[str] = field(default_factory=list)  # this step's requests and answers, masked

    def send(self, method: str, path: str, **kw: Any) -> requests.Response:
        resp = self.api.request(method, path, **kw)
        self.note(resp)
        return resp

    def note(self, resp: requests.Response) -> None:
        self.exchanges.append(describe(resp))


class DocumentedDivergence(AssertionError):
    """The target answered a step otherwise than the mock where the docs say how it must answer."""


@dataclass
class Lockstep:
    target: Side
    mock: Side
    differences: Differences
    kinds: Mapping[str, Callable[[Lockstep, dict[str, Any]], tuple[str | None, dict[str, Facts]]]]
    strict: bool = False  # a divergence where the docs are silent fails too (--strict-assumptions)
    world: World = field(default_factory=World)
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sides(self) -> tuple[Side, Side]:
        return self.target, self.mock

    def each(self, run: Callable[[Side], Facts]) -> dict[str, Facts]:
        out = {}
        for side in self.sides:
            side.exchanges = []
            leaks = len(side.api.leaks)
            facts = run(side)
            facts["a secret shown again"] = (len(side.api.leaks) > leaks, "C12")
            out[side.name] = facts
        return out

    def do(self, step: dict[str, Any]) -> str | None:
        """Send ``step`` to both sides and compare; returns the handle it made, if any."""
        self.steps.append(step)
        self.differences.steps += 1
        made, observed = self.kinds[step["do"]](self, step)
        self.compare(observed)
        return made

    def run(self, steps: list[dict[str, Any]]) -> None:
        """Replay a recorded sequence: handles are given again in the same order."""
        for step in steps:
            self.do(step)

    def compare(self, observed: dict[str, Facts]) -> None:
        theirs, ours = observed[self.target.name], observed[self.mock.name]
        for name in [*ours, *[n for n in theirs if n not in ours]]:
            got, claim = theirs.get(name, (None, None))
            want, claim2 = ours.get(name, (None, claim))
            if got == want or UNKNOWN in (got, want):
                continue
            # a 401 the mock did not give is about the key the step used, and the target's facts say which
            claim = (claim or claim2) if got == 401 else (claim2 or claim)
            if any(" -> 429 " in answer for answer in self.target.exchanges):
                claim = None  # still limited after the back-off: a rate limit may cut any step short
            found = Divergence(
                step=len(self.steps),
                action=describe_step(self.steps[-1]),
                fact=name,
                claim=claim,
                target=got,
                mock=want,
                target_answers=list(self.target.exchanges),
                mock_answers=list(self.mock.exchanges),
                sequence=[describe_step(s) for s in self.steps],
                steps=list(self.steps),
            )
            if found.claim is None and not self.strict:
                self.differences.silent(found)
                continue
            self.differences.failing(found)
            raise DocumentedDivergence(found.headline())


def describe_step(step: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={v}" for k, v in step.items() if k != "do")
    return f"{step['do']}({args})"
