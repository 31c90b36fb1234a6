"""Every fenced block of README.md and of the pages under docs/ runs: each is tagged
``<!-- readme: KIND -->`` naming how (tests/support/documentation.py finds them). The README stays a front door.

Blocks that build environments (the virtualenv, installs, the site) run in tests/test_install_docs.py
and tests/test_docs_site.py, in the slow tier.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server import EulabelMock
from tests.support.documentation import FULL_KEY, Block, blocks, blocks_of_kind, of_kind, pages, text
from tests.support.environments import OFFLINE, REPO, clean_env, derived_venv
from tests.support.fresh_project import run_pytest

__all__ = ["FULL_KEY", "of_kind"]  # read through here by tests written before tests/support/documentation.py

# Kinds a page may use, each run by a test below or in the files the module docstring names.
KINDS = {
    "venv",
    "install",
    "serve",
    "suite",
    "suite-slow",
    "shell",
    "python",
    "pytest-file",
    "pytest-conftest",
    "workflow",
    "qa",
    "qa-destructive",
    "qa-differential",
    "control-schema",
    "st-run",
    "docs-site",
    "wheel-build",
    "wheel-install",
    "checkout-install",
    "git-install",
    "index-install",
    "synopsis",
    "response",  # tests/test_client_report_docs.py: a sample answer the mock gives
    "output",  # tests/test_client_report_docs.py: a sample failure message the helper prints
}
CONTRACT_SUITE = REPO / "contract_tests" / "conftest.py"
README_LINES = 250
WALKTHROUGH = "README.md"  # the curl walkthrough whose every answer is checked


def test_every_fenced_block_is_tagged_with_a_known_kind() -> None:
    found = blocks()
    untagged = [block.name for block in found if block.kind not in KINDS]
    assert found and not untagged, f"blocks without a known <!-- readme: KIND --> tag in {untagged}"
    assert {block.kind for block in found} >= KINDS  # every kind is used, so no runner is dead


def test_every_page_under_docs_is_one_link_from_the_readme() -> None:
    readme = text("README.md")
    linked = set(re.findall(r"\]\(docs/([^)#]+\.md)(?:#[^)]*)?\)", readme))
    assert {page.name for page in pages()} <= linked, "pages the README does not link to"
    assert linked <= {page.name for page in pages()}, "the README links to pages that do not exist"


def test_readme_is_a_front_door_of_at_most_250_lines() -> None:
    lines = text("README.md").count("\n")
    assert lines <= README_LINES, f"README.md has {lines} lines: move the details to a page under docs/"


def test_control_plane_reference_is_the_schema_the_mock_validates_with() -> None:
    from mock_server.control.bodies import schema

    [shown] = of_kind("control-schema")
    assert json.loads(shown) == schema()


def test_install_section_keeps_its_commands() -> None:
    readme = [(block.kind, block.code) for block in blocks() if block.document == "README.md"]
    assert readme[:4] == [
        ("venv", "python3 -m venv .venv\n. .venv/bin/activate\n"),
        ("install", 'pip install -e ".[test]"\n'),
        ("serve", "eulabel-mock\n"),
        ("shell", of_kind("shell")[0]),
    ]
    assert of_kind("install") == ['pip install -e ".[test]"\n']
    assert of_kind("suite") == ["pytest\n"]


def test_test_command_is_the_one_this_suite_runs_under() -> None:
    # `pytest` from the root collects testpaths, of which this file is part: running the suite is
    # running the command.
    ini = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "tests" in ini["testpaths"]
    # The everyday run is everything but the slow tier, which the second command runs: together, all.
    addopts = ini["addopts"]
    assert addopts[addopts.index("-m") + 1] == "not slow"


def test_ci_script_runs_the_checks_and_exactly_the_readme_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [code.strip() for code in of_kind("suite") + of_kind("suite-slow")]
    assert commands == ["pytest", "pytest -m slow"]
    for command in commands:
        assert f'step "{command}" readme_tests {command}\n' in script
    assert '    "$@" || status=$?\n' in script
    assert 'if [ "$status" -eq 5 ]' in script  # no tests collected is reported, and fails
    assert 'pip install --quiet -e ".[test,dev,docs]"' in script
    # the site, as the README builds it, into the throw-away directory rather than the checkout
    [site] = of_kind("docs-site")
    assert site.splitlines()[-1] == "mkdocs build --strict"
    assert 'step "mkdocs build --strict" mkdocs build --strict --site-dir "$VENV/site"\n' in script
    # into a virtualenv of its own, made before the install: the machine's Python may hold anything
    made, entered = script.index('python3 -m venv "$VENV"'), script.index('. "$VENV/bin/activate"')
    assert made < entered < script.index("pip install")
    for check in (
        'step "ruff check" ruff check "${CHECKED[@]}"',
        'step "ruff format --check" ruff format --check',
        'step "mypy" mypy',
    ):
        assert check in script
    assert "CHECKED=(mock_server contract_tests tests bench st mkdocs_hooks.py)" in script
    mypy = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["tool"]["mypy"]
    checked = ["mock_server", "contract_tests", "tests", "bench", "st", "mkdocs_hooks.py"]
    assert set(checked) <= set(mypy["files"]), "what ruff checks in CI is type-checked too"


def test_every_bench_script_is_linted_and_type_checked() -> None:
    # A script without the .py suffix is skipped by a directory walk: each is named in the config.
    tool = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["tool"]
    scripts = sorted(
        f"bench/{p.name}"
        for p in (REPO / "bench").iterdir()
        if p.suffix != ".py" and p.is_file() and p.read_bytes().startswith(b"#!/usr/bin/env python")
    )
    assert scripts, "no bench script found: the check would pass vacuously"
    assert sorted(tool["ruff"]["extend-include"]) == scripts
    packages = {"mock_server", "contract_tests", "tests", "bench", "st", "mkdocs_hooks.py"}
    assert sorted(set(tool["mypy"]["files"]) - packages) == scripts
    assert tool["mypy"]["scripts_are_modules"] is True


@pytest.fixture(scope="module")
def editable_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv where the Install block itself was run, from the repository root."""
    venv = tmp_path_factory.mktemp("venv") / "editable"
    derived_venv(venv, pip_command=True)
    [command] = of_kind("install")
    # Offline: the dependencies are found installed, and the build backend is taken from the running
    # environment (pip reads PIP_NO_BUILD_ISOLATION=0 as "do not isolate the build").
    env = clean_env(
        PATH=f"{venv / 'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(venv), PIP_NO_BUILD_ISOLATION="0", **OFFLINE
    )
    subprocess.run(["bash", "-euc", command], cwd=REPO, env=env, check=True, timeout=600)
    return venv / "bin" / "python"


