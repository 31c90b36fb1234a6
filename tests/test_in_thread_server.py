"""The in-thread server (EulabelMock, the pytest fixture, the contract suite's local target) applies
the limits eulabel-mock applies, with the same JSON errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from mock_server import EulabelMock


def status_and_error(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {}, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, ""
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())["error"]


@pytest.fixture(scope="module")
def small() -> Iterator[EulabelMock]:
    with EulabelMock({"MAX_CONTENT_LENGTH": 1000}) as mock:
        yield mock


def test_a_request_target_over_the_limit_gets_a_json_414(small: EulabelMock) -> None:
    assert status_and_error(small.url("/v1/products?q=" + "a" * 9000)) == (414, "uri_too_long")


def test_headers_over_the_limit_get_a_json_431(small: EulabelMock) -> None:
    big = {f"X-Filler-{i}": "a" * 4000 for i in range(20)}
    assert status_and_error(small.url("/v1/products"), big) == (431, "headers_too_large")


def test_a_body_over_the_configured_size_gets_a_json_413(small: EulabelMock) -> None:
    body = json.dumps({"name": "a" * 2000, "scopes": []}).encode()
    headers = {"Content-Type": "application/json", "Cookie": small.session.header}
    assert status_and_error(small.url("/v1/auth/api-keys"), headers, body) == (413, "payload_too_large")
