"""The context of one run of the suite, kept on the pytest config so two runs in one process never mix."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from .divergence import Differences
from .revocation import Revocation

if TYPE_CHECKING:
    from .client import Api
    from .target import Target


@dataclass(frozen=True, slots=True)
class Options:
    """The command-line options that shape a run (recorded in the claims report)."""

    base_url: str | None
    documented_only: bool
    read_only: bool
    strict_assumptions: bool
    revocation_window: float
    rate_limit_burst: int
    max_requests: int | None
    claims_report: str | None
    environment: str | None = None
    ca_bundle: str | None = None
    differential: bool = False

    @classmethod
    def from_config(cls, config: pytest.Config) -> Options:
        markexpr = config.option.markexpr or ""
        return cls(
            base_url=config.getoption("--base-url"),
            documented_only=bool(config.getoption("--documented-only")),
            # `-m "not destructive"` is the older spelling of a read-only run; both mean safe methods only.
            read_only=bool(config.getoption("--read-only")) or "not destructive" in markexpr,
            strict_assumptions=bool(config.getoption("--strict-assumptions")),
            revocation_window=float(config.getoption("--revocation-window")),
            rate_limit_burst=int(config.getoption("--rate-limit-burst")),
            max_requests=config.getoption("--max-requests"),
            claims_report=config.getoption("--claims-report"),
            environment=config.getoption("--environment"),
            ca_bundle=config.getoption("--ca-bundle"),
            differential=bool(config.getoption("--differential")),
        )

    @property
    def foreign(self) -> bool:
        return bool(self.base_url)

    @property
    def verify(self) -> bool | str:
        """What requests verifies HTTPS with: the --ca-bundle, else its default (REQUESTS_CA_BUNDLE or the system's)."""
        return self.ca_bundle or True

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


@dataclass
class Outcome:
    nodeid: str
    claims: list[str]
    assumption: bool
    outcome: str = "passed"
    reason: str = ""


@dataclass
class Run:
    """Everything one run owns: options, target, client, results. Created in ``pytest_configure``."""

    options: Options
    run_id: str = field(default_factory=lambda: f"ct-{uuid.uuid4().hex[:8]}")
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    target: Target | None = None
    api: Api | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    finalizers: list[Callable[[], None]] = field(default_factory=list)
    revocation: Revocation = field(init=False)
    listing: Revocation = field(init=False)  # how long a revoked key stays listed (C13), one window per run too
    differences: Differences = field(default_factory=Differences)  # what --differential found, as it runs
    differences_seen: dict[str, Any] | None = None  # its summary, as the report of its check carried it
    written: list[str] = field(default_factory=list)  # paths of the reports this run wrote
    deselected: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # nodeid -> (claims, why)
    _mock_plane: str | None = None  # "" once a usable control plane was found, else why not

    def __post_init__(self) -> None:
        self.revocation = Revocation(self.options.revocation_window)
        self.listing = Revocation(self.options.revocation_window)

    def mock_plane_missing(self) -> str | None:
        """None when the target is a mock whose control plane (/_mock) this run may use; else why not."""
        if not self.options.foreign:
            return None
        if self._mock_plane is None:
            from .local import has_control_plane
            from .target import Target, normalise_base_url

            assert self.options.base_url is not None
            probe = Target(normalise_base_url(self.options.base_url), True, verify=self.options.verify)
            self._mock_plane = has_control_plane(probe) or ""
        return self._mock_plane or None

    @property
    def prefix(self) -> str:
        """The name prefix of everything this run creates."""
        return self.run_id + "-"


RUN = pytest.StashKey[Run]()


def run_of(config: pytest.Config) -> Run:
    return config.stash[RUN]
