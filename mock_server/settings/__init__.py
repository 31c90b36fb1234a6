"""Every setting of the mock in one table, read and checked on one path.

A setting reaches the mock as a command-line option (``--revocation-delay 5``), an environment
variable (``EULABEL_MOCK_REVOCATION_DELAY=5``) or a key of the configuration mapping given to
``create_app`` or the ``eulabel_mock_config`` fixture (``{"REVOCATION_DELAY": 5}``). All three go
through the same converter, and an error names the setting the way the user wrote it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ERROR_FORMATS
from ..serving.limits import DEFAULT_BODY_TIMEOUT, client_timeout
from ..serving.server import DEFAULT_SERVER, DEFAULT_THREADS, SERVERS
from ..state.rate_limit import DEFAULT_RATE_LIMIT
from .setting import ENV_PREFIX, Setting
from .values import (
    Convert,
    choice,
    fixtures,
    host_names,
    interface,
    on_off,
    rate_limit,
    seconds,
    seed,
    state_file,
    token,
    whole,
)


class ConfigError(ValueError):
    """A setting the mock cannot use; the message names it as the user wrote it."""


SETTINGS: tuple[Setting, ...] = (
    Setting("host", interface, "interface to bind: an IP address or a name that resolves to one", default="127.0.0.1"),
    Setting("port", whole(0, 65535), "port; 0 picks a free one", default="8080"),
    Setting(
        "fixtures",
        fixtures,
        "directory of seed JSON files",
        "DIR",
        "FIXTURES",
        default="the bundled fixtures, fixtures/ in a checkout",
    ),
    Setting(
        "error-format",
        choice(*ERROR_FORMATS),
        "error body shape: flat (Gen-2) or nested (Gen-1)",
        "flat|nested",
        "ERROR_FORMAT",
        default="flat",
    ),
    Setting(
        "revocation-delay",
        seconds,
        "seconds a revoked key keeps authenticating",
        "SECONDS",
        "REVOCATION_DELAY",
        default="0, immediate",
    ),
    Setting(
        "rate-limit",
        rate_limit,
        "requests each API key may make per window; 0 disables",
        "N/SECONDS",
        "RATE_LIMIT",
        default=DEFAULT_RATE_LIMIT,
    ),
    Setting(
        "seed",
        seed,
        "make ids and secrets reproducible, for tests: anyone who knows N can work out the secrets",
        "N",
        "SEED",
    ),
    Setting(
        "access-log",
        on_off,
        "log one line per request to stderr (paths only, never credentials)",
        app_key="ACCESS_LOG",
        switch=True,
        default="off",
    ),
    Setting(
        "state",
        state_file,
        "keep the state in FILE across restarts (hashes only, never a secret); one mock per file",
        "FILE",
        "STATE_FILE",
        default="memory only",
    ),
    Setting(
        "journal-size",
        whole(0, 1_000_000),
        "requests kept by GET /_mock/journal; 0 records none",
        "N",
        "JOURNAL_SIZE",
        default="1000",
    ),
    Setting(
        "server",
        choice(*SERVERS),
        "HTTP server; granian falls back to waitress if it cannot start, waitress is pure Python",
        "granian|waitress",
        default=DEFAULT_SERVER,
    ),
    Setting(
        "threads",
        whole(1, 64),
        "waitress only: threads running requests; granian runs them on one event-loop thread",
        "N",
        default=str(DEFAULT_THREADS),
    ),
    Setting(
        "client-timeout",
        client_timeout,
        "seconds a client has to send a request's headers and body before a JSON 408 or a closed connection",
        "SECONDS",
        default=f"{DEFAULT_BODY_TIMEOUT:g}",
    ),
    Setting(
        "control-token",
        token,
        "require TOKEN in the X-Eulabel-Mock-Token header on /_mock/* (except /_mock/ready); "
        f"prefer {ENV_PREFIX}CONTROL_TOKEN, as other users can read a command line",
        "TOKEN",
        "CONTROL_TOKEN",
        secret=True,
    ),
    Setting(
        "demo-sessions",
        on_off,
        "open the fixtures' demo session cookies; off for shared deployments",
        "on|off",
        "DEMO_SESSIONS",
        default="on",
    ),
    Setting(
        "allowed-hosts",
        host_names,
        "more host names to answer under, comma-separated (.example.com: its subdomains too; * any); others get a 421",
        "NAMES",
        "ALLOWED_HOSTS",
        default="loopback names, IP addresses and the --host name",
    ),
    Setting(
        "strict",
        on_off,
        "check every answer against openapi.yaml before it leaves: one that breaks it becomes a 500 "
        "mock_contract_violation naming the operation and a JSON pointer",
        app_key="STRICT",
        switch=True,
        default="off",
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
        values[setting.name] = _convert(setting, value, source)
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
        if setting is not None:
            checked[key] = _convert(setting, value, key)
        elif key in APP_ONLY:
            checked[key] = _convert(Setting(key, APP_ONLY[key], ""), value, key)
    return checked


def _convert(setting: Setting, value: Any, source: str) -> Any:
    try:
        return setting.convert(value)
    except (ValueError, TypeError) as exc:
        if setting.secret:  # a rejected secret is still someone's secret: name the setting only
            raise ConfigError(f"{source}: {exc} (the value is not shown)") from None
        shown = value if isinstance(value, str) else repr(value)
        raise ConfigError(f"{source}={shown}: {exc}") from None
