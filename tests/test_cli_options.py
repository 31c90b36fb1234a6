"""The integrator options of the command line: --state and --journal-size (also as environment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.cli import app_config, options
from mock_server.settings import ConfigError


def test_state_and_journal_size_reach_the_config(tmp_path: Path) -> None:
    config = app_config(options(["--state", str(tmp_path / "s.json"), "--journal-size", "5"], environ={}))
    assert (config["STATE_FILE"], config["JOURNAL_SIZE"]) == (str(tmp_path / "s.json"), 5)


def test_defaults_keep_the_state_in_memory_with_a_journal() -> None:
    # Nothing set: the app's defaults (memory only, a journal of 1000) apply, but for strict mode,
    # which the command line leaves off for its cost (BENCHMARKS.md, section 11).
    assert app_config(options([], environ={})) == {"STRICT": False}


def test_options_come_from_the_environment_too(tmp_path: Path) -> None:
    environ = {"EULABEL_MOCK_STATE": str(tmp_path / "env.json"), "EULABEL_MOCK_JOURNAL_SIZE": "0"}
    config = app_config(options([], environ=environ))
    assert (config["STATE_FILE"], config["JOURNAL_SIZE"]) == (str(tmp_path / "env.json"), 0)


def test_an_option_wins_over_its_environment_variable() -> None:
    config = app_config(options(["--journal-size", "7"], environ={"EULABEL_MOCK_JOURNAL_SIZE": "0"}))
    assert config["JOURNAL_SIZE"] == 7


@pytest.mark.parametrize("value", ["-1", "abc", "1000001"])
def test_a_bad_journal_size_names_the_option(value: str) -> None:
    with pytest.raises(ConfigError, match=f"^--journal-size={value}: must be a whole number from 0 to 1000000$"):
        options(["--journal-size", value], environ={})
