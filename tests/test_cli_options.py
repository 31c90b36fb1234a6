"""The integrator options of the command line: --state and --journal-size (also as environment)."""

from __future__ import annotations

import pytest

from mock_server.cli import app_config, parser


def test_state_and_journal_size_reach_the_config() -> None:
    config = app_config(parser().parse_args(["--state", "s.json", "--journal-size", "5"]))
    assert (config["STATE_FILE"], config["JOURNAL_SIZE"]) == ("s.json", 5)


def test_defaults_keep_the_state_in_memory_with_a_journal() -> None:
    config = app_config(parser().parse_args([]))
    assert (config["STATE_FILE"], config["JOURNAL_SIZE"]) == (None, 1000)


def test_options_come_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EULABEL_MOCK_STATE", "env.json")
    monkeypatch.setenv("EULABEL_MOCK_JOURNAL_SIZE", "0")
    config = app_config(parser().parse_args([]))
    assert (config["STATE_FILE"], config["JOURNAL_SIZE"]) == ("env.json", 0)


@pytest.mark.parametrize("value", ["-1", "abc", "1000001"])
def test_a_bad_journal_size_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        parser().parse_args(["--journal-size", value])
    assert info.value.code == 2
    assert "--journal-size" in capsys.readouterr().err
