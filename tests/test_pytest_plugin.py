"""The eulabel_mock fixture and EulabelMock, in this repo and in a fresh project that pip-installed us."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mock_server import EulabelMock
from mock_server.settings import ConfigError
from mock_server.testing import MockError
from tests.support.clients import leaks
from tests.support.environments import REPO, clean_env
from tests.support.fresh_project import run_pytest


def get_products(base_url: str, secret: str) -> int:
    req = urllib.request.Request(base_url + "/v1/products", headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        err.close()
        return err.code


def test_context_manager_serves_a_real_port_and_closes_it() -> None:
    with EulabelMock() as mock:
        key_id, secret = mock.create_key(scopes=["products:read"])
        assert get_products(mock.base_url, secret) == 200
        mock.revoke(key_id)
        assert get_products(mock.base_url, secret) == 401
        port = int(mock.base_url.rsplit(":", 1)[1])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_fixture_gives_a_reset_mock_with_a_ready_session(eulabel_mock: EulabelMock) -> None:
    assert eulabel_mock.session.org_id == "org_quinta"
    assert eulabel_mock.journal() == []
    assert eulabel_mock.keys() == []
    assert eulabel_mock.faults() == []
    assert eulabel_mock.clock()["frozen"] is False


def test_helpers_reach_the_control_plane(eulabel_mock: EulabelMock) -> None:
    eulabel_mock.freeze("2030-01-01T00:00:00Z")
    eulabel_mock.advance(60)
    _, secret = eulabel_mock.create_key(scopes=["products:read"], name="fixture key")
    assert eulabel_mock.keys()[0]["createdAt"] == "2030-01-01T00:01:00.000Z"
    eulabel_mock.add_fault("status", "/v1/products", status=503, times=1)
    assert get_products(eulabel_mock.base_url, secret) == 503
    assert get_products(eulabel_mock.base_url, secret) == 200
    statuses = [e["status"] for e in eulabel_mock.journal(path="/v1/products")]
    assert statuses == [503, 200]
    leaked = leaks(secret, json.dumps(eulabel_mock.journal()))
    assert not leaked, "the secret is in the journal"


def test_new_session_opens_an_isolated_organisation(eulabel_mock: EulabelMock) -> None:
    other = eulabel_mock.new_session()
    key_id, _ = eulabel_mock.create_key(session=other)
    assert eulabel_mock.keys() == []
    assert [k["id"] for k in eulabel_mock.keys(session=other)] == [key_id]


def test_helper_errors_name_the_status_without_a_secret(eulabel_mock: EulabelMock) -> None:
    eulabel_mock.add_fault("drop_after_commit")
    with pytest.raises(MockError, match="create key: expected HTTP 201, got 503") as info:
        eulabel_mock.create_key()
    assert "sk_test_" not in str(info.value)


FRESH_TEST = """
import json
import os
import urllib.request

import pytest


@pytest.mark.parametrize("n", range(6))
def test_fixture_works_in_a_fresh_project(eulabel_mock, n):
    assert eulabel_mock.keys() == []  # reset before each test
    key_id, secret = eulabel_mock.create_key(scopes=["products:read"], name=f"key {n}")
    req = urllib.request.Request(eulabel_mock.base_url + "/v1/products",
                                 headers={"Authorization": "Bearer " + secret})
    with urllib.request.urlopen(req) as resp:
        assert "data" in json.load(resp)
    with open(os.environ["PORT_LOG"], "a") as fh:
        fh.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + " " + eulabel_mock.base_url + "\\n")
"""


def run_fresh_project(python: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    log = tmp_path / "ports.log"
    files = {"test_with_mock.py": textwrap.dedent(FRESH_TEST)}
    proc = run_pytest(tmp_path / "fresh", *args, files=files, python=python, env={"PORT_LOG": str(log)})
    lines = set(log.read_text().splitlines()) if log.exists() else set()
    return proc, lines


@pytest.mark.slow  # installs the package from a wheel
def test_installed_package_registers_the_fixture_for_a_fresh_project(installed_python: Path, tmp_path: Path) -> None:
    proc, lines = run_fresh_project(installed_python, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "6 passed" in proc.stdout
    assert {line.split()[0] for line in lines} == {"main"}


@pytest.mark.slow  # installs the package from a wheel
def test_each_xdist_worker_gets_its_own_mock(installed_python: Path, tmp_path: Path) -> None:
    proc, lines = run_fresh_project(installed_python, tmp_path, "-n", "2")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    by_worker = {line.split()[0]: line.split()[1] for line in lines}
    assert sorted(by_worker) == ["gw0", "gw1"]
    assert len(set(by_worker.values())) == 2


def _run_python(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", code], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=60, check=True
    )


@pytest.mark.slow  # installs the package from a wheel
def test_installed_package_serves_its_bundled_spec_and_fixtures(installed_python: Path, tmp_path: Path) -> None:
    code = (
        "import mock_server, pathlib; from mock_server.app import default_fixtures; "
        "print(pathlib.Path(mock_server.__file__).parent); print(default_fixtures())"
    )
    proc = _run_python(installed_python, code, tmp_path)
    package_dir, fixtures = proc.stdout.split()
    assert "site-packages" in package_dir
    assert fixtures == package_dir + "/fixtures"


@pytest.mark.slow  # installs the package from a wheel
def test_loading_the_plugin_imports_nothing_heavy(installed_python: Path, tmp_path: Path) -> None:
    code = (
        "import sys, mock_server.pytest_plugin; "
        "print(sorted(m for m in ('flask', 'jsonschema', 'yaml', 'werkzeug') if m in sys.modules))"
    )
    proc = _run_python(installed_python, code, tmp_path)
    assert proc.stdout.strip() == "[]"


@pytest.mark.slow  # installs the package from a wheel
def test_the_plugin_can_be_switched_off_by_name(installed_python: Path, tmp_path: Path) -> None:
    proc, _ = run_fresh_project(installed_python, tmp_path, "-p", "no:eulabel_mock")
    assert proc.returncode == 1
    assert "fixture 'eulabel_mock' not found" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("revocation_delay", "REVOCATION_DELAY"),
        ("REVOCATON_DELAY", "REVOCATION_DELAY"),
    ],
)
def test_an_unknown_fixture_setting_fails_with_the_valid_keys(tmp_path: Path, key: str, hint: str) -> None:
    conftest = textwrap.dedent(f"""
        import pytest

        @pytest.fixture(scope="session")
        def eulabel_mock_config():
            return {{"{key}": 5}}
    """)
    test = "def test_it(eulabel_mock):\n    pass\n"
    proc = run_pytest(tmp_path, files={"conftest.py": conftest, "test_it.py": test}, timeout=120)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert f"eulabel_mock_config: unknown key '{key}' (did you mean {hint}?); valid keys: ACCESS_LOG," in proc.stdout
    assert "REVOCATION_DELAY, SEED, STATE_FILE" in proc.stdout


def test_a_bad_fixture_setting_value_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="REVOCATION_DELAY=-5: must be a number of seconds from 0 to 3600"):
        EulabelMock({"REVOCATION_DELAY": -5})


def test_the_integrator_page_lists_every_fixture_setting() -> None:
    from mock_server.app import DEFAULTS

    page = (REPO / "docs" / "integrator.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   \| `([A-Z_]+)` \|", page, re.M))
    assert listed == set(DEFAULTS)
