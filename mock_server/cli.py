"""The ``eulabel-mock`` command line."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from .api.routing import state_of
from .app import create_app, flush_state
from .serving.server import DEFAULT_SERVER, SERVERS, ServerUnavailable, serve
from .state.rate_limit import DEFAULT_RATE_LIMIT, parse_rate_limit

ENV = "EULABEL_MOCK_"


def _env(name: str, default: str | None) -> str | None:
    return os.environ.get(ENV + name, default)


def _delay(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("must be between 0 and 3600 seconds")
    return value


def _rate_limit(text: str) -> str:
    try:
        parse_rate_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return value


def _threads(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="eulabel-mock",
        description="A local, stateful mock of the EUlabel API. Every option can also be set as "
        f"an environment variable {ENV}<OPTION>, e.g. {ENV}PORT=0.",
    )
    p.add_argument("--host", default=_env("HOST", "127.0.0.1"), help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=_env("PORT", "8080"), help="port; 0 picks a free one (default 8080)")
    p.add_argument("--fixtures", default=_env("FIXTURES", None), help="directory of seed JSON files")
    p.add_argument(
        "--error-format",
        choices=("flat", "nested"),
        default=_env("ERROR_FORMAT", "flat"),
        help="error body shape: flat (Gen-2, default) or nested (Gen-1)",
    )
    p.add_argument(
        "--revocation-delay",
        type=_delay,
        default=_env("REVOCATION_DELAY", "0"),
        metavar="SECONDS",
        help="seconds a revoked key keeps authenticating (default 0: immediate)",
    )
    p.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=_env("RATE_LIMIT", DEFAULT_RATE_LIMIT),
        metavar="N/SECONDS",
        help=f"requests each API key may make per window (default {DEFAULT_RATE_LIMIT}; 0 disables)",
    )
    p.add_argument("--seed", type=int, default=_env("SEED", None), help="make ids and secrets reproducible")
    p.add_argument(
        "--access-log",
        action="store_true",
        default=_env("ACCESS_LOG", "") not in ("", "0", "false"),
        help="log one line per request to stderr (paths only, never credentials)",
    )
    p.add_argument(
        "--state",
        default=_env("STATE", None),
        metavar="FILE",
        help="keep the state in FILE across restarts (hashes only, never a secret); default: memory",
    )
    p.add_argument(
        "--journal-size",
        type=_size,
        default=_env("JOURNAL_SIZE", "1000"),
        metavar="N",
        help="requests kept by GET /_mock/journal (default 1000; 0 records none)",
    )
    p.add_argument(
        "--server",
        choices=SERVERS,
        default=_env("SERVER", DEFAULT_SERVER),
        help=f"HTTP server (default {DEFAULT_SERVER}; waitress is pure Python)",
    )
    p.add_argument(
        "--threads",
        type=_threads,
        default=_env("THREADS", None),
        metavar="N",
        help="Python threads running requests (default: 2 on granian, 8 on waitress); "
        "more threads keep the mock responsive while a request is slow",
    )
    p.add_argument(
        "--control-token",
        default=_env("CONTROL_TOKEN", None),
        metavar="TOKEN",
        help="require TOKEN in the X-Eulabel-Mock-Token header on /_mock/* (except /_mock/ready); "
        f"prefer {ENV}CONTROL_TOKEN, as other users can read a command line",
    )
    p.add_argument(
        "--no-demo-sessions",
        action="store_true",
        default=_env("NO_DEMO_SESSIONS", "") not in ("", "0", "false"),
        help="start without the fixtures' demo session cookies (for shared deployments)",
    )
    return p


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
        f"Set {ENV}CONTROL_TOKEN (and consider --no-demo-sessions)."
    )


def _size(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 0 and 1000000")
    return value


def app_config(args: argparse.Namespace) -> dict[str, Any]:
    """The app's config from parsed options (which already fold in the environment)."""
    config: dict[str, Any] = {
        "ERROR_FORMAT": args.error_format,
        "REVOCATION_DELAY": args.revocation_delay,
        "SEED": args.seed,
        "RATE_LIMIT": args.rate_limit,
        "ACCESS_LOG": args.access_log,
        "JOURNAL_SIZE": args.journal_size,
        "STATE_FILE": args.state,
        "CONTROL_TOKEN": args.control_token or None,
        "DEMO_SESSIONS": not args.no_demo_sessions,
    }
    if args.fixtures:
        config["FIXTURES"] = args.fixtures
    return config


def ready_line(base_url: str, sessions: Sequence[tuple[str, str]]) -> str:
    cookies = " ".join(f"{org}:eulabel_session={token}" for org, token in sessions)
    return f"eulabel-mock ready {base_url} {cookies}".rstrip()


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    for noisy in ("waitress", "_granian"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        app = create_app(app_config(args))
    except (OSError, ValueError) as exc:
        print(f"eulabel-mock: cannot start: {exc}", file=sys.stderr)
        return 2
    warning = exposure_warning(args.host, args.control_token)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    state = state_of(app)
    sessions = [(org.id, org.sessions[0]) for org in state.organizations.values() if org.sessions]

    def announce(base_url: str) -> None:
        print(ready_line(base_url, sessions), flush=True)

    try:
        serve(app, args.host, args.port, announce, server=args.server, threads=args.threads)
    except OSError as exc:
        print(f"eulabel-mock: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    except ServerUnavailable as exc:
        print(f"eulabel-mock: cannot start: {exc}", file=sys.stderr)
        return 2
    finally:
        flush_state(app)
    return 0
