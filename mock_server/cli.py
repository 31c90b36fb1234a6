"""The ``eulabel-mock`` command line."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

from . import settings
from .api.routing import state_of
from .app import create_app, flush_state, latency_hook
from .serving.limits import DEFAULT_BODY_TIMEOUT, Limits
from .serving.server import DEFAULT_SERVER, ServerUnavailable, serve

EXIT_OK = 0
EXIT_CONFIG = 2
EXIT_STATUS = f"""\
exit status:
  {EXIT_OK}  stopped cleanly (SIGINT or SIGTERM)
  {EXIT_CONFIG}  bad configuration: an option, an {settings.ENV_PREFIX}* variable, the fixtures or
     the state file cannot be used, or the address cannot be bound
  anything else is a bug in eulabel-mock: please report it
"""


def version() -> str:
    try:
        return metadata.version("eulabel-mock")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def parser() -> argparse.ArgumentParser:
    """Options only collect text; ``settings.resolve`` checks them together with the environment."""
    p = argparse.ArgumentParser(
        prog="eulabel-mock",
        description="A local, stateful mock of the EUlabel API. Every option can also be set as an "
        f"environment variable {settings.ENV_PREFIX}<OPTION>, e.g. {settings.ENV_PREFIX}PORT=0; "
        "an option given on the command line wins.",
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-V", "--version", action="version", version=f"%(prog)s {version()}")
    for s in settings.SETTINGS:
        if s.switch:
            p.add_argument(s.option, action="store_const", const=True, default=None, help=s.help)
        else:
            p.add_argument(s.option, metavar=s.metavar or s.name.upper(), help=s.help)
    return p


def options(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting from the command line and the environment, checked (see ``settings.resolve``).

    :raise settings.ConfigError: naming the option or variable as the user wrote it.
    """
    args = parser().parse_args(argv)
    given = {s.name: getattr(args, s.name.replace("-", "_")) for s in settings.SETTINGS}
    return settings.resolve(given, os.environ if environ is None else environ)


def app_config(values: Mapping[str, Any]) -> dict[str, Any]:
    """The app's config from checked settings; what is not set keeps the app's default."""
    return {s.app_key: values[s.name] for s in settings.SETTINGS if s.app_key and s.name in values}


def exposure_warning(host: str, control_token: str | None) -> str | None:
    """The start-up warning for a mock reachable beyond this machine with an open control plane."""
    if control_token or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a host name other than localhost may resolve to any interface
    return (
        f"eulabel-mock: warning: listening on {host} without a control-plane token: anyone who can reach "
        "the port can mint sessions, reset the mock, read the journal and inject faults. "
        f"Set {settings.ENV_PREFIX}CONTROL_TOKEN (and consider --demo-sessions off)."
    )


def ready_line(base_url: str, sessions: Sequence[tuple[str, str]], dashboard: bool = False) -> str:
    cookies = " ".join(f"{org}:eulabel_session={token}" for org, token in sessions)
    page = f" dashboard={base_url}/dashboard" if dashboard else ""
    return f"eulabel-mock ready {base_url} {cookies}".rstrip() + page


def _fail(message: str) -> int:
    print(f"eulabel-mock: {message}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: Sequence[str] | None = None) -> int:
    for warning in settings.unknown_variables(os.environ):
        print(f"eulabel-mock: warning: {warning}", file=sys.stderr)
    try:
        values = options(argv)
    except settings.ConfigError as exc:
        return _fail(str(exc))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    for noisy in ("waitress", "_granian"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        app = create_app(app_config(values))
    except (OSError, ValueError) as exc:
        return _fail(f"cannot start: {exc}")
    state = state_of(app)
    sessions = [(org.id, org.sessions[0]) for org in state.organizations.values() if org.sessions]
    host, port = values.get("host", "127.0.0.1"), values.get("port", 8080)
    exposed = exposure_warning(host, values.get("control-token"))
    if exposed:
        print(exposed, file=sys.stderr, flush=True)

    def announce(base_url: str) -> None:
        print(ready_line(base_url, sessions, dashboard=bool(app.config["CONTROL_PLANE"])), flush=True)

    timeout = values.get("client-timeout", DEFAULT_BODY_TIMEOUT)
    limits = Limits(body_timeout=timeout, max_body=app.config["MAX_CONTENT_LENGTH"])
    try:
        serve(
            app,
            host,
            port,
            announce,
            server=values.get("server", DEFAULT_SERVER),
            threads=values.get("threads"),
            error_format=app.config["ERROR_FORMAT"],
            limits=limits,
            delay=latency_hook(app),
        )
    except OSError as exc:
        return _fail(f"cannot listen on {host}:{port}: {exc}")
    except ServerUnavailable as exc:
        return _fail(f"cannot start: {exc}")
    finally:
        flush_state(app)
    return EXIT_OK
