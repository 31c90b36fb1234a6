"""Keep the state in a JSON file across restarts: hashes and metadata only, written atomically.

Any store on ``State`` with ``to_state()`` / ``from_state(rows)`` is saved and restored under its
attribute name, so a new store takes part by defining those two methods.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .state import Organization, State

FORMAT = "eulabel-mock-state"
VERSION = 1

log = logging.getLogger("eulabel_mock")


class StateFileError(ValueError):
    """The state file exists but cannot be used; the mock refuses to start rather than lose it."""


def stores(state: State) -> dict[str, Any]:
    """The state's stores by attribute name.

    :raise StateFileError: a ``...Store`` that cannot be saved: it would be lost silently.
    """
    found = {}
    for name, obj in vars(state).items():
        if hasattr(obj, "to_state") and hasattr(obj, "from_state"):
            found[name] = obj
        elif type(obj).__name__.endswith("Store"):
            raise StateFileError(
                f"{type(obj).__name__} ({name}) cannot be kept in a state file: give it to_state() and from_state()"
            )
    return found


def snapshot(state: State) -> dict[str, Any]:
    """The state as JSON-ready data. The pepper is kept so saved hashes still match after a restart."""
    with state.lock:
        rng = state.rng.getstate() if state.config.get("SEED") is not None else None
        return {
            "format": FORMAT,
            "version": VERSION,
            "pepper": base64.b64encode(state.pepper).decode("ascii"),
            "rng": rng,
            "organizations": [
                {"id": o.id, "name": o.name, "sessions": list(o.sessions)} for o in state.organizations.values()
            ],
            "stores": {name: store.to_state() for name, store in stores(state).items()},
        }


def restore(state: State, data: Any) -> None:
    """Load a snapshot into ``state``; stores the snapshot lacks keep their fixture contents.

    :raise StateFileError: the data is not a snapshot this version can read.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateFileError("not an eulabel-mock state file")
    if data.get("version") != VERSION:
        raise StateFileError(f"unsupported state file version {data.get('version')!r} (expected {VERSION})")
    try:
        with state.lock:
            state.pepper = base64.b64decode(data["pepper"], validate=True)
            state.reset()  # rebuilds the stores with the saved pepper
            if data.get("rng") is not None and state.config.get("SEED") is not None:
                version, internal, gauss = data["rng"]
                state.rng.setstate((version, tuple(internal), gauss))
            state.organizations = {}
            state.sessions = {}
            for org in data["organizations"]:
                state.organizations[org["id"]] = Organization(org["id"], org["name"], list(org["sessions"]))
                state.sessions.update(dict.fromkeys(org["sessions"], org["id"]))
            known = stores(state)
            for name, rows in data["stores"].items():
                if name not in known:
                    raise StateFileError(f"unknown store {name!r}")
                known[name].from_state(rows)
    except StateFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateFileError(f"malformed state ({type(exc).__name__}: {exc})") from None


class StateFile:
    """One JSON file, replaced atomically: a crash leaves either the old or the new version."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> Any | None:
        """The saved data, or None when there is no file yet.

        :raise StateFileError: the file cannot be read or is not valid JSON.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StateFileError(f"cannot read state file {self.path}: {exc}") from None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise StateFileError(
                f"state file {self.path} is not valid JSON ({exc}); fix or remove it to start afresh"
            ) from None

    def save(self, data: Any) -> None:
        self.save_from(lambda: data)

    def save_from(self, make: Callable[[], Any]) -> None:
        """Write what ``make()`` returns; it runs under the file's lock, so a later write never
        carries an older snapshot than an earlier one."""
        with self._lock:
            text = json.dumps(make(), separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _fsync_dir(self.path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_state_file(state: State, path: str | os.PathLike[str]) -> StateFile:
    """Restore ``state`` from ``path``, or create the file from it when there is none yet.

    :raise StateFileError: the file exists but cannot be used.
    """
    state_file = StateFile(path)
    data = state_file.load()
    if data is None:
        try:
            state_file.save(snapshot(state))
        except OSError as exc:  # its own message would name the temporary file, not the state file
            raise StateFileError(f"cannot write state file {state_file.path}: {exc.strerror}") from None
    else:
        try:
            restore(state, data)
        except StateFileError as exc:
            raise StateFileError(f"state file {state_file.path}: {exc}; fix or remove it to start afresh") from None
        log.info("restored state from %s", state_file.path)
    return state_file
