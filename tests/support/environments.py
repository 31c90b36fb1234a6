"""Throw-away Python environments for tests that install this package as a user would.

They are built from what the running environment already has, never from the network or the base
interpreter: ``venv --system-site-packages`` from inside a virtualenv would expose the *base*
Python's packages (which may lack granian or pytest-xdist, or hold other versions), so instead a
new virtualenv sees the running one's site-packages through a ``.pth`` file. Plain path lines in a
``.pth`` file are not processed recursively, so the running environment's editable install of this
checkout stays invisible and the package under test is the one installed into the new environment.
The package is installed from a wheel built from the checkout (``--no-index --no-build-isolation``:
the build backend comes from the running environment too).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import site
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_QUIET": "1"}
RUNNING = Path(sys.executable).parent  # the running environment's commands (python, pip, mkdocs)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would put this checkout on sys.path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "VIRTUAL_ENV") and not k.startswith(("PYTEST_XDIST", "EULABEL"))
    }
    return {**env, **extra}


def site_packages(python: Path) -> Path:
    """Where ``python`` installs pure-Python packages."""
    return Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
            env=clean_env(),
        ).stdout.strip()
    )


def derived_venv(directory: Path, pip_command: bool = False) -> Path:
    """A virtualenv that imports the running environment's packages; returns its python.

    It has no pip of its own (ensurepip takes seconds): ``python -m pip`` finds the running
    environment's pip, and ``pip_command`` adds a ``pip`` command that runs exactly that.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True, env=clean_env())
    python = directory / "bin" / "python"
    (site_packages(python) / "_running_environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    if pip_command:
        command = directory / "bin" / "pip"
        command.write_text(f'#!/bin/sh\nexec "{python}" -m pip "$@"\n')
        command.chmod(0o755)
    return python


def pip(python: Path, *args: str, cwd: Path = REPO) -> None:
    """``pip`` in the environment of ``python``, offline."""
    subprocess.run([str(python), "-m", "pip", *args], check=True, cwd=cwd, env=clean_env(**OFFLINE), timeout=600)


def build_wheel(wheelhouse: Path) -> Path:
    """A wheel of this checkout, built with the running environment's build backend."""
    pip(Path(sys.executable), "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheelhouse), str(REPO))
    [wheel] = wheelhouse.glob("eulabel_mock-*.whl")
    return wheel


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``build(directory)`` once per test run, shared by all pytest-xdist workers.

    Each worker's base temporary directory sits in the run's one, so that one holds the result;
    a lock lets the first worker build while the others wait for it.
    """
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    directory = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = directory / ".built"
        if not done.exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            build(directory)
            done.touch()
    return directory


def installed_from_wheel(directory: Path) -> None:
    """Into ``directory``: a wheelhouse with this checkout's wheel and a venv where it is installed."""
    wheel = build_wheel(directory / "wheelhouse")
    python = derived_venv(directory / "venv")
    pip(python, "install", "--no-deps", str(wheel), cwd=directory)


def checkout_copy(directory: Path) -> Path:
    """The checkout as a reader has it, without what tests and tools leave in it."""
    ignored = shutil.ignore_patterns(".git", "site", "dist", "build", "reports", ".*cache*", "__pycache__", ".venv")
    shutil.copytree(REPO, directory, ignore=ignored)
    return directory


def venv_without_this_package(directory: Path) -> Path:
    """A virtualenv with the running environment's packages but not eulabel-mock; returns its python.

    derived_venv shows pip the running environment's editable eulabel-mock, so an install by name
    would be "already satisfied" and install nothing. Here the running environment's packages are
    linked one by one into a directory of their own, leaving out this package's.
    """
    python = derived_venv(directory, pip_command=True)
    others = directory / "running-packages"
    others.mkdir()
    for packages in map(Path, site.getsitepackages()):
        for entry in packages.iterdir():
            if entry.name.lower().startswith(("eulabel_mock", "_eulabel_mock")) or (others / entry.name).exists():
                continue
            (others / entry.name).symlink_to(entry)
    (site_packages(python) / "_running_environment.pth").write_text(f"{others}\n")
    return python


def run_block(code: str, cwd: Path, bin_dir: Path, **env: str) -> None:
    """A documentation block, ``code``, under bash in ``cwd``, offline; ``python`` and ``pip`` from ``bin_dir``."""
    environment = clean_env(
        PATH=f"{bin_dir}{os.pathsep}{RUNNING}{os.pathsep}{os.environ['PATH']}",
        PIP_NO_BUILD_ISOLATION="0",
        **OFFLINE,
        **env,
    )
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", code], cwd=cwd, env=environment, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
