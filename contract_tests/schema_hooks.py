"""Schemathesis wiring: auth from the run's credentials, run-prefixed names, cleanup, secret masking."""

from __future__ import annotations

import re
import time
from typing import Any

import schemathesis

from .client import ALL_SCOPES, KEYS, SESSION_COOKIE, Api, Created
from .redact import SECRET
from .shapes import find_id, find_secret
from .target import CURRENT, Target

PLACEHOLDER = "contract-credentials-placeholder"
OURS: set[int] = set()  # ids of the schemas built by this suite; global hooks ignore any other
_LEAKED: dict[int, str] = {}
_PAUSE = {"until": 0.0}  # honour a 429's Retry-After before the next call (bounded)
MAX_PAUSE = 10.0
_MAX_NAME = 100


class Credentials:
    """What the schema tests authenticate with on one target."""

    def __init__(self, api: Api, target: Target, session: str | None, api_key: str | None, may_create: bool) -> None:
        self.api, self.target, self.session = api, target, session
        self._key = api_key
        self._may_create = may_create
        self.preexisting: set[str] = set()
        if target.foreign and session:
            # Keys that existed before the run: the schema tests must never revoke one of them.
            _, items = api.list_keys(session)
            self.preexisting = {i for i in (find_id(item) for item in items or []) if i}

    def bearer(self) -> str | None:
        if self._key is None and self._may_create and self.session:
            created = self.api.create_key(self.session, ALL_SCOPES, label="schema")
            self._key = created.secret
        return self._key


ACTIVE: dict[str, Credentials] = {}


def uses_session(operation: Any) -> bool:
    security = operation.definition.raw.get("security", [])
    return any("sessionCookie" in req for req in security)


def register(schema: Any) -> Any:
    OURS.add(id(schema))

    @schema.auth(refresh_interval=None, retry_on=[])
    class RunCredentials:
        def get(self, case: Any, ctx: Any) -> str | None:
            # Coverage cases are built at collection, before any credentials exist: a placeholder
            # stands in and ``before_call`` swaps in the real value at call time.
            return PLACEHOLDER

        def set(self, case: Any, data: str | None, ctx: Any) -> None:
            if data is None:
                return
            if uses_session(case.operation):
                case.cookies = {**(case.cookies or {}), SESSION_COOKIE: data}
            else:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    @schema.hook
    def after_call(ctx: Any, case: Any, response: Any) -> None:
        creds = ACTIVE.get("current")
        if creds is None:
            return
        if response.status_code == 429:
            wait = (response.headers.get("retry-after") or ["1"])[0]
            try:
                _PAUSE["until"] = time.monotonic() + min(MAX_PAUSE, max(0.0, float(wait)))
            except ValueError:
                _PAUSE["until"] = time.monotonic() + 1.0
        text = response.content.decode("utf-8", "replace") if response.content else ""
        created = case.method.upper() == "POST" and case.path == KEYS and 200 <= response.status_code < 300
        if created:
            body = _json(text)
            secret = find_secret(body)
            session = (case.cookies or {}).get(SESSION_COOKIE) or creds.session or ""
            creds.api.created.append(
                Created(response.status_code, None, find_id(body, secret), secret, "", session, [])
            )
            if secret:
                creds.api.secrets[secret] = secret[:12] + "…"
        else:
            headers = " ".join(" ".join(v) for v in response.headers.values())
            for secret, shown in creds.api.secrets.items():
                if secret in text or secret in headers:
                    _LEAKED[id(response)] = shown
        # What schemathesis keeps and prints holds a placeholder of the same shape, never the secret.
        if SECRET.search(text):
            response.content = SECRET.sub(_placeholder, text).encode("utf-8")
            response._deserialized = _NOT_SET
            response._encoded_body = None

    return schema


def _placeholder(match: re.Match[str]) -> str:
    value = match.group(0)
    return value if len(value) <= 12 else value[:8] + "X" * (len(value) - 8)


def _json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return None


from schemathesis.core import NOT_SET as _NOT_SET  # noqa: E402


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Prefix created keys' names with the run prefix; on a deployment, never revoke what the run did not create."""
    if id(case.operation.schema) not in OURS or ACTIVE.get("current") is None:
        return
    creds = ACTIVE["current"]
    prefix = creds.target.run_prefix
    pause = _PAUSE["until"] - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    if (case.cookies or {}).get(SESSION_COOKIE) == PLACEHOLDER:
        case.cookies = {**case.cookies, SESSION_COOKIE: creds.session or ""}
    if (case.headers or {}).get("Authorization") == f"Bearer {PLACEHOLDER}":
        case.headers = {**case.headers, "Authorization": f"Bearer {creds.bearer() or ''}"}
    if case.method.upper() == "POST" and case.path == KEYS and isinstance(case.body, dict):
        name = case.body.get("name")
        if isinstance(name, str) and name.strip() and len(name) <= _MAX_NAME:
            case.body = {**case.body, "name": (prefix + name)[:_MAX_NAME]}
    if creds.target.foreign and case.method.upper() == "DELETE" and case.path == KEYS + "/{keyId}":
        key_id = (case.path_parameters or {}).get("keyId")
        if key_id in creds.preexisting:
            case.path_parameters = {**(case.path_parameters or {}), "keyId": f"{prefix}not-created-by-this-run"}


@schemathesis.check
def secret_not_reshown(ctx: Any, response: Any, case: Any) -> bool | None:
    """C12: a key's full secret appears in its create response only."""
    shown = _LEAKED.pop(id(response), None)
    if shown is not None:
        raise AssertionError(f"the full key {shown} was shown again after its create response (C12)")
    return None


def current_target() -> Target | None:
    return CURRENT.get("target")
