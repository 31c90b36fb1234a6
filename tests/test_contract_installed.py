"""The contract suite runs from the installed package, with no checkout and no project configuration.

The package registers its own options and markers (entry point ``contract_tests.plugin``), so the QA
form of docs/qa.md, ``pytest --pyargs contract_tests --base-url URL``, works in an empty directory, and
naming the plugin again with ``-p`` does not register its options twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server import EulabelMock
from tests.support.fresh_project import run_pytest

pytestmark = pytest.mark.slow  # runs the suite in a subprocess of an installed environment


@pytest.mark.parametrize("extra", [(), ("-p", "contract_tests.plugin")], ids=["entry-point", "also-named-with-p"])
def test_installed_suite_runs_against_a_deployment_from_an_empty_directory(
    installed_python: Path, eulabel_mock: EulabelMock, tmp_path: Path, extra: tuple[str, ...]
) -> None:
    proc = run_pytest(
        tmp_path,
        "--pyargs",
        "contract_tests",
        *extra,
        "--base-url",
        eulabel_mock.base_url,
        "--read-only",
        "-W",
        "error::pytest.PytestUnknownMarkWarning",
        "--claims-report",
        "claims.json",
        python=installed_python,
        env={"EULABEL_SESSION": eulabel_mock.session.cookie},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "already added" not in proc.stderr
    report = json.loads((tmp_path / "claims.json").read_text())
    assert report["verdict"].startswith("PASS"), report["verdict"]
    assert report["options"]["read_only"] is True and report["target"] == eulabel_mock.base_url
    assert not (tmp_path / "pyproject.toml").exists()  # nothing but the installed package configured the run
