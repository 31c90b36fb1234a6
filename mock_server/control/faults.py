"""Fault rules: latency, forced error statuses, and "commit, then drop the response" on key creation."""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, cast

from ..errors import ApiError, NotFound, RateLimited, ServiceUnavailable, render
from ..passage import KEY, passage_of
from ..serving.wsgi_run import WsgiApp
from . import CONTROL_PREFIX

ACTIONS = ("latency", "status", "drop_after_commit")
# The statuses a rule may force, answered with the error the mock itself would give for each.
FAULT_ERRORS: dict[int, type[ApiError]] = {429: RateLimited, 500: ApiError, 503: ServiceUnavailable}
KEY_CREATION = ("POST", "/v1/auth/api-keys")
MAX_LATENCY_MS = 60_000
ADDED_KEPT = 1000


@dataclass(slots=True)
class Fault:
    id: str
    method: str
    path: str
    action: str
    times: int | None = None
    probability: float | None = None
    ms: int = 0
    status: int = 503
    retry_after: int | None = None
    disconnect: bool = False

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and (self.path == path or fnmatch.fnmatchcase(path, self.path))

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "action": self.action,
            "times": self.times,
            "probability": self.probability,
        }
        if self.action == "latency":
            body["ms"] = self.ms
        else:
            body["status"] = None if self.disconnect else self.status
            body["retryAfter"] = self.retry_after
        if self.action == "drop_after_commit":
            body["disconnect"] = self.disconnect
        return body

    def error(self) -> ApiError:
        err = FAULT_ERRORS[self.status]()
        if self.retry_after is not None:
            err.headers["Retry-After"] = str(self.retry_after)
        return err


class FaultRules:
    """Active rules in creation order; the first matching rule that fires applies to a request."""

    def __init__(self, seed: int | None) -> None:
        self._rules: list[Fault] = []
        # Every rule added, removed or used up ones too, so a journal entry's faultId still says what
        # it did (the journal's export replays it); bounded like the journal.
        self._added: dict[str, Fault] = {}
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id = f"fault_{next(self._ids)}"
            self._rules.append(fault)
            self._added[fault.id] = fault
            if len(self._added) > ADDED_KEPT:
                del self._added[next(iter(self._added))]
            return fault

    def added(self, fault_id: str) -> Fault | None:
        """The rule with this id, as it was added, even once removed or used up (the newest 1,000)."""
        with self._lock:
            return self._added.get(fault_id)

    def rules(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def remove(self, fault_id: str) -> None:
        with self._lock:
            kept = [f for f in self._rules if f.id != fault_id]
            if len(kept) == len(self._rules):
                raise NotFound("No fault rule with this id.")
            self._rules = kept

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def fire(self, method: str, path: str, actions: tuple[str, ...]) -> Fault | None:
        """The rule that applies to this call, counting it against the rule's ``times``."""
        with self._lock:
            for fault in self._rules:
                if fault.action not in actions or not fault.matches(method, path):
                    continue
                if fault.probability is not None and self._rng.random() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._rules.remove(fault)
                return fault
        return None


class FaultInjector:
    """WSGI middleware, and the one place fault rules are fired and applied to API requests; the
    control plane is never faulted. The rule is noted on the request's passage (for the journal)."""

    def __init__(self, inner: WsgiApp, rules: Callable[[], FaultRules], error_format: str) -> None:
        self._inner = inner
        self._rules = rules  # a getter: reset replaces the rules object
        self._format = error_format

    def hold(self, environ: dict[str, Any]) -> float:
        """Fire the latency and status rules now, for a server that waits out the returned seconds
        itself, without a thread, before it calls the app; the app then applies the same decision."""
        passage = passage_of(environ)
        passage.fault, passage.fault_decided = self._fire(environ, self._rules()), True
        fault = cast(Fault | None, passage.fault)
        return fault.ms / 1000 if fault is not None and fault.action == "latency" else 0.0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        rules = self._rules()
        passage = environ.get(KEY)
        waited = passage is not None and passage.fault_decided
        # Checked without the lock first: with no rules (the usual case) a request pays nothing more.
        if not rules and not waited:
            return self._inner(environ, start_response)
        if passage is None:
            passage = passage_of(environ)
        fault = cast(Fault | None, passage.fault) if waited else self._fire(environ, rules)
        if fault is not None:
            passage.fault = fault
            if fault.action != "latency":
                return self._error(fault.error(), start_response)
            if not waited:
                time.sleep(fault.ms / 1000)  # on a server thread (waitress, the in-thread server)
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if (method, path) != KEY_CREATION or not rules:
            return self._inner(environ, start_response)
        return self._create(environ, start_response, rules, passage)

    def _create(
        self, environ: dict[str, Any], start_response: Callable[..., Any], rules: FaultRules, passage: Any
    ) -> Iterable[bytes]:
        """Key creation, which a ``drop_after_commit`` rule may cut off once the key is committed.
        The status and headers are held until the rule is asked; the body passes on untouched."""
        held: list[Any] = []

        def hold_head(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            held[:] = [status, headers, exc_info]
            return _unbuffered_write

        result = self._inner(environ, hold_head)
        status, headers, exc_info = held
        # Only a really created key (201) counts: the failure is a committed key whose secret never arrived.
        fault = rules.fire("POST", KEY_CREATION[1], ("drop_after_commit",)) if status.startswith("201") else None
        if fault is None:
            start_response(status, headers, exc_info)
            return result
        _close(result)
        passage.fault = fault
        if not fault.disconnect:
            return self._error(fault.error(), start_response)
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        return _cut_off(status, headers, length, start_response)

    @staticmethod
    def _fire(environ: dict[str, Any], rules: FaultRules) -> Fault | None:
        path = environ.get("PATH_INFO", "")
        skip = not rules or path.startswith(CONTROL_PREFIX)
        return None if skip else rules.fire(environ.get("REQUEST_METHOD", ""), path, ("latency", "status"))

    def _error(self, err: ApiError, start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = render(self._format, err)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]


def _unbuffered_write(data: bytes) -> None:
    raise RuntimeError("the mock's routes return their bodies; none writes through start_response")


def _close(result: Iterable[bytes]) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _cut_off(
    status: str, headers: list[tuple[str, str]], length: int, start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Status and headers with the declared length, no body: the server cuts the connection, as if lost."""
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "application/json")
    start_response(
        status, [("Content-Type", content_type), ("Content-Length", str(length)), ("Cache-Control", "no-store")]
    )
    return []


def parse_rule(body: dict[str, Any]) -> Fault:
    """A rule from its JSON form, already valid against the control plane's ``Fault`` schema."""
    action = body["action"]
    drop = action == "drop_after_commit"
    probability = body.get("probability")
    fault = Fault(
        id="",
        method=str(body.get("method", KEY_CREATION[0] if drop else "*")).upper(),
        path=body.get("path", KEY_CREATION[1]),
        action=action,
        times=None if body.get("times") is None else int(body["times"]),
        probability=None if probability is None else float(probability),
    )
    if action == "latency":
        fault.ms = int(body.get("ms") or 0)
        return fault
    fault.disconnect = bool(body.get("disconnect", False))
    fault.status = int(body.get("status", 503))
    retry_after = body.get("retryAfter")
    fault.retry_after = None if retry_after is None else int(retry_after)
    if fault.retry_after is None and fault.status == 429:
        fault.retry_after = 1  # the docs promise Retry-After on every 429 (C35)
    return fault
