"""Schemathesis wiring without global hooks: each case goes through one ``SchemaRun`` of the pytest run.

A ``SchemaRun`` puts the run's credentials on a case, prefixes created names, keeps read-only runs to GET
and HEAD, strips credentials from probes of methods the spec does not declare, waits out a 429's
Retry-After, and masks any secret in a response before schemathesis keeps or prints it.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from .client import KEY_SCOPES, KEYS, SAFE_METHODS, SESSION_COOKIE, Api, Created
from .differs import differs
from .redact import SECRET
from .retry import MAX_RETRIES, TRANSIENT, transient_pause
from .shapes import find_id, find_secret
from .target import ENV_API_KEY, ENV_SESSION, Target

PLACEHOLDER = "contract-credentials-placeholder"
MAX_PAUSE = 10.0
_MAX_NAME = 100


def uses_session(operation: Any) -> bool:
    security = operation.definition.raw.get("security", [])
    return any("sessionCookie" in req for req in security)


def declared(case: Any) -> bool:
    """Whether the spec declares the case's method on its path (schemathesis also probes other methods)."""
    paths = case.operation.schema.raw_schema.get("paths", {})
    return case.method.lower() in paths.get(case.operation.path, {})


def register(schema: Any) -> Any:
    """Give ``schema`` a stateless auth provider: a placeholder that ``SchemaRun.prepare`` replaces per run."""

    @schema.auth(refresh_interval=None, retry_on=[])
    class RunCredentials:
        def get(self, case: Any, ctx: Any) -> str | None:
            # Coverage cases are built at collection, before any credentials exist.
            return PLACEHOLDER

        def set(self, case: Any, data: str | None, ctx: Any) -> None:
            if data is None:
                return
            if uses_session(case.operation):
                case.cookies = {**(case.cookies or {}), SESSION_COOKIE: data}
            else:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


