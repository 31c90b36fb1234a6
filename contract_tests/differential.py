"""What a differential run adds to the suite: the mock it compares with (started in this process), a factory of
lockstep pairs, the refusal of a read-only run, and the replay file of a shrunk divergence.

The replay file is a plain pytest module: ``pytest FILE --base-url URL`` sends its steps to that target and
to a fresh in-process mock again, and fails while the target still answers a step otherwise.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .client import Api
from .context import Run, run_of
from .divergence import Differences, Divergence
from .lockstep import Lockstep, Side
from .step_kinds import KINDS
from .target import ENV_SESSION, Target

# Every claim a step tags a fact with (steps.py, product_steps.py).
TOUCHED = ("C3 C4 C10 C11 C12 C13 C14 C15 C16 C17 C18 C19 C22 C23 C30 C37 C41 C42 C46 C47 C48 C50 C51").split()
READ_ONLY_REFUSAL = (
    "--differential sends the same creates and revokes to the target and the mock; it cannot run --read-only"
)
ORACLE_BUDGET = 1_000_000  # the in-process mock is ours: only the target's requests count against --max-requests


def refuse_read_only(run: Run) -> None:
    if run.options.differential and run.options.read_only:
        raise pytest.UsageError(READ_ONLY_REFUSAL)


@pytest.fixture(scope="session")
def oracle(request: pytest.FixtureRequest) -> Iterator[Api]:
    """The mock the target is compared with: fresh, in this process, with two organisations of its own."""
    from .local import start_mock

    run = run_of(request.config)
    tgt, stop = start_mock({"run_prefix": run.prefix, "revocation_window": run.options.revocation_window})
    try:
        yield Api(tgt, max_requests=ORACLE_BUDGET)
    finally:
        stop()


@pytest.fixture
def lockstep(
    request: pytest.FixtureRequest, api: Api, target: Target, session: str, oracle: Api
) -> Callable[..., Lockstep]:
    """A factory of lockstep pairs (one per hypothesis example) sharing the run's revocation knowledge."""
    run = run_of(request.config)
    if target.read_only:
        pytest.fail(READ_ONLY_REFUSAL)
    theirs = {1: session, **({2: target.session2} if target.session2 else {})}
    ours = {n: s for n, s in ((1, oracle.target.session), (2, oracle.target.session2)) if s and n in theirs}

    def start(record: Differences | None = None) -> Lockstep:
        if record is None:
            run.differences.examples += 1
        return Lockstep(
            target=Side("target", api, theirs, run.revocation, run.listing),
            mock=Side("mock", oracle, ours),
            differences=record or run.differences,
            kinds=KINDS,
            strict=run.options.strict_assumptions,
        )

    return start


REPLAY = '''"""A sequence where the target answered otherwise than the mock: {headline}

Replays its steps against --base-url and a fresh in-process mock in lockstep; red while the difference holds.

    {env}=... pytest {name} --base-url URL
"""

from contract_tests.differential import replay

STEPS = {steps}


def test_{slug}(lockstep):
    replay(lockstep, STEPS)
'''


def replay(start: Callable[..., Lockstep], steps: list[dict[str, Any]]) -> None:
    start().run(steps)


def write_replay(run: Run, found: Divergence) -> str:
    """The shrunk sequence as a pytest file: beside the claims report, else in the temporary directory."""
    report = run.options.claims_report
    folder = Path(report).parent if report else Path(tempfile.gettempdir()) / f"eulabel-differential-{run.run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "_", f"{found.claim or 'silent'} {found.fact}".lower()).strip("_")
    path = folder / f"test_differential_replay_{run.run_id.replace('-', '_')}.py"
    steps = json.dumps(found.steps, indent=4).replace("true", "True").replace("false", "False")
    text = REPLAY.format(
        headline=found.headline().replace('"""', "'''"), env=ENV_SESSION, name=path.name, steps=steps, slug=slug
    )
    path.write_text(text, encoding="utf-8")
    run.written.append(str(path))
    return str(path)
