"""Options, fixtures and hooks of the contract suite, plus its hypothesis profiles.

``contract`` (loaded by default) keeps the run under a minute; ``--hypothesis-profile thorough`` goes deeper.
Both turn the example database off: examples may hold secrets, and nothing may write them to disk.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings

from .plugin import (  # noqa: F401  (pytest finds hooks and fixtures by name in this module)
    api,
    api_key,
    make_key,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_logreport,
    pytest_runtest_makereport,
    pytest_runtest_setup,
    pytest_sessionfinish,
    pytest_sessionstart,
    session,
    session2,
    target,
)

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
settings.load_profile("contract")
