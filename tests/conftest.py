from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.handle import handle_of
from mock_server.pytest_plugin import eulabel_mock, eulabel_mock_config, eulabel_mock_server  # noqa: F401
from mock_server.state.state import State
from tests.support.browser import browser, context, mock, page, playwright  # noqa: F401  (one Chromium per test session)
from tests.support.clients import Dashboard
from tests.support.environments import built_once, installed_from_wheel
from tests.support.restarts import Restarts
from tests.support.scheduling import order_for_work_stealing


@pytest.fixture
def config() -> dict[str, Any]:
    return {"SEED": 7}


@pytest.fixture
def app(config: dict[str, Any]) -> Flask:
    return create_app(config)


@pytest.fixture
def state(app: Flask) -> State:
    return handle_of(app).state


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture
def api(app: Flask) -> Dashboard:
    return Dashboard(app)


@pytest.fixture
def restarts() -> Iterator[Restarts]:
    """Apps on state files, each start closing the app that had the file (tests/support/restarts.py)."""
    started = Restarts()
    yield started
    started.close()


@pytest.fixture(scope="session")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A python where eulabel-mock is installed from a wheel of this checkout (not editable), as users get it.

    Built once per run and shared by the pytest-xdist workers; the tests only run it.
    """
    return built_once(tmp_path_factory, "installed-from-wheel", installed_from_wheel) / "venv" / "bin" / "python"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A run that includes these tests uses every core (pytest-xdist), unless ``-n`` is given.

    Not an ``addopts`` entry in pyproject.toml: that would also split the contract suite when it runs
    on its own (``pytest contract_tests --base-url ...``, the CI and QA commands of docs/), and its
    claims report must see every response of the run in one process. This hook only exists when
    pytest loads this directory's conftest, i.e. when the run includes ``tests/``.
    """
    if hasattr(config, "workerinput"):
        return  # a worker: it runs the tests it is given
    wants_one_process = config.option.collectonly or config.getoption("usepdb", False)
    if config.pluginmanager.hasplugin("xdist") and config.option.numprocesses is None and not wants_one_process:
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            # Work stealing: a worker that runs out takes queued tests from the other, so the few
            # long self-tests (which mostly wait on revocation delays) never queue up behind one
            # worker while the other sits idle, as plain load scheduling let them.
            config.option.dist = "worksteal"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long tests first on every pytest-xdist worker (tests/support/scheduling.py says why and how).

    The slow tier is marked at each test (``pytest.mark.slow``), never inferred here from the fixtures
    a test uses: tests/test_suite_layout.py checks that every test needing a slow fixture carries it.
    """
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    items[:] = order_for_work_stealing(items, lambda item: item.get_closest_marker("slow") is not None, workers)
