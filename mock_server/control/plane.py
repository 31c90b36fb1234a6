"""The control plane's own state (request journal, fault rules), rebuilt on reset like the State."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .faults import FaultRules
from .journal import Journal

CONTROL_PREFIX = "/_mock/"


class ControlPlane:
    """What ``/_mock`` adds to the State; ``reset()`` constructs it again, as a fresh mock has it."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        # Whole objects are replaced (not cleared), so ids and random draws start over too.
        # Middleware reads ``plane.journal`` / ``plane.faults`` per request and sees the new ones.
        self.journal = Journal(int(self.config["JOURNAL_SIZE"]))
        self.faults = FaultRules(self.config.get("SEED"))
