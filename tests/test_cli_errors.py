"""Every configuration error of ``eulabel-mock``, run as a user runs it: one line naming what they typed, exit 2.

Options and ``EULABEL_MOCK_*`` variables go through one checked path (``mock_server.settings``),
so the table covers each kind of setting both ways.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pytest

from mock_server.cli import EXIT_STATUS
from tests.support.cli import run_cli
from tests.support.environments import REPO


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    says: tuple[str, ...] = ()  # each must appear in the error line; {tmp} is the test's directory
    files: dict[str, str] = field(default_factory=dict)  # written under {tmp} first; "dir/" is a directory


CASES = {
    "port variable not a number": Case(env={"EULABEL_MOCK_PORT": "abc"}, says=("EULABEL_MOCK_PORT=abc", "0 to 65535")),
    "port option out of range": Case(("--port", "70000"), says=("--port=70000", "0 to 65535")),
    "server variable unknown": Case(
        env={"EULABEL_MOCK_SERVER": "gunicorn"}, says=("EULABEL_MOCK_SERVER=gunicorn", "granian, waitress")
    ),
    "server option unknown": Case(("--server", "uvicorn"), says=("--server=uvicorn", "granian, waitress")),
    "error format variable": Case(
        env={"EULABEL_MOCK_ERROR_FORMAT": "xml"}, says=("EULABEL_MOCK_ERROR_FORMAT=xml", "flat, nested")
    ),
    "error format option": Case(("--error-format", "xml"), says=("--error-format=xml", "flat, nested")),
    "revocation delay negative": Case(("--revocation-delay", "-1"), says=("--revocation-delay=-1", "0 to 3600")),
    "revocation delay variable": Case(
        env={"EULABEL_MOCK_REVOCATION_DELAY": "soon"}, says=("EULABEL_MOCK_REVOCATION_DELAY=soon", "seconds")
    ),
    "rate limit option": Case(("--rate-limit", "5"), says=("--rate-limit=5", "N/SECONDS")),
    "rate limit variable": Case(env={"EULABEL_MOCK_RATE_LIMIT": "10/0"}, says=("EULABEL_MOCK_RATE_LIMIT=10/0",)),
    "journal size variable": Case(
        env={"EULABEL_MOCK_JOURNAL_SIZE": "-1"}, says=("EULABEL_MOCK_JOURNAL_SIZE=-1", "0 to 1000000")
    ),
    "threads option": Case(("--threads", "0"), says=("--threads=0", "1 to 64")),
    "seed variable": Case(env={"EULABEL_MOCK_SEED": "lucky"}, says=("EULABEL_MOCK_SEED=lucky", "whole number")),
    "access log variable": Case(env={"EULABEL_MOCK_ACCESS_LOG": "maybe"}, says=("EULABEL_MOCK_ACCESS_LOG=maybe",)),
    "host variable empty": Case(env={"EULABEL_MOCK_HOST": ""}, says=("EULABEL_MOCK_HOST=", "empty")),
    "state file in a missing directory": Case(
        ("--state", "{tmp}/missing/state.json"), says=("--state={tmp}/missing/state.json", "{tmp}/missing")
    ),
    "state variable in a missing directory": Case(
        env={"EULABEL_MOCK_STATE": "{tmp}/missing/state.json"}, says=("EULABEL_MOCK_STATE={tmp}/missing/state.json",)
    ),
    "state file of the wrong shape": Case(
        ("--state", "{tmp}/state.json"),
        files={"state.json": "[1, 2]"},
        says=("state file {tmp}/state.json", "not an eulabel-mock state file"),
    ),
    "state file missing its parts": Case(
        ("--state", "{tmp}/state.json"),
        files={"state.json": '{"format": "eulabel-mock-state", "version": 1}'},
        says=("state file {tmp}/state.json", "malformed"),
    ),
    "state file not JSON": Case(
        ("--state", "{tmp}/state.json"), files={"state.json": "{"}, says=("{tmp}/state.json", "not valid JSON")
    ),
    "state file is a directory": Case(
        ("--state", "{tmp}/kept"), files={"kept/": ""}, says=("--state={tmp}/kept", "is a directory")
    ),
    "fixtures directory missing": Case(("--fixtures", "{tmp}/nowhere"), says=("--fixtures={tmp}/nowhere",)),
    "fixtures directory empty": Case(
        ("--fixtures", "{tmp}/empty"), files={"empty/": ""}, says=("--fixtures={tmp}/empty", "no organizations.json")
    ),
    "fixtures without organisations": Case(
        env={"EULABEL_MOCK_FIXTURES": "{tmp}/seed"},
        files={"seed/organizations.json": '{"organizations": []}'},
        says=("{tmp}/seed", "no organisation"),
    ),
    "fixtures with a bad product": Case(
        ("--fixtures", "{tmp}/seed"),
        files={
            "seed/organizations.json": '{"organizations": [{"id": "o"}]}',
            "seed/products.json": json.dumps({"o": [{"name": "n", "category": "wine", "gtin": "1"}]}),
        },
        says=("{tmp}/seed/products.json",),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(case: Case, tmp_path: Path) -> None:
    for name, content in case.files.items():
        path = tmp_path / name
        if name.endswith("/"):
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
    fill = lambda text: text.replace("{tmp}", str(tmp_path))  # noqa: E731
    proc = run_cli(*map(fill, case.args), env={k: fill(v) for k, v in case.env.items()})
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("eulabel-mock: ")
    for needle in map(fill, case.says):
        assert needle in line
    assert ".tmp" not in line  # never the name of a temporary file


def test_an_unknown_variable_is_a_warning_naming_the_closest_setting() -> None:
    # Stopped by a bad option right after the warnings, so no server is started.
    proc = run_cli("--port", "x", env={"EULABEL_MOCK_PROT": "0", "EULABEL_MOCK_ZZZ": "1"})
    assert proc.returncode == 2
    assert "EULABEL_MOCK_PROT is not a setting and is ignored (did you mean EULABEL_MOCK_PORT?)" in proc.stderr
    assert "EULABEL_MOCK_ZZZ is not a setting and is ignored (known: EULABEL_MOCK_HOST," in proc.stderr


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_installed_version(flag: str) -> None:
    proc = run_cli(flag)
    assert (proc.returncode, proc.stdout) == (0, f"eulabel-mock {metadata.version('eulabel-mock')}\n")


def test_help_documents_the_exit_codes() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert EXIT_STATUS in proc.stdout
    assert "0  stopped cleanly" in proc.stdout and "2  bad configuration" in proc.stdout


def test_the_options_page_documents_the_same_exit_codes() -> None:
    page = (REPO / "docs" / "options.md").read_text(encoding="utf-8")
    assert "| `0` | stopped cleanly" in page
    assert "| `2` | bad configuration" in page
    assert "anything else is a bug" in page
