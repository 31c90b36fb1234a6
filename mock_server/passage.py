"""What one request leaves for the layers around it: a small record under one WSGI environ key.

The server (or the outermost layer, when the server does not) puts it there; the fault rules, the
authentication, the error handlers and the key-create handler fill in what they decide; the journal
and the access log read it once the response is made. Nothing else travels beside the request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

KEY = "eulabel_mock.passage"  # the one environ key the mock adds to a request


class Rule(Protocol):
    """What the record needs of a fault rule (``control.faults.Fault``): its id, for the journal."""

    id: str


@dataclass(slots=True)
class Passage:
    """One request on its way through the mock.

    arrived: ``time.perf_counter()`` when the server had the request head, so durations count the
        body's arrival and injected latency too.
    fault: the fault rule applied to this request, or None.
    fault_decided: the latency and status rules were already fired for it (a server waited out the
        latency without a thread before the app ran); they are not fired again.
    key_id: the API key the request presented, once it is known (also a revoked one).
    reason: why the request was refused (``ApiError.explain()``), for the journal and the dashboard.
    shows_secret: the response carries a full key (only a created key's answer does), so a kept
        copy of its body must be masked.
    """

    arrived: float
    fault: Rule | None = None
    fault_decided: bool = False
    key_id: str | None = None
    reason: dict[str, Any] | None = None
    shows_secret: bool = False


def passage_of(environ: dict[str, Any]) -> Passage:
    """The request's record, made now (arrived now) when no layer made it yet."""
    found: Passage | None = environ.get(KEY)
    if found is None:
        found = environ[KEY] = Passage(time.perf_counter())
    return found
