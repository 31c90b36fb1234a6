from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.api.routing import state_of
from mock_server.pytest_plugin import eulabel_mock, eulabel_mock_config, eulabel_mock_server  # noqa: F401
from mock_server.state.state import State

from .browser import browser, context, mock, page  # noqa: F401  (one Chromium per test session)
from .support import REPO, Api, make_venv


@pytest.fixture
def config() -> dict[str, Any]:
    return {"SEED": 7}


@pytest.fixture
def app(config: dict[str, Any]) -> Flask:
    return create_app(config)


@pytest.fixture
def state(app: Flask) -> State:
    return state_of(app)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)


@pytest.fixture(scope="session")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A python where eulabel-mock is installed from a built wheel (not editable), as users get it."""
    return make_venv(tmp_path_factory.mktemp("venv") / "wheel", "--no-deps", str(REPO))
