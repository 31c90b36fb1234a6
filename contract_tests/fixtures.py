"""Fixtures of the contract suite: the target, the client and the credentials a check needs.

A skip names exactly what is missing: the variable to set, or the option that forbids the step.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .client import Api, Created
from .context import Run, run_of
from .revocation import Revocation
from .target import ENV_API_KEY, ENV_SESSION, ENV_SESSION_2, Target, credentials_from_env, normalise_base_url

MakeKey = Callable[..., Created]


def _budget(config: pytest.Config) -> int:
    from hypothesis import settings

    examples = settings.default.max_examples if settings.default is not None else 100
    return int(config.getoption("--max-requests") or 3000 + 300 * examples)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    run = run_of(request.config)
    opts = run.options
    common: dict[str, Any] = {
        "revocation_window": opts.revocation_window,
        "rate_limit_burst": opts.rate_limit_burst,
        "run_prefix": run.prefix,
        "read_only": opts.read_only,
        "environment": opts.environment,
    }
    if opts.base_url:
        tgt = Target(
            root=normalise_base_url(opts.base_url),
            foreign=True,
            **credentials_from_env(),  # type: ignore[arg-type]
            **common,
            verify=opts.verify,
            mock_plane=run.mock_plane_missing() is None,
        )
        yield from _serve(run, tgt, _budget(request.config))
        return
    from .local import start_mock

    tgt, stop = start_mock(common)
    try:
        yield from _serve(run, tgt, _budget(request.config))
    finally:
        stop()


def _serve(run: Run, tgt: Target, budget: int) -> Iterator[Target]:
    api = Api(tgt, max_requests=budget)
    run.target, run.api = tgt, api
    atexit.register(api.cleanup)  # also after an interrupt that skips fixture teardown
    try:
        yield tgt
    finally:
        api.cleanup()
        atexit.unregister(api.cleanup)


@pytest.fixture(scope="session")
def api(request: pytest.FixtureRequest, target: Target) -> Api:
    api = run_of(request.config).api
    assert api is not None
    return api


@pytest.fixture(scope="session")
def revocation(request: pytest.FixtureRequest) -> Revocation:
    """What this run learned about revocation so far (C16); every check that waits for one uses it."""
    return run_of(request.config).revocation


@pytest.fixture
def session(target: Target) -> str:
    if target.read_only:
        pytest.skip("a --read-only run creates and revokes no keys")
    if not target.session:
        pytest.skip(f"set {ENV_SESSION} (an eulabel_session cookie value) to check the key lifecycle")
    return target.session


@pytest.fixture
def session2(target: Target) -> str:
    if not target.session2:
        pytest.skip(f"set {ENV_SESSION_2} (a session of a second organisation) to check isolation")
    return target.session2


@pytest.fixture
def api_key(target: Target) -> str:
    if not target.api_key:
        pytest.skip(f"set {ENV_API_KEY} to run read-only checks with an existing key")
    return target.api_key


@pytest.fixture
def make_key(api: Api, session: str) -> MakeKey:
    """Create a key in the first organisation (or ``on=`` another session); fails if it is unusable."""

    def make(scopes: list[str] | None = None, label: str = "key", on: str | None = None) -> Created:
        created = api.create_key(on or session, scopes, label)
        assert 200 <= created.status < 300, f"creating a key failed: {created.describe()}"
        assert created.secret, "the create response holds no sk_test_/sk_live_ string (C3, C12)"
        assert created.id, f"no key id found in the create response: {created.describe()}"
        return created

    return make
