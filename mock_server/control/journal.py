"""The request journal: a bounded record of API calls, with every credential redacted (``recorder.py`` fills it)."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections import deque
from typing import Any

from ..redaction import join_headers, redact_body
from ..state.clock import iso
from .journal_limits import MEMORY_LIMIT, READ_LIMIT, plain_body


class Journal:
    """The last ``size`` requests, oldest first; ``size`` 0 records nothing.

    Entries are kept raw (bytes, header pairs) and rendered as JSON only when read, so recording
    costs little on every request. Credentials are redacted before anything is kept.
    """

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("JOURNAL_SIZE must be 0 or more")
        self.size = size
        self._entries: deque[dict[str, Any]] = deque()
        self._kept = 0  # characters all entries keep (their "size")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        """Keep ``entry`` (with its ``size`` in characters); the oldest go when a limit is reached."""
        if self.size:
            with self._lock:
                entry["id"] = next(self._ids)
                self._entries.append(entry)
                self._kept += entry["size"]
                while len(self._entries) > self.size or (self._kept > MEMORY_LIMIT and len(self._entries) > 1):
                    self._kept -= self._entries.popleft()["size"]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._kept = 0

    def query(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        key_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Matching entries, oldest first, and how many older matches were omitted.

        ``limit`` keeps the most recent ones; so does ``READ_LIMIT``, counted in kept characters.
        """
        with self._lock:
            entries = list(self._entries)
        if key_id:
            entries = [e for e in entries if e["keyId"] == key_id]
        if method:
            entries = [e for e in entries if e["method"] == method.upper()]
        if path:
            entries = [e for e in entries if fnmatch.fnmatchcase(e["path"], path)]
        if status is not None:
            entries = [e for e in entries if e["status"] == status]
        if limit:
            entries = entries[-limit:]
        budget, first = READ_LIMIT, len(entries)
        while first > 0 and (budget >= entries[first - 1]["size"] or first == len(entries)):
            first -= 1
            budget -= entries[first]["size"]
        return [_render(e) for e in entries[first:]], first

    def of_key(self, key_id: str) -> list[dict[str, Any]]:
        """The calls that presented this key, oldest first, in brief (``epoch`` is the mock clock)."""
        with self._lock:
            entries = [e for e in self._entries if e["keyId"] == key_id]
        return [
            {
                "id": e["id"],
                "epoch": e["time"],
                "method": e["method"],
                "path": e["path"],
                "status": e["status"],
                "reason": e["reason"],
            }
            for e in entries
        ]


def _render(entry: dict[str, Any]) -> dict[str, Any]:
    request_headers, request_body, request_type = entry["request"]
    response_headers, response_body, response_type = entry["response"]
    return {
        "id": entry["id"],
        "time": iso(entry["time"]),
        "method": entry["method"],
        "path": entry["path"],
        "query": entry["query"],
        "status": entry["status"],
        "durationMs": entry["durationMs"],
        "fault": entry["fault"],
        "keyId": entry["keyId"],
        "keyElsewhere": entry["keyElsewhere"],
        "reason": entry["reason"],
        "request": {"headers": join_headers(request_headers), "body": _body(request_body, request_type)},
        # A response body kept as bytes was made by the mock and holds no key (the recorder masked
        # the one that does, a created key's), so it is read, not searched.
        "response": {
            "headers": join_headers(response_headers),
            "body": _body(response_body, response_type, plain_body),
        },
    }


def _body(raw: Any, mimetype: str | None, read: Any = redact_body) -> Any:
    return read(raw, mimetype) if isinstance(raw, bytes) else raw
