"""Racing requests over a real threaded server: uniqueness and merges hold under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.support.clients import DATA_SCOPES, new_session

THREADS = 16


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def auth(app: Flask, base_url: str) -> dict[str, str]:
    r = requests.post(
        f"{base_url}/v1/auth/api-keys",
        json={"name": "race", "scopes": DATA_SCOPES},
        cookies={"eulabel_session": new_session(app)},
        timeout=10,
    )
    assert r.status_code == 201
    return {"Authorization": f"Bearer {r.json()['secret']}"}


def race(url: str, auth: dict[str, str], bodies: list[dict[str, object]]) -> list[requests.Response]:
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, object]) -> requests.Response:
        barrier.wait(timeout=10)
        return requests.post(url, json=body, headers=auth, timeout=10)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_many_threads_creating_one_gtin_get_one_201_and_the_rest_409(base_url: str, auth: dict[str, str]) -> None:
    bodies: list[dict[str, object]] = [
        {"name": f"Red {i}", "category": "wine", "gtin": "5601012012200" if i % 2 else "05601012012200"}
        for i in range(THREADS)
    ]
    statuses = sorted(r.status_code for r in race(f"{base_url}/v1/products", auth, bodies))
    assert statuses == [201] + [409] * (THREADS - 1)
    listed = requests.get(f"{base_url}/v1/products", headers=auth, timeout=10).json()
    assert listed["pagination"]["total"] == 1


def test_many_threads_submitting_one_passport_create_it_once_and_merge_every_call(
    base_url: str, auth: dict[str, str]
) -> None:
    bodies: list[dict[str, object]] = [
        {"gtin": "4006381333931", "name": "Red", "category": "wine", "data": {f"field{i}": i}} for i in range(THREADS)
    ]
    responses = race(f"{base_url}/v1/passports", auth, bodies)
    assert sorted(r.status_code for r in responses) == [200] * (THREADS - 1) + [201]
    assert len({r.json()["passportId"] for r in responses}) == 1
    assert sorted(r.json()["version"] for r in responses) == list(range(1, THREADS + 1))
    final = requests.get(f"{base_url}/v1/passports/{responses[0].json()['passportId']}", headers=auth, timeout=10)
    assert final.json()["data"] == {f"field{i}": i for i in range(THREADS)}
