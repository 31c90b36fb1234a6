"""The command-line options of the contract suite (``pytest --help``, group "EUlabel contract suite")."""

from __future__ import annotations

import pytest


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "EUlabel contract suite")
    group.addoption(
        "--base-url",
        default=None,
        help="run against this deployment (with or without /v1); default: the in-process mock",
    )
    group.addoption(
        "--read-only",
        action="store_true",
        default=False,
        help="send only GET and HEAD: create, change and revoke nothing (same as -m 'not destructive')",
    )
    group.addoption(
        "--revocation-window",
        type=float,
        default=10.0,
        help="seconds a revoked key may keep working before it must get 401 (C16; default 10)",
    )
    group.addoption(
        "--documented-only",
        action="store_true",
        default=False,
        help="run only checks of documented claims; deselect assumption checks",
    )
    group.addoption(
        "--strict-assumptions",
        action="store_true",
        default=False,
        help="against --base-url: fail the run when the target differs from an assumption of our "
        "spec (default: report it as 'differs'; the docs are silent there)",
    )
    group.addoption(
        "--claims-report",
        default=None,
        metavar="PATH",
        help="write the claims report: JSON when PATH ends in .json, else markdown",
    )
    group.addoption(
        "--rate-limit-burst",
        type=int,
        default=0,
        metavar="N",
        help="against --base-url: send up to N requests with one key to reach a 429 (C32-C35); "
        "0 (default): derive N from X-RateLimit-Limit when it fits the request budget",
    )
    group.addoption(
        "--max-requests",
        type=int,
        default=None,
        help="upper bound on requests the claim and model checks send "
        "(default 3000 + 300 per hypothesis example: 5400 with the default profile)",
    )
    group.addoption(
        "--environment",
        choices=("test", "live"),
        default=None,
        help="the target's environment: its keys must start with sk_test_ or sk_live_ (C3); "
        "default: what each key's own fields say (environment, livemode, mode)",
    )
    group.addoption(
        "--ca-bundle",
        default=None,
        metavar="PATH",
        help="trust the CA certificates in PATH for an HTTPS target (a company CA); REQUESTS_CA_BUNDLE works too",
    )
    group.addoption(
        "--differential",
        action="store_true",
        default=False,
        help="also send a stateful sequence of steps to the target and to an in-process mock in lockstep, "
        "and report where they answer differently (docs/differential.md)",
    )
