"""A bounded stress run over a real socket, on granian, waitress and the test helper's in-process server:
threads mixing good, oversized, nested and malformed requests.

Asserts what issue 10 asks of the mock under load: no 5xx, every answer JSON (204s are empty),
``/_mock/ready`` answers throughout, no secret in the journal in any encoding, and afterwards
the mock holds exactly what a model of the accepted calls says. Bounded: a fixed number of
operations with timeouts, well under 30 s in CI.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from mock_server import EulabelMock
from mock_server.state.gtin import check_digit
from mock_server.testing import MockClient, Session
from tests.support.served import running

WORKERS = 6
OPERATIONS = 80  # per worker
READY_EVERY = 0.01  # seconds between readiness probes: several land within even a fast run of the load
READY_TIMEOUT = 5.0


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def send(
    base: str,
    method: str,
    path: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 20.0,
) -> Answer:
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Answer(resp.status, resp.headers.get_content_type(), resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return Answer(err.code, err.headers.get_content_type(), err.read())


@dataclass
class Worker:
    """One thread's organisation, its model of what the mock holds, and every answer it saw."""

    index: int
    base: str
    session: Session
    rng: random.Random
    keys: dict[str, str] = field(default_factory=dict)  # key id -> secret
    products: set[str] = field(default_factory=set)
    answers: list[tuple[str, Answer]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    def call(
        self,
        label: str,
        method: str,
        path: str,
        body: Any = None,
        raw: bytes | None = None,
        bearer: str | None = None,
        session: bool = False,
    ) -> Answer:
        headers = {}
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        if session:
            headers["Cookie"] = self.session.header
        answer = send(self.base, method, path, data, headers)
        self.answers.append((label, answer))
        return answer

    def any_secret(self) -> str | None:
        return self.rng.choice(list(self.keys.values())) if self.keys else None

    def create_key(self) -> None:
        a = self.call(
            "create key",
            "POST",
            "/v1/auth/api-keys",
            {"name": "stress", "scopes": ["products:read", "products:write"]},
            session=True,
        )
        assert a.status == 201
        created = json.loads(a.body)
        self.keys[created["id"]] = created["secret"]
        self.secrets.append(created["secret"])

    def revoke_key(self) -> None:
        if len(self.keys) > 1:
            key_id = self.rng.choice(sorted(self.keys))
            assert self.call("revoke", "DELETE", f"/v1/auth/api-keys/{key_id}", session=True).status == 204
            del self.keys[key_id]

    def create_product(self) -> None:
        first = f"{self.index:03d}{self.rng.randrange(10**9):09d}9"
        gtin = first + str(check_digit(first))
        a = self.call(
            "create product",
            "POST",
            "/v1/products",
            {"name": "P", "category": "food", "gtin": gtin},
            bearer=self.any_secret(),
        )
        assert a.status in (201, 409)  # 409: the same GTIN drawn twice
        if a.status == 201:
            self.products.add(json.loads(a.body)["productId"])

    def list_products(self) -> None:
        a = self.call("list", "GET", "/v1/products?limit=100", bearer=self.any_secret())
        assert a.status == 200

    def oversized(self) -> None:
        raw = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
        assert self.call("oversized", "POST", "/v1/products", raw=raw, bearer=self.any_secret()).status == 413

    def nested(self) -> None:
        depth = self.rng.choice([33, 245, 980, 20_000])
        raw = b'{"name": "n", "scopes": [' + b"[" * depth + b"]" * depth + b"]}"
        assert self.call("nested", "POST", "/v1/auth/api-keys", raw=raw, session=True).status == 400

    def malformed(self) -> None:
        raw = self.rng.choice([b"{", b'{"name": NaN}', b"\xff\xfe", b"[]", b'{"name": "\\ud800"}'])
        assert self.call("malformed", "POST", "/v1/products", raw=raw, bearer=self.any_secret()).status in (400, 422)

    def encoded_secret_in_query(self) -> None:
        secret = self.any_secret() or ""
        self.call("secret in query", "GET", "/v1/products?t=" + secret.replace("_", "%5F"), bearer=secret)

    def read_journal(self) -> None:
        assert self.call("journal", "GET", "/_mock/journal?limit=20").status == 200

    def advance_clock(self) -> None:
        assert self.call("advance", "POST", "/_mock/clock/advance", {"seconds": 1}).status == 200


def run_worker(worker: Worker, errors: list[BaseException]) -> None:
    ops: list[Callable[[], None]] = (
        [worker.create_product] * 6
        + [worker.list_products] * 4
        + [
            worker.create_key,
            worker.revoke_key,
            worker.oversized,
            worker.nested,
            worker.nested,
            worker.malformed,
            worker.encoded_secret_in_query,
            worker.read_journal,
            worker.advance_clock,
        ]
    )
    try:
        worker.create_key()
        for _ in range(OPERATIONS):
            worker.rng.choice(ops)()
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


def probe_ready(base: str, stop: threading.Event, slowest: list[float], failures: list[str]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            a = send(base, "GET", "/_mock/ready", timeout=READY_TIMEOUT)
            if a.status != 200:
                failures.append(f"ready answered {a.status}")
        except OSError as exc:
            failures.append(f"ready failed: {exc}")
        slowest.append(time.perf_counter() - started)
        stop.wait(READY_EVERY)


@contextmanager
def serving(server: str) -> Iterator[MockClient]:
    """The mock on a real socket: the test helper's in-process server, or the command on granian or waitress."""
    if server == "in-process":
        with EulabelMock({"SEED": 99, "JOURNAL_SIZE": 300}) as mock:
            yield mock
    else:
        with running(server, "--seed", "99", "--journal-size", "300") as process:
            yield MockClient(process.base_url)


@pytest.mark.parametrize("server", ["in-process", "granian", "waitress"])
def test_mixed_hostile_load_keeps_the_mock_correct_and_responsive(server: str) -> None:
    with serving(server) as mock:
        workers = [
            Worker(i, mock.base_url, mock.new_session(f"org_stress_{i}"), random.Random(i)) for i in range(WORKERS)
        ]
        errors: list[BaseException] = []
        stop = threading.Event()
        slowest: list[float] = []
        ready_failures: list[str] = []
        prober = threading.Thread(target=probe_ready, args=(mock.base_url, stop, slowest, ready_failures))
        threads = [threading.Thread(target=run_worker, args=(w, errors)) for w in workers]
        prober.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        stop.set()
        prober.join(timeout=10)

        assert not any(t.is_alive() for t in threads), "a worker did not finish"
        assert errors == [], errors[:3]
        assert ready_failures == []
        assert len(slowest) > 5 and max(slowest) < READY_TIMEOUT
        answers = [(label, a) for w in workers for label, a in w.answers]
        assert len(answers) >= WORKERS * OPERATIONS * 0.9  # a revoke with one key left sends nothing
        assert [(label, a.status) for label, a in answers if a.status >= 500] == []
        not_json = [
            (label, a.status)
            for label, a in answers
            if not (a.status == 204 and a.body == b"") and a.content_type != "application/json"
        ]
        assert not_json == []

        # The model matches the mock: each organisation's keys and products, exactly.
        for w in workers:
            listed = json.loads(
                send(mock.base_url, "GET", "/v1/auth/api-keys", headers={"Cookie": w.session.header}).body
            )["data"]
            assert {k["id"] for k in listed} == set(w.keys)
            secret = next(iter(w.keys.values()))
            page = json.loads(
                send(mock.base_url, "GET", "/v1/products?limit=100", headers={"Authorization": f"Bearer {secret}"}).body
            )
            assert {p["productId"] for p in page["data"]} == w.products

        journal = send(mock.base_url, "GET", "/_mock/journal").body.decode()
        leaked = [s[:12] for w in workers for s in w.secrets if s[12:] in journal]
        assert leaked == [], "a secret appears in the journal"
