"""Claim tests for per-key rate limits (C32-C35).

Against the in-process mock they use a second mock with a small limit; against a deployment they send
up to ``--rate-limit-burst`` requests with one fresh key, and are skipped when that is 0 or no 429 comes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from .client import Api, Created
from .differs import differs
from .responses import body_of, describe
from .shapes import code_ok, parse_error
from .target import ENV_SESSION, Target

pytestmark = pytest.mark.destructive
HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
MOCK_LIMIT = 5
BUDGET_MARGIN = 200  # requests kept for the checks that run after the burst


@dataclass
class Burst:
    api: Api
    session: str
    first: Created
    before: list[requests.Response] = field(default_factory=list)
    limited: requests.Response | None = None
    other_key: requests.Response | None = None


@pytest.fixture(scope="module")
def burst(target: Target, api: Api) -> Iterator[Burst]:
    if target.foreign:
        if not target.session:
            pytest.skip(f"need {ENV_SESSION} to create the keys the rate-limit checks use")
        yield from _burst(api, target.session, target.rate_limit_burst or _derived_burst(api, target.session))
        return
    from .local import start_mock

    local_target, stop = start_mock({}, {"RATE_LIMIT": f"{MOCK_LIMIT}/60"})
    local = Api(local_target, max_requests=200)
    try:
        assert local_target.session is not None
        yield from _burst(local, local_target.session, MOCK_LIMIT * 3)
    finally:
        local.cleanup()
        stop()


def _derived_burst(api: Api, session: str) -> int:
    """Requests one fresh key needs to reach a 429, from the target's X-RateLimit-Limit, if the budget allows."""
    probe = api.create_key(session, ["products:read"], label="limit-probe")
    assert probe.secret, f"cannot create a key: status {probe.status}"
    header = api.use(probe.secret, retry_429=False).headers.get("X-RateLimit-Limit", "")
    if not header.strip().isdigit():
        pytest.skip("need --rate-limit-burst N (the target sends no X-RateLimit-Limit to derive N from)")
    limit, left = int(header), api.max_requests - api.sent - BUDGET_MARGIN
    if limit + 2 > left:
        pytest.skip(
            f"need --rate-limit-burst N (X-RateLimit-Limit {limit} is over the {left} requests left in "
            "the budget; raise --max-requests)"
        )
    return limit + 2


def _burst(api: Api, session: str, limit: int) -> Iterator[Burst]:
    created = api.create_key(session, ["products:read"], label="burst")
    assert created.secret and 200 <= created.status < 300, f"cannot create a key: status {created.status}"
    result = Burst(api, session, created)
    for _ in range(limit):
        resp = api.request("GET", "/v1/products", key=created.secret, retry_429=False)
        if resp.status_code == 429:
            result.limited = resp
            break
        result.before.append(resp)
    if result.limited is None:
        pytest.skip(f"the target answered no 429 within {limit} requests with one key")
    other = api.create_key(session, ["products:read"], label="burst2")
    if other.secret:
        result.other_key = api.request("GET", "/v1/products", key=other.secret, retry_429=False)
    yield result


@pytest.mark.claim("C33")
def test_over_the_limit_is_429_rate_limited(burst: Burst) -> None:
    assert burst.limited is not None
    assert code_ok(429, parse_error(body_of(burst.limited))), describe(burst.limited)


@pytest.mark.claim("C35")
def test_429_carries_retry_after_seconds(burst: Burst) -> None:
    assert burst.limited is not None
    value = burst.limited.headers.get("Retry-After")
    assert value is not None, f"a 429 without Retry-After: {describe(burst.limited)}"
    assert value.strip().isdigit(), f"Retry-After is not a number of seconds: {value!r}"


@pytest.mark.claim("C35")
def test_retry_after_only_on_429(burst: Burst) -> None:
    # A 503 may carry it too (HTTP gives Retry-After to 503 and redirects; a gateway shedding load sends it):
    # the docs' header table is about rate limits. burst.before holds what the limit let through.
    with_header = [r for r in burst.before if "Retry-After" in r.headers and r.status_code != 503]
    assert not with_header, f"Retry-After on a non-429 response: {describe(with_header[0])}"


@pytest.mark.claim("C34")
def test_responses_carry_rate_limit_headers(burst: Burst) -> None:
    answers = [*burst.before, burst.limited]
    if not any(h in r.headers for r in answers if r is not None for h in HEADERS):
        differs("no response carries X-RateLimit headers", contradiction=9)
    for resp in answers:
        assert resp is not None
        missing = [h for h in HEADERS if h not in resp.headers]
        assert not missing, f"{resp.status_code} response lacks {missing} (the others are sent)"
        reset = resp.headers["X-RateLimit-Reset"].strip()
        assert reset.isdigit() and int(reset) > time.time() - 60, f"X-RateLimit-Reset is no Unix time: {reset!r}"


@pytest.mark.claim("C34")
def test_rate_limit_remaining_counts_down_to_the_429(burst: Burst) -> None:
    answers = [r for r in [*burst.before, burst.limited] if r is not None]
    if not all(h in r.headers for r in answers for h in HEADERS):
        pytest.skip("not applicable (the target sends no complete set of X-RateLimit headers; see the check above)")
    seen = [(int(r.headers["X-RateLimit-Remaining"]), r.headers["X-RateLimit-Reset"]) for r in answers]
    allowed = seen[:-1]  # the answers before the 429
    for (left, window), (after, next_window) in zip(allowed, allowed[1:], strict=False):
        if window == next_window:
            assert after < left, f"X-RateLimit-Remaining does not count down within one window: {seen}"
    limit = int(answers[0].headers["X-RateLimit-Limit"])
    assert all(0 <= left <= limit for left, _ in seen), f"X-RateLimit-Remaining outside 0..{limit}: {seen}"
    assert seen[-1][0] == 0, f"the 429 came with X-RateLimit-Remaining {seen[-1][0]}, not 0"


@pytest.mark.claim("C32")
def test_limits_apply_per_key(burst: Burst) -> None:
    assert burst.other_key is not None, "could not create a second key"
    assert burst.other_key.status_code == 200, (
        f"a fresh key was limited while another key of the organisation was: {describe(burst.other_key)}"
    )
