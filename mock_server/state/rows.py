"""Dataclass records as plain rows for the state file (see persistence.py)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

Rows = list[dict[str, Any]]


def to_row(record: Any) -> dict[str, Any]:
    """The constructor fields of a dataclass instance; derived fields (``init=False``) are rebuilt on load."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.init}