class SchemaRun:
    """What the schema tests send with, and what they saw, on one target."""

    def __init__(self, api: Api, target: Target, may_create: bool) -> None:
        self.api, self.target = api, target
        self.session = None if target.read_only else target.session
        self.read_session = target.session  # a session may list keys (GET) in a read-only run too
        self._key = target.api_key if target.foreign else None
        self._may_create = may_create and not target.read_only
        self._pause_until = 0.0
        self.preexisting: set[str] = set()
        if target.foreign and target.session and not target.read_only:
            # Keys that existed before the run: the schema tests must never revoke one of them.
            _, items = api.list_keys(target.session)
            self.preexisting = {i for i in (find_id(item) for item in items or []) if i}

    def bearer(self) -> str | None:
        if self._key is None and self._may_create and self.session:
            self._key = self.api.create_key(self.session, KEY_SCOPES, label="schema").secret
        return self._key

    def need(self, case: Any) -> None:
        """Skip, naming what is missing, when the case's operation cannot be authenticated."""
        if uses_session(case.operation):
            if not self.read_session:
                pytest.skip(f"set {ENV_SESSION} to check the key-management operations")
        elif self.bearer() is None:
            if self.target.read_only:
                pytest.skip(f"set {ENV_API_KEY}: a --read-only run creates no key for the bearer operations")
            pytest.skip(f"set {ENV_API_KEY} or {ENV_SESSION} (to let the run create a key) for bearer operations")

    def prepare(self, case: Any) -> bool:
        """Make ``case`` ready to send; False when this run must not send it at all."""
        method = case.method.upper()
        if self.target.read_only and method not in SAFE_METHODS:
            return False  # e.g. schemathesis' PUT/DELETE/TRACE probes of a GET operation
        pause = self._pause_until - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        if not declared(case):
            # A probe of a method the spec does not have: it never carries credentials, so an
            # undocumented endpoint (a bulk delete, say) cannot act on it.
            case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
            case.cookies = {k: v for k, v in (case.cookies or {}).items() if k != SESSION_COOKIE}
            return True
        if (case.cookies or {}).get(SESSION_COOKIE) == PLACEHOLDER:
            case.cookies = {**case.cookies, SESSION_COOKIE: self.read_session or ""}
        if (case.headers or {}).get("Authorization") == f"Bearer {PLACEHOLDER}":
            case.headers = {**case.headers, "Authorization": f"Bearer {self.bearer() or ''}"}
        if method == "POST" and case.path == KEYS and isinstance(case.body, dict):
            name = case.body.get("name")
            if isinstance(name, str) and name.strip() and len(name) <= _MAX_NAME:
                case.body = {**case.body, "name": (self.target.run_prefix + name)[:_MAX_NAME]}
        if self.target.foreign and method == "DELETE" and case.path == KEYS + "/{keyId}":
            key_id = (case.path_parameters or {}).get("keyId")
            if key_id in self.preexisting:
                case.path_parameters = {
                    **(case.path_parameters or {}),
                    "keyId": f"{self.target.run_prefix}not-created-by-this-run",
                }
        return True

    def after(self, case: Any, response: Any) -> str | None:
        """Record what the response shows; mask secrets in it. Returns the mask of a secret shown again."""
        if response.status_code == 429:
            wait = (response.headers.get("retry-after") or ["1"])[0]
            try:
                self._pause_until = time.monotonic() + min(MAX_PAUSE, max(0.0, float(wait)))
            except ValueError:
                self._pause_until = time.monotonic() + 1.0
        text = response.content.decode("utf-8", "replace") if response.content else ""
        leaked = None
        if case.method.upper() == "POST" and case.path == KEYS and 200 <= response.status_code < 300:
            body = _json(text)
            secret = find_secret(body)
            session = (case.cookies or {}).get(SESSION_COOKIE) or self.session or ""
            self.api.created.append(Created(response.status_code, None, find_id(body, secret), secret, "", session, []))
            if secret:
                self.api.secrets[secret] = secret[:12] + "…"
        else:
            headers = " ".join(" ".join(v) for v in response.headers.values())
            leaked = next(
                (shown for secret, shown in self.api.secrets.items() if secret in text or secret in headers), None
            )
        if SECRET.search(text):
            # What schemathesis keeps and prints holds a placeholder of the same shape, never the secret.
            response.content = SECRET.sub(_placeholder, text).encode("utf-8")
            response._deserialized = _NOT_SET
            response._encoded_body = None
        return leaked

    def call(self, case: Any, **kwargs: Any) -> Any:
        """Send ``case``; sent again after a transient 5xx, as the docs tell clients to (C36), and counted."""
        kwargs.setdefault("base_url", self.target.root)
        kwargs.setdefault("verify", self.target.verify)
        kwargs.setdefault("session", self.api.http)  # one connection pool: no TCP and TLS set-up per case
        attempt = 0
        while True:
            response = case.call(**kwargs)
            pause = transient_pause(response.status_code, (response.headers.get("retry-after") or [None])[0], attempt)
            if pause is None:
                return response
            self.api.count_transient()
            self.api.spend()
            time.sleep(pause)
            attempt += 1

    def check(self, case: Any, documented: bool = True) -> None:
        """Send ``case`` (unless this run must not) and validate the answer. A failure that only a transient
        5xx caused (in a request schemathesis sends itself, e.g. its probe without credentials) is tried
        again, as the docs tell clients to (C36), and counted; what stays wrong fails."""
        self.need(case)
        if not self.prepare(case):
            return
        for attempt in range(MAX_RETRIES + 1):
            try:
                self._check_once(case, documented)
                return
            except Exception as exc:  # schemathesis raises its own failure groups
                if attempt == MAX_RETRIES or not caused_by_transient_5xx(exc):
                    raise
                self.api.count_transient()
                time.sleep(0.1 * 2**attempt)

    def _check_once(self, case: Any, documented: bool) -> None:
        response = self.call(case)
        leaked = self.after(case, response)
        assert leaked is None, f"the full key {leaked} was shown again after its create response (C12)"
        if not declared(case):
            undeclared_method_is_not_served_anonymously(None, response, case)
            if documented:
                # A method the API does not have is outside the docs: 405, 501 (as many servers and proxies
                # answer) or anything else that grants nothing; at most a difference, never a failure.
                if response.status_code >= 500 and response.status_code != 501:
                    differs(f"{case.method} {case.path} (not in the API) answered {response.status_code}")
                return
            case.validate_response(response, additional_checks=[undeclared_method_is_not_served_anonymously])
            return
        case.validate_response(response)


_TRANSIENT_TEXT = re.compile(r"\b(?:got|received|returned) `?(?:" + "|".join(map(str, sorted(TRANSIENT))) + r")\b")


def caused_by_transient_5xx(exc: BaseException) -> bool:
    """Whether every failure in ``exc`` is a transient 5xx answer (by status, or as its message names it)."""
    failures = list(getattr(exc, "exceptions", None) or [exc])
    return all(
        getattr(f, "status_code", None) in TRANSIENT or _TRANSIENT_TEXT.search(str(getattr(f, "message", f)))
        for f in failures
    )


def undeclared_method_is_not_served_anonymously(ctx: Any, response: Any, case: Any) -> bool | None:
    """C9: a request without credentials, to a method the API does not document, never succeeds."""
    if case.method.upper() != "OPTIONS" and not declared(case) and 200 <= response.status_code < 300:
        raise AssertionError(f"{case.method} {case.path} without credentials answered {response.status_code} (C9)")
    return None


def _placeholder(match: re.Match[str]) -> str:
    value = match.group(0)
    return value if len(value) <= 12 else value[:8] + "X" * (len(value) - 8)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


from schemathesis.core import NOT_SET as _NOT_SET  # noqa: E402
