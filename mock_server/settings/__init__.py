"""Every setting of the mock in one table, read and checked on one path.

A setting reaches the mock as a command-line option (``--revocation-delay 5``), an environment
variable (``EULABEL_MOCK_REVOCATION_DELAY=5``) or a key of the configuration mapping given to
``create_app`` or the ``eulabel_mock_config`` fixture (``{"REVOCATION_DELAY": 5}``). All three go
through the same converter, and an error names the setting the way the user wrote it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ERROR_FORMATS
from ..serving.limits import DEFAULT_BODY_TIMEOUT, client_timeout
from ..serving.server import DEFAULT_SERVER, DEFAULT_THREADS, SERVERS
from ..state.rate_limit import DEFAULT_RATE_LIMIT
from .values import Convert, choice, fixtures, on_off, rate_limit, seconds, seed, state_file, text, token, whole

ENV_PREFIX = "EULABEL_MOCK_"


class ConfigError(ValueError):
    """A setting the mock cannot use; the message names it as the user wrote it."""


@dataclass(frozen=True)
class Setting:
    """One setting: its option name, how a value is checked, and the app config key it fills."""

    name: str  # the option without its dashes, e.g. "revocation-delay"
    convert: Convert  # text or a Python value -> the value used; ValueError says why not
    help: str
    metavar: str | None = None
    app_key: str | None = None  # None: a setting of the server, not of the app
    switch: bool = False  # an on/off option that takes no value on the command line

    @property
    def option(self) -> str:
        return "--" + self.name

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper().replace("-", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("host", text, "interface to bind (default 127.0.0.1)"),
    Setting("port", whole(0, 65535), "port; 0 picks a free one (default 8080)"),
    Setting("fixtures", fixtures, "directory of seed JSON files (default: the bundled ones)", "DIR", "FIXTURES"),
    Setting(
        "error-format",
        choice(*ERROR_FORMATS),
        "error body shape: flat (Gen-2, default) or nested (Gen-1)",
        "flat|nested",
        "ERROR_FORMAT",
    ),
    Setting(
        "revocation-delay",
        seconds,
        "seconds a revoked key keeps authenticating (default 0: immediate)",
        "SECONDS",
        "REVOCATION_DELAY",
    ),
    Setting(
        "rate-limit",
        rate_limit,
        f"requests each API key may make per window (default {DEFAULT_RATE_LIMIT}; 0 disables)",
        "N/SECONDS",
        "RATE_LIMIT",
    ),
    Setting("seed", seed, "make ids and secrets reproducible", "N", "SEED"),
    Setting(
        "access-log",
        on_off,
        "log one line per request to stderr (paths only, never credentials)",
        app_key="ACCESS_LOG",
        switch=True,
    ),
    Setting(
        "state",
        state_file,
        "keep the state in FILE across restarts (hashes only, never a secret); default: memory",
        "FILE",
        "STATE_FILE",
    ),
    Setting(
        "journal-size",
        whole(0, 1_000_000),
        "requests kept by GET /_mock/journal (default 1000; 0 records none)",
        "N",
        "JOURNAL_SIZE",
    ),
    Setting(
        "server",
        choice(*SERVERS),
        f"HTTP server (default {DEFAULT_SERVER}, which falls back to waitress if it cannot start; "
        "waitress is pure Python)",
        "granian|waitress",
    ),
    Setting(
        "threads",
        whole(1, 64),
        f"waitress only: threads running requests (default {DEFAULT_THREADS}); "
        "granian runs them on one event-loop thread",
        "N",
    ),
    Setting(
        "client-timeout",
        client_timeout,
        "seconds a client has to send a request's headers and body before a JSON 408 or a closed "
        f"connection (default {DEFAULT_BODY_TIMEOUT:g})",
        "SECONDS",
    ),
    Setting(
        "control-token",
        token,
        "require TOKEN in the X-Eulabel-Mock-Token header on /_mock/* (except /_mock/ready); "
        f"prefer {ENV_PREFIX}CONTROL_TOKEN, as other users can read a command line",
        "TOKEN",
        "CONTROL_TOKEN",
    ),
    Setting(
        "demo-sessions",
        on_off,
        "open the fixtures' demo session cookies (default on; off for shared deployments)",
        "on|off",
        "DEMO_SESSIONS",
    ),
)
# Keys of the app config that are no command-line option.
APP_ONLY: dict[str, Convert] = {"CONTROL_PLANE": on_off, "MAX_CONTENT_LENGTH": whole(1, 2**31)}
BY_APP_KEY = {s.app_key: s for s in SETTINGS if s.app_key}


def resolve(options: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Each setting's value by name: the option if given, else its environment variable; checked.

    Settings given neither way are left out, so the app's and the server's defaults apply.

    :raise ConfigError: naming the option or variable and what it must be.
    """
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        given = options.get(setting.name)
        if given is not None:
            source, value = setting.option, given
        elif setting.env in environ:
            source, value = setting.env, environ[setting.env]
        else:
            continue
        values[setting.name] = _convert(setting.convert, value, source)
    return values


def unknown_variables(environ: Iterable[str]) -> list[str]:
    """A warning for each ``EULABEL_MOCK_*`` variable that is no setting, naming the closest one."""
    known = [s.env for s in SETTINGS]
    suffixes = [name.removeprefix(ENV_PREFIX) for name in known]  # the shared prefix would make all look close
    warnings = []
    for name in sorted(n for n in environ if n.startswith(ENV_PREFIX) and n not in known):
        close = difflib.get_close_matches(name.removeprefix(ENV_PREFIX), suffixes, n=1, cutoff=0.6)
        hint = f"did you mean {ENV_PREFIX}{close[0]}?" if close else f"known: {', '.join(known)}"
        warnings.append(f"{name} is not a setting and is ignored ({hint})")
    return warnings


def app_config(config: Mapping[str, Any], known: Iterable[str], also_allowed: Iterable[str] = ()) -> dict[str, Any]:
    """``config`` with every value checked; ``known`` are the app's keys, listed when a key is unknown.

    ``also_allowed`` keys (Flask's own settings) pass through unchecked.

    :raise ConfigError: an unknown key (with the valid ones), or a value that key cannot take.
    """
    valid = sorted(known)
    allowed = {*valid, *also_allowed}
    unknown = [str(key) for key in config if key not in allowed]
    if unknown:
        close = [m for key in unknown for m in difflib.get_close_matches(key.upper(), valid, n=1, cutoff=0.6)]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ConfigError(f"unknown key {', '.join(map(repr, unknown))}{hint}; valid keys: {', '.join(valid)}")
    checked = dict(config)
    for key, value in config.items():
        setting = BY_APP_KEY.get(key)
        convert = setting.convert if setting else APP_ONLY.get(key)
        if convert is not None:
            checked[key] = _convert(convert, value, key)
    return checked


def _convert(convert: Convert, value: Any, source: str) -> Any:
    try:
        return convert(value)
    except (ValueError, TypeError) as exc:
        shown = value if isinstance(value, str) else repr(value)
        raise ConfigError(f"{source}={shown}: {exc}") from None
