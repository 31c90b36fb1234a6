"""``eulabel-mock`` run as a user runs it: a fresh process, without this checkout's environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.environments import REPO, clean_env


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_server", *args],
        env=clean_env(**(env or {})),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
