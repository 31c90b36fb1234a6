"""A write load against a mock with --state, killed with -9 and run out of disk: no acknowledged write
is lost, and nothing is ever shown that the file does not hold (issue 19, "Done when").

Writers create keys and products and revoke keys; a reader lists keys all along. Afterwards the
file, read as any SQLite client reads it, must hold every key whose 201 arrived and every key any
list ever showed, and no key whose revocation was acknowledged may authenticate again.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mock_server.testing import MockClient, Session
from tests.support.clients import QUINTA
from tests.support.served import Mock, start
from tests.support.state_files import query

KEY = {"name": "load", "scopes": ["products:read", "products:write"]}


@dataclass
class Seen:
    """What the clients were told, by kind."""

    acknowledged: set[str] = field(default_factory=set)  # key ids whose 201 arrived
    revoked: set[str] = field(default_factory=set)  # key ids whose revocation's 204 arrived
    secrets: dict[str, str] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)  # key ids some list showed
    statuses: dict[int, int] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)  # messages of the 503s
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1


def _writer(client: MockClient, seen: Seen, stop: threading.Event, index: int) -> None:
    for n in range(100_000):
        if stop.is_set():
            return
        try:
            reply = client.request("POST", "/v1/auth/api-keys", KEY, session=client.session)
            seen.count(reply.status)
            if reply.status == 201:
                with seen.lock:
                    seen.acknowledged.add(reply.body["id"])
                    seen.secrets[reply.body["id"]] = reply.body["secret"]
                if n % 3 == 0:
                    product = {"name": f"p{index}-{n}", "category": "wine", "gtin": _gtin(index, n)}
                    seen.count(client.request("POST", "/v1/products", product, bearer=reply.body["secret"]).status)
                if n % 4 == 0:
                    revoke = client.request("DELETE", f"/v1/auth/api-keys/{reply.body['id']}", session=client.session)
                    seen.count(revoke.status)
                    if revoke.status == 204:
                        with seen.lock:
                            seen.revoked.add(reply.body["id"])
            elif reply.status == 503:
                with seen.lock:
                    seen.refusals.append(reply.body["message"])
        except OSError:
            return  # the server died mid-request: that one request is the one allowed to be lost


def _reader(client: MockClient, seen: Seen, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            reply = client.request("GET", "/v1/auth/api-keys", session=client.session)
        except OSError:
            return
        seen.count(reply.status)
        if reply.status == 200:
            with seen.lock:
                seen.listed.update(k["id"] for k in reply.body["data"])


def _gtin(index: int, n: int) -> str:
    from mock_server.state.gtin import check_digit

    first = f"{index:02d}{n:011d}"
    return first + str(check_digit(first))


def run_load(mock: Mock, seen: Seen, until: threading.Event, writers: int = 3, timeout: float = 60) -> None:
    """Writers and a reader against ``mock`` until ``until`` is set (or ``timeout``); then kill -9."""
    stop = threading.Event()
    clients = [MockClient(mock.base_url, Session(QUINTA, "org_quinta")) for _ in range(writers + 1)]
    threads = [threading.Thread(target=_writer, args=(c, seen, stop, i)) for i, c in enumerate(clients[:-1])]
    threads.append(threading.Thread(target=_reader, args=(clients[-1], seen, stop)))
    for t in threads:
        t.start()
    until.wait(timeout)
    os.kill(mock.proc.pid, signal.SIGKILL)  # while every client still sends
    mock.proc.wait(timeout=30)
    stop.set()
    for t in threads:
        t.join(timeout=60)


def stored_keys(path: Path) -> dict[str, str | None]:
    """Each key id the file holds, with its last version's revocation time (None: active)."""
    rows = query(path, "SELECT id, revoked_at FROM keys ORDER BY rowid")
    return {key_id: revoked for key_id, revoked in rows}


def assert_file_holds_what_clients_were_told(path: Path, seen: Seen) -> None:
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    stored = stored_keys(path)
    assert seen.acknowledged <= stored.keys(), "an acknowledged key was lost"
    assert seen.listed <= stored.keys(), "a list showed a key the file does not hold"
    assert all(stored[key_id] is not None for key_id in seen.revoked), "an acknowledged revocation was lost"
    assert not {s for s in seen.statuses if s >= 500 and s != 503}, seen.statuses


def test_kill_9_under_a_mixed_write_load_three_times(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    seen = Seen()
    for _ in range(3):
        mock = start("granian", "--state", str(path), "--rate-limit", "0")
        target = len(seen.acknowledged) + 60
        enough = threading.Event()
        watch(functools.partial(_acknowledged_at_least, seen, target), enough)
        run_load(mock, seen, enough)
        mock.stop()
        assert len(seen.acknowledged) >= target - 3  # the kill may leave a request per writer unanswered
        assert_file_holds_what_clients_were_told(path, seen)
        seen.statuses.clear()
    assert seen.revoked and seen.listed


def _acknowledged_at_least(seen: Seen, count: int) -> bool:
    return len(seen.acknowledged) >= count


def watch(condition: Callable[[], bool], event: threading.Event, timeout: float = 90) -> None:
    """Set ``event`` once ``condition()`` holds (or after ``timeout``), from a thread of its own."""

    def run() -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)
        event.set()

    threading.Thread(target=run, daemon=True).start()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KB tmpfs, or a skip where none can be mounted (tests/test_full_disk.py always runs)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_under_load_loses_nothing_acknowledged_and_shows_nothing_unsaved(small_disk: Path) -> None:
    path = small_disk / "state.db"
    seen = Seen()
    mock = start("granian", "--state", str(path), "--rate-limit", "0")
    full = threading.Event()
    watch(lambda: len(seen.refusals) >= 20, full)
    # Reads keep working on a full disk, with a key made before it filled up.
    client = MockClient(mock.base_url, Session(QUINTA, "org_quinta"))
    _, reader_secret = client.create_key()
    run_load(mock, seen, full, timeout=90)
    stderr = mock.stop()
    assert seen.refusals, f"the disk never filled up: {seen.statuses}"
    assert all("the disk is full" in message for message in seen.refusals), set(seen.refusals)
    assert "SQLITE_FULL" in stderr and "cannot rollback" not in stderr
    assert_file_holds_what_clients_were_told(path, seen)
    # A restart on the disk, still full, serves every acknowledged key and none whose revocation was.
    again = start("granian", "--state", str(path), "--rate-limit", "0")
    try:
        client = MockClient(again.base_url, Session(QUINTA, "org_quinta"))
        statuses = {
            key_id: client.request("GET", "/v1/products", bearer=secret).status
            for key_id, secret in list(seen.secrets.items())[:40]
        }
        assert client.request("GET", "/v1/products", bearer=reader_secret).status == 200
    finally:
        again.stop()
    for key_id, status in statuses.items():
        assert status == (401 if key_id in seen.revoked else 200), key_id
