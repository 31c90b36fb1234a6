"""Hypothesis profiles of the contract suite (options, fixtures and hooks come from ``contract_tests.plugin``).

``contract`` (loaded by default) keeps the run under a minute; ``--hypothesis-profile thorough`` goes deeper.
Both turn the example database off: examples may hold secrets, and nothing may write them to disk.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "print_blob": False,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                              HealthCheck.function_scoped_fixture],
}
settings.register_profile("contract", max_examples=8, stateful_step_count=8, **_COMMON)
settings.register_profile("thorough", max_examples=150, stateful_step_count=25, **_COMMON)
settings.load_profile("contract")
