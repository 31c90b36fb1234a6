"""Restarting a mock on its state file within one test process.

A state file has one owner at a time (``mock_server/state/owner_lock.py``), as a real restart has:
the process that had the file is gone before the next one starts. Here the app that had the file
is closed before the next one opens it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from mock_server import create_app
from mock_server.app import close_state


class Restarts:
    """``create_app`` for configs with a ``STATE_FILE``: each start closes the app that had that file."""

    def __init__(self) -> None:
        self._by_file: dict[str, Flask] = {}

    def __call__(self, config: Mapping[str, Any]) -> Flask:
        path = str(config["STATE_FILE"])
        previous = self._by_file.pop(path, None)
        if previous is not None:
            close_state(previous)
        app = self._by_file[path] = create_app(config)
        return app

    def close(self) -> None:
        for app in self._by_file.values():
            close_state(app)
        self._by_file.clear()
