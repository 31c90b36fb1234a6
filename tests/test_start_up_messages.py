"""What the command line says at start-up: errors first and alone, warnings only for a mock that
starts, no secret in any of it, and --help and the options page (docs/options.md) telling the same
defaults."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from mock_server import create_app
from mock_server.cli import demo_sessions_warning, main
from mock_server.settings import SETTINGS, ConfigError, Setting
from tests.support.cli import run_cli
from tests.support.environments import REPO
from tests.support.served import running

REJECTED = "shortsecret"  # a control token too short to be accepted: still never printed


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--control-token", REJECTED), {}),
        ((f"--control-token={REJECTED}",), {}),
        ((), {"EULABEL_MOCK_CONTROL_TOKEN": REJECTED}),
        (("--control-tokn", REJECTED), {}),  # a typo: argparse named the unknown arguments, values too
        ((f"--control-tokn={REJECTED}",), {}),
        (("--port", "0", REJECTED), {}),
    ],
    ids=["option", "option=", "variable", "mistyped option", "mistyped option=", "stray value"],
)
def test_a_rejected_token_is_never_printed(args: tuple[str, ...], env: dict[str, str]) -> None:
    proc = run_cli(*args, env=env)
    assert proc.returncode == 2
    assert REJECTED not in proc.stderr + proc.stdout
    assert "CONTROL_TOKEN" in proc.stderr or "control-tok" in proc.stderr or "unrecognized" in proc.stderr


def test_a_rejected_token_is_not_in_the_config_error_either() -> None:
    with pytest.raises(ConfigError) as raised:
        create_app({"CONTROL_TOKEN": REJECTED})
    assert REJECTED not in str(raised.value) and "CONTROL_TOKEN" in str(raised.value)


@pytest.mark.parametrize("host", ["999.1.1.1", "no-such-host.invalid"])
def test_a_host_that_cannot_be_bound_is_the_one_line_said_and_no_warning(host: str) -> None:
    proc = run_cli("--host", host, "--port", "0")
    assert (proc.returncode, proc.stdout) == (2, "")
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"eulabel-mock: --host={host}: ") and "resolves" in line


def test_an_unknown_variable_is_warned_about_after_the_error() -> None:
    proc = run_cli("--port", "x", env={"EULABEL_MOCK_PROT": "0"})
    error, warning = proc.stderr.splitlines()
    assert "--port=x" in error and "EULABEL_MOCK_PROT" in warning


def fake_serve(served: list[str]) -> Callable[..., None]:
    def serve(app: object, host: str, port: int, on_ready: Callable[[str], None], *args: object, **kw: object) -> None:
        served.append(host)
        on_ready(f"http://{host}:1")

    return serve


@pytest.mark.parametrize("token", [[], ["--control-token", "control-" + "t0k3n" * 4]], ids=["no token", "token"])
def test_demo_sessions_on_a_shared_bind_are_warned_about_with_the_way_to_close_them(
    token: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("mock_server.cli.serve", fake_serve([]))
    assert main(["--host", "0.0.0.0", "--port", "0", *token]) == 0
    err = capsys.readouterr().err
    assert "demo sessions open" in err and "sess_quinta_demo" in err and "--demo-sessions off" in err
    assert main(["--host", "0.0.0.0", "--port", "0", *token, "--demo-sessions", "off"]) == 0
    assert "demo sessions" not in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_demo_sessions_on_loopback_are_not_warned_about(host: str) -> None:
    assert demo_sessions_warning(host, True) is None


def test_a_host_name_is_resolved_and_bound_on_granian_without_falling_back() -> None:
    with running("granian", "--host", "localhost") as mock:
        assert re.match(r"eulabel-mock ready http://(127\.0\.0\.1|\[::1\]):\d+ ", mock.ready), mock.ready
        status, body = mock.request("GET", "/_mock/ready", headers={"Host": "localhost"})
        stderr = mock.stop()
    assert (status, body) == (200, {"ready": True})
    assert "waitress" not in stderr, stderr


def test_the_main_passes_an_address_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[str] = []
    monkeypatch.setattr("mock_server.cli.serve", fake_serve(served))
    assert main(["--host", "localhost", "--port", "0"]) == 0
    assert served[0] in ("127.0.0.1", "::1")


def documented_option_rows() -> dict[str, str]:
    rows = {}
    for line in (REPO / "docs" / "options.md").read_text(encoding="utf-8").splitlines():
        for option in re.findall(r"`(--[a-z-]+)", line.split("|")[1] if line.startswith("| `--") else ""):
            rows[option] = line.replace("`", "")
    return rows


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.default], ids=lambda s: s.option)
def test_help_and_the_options_page_give_the_same_default(setting: Setting) -> None:
    proc = run_cli("--help")
    assert f"(default: {setting.default})" in " ".join(proc.stdout.split())
    row = documented_option_rows()[setting.option]
    assert f"default: {setting.default}" in row, row


def test_fixtures_default_is_said_alike_in_help_and_the_options_page() -> None:
    # The disagreement that was reported: the documentation said fixtures/, --help "the bundled ones".
    assert "the bundled fixtures" in documented_option_rows()["--fixtures"]
    assert "the bundled fixtures" in " ".join(run_cli("--help").stdout.split())