@pytest.mark.slow  # runs the README's install
def test_install_command_gives_an_editable_package_with_its_command(editable_python: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(editable_python), "-c", "import mock_server; print(mock_server.__file__)"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == str(REPO / "mock_server" / "__init__.py")
    assert (editable_python.parent / "eulabel-mock").exists()


def start_block(command: str, python: Path, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    env = clean_env(PATH=f"{python.parent}:{os.environ['PATH']}", EULABEL_MOCK_PORT="0")
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + command.strip()],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline()


@pytest.mark.slow  # installs the package from a wheel
@pytest.mark.parametrize("index", range(2))
def test_serve_commands_print_the_ready_line_and_stop_cleanly(
    installed_python: Path, tmp_path: Path, index: int
) -> None:
    command = of_kind("serve")[index]
    proc, line = start_block(command, installed_python, tmp_path)
    try:
        assert re.fullmatch(
            r"eulabel-mock ready http://127\.0\.0\.1:\d+ org_quinta:eulabel_session=sess_quinta_demo"
            r" org_textil:eulabel_session=sess_textil_demo"
            r" dashboard=http://127\.0\.0\.1:\d+/dashboard\n",
            line,
        ), line
        with urllib.request.urlopen(line.split()[2] + "/_mock/ready", timeout=10) as resp:
            assert json.load(resp) == {"ready": True}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    if "--state" in command:
        state_file = tmp_path / command.split("--state")[1].split()[0]
        conn = sqlite3.connect(f"file:{state_file}?mode=ro", uri=True)
        try:
            assert conn.execute("SELECT value FROM meta WHERE name = 'format'").fetchall() == [("eulabel-mock-state",)]
        finally:
            conn.close()


def run_against(eulabel_mock: EulabelMock, command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A block run as a reader runs it, with a mock served at ``$BASE``."""
    return subprocess.run(
        command,
        env=clean_env(BASE=eulabel_mock.base_url),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("block", blocks_of_kind("shell"), ids=lambda block: block.document)
def test_shell_blocks_run_against_a_served_mock(eulabel_mock: EulabelMock, tmp_path: Path, block: Block) -> None:
    proc = run_against(eulabel_mock, ["bash", "-euo", "pipefail", "-c", block.code], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not FULL_KEY.search(proc.stdout + proc.stderr), f"{block.document} prints a full secret"
    if block.document == WALKTHROUGH:
        lines = proc.stdout.splitlines()
        assert json.loads(lines[0])["organizationId"].startswith("org_")
        assert [k["name"] for k in json.loads(lines[1])["data"]] == ["CI Pipeline Key"]
        assert [p["name"] for p in json.loads(lines[2])["data"]] == ["Douro Red 2021", "Vinho Verde 2023"]
        passport = json.loads(lines[3])
        assert (passport["gtin"], passport["status"]) == ("04006381333931", "draft")
        assert passport["compliance"]["missing"]
        assert lines[4:] == ["204", "401"]


@pytest.mark.parametrize("block", blocks_of_kind("python"), ids=lambda block: block.document)
def test_python_blocks_run_against_a_served_mock(eulabel_mock: EulabelMock, tmp_path: Path, block: Block) -> None:
    proc = run_against(eulabel_mock, [sys.executable, "-c", block.code], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not FULL_KEY.search(proc.stdout + proc.stderr), f"{block.document} prints a full secret"
    if block.document == "docs/integrator.md":
        assert proc.stdout.splitlines() == ["05601012012200 Douro Red 2021", "00000096385074 Vinho Verde 2023"]
        assert [e["status"] for e in eulabel_mock.journal()] == [201, 200, 204, 401]


def pytest_projects() -> list[str]:
    """The documents with pytest samples: each document's samples make one project."""
    return sorted({block.document for block in blocks_of_kind("pytest-file")})


@pytest.mark.slow  # installs the package from a wheel
@pytest.mark.parametrize("document", pytest_projects())
def test_pytest_samples_pass_in_a_fresh_project(installed_python: Path, tmp_path: Path, document: str) -> None:
    samples = [block for block in blocks() if block.document == document]
    test_files = [block.code for block in samples if block.kind == "pytest-file"]
    conftests = [block.code for block in samples if block.kind == "pytest-conftest"]
    files = {f"test_sample_{index}.py": code for index, code in enumerate(test_files)}
    proc = run_pytest(tmp_path, files={**files, "conftest.py": "\n\n".join(conftests)}, python=installed_python)
    assert proc.returncode == 0, proc.stdout[-3000:]
    defined = sum(code.count("\ndef test_") + code.startswith("def test_") for code in test_files)
    assert f"{defined} passed" in proc.stdout, proc.stdout[-3000:]


@pytest.mark.slow  # pytest --help in a subprocess loads every plugin: seconds
def test_synopsis_blocks_use_only_options_pytest_knows(tmp_path: Path) -> None:
    # What `pytest --help` lists with this package installed, its plugin's options included; it shows
    # one spelling of options that differ only by dashes (--junitxml, --junit-xml).
    help_text = run_pytest(tmp_path, "--help").stdout
    known = {option.replace("-", "") for option in re.findall(r"(?<![\w-])--[a-z][\w-]*", help_text)}
    assert "--base-url" in help_text
    for block in blocks_of_kind("synopsis"):
        subprocess.run(["bash", "-n", "-c", block.code], check=True)  # it parses as shell
        used = re.findall(r"(?<![\w-])--[a-z][\w-]*", block.code)
        assert used, block.document
        unknown = [option for option in used if option.replace("-", "") not in known]
        assert not unknown, f"{block.document} shows options pytest does not have: {unknown}"


def workflow_steps() -> list[dict[str, Any]]:
    [text] = of_kind("workflow")
    workflow = yaml.safe_load(text)
    return list(workflow["jobs"]["contract"]["steps"])


def test_ci_job_installs_runs_the_suite_and_always_uploads_its_reports() -> None:
    steps = workflow_steps()
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert [s["run"] for s in steps if s.get("name") == "Install"] == [of_kind("install")[0].strip()]
    [suite] = [s["run"] for s in steps if s.get("name") == "Contract suite"]
    assert "--junitxml reports/" in suite and "--claims-report reports/" in suite
    [step] = [s for s in steps if s.get("name") == "Contract suite"]
    assert step["env"] == {"EULABEL_SESSION": "sess_quinta_demo", "EULABEL_SESSION_2": "sess_textil_demo"}
    upload = steps[-1]
    assert (upload["uses"].split("@")[0], upload["if"], upload["with"]["path"]) == (
        "actions/upload-artifact",
        "always()",
        "reports/",
    )


def run_start_step(python: Path, tmp_path: Path) -> tuple[str, int]:
    [script] = [s["run"] for s in workflow_steps() if s.get("name") == "Start the mock"]
    checkout, runner_temp = tmp_path / "checkout", tmp_path / "runner-temp"
    checkout.mkdir()
    runner_temp.mkdir()
    github_env = runner_temp / "github_env"
    env = clean_env(
        PATH=f"{python.parent}:{os.environ['PATH']}", GITHUB_ENV=str(github_env), RUNNER_TEMP=str(runner_temp)
    )
    # $! is the mock started in the background: kept so the test can stop what it started.
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script + f'\necho "$!" > {runner_temp}/mock.pid'],
        cwd=checkout,
        env=env,
        check=True,
        timeout=60,
    )
    assert list(checkout.iterdir()) == [], "the job writes into the checkout"
    [line] = github_env.read_text().splitlines()
    return line.removeprefix("BASE_URL="), int((runner_temp / "mock.pid").read_text())


