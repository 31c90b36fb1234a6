"""pytest fixtures for the mock, registered through the ``pytest11`` entry point.

``eulabel_mock`` gives each test a freshly reset mock served on a real port. One mock is started
per test session (so one per pytest-xdist worker, each on its own free port). Override the
``eulabel_mock_config`` fixture to change the mock's settings, e.g. ``{"ERROR_FORMAT": "nested"}``.

This module imports nothing heavy at load time: projects that never use the fixture pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing import EulabelMock


@pytest.fixture(scope="session")
def eulabel_mock_config() -> dict[str, Any]:
    """Settings for the session's mock: keys of ``mock_server.app.DEFAULTS``; any other key is an error."""
    return {}


@pytest.fixture(scope="session")
def eulabel_mock_server(eulabel_mock_config: dict[str, Any]) -> Iterator[EulabelMock]:
    """The session's mock, started once; prefer ``eulabel_mock``, which also resets it."""
    from .settings import ConfigError
    from .testing import EulabelMock

    try:
        mock = EulabelMock(eulabel_mock_config)
    except ConfigError as exc:
        pytest.fail(f"eulabel_mock_config: {exc}", pytrace=False)
    with mock:
        yield mock


@pytest.fixture
def eulabel_mock(eulabel_mock_server: EulabelMock) -> EulabelMock:
    """The mock, reset for this test: fixtures reloaded, no journal, no faults, real clock."""
    eulabel_mock_server.reset()
    return eulabel_mock_server
