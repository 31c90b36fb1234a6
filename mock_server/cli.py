"""The ``eulabel-mock`` command line."""

from __future__ import annotations

import argparse
import gc
import ipaddress
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

from . import settings
from .app import close_state, create_app
from .handle import handle_of
from .redaction import mask_secrets
from .serving.limits import DEFAULT_BODY_TIMEOUT, Limits
from .serving.server import DEFAULT_SERVER, ServerUnavailable, bind_address, serve

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


class _Parser(argparse.ArgumentParser):
    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        """As argparse does, except that an unrecognised argument is named without its value: a
        mistyped ``--control-tokn SECRET`` must not print the secret."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            shown = [a.partition("=")[0] + ("=…" if "=" in a else "") if a.startswith("-") else "…" for a in extras]
            self.error(f"unrecognized arguments: {' '.join(shown)} (values are not shown)")
        return parsed


def parser() -> argparse.ArgumentParser:
    """Options only collect text; ``settings.resolve`` checks them together with the environment."""
    p = _Parser(
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
    """The app's config from checked settings; what is not set keeps the app's default.

    A ``--host`` given as a name is one the mock answers under (``ALLOWED_HOSTS``).
    """
    config = {s.app_key: values[s.name] for s in settings.SETTINGS if s.app_key and s.name in values}
    config.setdefault("STRICT", False)  # the app's default is on; served, it costs (BENCHMARKS.md, section 11)
    host = values.get("host")
    if host is not None and not _is_address(host):
        config["ALLOWED_HOSTS"] = (*config.get("ALLOWED_HOSTS", ()), host.lower())
    return config


def exposure_warning(host: str, control_token: str | None) -> str | None:
    """The start-up warning for a mock reachable beyond this machine with an open control plane."""
    if control_token or _is_loopback(host):
        return None
    return (
        f"warning: listening on {host} without a control-plane token: anyone who can reach "
        "the port can mint sessions, reset the mock, read the journal and inject faults. "
        f"Set {settings.ENV_PREFIX}CONTROL_TOKEN (and consider --demo-sessions off)."
    )


def demo_sessions_warning(host: str, demo_sessions: bool) -> str | None:
    """The start-up warning for the fixtures' well-known demo cookies on a mock reachable from elsewhere:
    a control-plane token does not guard them, as they are sessions already open."""
    if not demo_sessions or _is_loopback(host):
        return None
    return (
        f"warning: listening on {host} with the fixtures' demo sessions open: anyone who can reach the "
        "port can create and revoke keys with their published cookies (e.g. sess_quinta_demo). "
        f"Start with --demo-sessions off ({settings.ENV_PREFIX}DEMO_SESSIONS=off) to close them."
    )


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    """Whether ``host`` binds loopback only; a name counts by the address it resolves to."""
    try:
        return ipaddress.ip_address(bind_address(host.strip("[]"))).is_loopback
    except (OSError, ValueError):
        return False


def ready_line(base_url: str, sessions: Sequence[tuple[str, str]], dashboard: bool = False) -> str:
    cookies = " ".join(f"{org}:eulabel_session={token}" for org, token in sessions)
    page = f" dashboard={base_url}/dashboard" if dashboard else ""
    return f"eulabel-mock ready {base_url} {cookies}".rstrip() + page


def _say(*lines: str) -> None:
    for line in lines:
        print(f"eulabel-mock: {mask_secrets(line)}", file=sys.stderr, flush=True)


def _fail(message: str, warnings: Sequence[str] = ()) -> int:
    """The error first, then whatever warnings the input already gave."""
    _say(message, *warnings)
    return EXIT_CONFIG


def main(argv: Sequence[str] | None = None) -> int:
    warnings = [f"warning: {warning}" for warning in settings.unknown_variables(os.environ)]
    try:
        values = options(argv)
    except settings.ConfigError as exc:
        return _fail(str(exc), warnings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    for noisy in ("waitress", "_granian"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        app = create_app(app_config(values))
    except (OSError, ValueError) as exc:
        return _fail(f"cannot start: {exc}", warnings)
    # What start-up built (the spec, the compiled schemas, a restored state of any size) lives as long
    # as the process: moved out of the collector's reach, a full collection no longer walks it, so a
    # request's cost does not grow with the state kept (BENCHMARKS.md, "State at scale").
    gc.freeze()
    state = handle_of(app).state
    sessions = [(org.id, org.sessions[0]) for org in state.organizations.values() if org.sessions]
    host, port = values.get("host", "127.0.0.1"), values.get("port", 8080)
    # Warnings about what is exposed only once it is: after the bind, before the ready line.
    exposure = [exposure_warning(host, values.get("control-token"))]
    exposure.append(demo_sessions_warning(host, bool(app.config["DEMO_SESSIONS"])))
    warnings += [warning for warning in exposure if warning]

    def announce(base_url: str) -> None:
        _say(*warnings)
        print(ready_line(base_url, sessions, dashboard=bool(app.config["CONTROL_PLANE"])), flush=True)

    timeout = values.get("client-timeout", DEFAULT_BODY_TIMEOUT)
    limits = Limits(body_timeout=timeout, max_body=app.config["MAX_CONTENT_LENGTH"])
    try:
        serve(
            app,
            bind_address(host),
            port,
            announce,
            server=values.get("server", DEFAULT_SERVER),
            threads=values.get("threads"),
            error_format=app.config["ERROR_FORMAT"],
            limits=limits,
            delay=handle_of(app).hold,
        )
    except OSError as exc:
        return _fail(f"cannot listen on {host}:{port}: {exc}", warnings)
    except ServerUnavailable as exc:
        return _fail(f"cannot start: {exc}", warnings)
    finally:
        close_state(app)
    return EXIT_OK
