"""Where the suite reads openapi.yaml from: the copy the mock serves, installed with the package."""

from __future__ import annotations

from mock_server.api.spec import load_spec

__all__ = ["load_spec"]
