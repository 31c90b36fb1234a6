"""Read the JSON state file of earlier versions (format version 1), to migrate it to the database."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .changes import Row, Table
from .key_store import ApiKeyStore
from .passport_store import PassportStore
from .product_store import ProductStore
from .state import Organization, State

FORMAT = "eulabel-mock-state"
VERSION = 1


def _key(row: dict[str, Any]) -> Row:
    return (
        row["id"],
        row["org_id"],
        row["name"],
        json.dumps(list(row["scope_list"])),
        row["prefix"],
        bytes.fromhex(row["secret_hash"]),
        row["environment"],
        row["created_at"],
        row["last_used_at"],
        row["revoked_at"],
    )


def _passport(row: dict[str, Any]) -> Row:
    return tuple(json.dumps(row[c]) if c in ("data", "missing") else row[c] for c in PassportStore.TABLE.columns)


def _product(row: dict[str, Any]) -> Row:
    return tuple(row[c] for c in ProductStore.TABLE.columns)


# The version-1 file named each store by its attribute on State.
_STORES: dict[str, tuple[Table, Callable[[dict[str, Any]], Row]]] = {
    "keys": (ApiKeyStore.TABLE, _key),
    "products": (ProductStore.TABLE, _product),
    "passports": (PassportStore.TABLE, _passport),
}


def read_json_state(path: Path) -> Any:
    """The file's JSON data.

    :raise ValueError: the file cannot be read or is not valid JSON.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot be read ({exc})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not an SQLite database and not valid JSON ({exc})") from None


def restore_json_state(state: State, data: Any) -> None:
    """Load a version-1 snapshot into ``state``; stores the snapshot lacks keep their fixture contents.

    :raise ValueError: the data is not a snapshot this version can read.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not an eulabel-mock state file")
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported state file version {data.get('version')!r} (expected {VERSION})")
    try:
        with state.lock:
            state.pepper = base64.b64decode(data["pepper"], validate=True)
            state.reset()  # rebuilds the stores with the saved pepper
            shown = {org.id: org.sessions for org in state.organizations.values()}  # the fixtures' demo cookies
            state.organizations = {}
            state.sessions = {}
            for org in data["organizations"]:
                demo = [token for token in shown.get(org["id"], []) if token in org["sessions"]]
                state.organizations[org["id"]] = Organization(org["id"], org["name"], demo)
                state.sessions.update(dict.fromkeys(map(state.session_key, org["sessions"]), org["id"]))
            records = state.records()
            for name, rows in data["stores"].items():
                if name not in _STORES:
                    raise ValueError(f"unknown store {name!r}")
                table, convert = _STORES[name]
                records[table].load([convert(row) for row in rows])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if str(exc).startswith("unknown store"):
            raise
        raise ValueError(f"malformed state ({type(exc).__name__}: {exc})") from None
