"""eulabel-mock: a local, stateful mock of the EUlabel API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .testing import EulabelMock

__all__ = ["EulabelMock", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the pytest plugin (mock_server.pytest_plugin) stays cheap in
    # projects that never use the fixture.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "EulabelMock":
        from .testing import EulabelMock

        return EulabelMock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
