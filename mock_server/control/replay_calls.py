"""One recorded call as the export replays it: what to send, and which fields of the answer to check."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..api.strict import contracts
from ..state.api_key import ApiKey
from ..state.state import State
from .replay_names import Names

_KEY_ID = re.compile(r"key_[0-9a-f]{24}")
# Headers the replay's own HTTP client and fixture set (or that carry a credential the test supplies).
_NOT_REPLAYED = {
    "authorization",
    "connection",
    "content-length",
    "cookie",
    "host",
    "keep-alive",
    "te",
    "transfer-encoding",
    "user-agent",
    "accept-encoding",
    "x-eulabel-mock-token",
}
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_SESSION_OPERATIONS = {"createApiKey", "listApiKeys", "revokeApiKey"}


@dataclass(slots=True)
class Call:
    time: str
    method: str
    path: str
    query: str
    status: int
    fault: str | None
    key_id: str | None
    headers: dict[str, str]
    body: Any
    body_type: str | None
    answer: Any
    operation: str | None
    duration: float  # seconds, from arrival to answer
    org: str | None = None

    @classmethod
    def of(cls, entry: dict[str, Any], operation_of: Callable[[str, str], str | None]) -> Call:
        request = entry["request"]
        content_type = next((v for k, v in request["headers"].items() if k.lower() == "content-type"), None)
        return cls(
            time=entry["time"],
            method=entry["method"],
            path=entry["path"],
            query=entry["query"],
            status=entry["status"],
            fault=entry["fault"],
            key_id=entry["keyId"],
            headers=request["headers"],
            body=request["body"],
            body_type=content_type.split(";")[0].strip().lower() if content_type else None,
            answer=entry["response"]["body"],
            operation=operation_of(entry["method"], entry["path"]),
            duration=entry["durationMs"] / 1000,
        )

    @property
    def shown_path(self) -> str:
        return self.path + ("?" + self.query if self.query else "")

    def key_ids(self) -> list[str]:
        """The keys this call names: the one it presented, and those in its path and its answer."""
        found = _KEY_ID.findall(self.path + " " + json.dumps(self.answer))
        return [self.key_id, *found] if self.key_id else found


def keys_before(calls: list[Call], state: State) -> list[ApiKey]:
    """Keys the calls name that were made before the first of them, oldest first; sets each session call's org.

    A create whose answer was a fault made a key no answer showed: the key made while it ran is its own.
    """
    by_id = {key.id: key for org in list(state.organizations) for key in state.keys.all(org)}
    creates = [c for c in calls if c.operation == "createApiKey"]
    made_here = {c.answer.get("id") for c in creates if isinstance(c.answer, dict)}
    unseen = [(seconds(c.time) - c.duration - 0.001, seconds(c.time) + 0.001) for c in creates if c.fault]
    start = seconds(calls[0].time) if calls else 0.0
    earlier: dict[str, ApiKey] = {}
    for call in calls:
        for key_id in call.key_ids():
            key = by_id.get(key_id)
            if key is None:
                continue
            if call.operation in _SESSION_OPERATIONS and call.org is None:
                call.org = key.org_id
            if key_id in made_here or key_id in earlier or key.created_at > start:
                continue
            window = next((w for w in unseen if w[0] <= key.created_at <= w[1]), None)
            if window is not None:
                unseen.remove(window)
                made_here.add(key_id)
            else:
                earlier[key_id] = key
    return sorted(earlier.values(), key=lambda key: key.created_at)


def seconds(text: str) -> float:
    """Unix seconds of a journal time (ISO 8601, UTC)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def request_args(call: Call, names: Names, default_org: str) -> str:
    """The arguments of ``send`` after ``mock, ids``: method, path, body, headers, session."""
    args = [repr(call.method), names.text(call.shown_path)]
    if call.body is not None:
        json_body = call.body_type == "application/json" or (call.body_type or "").endswith("+json")
        if json_body and not isinstance(call.body, str):
            args.append(f"body={names.request(call.body)}")
        else:
            args.append(f"raw={names.text(str(call.body))}")
    headers: dict[str, str] = {}
    for name, value in call.headers.items():
        lower = name.lower()
        if lower == "host" and not value.startswith(_LOOPBACK):
            headers[name] = repr(value)  # a refused host name: the point of the call
        elif lower == "authorization":
            scheme = value.partition(" ")[0] if " " in value else ""
            key = names.bound.get(call.key_id or "", "")
            secret = key.removesuffix("_id") if key.endswith("_id") else "UNKNOWN_KEY"
            template = (scheme + " " if scheme else "") + "{" + secret + "}"
            headers[name] = f"Text({template!r})"
        elif lower not in _NOT_REPLAYED:
            headers[name] = names.text(value)
    cookie = next((v for k, v in call.headers.items() if k.lower() == "cookie"), "")
    if "eulabel_session=" in cookie:
        if call.status == 401 and call.operation in _SESSION_OPERATIONS:
            headers["Cookie"] = repr("eulabel_session=expired")  # a session the mock does not know
        else:
            args.append(f"session=sessions[{(call.org or default_org)!r}]")
    if headers:
        args.append("headers={" + ", ".join(f"{k!r}: {v}" for k, v in headers.items()) + "}")
    return ", ".join(args)


def documented_body(call: Call, names: Names) -> str | None:
    """Source for the answer's body as recorded, cut to the fields openapi.yaml documents for it."""
    if call.answer is None:
        return None
    schema: Any = None
    if call.operation is not None:
        documented = contracts()[call.operation][1].get(str(call.status))
        if documented is not None and documented.body is not None:
            schema = documented.body.schema
    return names.expected(_documented([schema] if schema is not None else [], call.answer))


def _documented(schemas: list[Any], value: Any) -> Any:
    """``value`` with only the object members some schema in ``schemas`` lists (all, if none lists any)."""
    flat = _alternatives(schemas)
    if isinstance(value, dict):
        listed: dict[str, list[Any]] = {}
        for schema in flat:
            for name, sub in schema.get("properties", {}).items():
                listed.setdefault(name, []).append(sub)
        if not listed:
            return value
        return {k: _documented(listed[k], v) for k, v in value.items() if k in listed}
    if isinstance(value, list):
        items = [schema["items"] for schema in flat if isinstance(schema.get("items"), dict)]
        return [_documented(items, item) for item in value]
    return value


def _alternatives(schemas: list[Any]) -> list[dict[str, Any]]:
    """The schemas with their allOf, anyOf and oneOf parts spread out (inlined schemas have no $ref)."""
    out: list[dict[str, Any]] = []
    for schema in schemas:
        if isinstance(schema, dict):
            out.append(schema)
            for word in ("allOf", "anyOf", "oneOf"):
                out += _alternatives(schema.get(word, []))
    return out
