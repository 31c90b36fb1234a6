"""A mock starts once: with a state file too, the fixtures are loaded and each setting read one time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_server import create_app
from mock_server.app import close_state
from mock_server.handle import handle_of
from mock_server.state import state as state_module


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per loading of the fixtures, and one per reading of the rate-limit setting."""
    seen: list[str] = []
    load, parse = state_module.load_fixtures, state_module.parse_rate_limit

    def counted_load(*args: Any) -> Any:
        seen.append("fixtures")
        return load(*args)

    def counted_parse(*args: Any) -> Any:
        seen.append("rate limit")
        return parse(*args)

    monkeypatch.setattr(state_module, "load_fixtures", counted_load)
    monkeypatch.setattr(state_module, "parse_rate_limit", counted_parse)
    return seen


def test_a_mock_in_memory_loads_the_fixtures_once(builds: list[str]) -> None:
    create_app()
    assert builds == ["rate limit", "fixtures"]


@pytest.mark.parametrize("restart", [False, True], ids=["new file", "existing file"])
def test_a_mock_on_a_state_file_loads_the_fixtures_once(builds: list[str], tmp_path: Path, restart: bool) -> None:
    path = tmp_path / "state.db"
    if restart:
        first = create_app({"STATE_FILE": str(path)})
        created = handle_of(first).state.products.create("org_quinta", "Kept", "wine", "4006381333931")
        close_state(first)
        builds.clear()
    app = create_app({"STATE_FILE": str(path)})
    try:
        assert builds == ["rate limit", "fixtures"]
        if restart:
            assert handle_of(app).state.products.get("org_quinta", created.id).name == "Kept"
    finally:
        close_state(app)
