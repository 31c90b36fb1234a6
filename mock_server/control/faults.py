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
from typing import Any

from ..errors import ApiError, NotFound, ValidationFailed, render
from ..serving.wsgi_run import WsgiApp, run_to_completion
from . import CONTROL_PREFIX

ACTIONS = ("latency", "status", "drop_after_commit")
STATUSES = {429: "Too many requests.", 500: "Unexpected server failure.", 503: "Temporary maintenance or overload."}
CODES = {429: "rate_limited", 500: "internal_error", 503: "service_unavailable"}
KEY_CREATION = ("POST", "/v1/auth/api-keys")
MAX_LATENCY_MS = 60_000
FAULT_ID = "eulabel_mock.fault_id"  # environ key: the rule applied to this request, for the journal
_DECIDED = "eulabel_mock.fault_decided"  # environ key: the rule delay_for fired (or None) for this request
_FIELDS = {"method", "path", "times", "probability", "action", "ms", "status", "retryAfter", "disconnect"}


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
        err = ApiError(STATUSES[self.status])
        err.status, err.code = self.status, CODES[self.status]
        if self.retry_after is not None:
            err.headers["Retry-After"] = str(self.retry_after)
        return err


class FaultRules:
    """Active rules in creation order; the first matching rule that fires applies to a request."""

    def __init__(self, seed: int | None) -> None:
        self._rules: list[Fault] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id = f"fault_{next(self._ids)}"
            self._rules.append(fault)
            return fault

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
    """WSGI middleware that applies fault rules to API requests; the control plane is never faulted."""

    def __init__(self, inner: WsgiApp, rules: Callable[[], FaultRules], error_format: str) -> None:
        self._inner = inner
        self._rules = rules  # a getter: reset replaces the rules object
        self._format = error_format

    def delay_for(self, environ: dict[str, Any]) -> float:
        """Fire the latency or status rule now, for a server that waits out the returned seconds itself."""
        fault = environ[_DECIDED] = self._fire(environ, self._rules())
        return fault.ms / 1000 if fault is not None and fault.action == "latency" else 0.0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        rules = self._rules()
        waited = _DECIDED in environ
        # Checked without the lock first: with no rules (the usual case) a request pays nothing more.
        if not rules and not waited:
            return self._inner(environ, start_response)
        fault = environ.pop(_DECIDED) if waited else self._fire(environ, rules)
        if fault is not None:
            environ[FAULT_ID] = fault.id
            if fault.action != "latency":
                return self._error(fault.error(), start_response)
            if not waited:
                time.sleep(fault.ms / 1000)  # on a server thread (waitress, the test server)
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if (method, path) != KEY_CREATION:
            return self._inner(environ, start_response)
        status, headers, body = run_to_completion(self._inner, environ)
        # Only a really created key (201) counts: the failure is a committed key whose secret never arrived.
        fault = rules.fire(method, path, ("drop_after_commit",)) if status.startswith("201") else None
        if fault is None:
            start_response(status, headers)
            return [body]
        environ[FAULT_ID] = fault.id
        if not fault.disconnect:
            return self._error(fault.error(), start_response)
        return _cut_off(status, headers, len(body), start_response)

    @staticmethod
    def _fire(environ: dict[str, Any], rules: FaultRules) -> Fault | None:
        path = environ.get("PATH_INFO", "")
        skip = not rules or path.startswith(CONTROL_PREFIX)
        return None if skip else rules.fire(environ.get("REQUEST_METHOD", ""), path, ("latency", "status"))

    def _error(self, err: ApiError, start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = render(self._format, err)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]


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
    """A rule from its JSON form.

    :raise ValidationFailed: unknown field, missing path or action, or a value out of range.
    """
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown field '{unknown[0]}'.", param=unknown[0])
    action = body.get("action")
    if action not in ACTIONS:
        raise ValidationFailed("action must be one of: " + ", ".join(ACTIONS) + ".", param="action")
    method = body.get("method", KEY_CREATION[0] if action == "drop_after_commit" else "*")
    path = body.get("path", KEY_CREATION[1] if action == "drop_after_commit" else None)
    if not isinstance(method, str) or not method.isalpha() and method != "*":
        raise ValidationFailed("method must be an HTTP method or '*'.", param="method")
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 500:
        raise ValidationFailed("path must be a path starting with '/' (exact or a glob such as /v1/*).", param="path")
    method = method.upper()
    if action == "drop_after_commit" and (method, path) != KEY_CREATION:
        raise ValidationFailed("drop_after_commit applies to key creation only: POST /v1/auth/api-keys.", param="path")
    times = _number(body, "times", int, 1, 1_000_000)
    probability = _number(body, "probability", float, 0.0, 1.0)
    if probability == 0.0:
        raise ValidationFailed("probability must be above 0 and at most 1.", param="probability")
    fault = Fault(
        id="",
        method=method,
        path=path,
        action=action,
        times=times,
        probability=None if probability is None else float(probability),
    )
    if action == "latency":
        fault.ms = _number(body, "ms", int, 0, MAX_LATENCY_MS) or 0
        for name in ("status", "retryAfter"):
            if name in body:
                raise ValidationFailed(f"{name} does not apply to a latency rule.", param=name)
        return fault
    if "ms" in body:
        raise ValidationFailed("ms applies to latency rules only.", param="ms")
    disconnect = body.get("disconnect", False)
    if action != "drop_after_commit" and "disconnect" in body:
        raise ValidationFailed("disconnect applies to drop_after_commit rules only.", param="disconnect")
    if type(disconnect) is not bool:
        raise ValidationFailed("disconnect must be true or false.", param="disconnect")
    if disconnect and "status" in body:
        raise ValidationFailed("status does not apply when the connection is cut off.", param="status")
    fault.disconnect = disconnect
    status = body.get("status", 503 if action == "drop_after_commit" else None)
    allowed = (500, 503) if action == "drop_after_commit" else tuple(STATUSES)
    if type(status) is not int or status not in allowed:
        raise ValidationFailed("status must be one of: " + ", ".join(map(str, allowed)) + ".", param="status")
    fault.status = status
    fault.retry_after = _number(body, "retryAfter", int, 0, 86_400)
    if fault.retry_after is None and status == 429:
        fault.retry_after = 1  # the docs promise Retry-After on every 429 (C35)
    return fault


def _number(body: dict[str, Any], name: str, kind: type, low: float, high: float) -> Any:
    value = body.get(name)
    if value is None:
        return None
    ok = type(value) is int or (kind is float and type(value) is float)
    if not ok or not low <= value <= high:
        noun = "an integer" if kind is int else "a number"
        raise ValidationFailed(f"{name} must be {noun} between {low:g} and {high:g}.", param=name)
    return value
