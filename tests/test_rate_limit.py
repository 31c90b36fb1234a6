"""Per-key rate limits on the mock's clock (C32-C35): headers, 429, windows and configuration."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from mock_server import create_app
from mock_server.cli import app_config, options
from mock_server.errors import RateLimited
from mock_server.handle import handle_of
from mock_server.settings import ConfigError
from mock_server.state.clock import Clock
from mock_server.state.rate_limit import Limit, RateLimiter, parse_rate_limit
from tests.support.clients import QUINTA, KeyClient, json_of, key_client

T0 = 1_800_000_000.0
HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def config() -> dict[str, Any]:
    return {"SEED": 7, "RATE_LIMIT": "3/60"}


@pytest.fixture
def frozen(app: Flask) -> Clock:
    clock = handle_of(app).state.clock
    clock.freeze(T0)
    return clock


@pytest.fixture
def reader(app: Flask, frozen: Clock) -> KeyClient:
    return key_client(app, ["products:read"])


def test_limiter_counts_down_then_refuses_with_retry_after() -> None:
    clock = Clock()
    clock.freeze(T0 + 0.5)
    limiter = RateLimiter(Limit(2, 10), clock)
    assert limiter.hit("k") == {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": str(int(T0) + 11),
    }
    clock.advance(3)
    assert limiter.hit("k")["X-RateLimit-Remaining"] == "0"
    with pytest.raises(RateLimited) as exc:
        limiter.hit("k")
    assert exc.value.headers["Retry-After"] == "7"  # the window opened at T0 + 0.5 and ends at T0 + 10.5
    assert exc.value.headers["X-RateLimit-Remaining"] == "0"


def test_retry_after_is_at_least_one_second() -> None:
    clock = Clock()
    clock.freeze(T0)
    limiter = RateLimiter(Limit(1, 1), clock)
    limiter.hit("k")
    clock.advance(0.999)
    with pytest.raises(RateLimited) as exc:
        limiter.hit("k")
    assert exc.value.headers["Retry-After"] == "1"


def test_refused_requests_do_not_extend_the_window() -> None:
    clock = Clock()
    clock.freeze(T0)
    limiter = RateLimiter(Limit(1, 10), clock)
    limiter.hit("k")
    for _ in range(3):
        with pytest.raises(RateLimited):
            limiter.hit("k")
    clock.advance(10)
    assert limiter.hit("k")["X-RateLimit-Remaining"] == "0"


def test_ok_responses_carry_the_rate_limit_headers(reader: KeyClient) -> None:
    r = reader.get("/v1/products")
    assert r.status_code == 200
    assert [r.headers[h] for h in HEADERS] == ["3", "2", str(int(T0) + 60)]
    assert "Retry-After" not in r.headers


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/products?limit=0", 422),
        ("/v1/products/nope", 404),
        ("/v1/passports/ps_abcdefgh", 404),
    ],
)
def test_error_responses_after_authentication_carry_the_headers(reader: KeyClient, path: str, status: int) -> None:
    r = reader.get(path)
    assert r.status_code == status
    assert r.headers["X-RateLimit-Remaining"] == "2"


def test_forbidden_and_bad_json_responses_carry_the_headers(app: Flask, frozen: Clock) -> None:
    forbidden = key_client(app, ["products:read"]).post(
        "/v1/products", {"name": "A", "category": "wine", "gtin": "4006381333931"}
    )
    bad_json = key_client(app, ["products:write"]).post("/v1/products", data="{", content_type="application/json")
    assert (forbidden.status_code, forbidden.headers["X-RateLimit-Remaining"]) == (403, "2")
    assert (bad_json.status_code, bad_json.headers["X-RateLimit-Remaining"]) == (400, "2")


def test_too_large_body_answer_carries_the_headers(app: Flask, frozen: Clock) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    client = key_client(app, ["products:write"])
    r = client.post("/v1/products", data="x" * 200, content_type="application/json")
    assert r.status_code == 413
    assert r.headers["X-RateLimit-Remaining"] == "2"


def test_unauthenticated_responses_carry_no_rate_limit_headers(app: Flask) -> None:
    r = app.test_client().get("/v1/products", headers={"Authorization": "Bearer sk_test_unknown"})
    assert r.status_code == 401
    assert not any(h in r.headers for h in HEADERS)


def test_request_over_the_limit_is_429_with_retry_after(reader: KeyClient, frozen: Clock) -> None:
    for _ in range(3):
        assert reader.get("/v1/products").status_code == 200
    frozen.advance(20)
    r = reader.get("/v1/products")
    assert r.status_code == 429
    assert (json_of(r)["error"], json_of(r)["status"]) == ("rate_limited", 429)
    assert r.headers["Retry-After"] == "40"
    assert [r.headers[h] for h in HEADERS] == ["3", "0", str(int(T0) + 60)]


def test_second_key_of_the_same_organisation_is_unaffected(app: Flask, reader: KeyClient) -> None:
    for _ in range(4):
        reader.get("/v1/products")
    assert reader.get("/v1/products").status_code == 429
    other = key_client(app, ["products:read"], session=QUINTA)
    r = other.get("/v1/products")
    assert (r.status_code, r.headers["X-RateLimit-Remaining"]) == (200, "2")


def test_window_resets_after_its_length(reader: KeyClient, frozen: Clock) -> None:
    for _ in range(3):
        reader.get("/v1/products")
    frozen.advance(59.9)
    assert reader.get("/v1/products").status_code == 429
    frozen.advance(0.1)
    r = reader.get("/v1/products")
    assert (r.status_code, r.headers["X-RateLimit-Remaining"]) == (200, "2")
    assert r.headers["X-RateLimit-Reset"] == str(int(T0) + 120)


def test_reset_clears_the_counters(app: Flask, reader: KeyClient) -> None:
    for _ in range(3):
        reader.get("/v1/products")
    assert app.test_client().post("/_mock/reset").status_code == 204
    # Keys are gone after a reset too, so ask the new limiter about the old key's id directly.
    limiter = handle_of(app).state.rate_limiter
    assert limiter is not None
    assert limiter.hit(reader.key_id)["X-RateLimit-Remaining"] == "2"


@pytest.mark.parametrize("config", [{"SEED": 7, "RATE_LIMIT": "0"}])
def test_zero_disables_limiting_and_its_headers(app: Flask) -> None:
    reader = key_client(app, ["products:read"])
    responses = [reader.get("/v1/products") for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 5
    assert not any(h in responses[-1].headers for h in HEADERS)


def test_default_limit_is_generous() -> None:
    app = create_app({"SEED": 1})
    limiter = handle_of(app).state.rate_limiter
    assert limiter is not None and limiter.limit == Limit(6000, 60)


@pytest.mark.parametrize(
    ("text", "limit"),
    [("6000/60", Limit(6000, 60)), ("1/1", Limit(1, 1)), ("0", None), ("0/60", None), (" 10/5 ", Limit(10, 5))],
)
def test_rate_limit_setting_is_parsed(text: str, limit: Limit | None) -> None:
    assert parse_rate_limit(text) == limit


@pytest.mark.parametrize("text", ["", "10", "10/0", "-1/60", "ten/60", "10/60s", "1.5/60"])
def test_bad_rate_limit_setting_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="N/SECONDS"):
        parse_rate_limit(text)
    with pytest.raises(ValueError):
        create_app({"RATE_LIMIT": text})


def test_cli_option_and_environment_variable() -> None:
    assert app_config(options(["--rate-limit", "5/10"], environ={}))["RATE_LIMIT"] == "5/10"
    assert app_config(options([], environ={"EULABEL_MOCK_RATE_LIMIT": "0"}))["RATE_LIMIT"] == "0"


def test_cli_refuses_a_bad_rate_limit() -> None:
    with pytest.raises(ConfigError, match="^--rate-limit=fast: .*N/SECONDS"):
        options(["--rate-limit", "fast"], environ={})


@pytest.mark.claim("C33")
def test_rate_limited_error_states_the_limit_and_says_to_wait_for_retry_after() -> None:
    clock = Clock()
    clock.freeze(T0)
    limiter = RateLimiter(Limit(2, 30), clock)
    limiter.hit("k")
    limiter.hit("k")
    with pytest.raises(RateLimited) as exc:
        limiter.hit("k")
    assert exc.value.message == "Rate limit exceeded: 2 requests per 30 s for this API key."
    assert exc.value.suggestion == "Wait the number of seconds in Retry-After before retrying."
    assert exc.value.reason == {
        "code": "rate_limited",
        "limit": 2,
        "windowSeconds": 30,
        "windowStart": "2027-01-15T08:00:00.000Z",
        "resetAt": "2027-01-15T08:00:30.000Z",
    }
