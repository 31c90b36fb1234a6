"""The README's test command runs the same whatever other pytest plugins the environment holds.

pytest loads every installed ``pytest11`` entry point, and this suite turns warnings into errors, so a
plugin that warns while pytest configures itself would stop the run before its first test. The one
seen in the wild is pytest-benchmark, which warns whenever pytest-xdist is active; the suite has no
benchmarks of its own (those live in ``bench/``), so pyproject.toml keeps it out.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.environments import REPO, derived_venv, site_packages
from tests.support.fresh_project import run_pytest

WARNS_WHILE_CONFIGURING = textwrap.dedent(
    """
    import pytest

    def pytest_configure(config):
        config.issue_config_time_warning(pytest.PytestWarning("benchmarks are disabled"), stacklevel=2)
    """
)


def install_plugin(python: Path, entry_point: str, module: str, source: str) -> None:
    """A distribution registering ``module`` as the pytest plugin ``entry_point``, as pip leaves one."""
    site = site_packages(python)
    (site / f"{module}.py").write_text(source)
    dist_info = site / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[pytest11]\n{entry_point} = {module}\n")


@pytest.mark.slow  # runs pytest with two workers in a subprocess
def test_an_installed_pytest_benchmark_that_warns_at_configure_does_not_stop_the_run(tmp_path: Path) -> None:
    python = derived_venv(tmp_path / "venv")
    install_plugin(python, "benchmark", "warning_benchmark_plugin", WARNS_WHILE_CONFIGURING)
    run = run_pytest(REPO, "-n", "2", "tests/test_gtin.py", python=python)
    assert "INTERNALERROR" not in run.stdout + run.stderr, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
