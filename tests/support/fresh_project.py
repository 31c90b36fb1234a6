"""pytest run in a project of its own, as a user of the installed package or plugin runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.support.environments import clean_env


def run_pytest(
    project: Path,
    *args: str,
    files: Mapping[str, str] | None = None,
    python: Path | str = sys.executable,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest -q *args`` in ``project`` after writing ``files`` (name: text) into it.

    The environment is this one without what would put the checkout on sys.path or steer pytest
    (``clean_env``), plus ``env``; the cache provider stays off so the project is left as written.
    """
    project.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        (project / name).write_text(text)
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=clean_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
