"""The differential run (``--differential``): a hypothesis state machine sends each step to the target and to
an in-process mock with the same inputs, and fails on the first step where they answer differently where the
docs say how. Hypothesis shrinks that sequence; ``differential.write_replay`` turns it into a pytest file.

The mock is the model: nothing here predicts an answer, it is compared. Steps cover keys (create, use, list,
revoke, rotate, another organisation's revoke), products (create, read, list, duplicates) and passports
(submit, merge, publish, read), across two organisations when both sessions are given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from .client import KEY_SCOPES
from .context import run_of
from .differential import TOUCHED, write_replay
from .differs import differs
from .lockstep import DocumentedDivergence, Lockstep
from .shrink import shrink
from .target import Target

pytestmark = [pytest.mark.destructive, pytest.mark.differential, *[pytest.mark.claim(c) for c in TOUCHED]]

SCOPE_SETS = st.lists(st.sampled_from(KEY_SCOPES), min_size=1, max_size=3, unique=True)
PARTS = st.sampled_from(["type", "ingredients", "rest"])
MAX_KEYS, MAX_PRODUCTS = 8, 4
GENERATE = (Phase.explicit, Phase.generate)
EXAMPLES, STEPS = 40, 10  # at least: sequences stop at a divergence, and a run stays well under a minute


def machine(start: Callable[[], Lockstep], orgs: list[int]) -> type[RuleBasedStateMachine]:
    org = st.sampled_from(orgs)
    two = len(orgs) > 1

    class Differential(RuleBasedStateMachine):
        keys = Bundle("keys")
        products = Bundle("products")

        def __init__(self) -> None:
            super().__init__()
            self.ls = start()
            self.ls.do({"do": "service_keys"})

        def do(self, **step: Any) -> Any:
            return self.ls.do(step)

        @precondition(lambda self: len(self.ls.world.keys) < MAX_KEYS)
        @rule(target=keys, scopes=SCOPE_SETS, org=org)
        def create_key(self, scopes: list[str], org: int) -> Any:
            return self.do(do="create_key", org=org, scopes=scopes)

        @rule(key=keys)
        def use_key(self, key: str) -> None:
            self.do(do="use_key", key=key)

        @rule(org=org)
        def list_keys(self, org: int) -> None:
            self.do(do="list_keys", org=org)

        @rule(key=keys)
        def revoke_key(self, key: str) -> None:
            self.do(do="revoke_key", key=key)

        @precondition(lambda self: two)
        @rule(key=keys)
        def foreign_revoke(self, key: str) -> None:
            self.do(do="foreign_revoke", key=key)

        @precondition(lambda self: len(self.ls.world.keys) < MAX_KEYS)
        @rule(target=keys, key=keys)
        def rotate_key(self, key: str) -> Any:
            return self.do(do="rotate_key", key=key)

        @precondition(lambda self: len(self.ls.world.products) < MAX_PRODUCTS)
        # Wine: the one category whose passport data the docs show, so drafts and publishing mean something.
        @rule(target=products, org=org)
        def create_product(self, org: int) -> Any:
            return self.do(do="create_product", org=org, category="wine")

        @rule(product=products)
        def duplicate_product(self, product: str) -> None:
            self.do(do="duplicate_product", product=product)

        @rule(product=products, foreign=st.booleans() if two else st.just(False))
        def read_product(self, product: str, foreign: bool) -> None:
            self.do(do="read_product", product=product, foreign=foreign)

        @rule(org=org)
        def list_products(self, org: int) -> None:
            self.do(do="list_products", org=org)

        @rule(product=products, part=PARTS)
        def submit_passport(self, product: str, part: str) -> None:
            self.do(do="submit_passport", product=product, part=part)

        @rule(product=products)
        def publish_passport(self, product: str) -> None:
            self.do(do="publish_passport", product=product)

        @rule(product=products, via=st.sampled_from(["passports:read", "products:read"]))
        def read_passport(self, product: str, via: str) -> None:
            self.do(do="read_passport", product=product, via=via)

    return Differential


def test_target_answers_every_step_as_the_mock_does(
    request: pytest.FixtureRequest, lockstep: Any, target: Target
) -> None:
    run = run_of(request.config)
    found = run.differences
    found.ran = True
    orgs = [1, 2] if target.session2 else [1]
    try:
        # Sequences stop at their first divergence; shrink.py shortens it in far fewer replays than
        # hypothesis' shrinker would (each replay is real HTTP).
        run_state_machine_as_test(
            machine(lockstep, orgs),
            settings=settings(
                settings.default,
                max_examples=max(EXAMPLES, settings().max_examples),
                stateful_step_count=max(STEPS, settings().stateful_step_count),
                deadline=None,
                database=None,
                phases=GENERATE,
            ),
        )
    except DocumentedDivergence:
        assert found.first is not None
        found.first = shrink(lockstep, found.first)
        found.replay = write_replay(run, found.first)
        raise AssertionError(found.first.headline()) from None
    if found.silent_ones:
        first = next(iter(found.silent_ones.values()))
        count = len(found.silent_ones)
        differs(f"{count} difference(s) from the mock where the docs are silent; first: {first.headline()}")
