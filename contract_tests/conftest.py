"""Hypothesis profiles of the contract suite (options, fixtures and hooks come from ``contract_tests.plugin``).

``contract`` (loaded by default) keeps the run under a minute; ``--hypothesis-profile thorough`` goes deeper.
Both turn the example database off: examples may hold secrets, and nothing may write them to disk.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from .catalogue import passports, products, reader  # noqa: F401  (fixtures of the product and passport checks)

_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "print_blob": False,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
}
settings.register_profile("contract", max_examples=8, stateful_step_count=8, **_COMMON)
settings.register_profile("thorough", max_examples=150, stateful_step_count=25, **_COMMON)


def pytest_configure(config: pytest.Config) -> None:
    """Per run, not at import: a second run in the same process imports nothing again."""
    # Hypothesis loads its own "ci" profile (100 examples) when CI is set; the suite's budget stays
    # the same there. An explicit --hypothesis-profile (e.g. thorough) wins.
    if settings.get_current_profile_name() in ("default", "ci"):
        settings.load_profile("contract")
