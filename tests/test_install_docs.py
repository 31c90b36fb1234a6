"""The install blocks of the README and of docs/install.md, run as written, offline.

Each installs into a throw-away virtualenv (tests/support/environments.py) what a QA machine or CI runner
would get: the dependencies come from the running environment, never from a network, and the build
backend too (``PIP_NO_BUILD_ISOLATION=0`` means "do not isolate the build"). Each builds or installs
a package, so all are in the slow tier.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.support.documentation import of_kind
from tests.support.environments import (
    REPO,
    RUNNING,
    checkout_copy,
    clean_env,
    derived_venv,
    run_block,
    venv_without_this_package,
)

pytestmark = pytest.mark.slow


def installed_location(python: Path, module: str) -> Path:
    proc = subprocess.run(
        [str(python), "-c", f"import {module}; print({module}.__file__)"],
        cwd=python.parent,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(proc.stdout.strip())


def assert_installed_for_qa(venv: Path, python: Path) -> None:
    """The package is in the virtualenv itself (not a checkout): the suite with its notes, and the mock."""
    for module in ("mock_server", "contract_tests"):
        location = installed_location(python, module)
        assert location.is_relative_to(venv), location
    assert (installed_location(python, "contract_tests").parent / "README.md").exists()
    assert (venv / "bin" / "eulabel-mock").exists()


def wheel_name() -> str:
    [install] = of_kind("wheel-install")
    return install.split('"')[1].removeprefix("dist/").removesuffix("[contract]")


@pytest.fixture(scope="module")
def built_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ as the wheel-build block makes it in a checkout."""
    checkout = checkout_copy(tmp_path_factory.mktemp("build") / "eulabel-mock")
    [build] = of_kind("wheel-build")
    run_block(build, checkout, RUNNING)
    return checkout / "dist"


def test_venv_block_makes_a_python_3_11_virtualenv(tmp_path: Path) -> None:
    [block] = of_kind("venv")
    probe = 'python -c "import sys; print(sys.prefix); assert sys.version_info >= (3, 11)"'
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block + probe],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == tmp_path / ".venv"


def test_wheel_build_block_makes_the_wheel_the_install_block_names(built_dist: Path) -> None:
    version = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert [p.name for p in built_dist.iterdir()] == [wheel_name()]
    assert f"-{version}-" in wheel_name(), "docs/install.md names another version than pyproject.toml"
    with zipfile.ZipFile(built_dist / wheel_name()) as wheel:
        names = wheel.namelist()
    assert "contract_tests/README.md" in names and "mock_server/openapi.yaml" in names


def test_wheel_install_block_installs_the_suite_from_the_copied_dist(built_dist: Path, tmp_path: Path) -> None:
    qa_machine = tmp_path / "qa"
    shutil.copytree(built_dist, qa_machine / "dist")
    python = derived_venv(qa_machine / "venv", pip_command=True)
    [block] = of_kind("wheel-install")
    run_block(block, qa_machine, python.parent)
    assert_installed_for_qa(qa_machine / "venv", python)


def test_index_install_block_installs_from_an_index_holding_the_wheel(built_dist: Path, tmp_path: Path) -> None:
    # An index is where pip finds packages by name; a directory of wheels (--find-links) is the
    # smallest one, and holds this package once it is published there.
    python = venv_without_this_package(tmp_path / "venv")
    [block] = of_kind("index-install")
    run_block(block, tmp_path, python.parent, PIP_FIND_LINKS=str(built_dist))
    assert_installed_for_qa(tmp_path / "venv", python)


def test_index_install_block_needs_the_package_on_an_index(tmp_path: Path) -> None:
    python = venv_without_this_package(tmp_path / "venv")
    [block] = of_kind("index-install")
    with pytest.raises(AssertionError, match="eulabel-mock"):
        run_block(block, tmp_path, python.parent, PIP_FIND_LINKS=str(tmp_path / "empty-index"))
    assert not (tmp_path / "venv" / "bin" / "eulabel-mock").exists()


def test_checkout_install_block_copies_the_package_into_the_virtualenv(tmp_path: Path) -> None:
    checkout = checkout_copy(tmp_path / "eulabel-mock")
    python = derived_venv(tmp_path / "venv", pip_command=True)
    [block] = of_kind("checkout-install")
    run_block(block, checkout, python.parent)
    assert_installed_for_qa(tmp_path / "venv", python)
    shutil.rmtree(checkout)  # the page says the checkout may go: the package stays
    assert_installed_for_qa(tmp_path / "venv", python)


def test_git_install_block_installs_from_a_repository_url(tmp_path: Path) -> None:
    if not (REPO / ".git").exists():
        pytest.skip("this checkout is not a git repository")
    python = venv_without_this_package(tmp_path / "venv")
    [block] = of_kind("git-install")
    # A clone on this machine, named as docs/install.md does (pip before 24 refuses file:/// here).
    run_block(block, tmp_path, python.parent, REPO_URL=f"file://localhost{REPO}")
    assert_installed_for_qa(tmp_path / "venv", python)
