"""Where the suite reads openapi.yaml from: the copy installed with the package (or the checkout's).

The file is read, not the mock's code imported: the suite checks any deployment against the spec, and
only ``local.py`` reaches into ``mock_server`` (to start the mock as the default target).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

import yaml


def spec_path() -> Path:
    found = importlib.util.find_spec("mock_server")
    package = Path(found.origin).parent if found is not None and found.origin else None
    candidates = [package / "openapi.yaml", package.parent / "openapi.yaml"] if package else []
    candidates.append(Path(__file__).resolve().parents[1] / "openapi.yaml")
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError("openapi.yaml not found beside mock_server")


@cache
def _loaded() -> dict[str, Any]:
    with open(spec_path(), encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh))


def load_spec() -> dict[str, Any]:
    return _loaded()