def stop(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


@pytest.mark.slow  # installs the package from a wheel
def test_ci_job_starts_the_mock_and_exports_its_url(installed_python: Path, tmp_path: Path) -> None:
    base_url, pid = run_start_step(installed_python, tmp_path)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        with urllib.request.urlopen(base_url + "/_mock/ready", timeout=10) as resp:
            assert resp.status == 200
    finally:
        stop(pid)


def needs_contract_suite() -> None:
    if not CONTRACT_SUITE.exists():
        pytest.skip("contract_tests/ is not in this checkout")


@pytest.mark.slow
def test_ci_job_contract_suite_step_passes_against_the_started_mock(installed_python: Path, tmp_path: Path) -> None:
    needs_contract_suite()
    base_url, pid = run_start_step(installed_python, tmp_path)
    try:
        [step] = [s for s in workflow_steps() if s.get("name") == "Contract suite"]
        work = tmp_path / "suite-checkout"
        shutil.copytree(REPO, work, ignore=shutil.ignore_patterns(".git", "reports", ".*cache*", "__pycache__"))
        env = clean_env(BASE_URL=base_url, **step.get("env", {}))
        proc = subprocess.run(
            ["bash", "-ec", step["run"]], cwd=work, env=env, capture_output=True, text=True, timeout=900
        )
        assert proc.returncode == 0, proc.stdout[-3000:]
        assert (work / "reports" / "junit.xml").exists() and (work / "reports" / "claims.md").exists()
    finally:
        stop(pid)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["qa", "qa-destructive", "qa-differential"])
def test_qa_commands_pass_and_leave_nothing_behind(eulabel_mock: EulabelMock, tmp_path: Path, kind: str) -> None:
    needs_contract_suite()
    [command] = of_kind(kind)
    other = eulabel_mock.new_session()
    work = tmp_path / "checkout"
    shutil.copytree(REPO, work, ignore=shutil.ignore_patterns(".git", "reports", ".*cache*", "__pycache__"))
    env = clean_env(
        EULABEL_BASE_URL=eulabel_mock.base_url,
        EULABEL_SESSION=eulabel_mock.session.cookie,
        EULABEL_SESSION_2=other.cookie,
    )
    proc = subprocess.run(["bash", "-ec", command], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert eulabel_mock.keys() == [] and eulabel_mock.keys(session=other) == []  # the cleanup guarantee
    if kind == "qa":
        # Rejected write attempts (400/404/405/422) change nothing; a successful one does.
        writes = [
            f"{e['method']} {e['path']} {e['status']}"
            for e in eulabel_mock.journal()
            if e["method"] in ("POST", "PUT", "PATCH", "DELETE") and e["status"] < 400
        ]
        assert writes == [], "the read-only run changed the target"
