"""Every freedom the docs leave a correct server, as one switch each; the first value of each is the default.

A new freedom the docs allow is one more field here (and its handling in the server): the self-test then
runs it alone and in random combinations with all the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields, replace
from typing import Any

CHOICES: dict[str, tuple[Any, ...]] = {
    # errors (docs §4, contradictions 1 and 2; C26: suggestion "when available")
    "error_shape": ("flat", "nested"),
    "error_names": ("gen2", "gen1"),  # unauthorized/conflict or authentication_error/duplicate_error
    "suggestion": (True, False),
    "echo_ids": (False, True),  # errors repeat the id or path the client asked for
    # statuses the docs do not fix (§3 gaps)
    "revoke_status": (204, 200, 202),
    "unknown_revoke": ("404", "204"),  # an unknown, revoked or foreign key id
    "bearer_on_keys": (401, 403),
    "merge_status": (200, 201),
    # readings of contradictions (section 11)
    "missing_field": (422, 400),  # 3
    "paging": ("offset", "page", "cursor"),  # 4
    "passport_ids": ("ps", "uuid"),  # 5
    "one_call": ("with-fields", "never", "always"),  # 6: whether POST /passports creates the product
    "gtin12": (True, False),  # 7
    "rate_headers": (True, False),  # 9
    # forms the docs leave open
    "key_ids": ("key", "uuid", "int", "kid"),
    "key_fields": ("plain", "stripe"),  # field names of the key objects (none is documented)
    "key_list": ("data", "keys", "bare"),
    "extra_fields": (False, True),  # C31
    "environment": ("test", "live"),  # C3
    "revocation_delay": (0.0, 1.0),  # "within seconds" (C16)
    # HTTP around the API
    "header_case": ("canonical", "lower"),
    "gzip": (False, True),
    "other_methods": (405, 501),
    "shed_load": (False, True),  # a gateway answering about one request in forty with 503 + Retry-After
    "tls": (False, True),
}


@dataclass(frozen=True)
class Switches:
    error_shape: str = "flat"
    error_names: str = "gen2"
    suggestion: bool = True
    echo_ids: bool = False
    revoke_status: int = 204
    unknown_revoke: str = "404"
    bearer_on_keys: int = 401
    merge_status: int = 200
    missing_field: int = 422
    paging: str = "offset"
    passport_ids: str = "ps"
    one_call: str = "with-fields"
    gtin12: bool = True
    rate_headers: bool = True
    key_ids: str = "key"
    key_fields: str = "plain"
    key_list: str = "data"
    extra_fields: bool = False
    environment: str = "test"
    revocation_delay: float = 0.0
    header_case: str = "canonical"
    gzip: bool = False
    other_methods: int = 405
    shed_load: bool = False
    tls: bool = False
    seed: int = 0  # of the gateway's shedding

    def label(self) -> str:
        """The switches that differ from the defaults, as ``name=value`` (test ids, messages)."""
        default = Switches()
        changed = [f for f in fields(self) if f.name != "seed" and getattr(self, f.name) != getattr(default, f.name)]
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in changed) or "defaults"


def alone() -> list[Switches]:
    """Every value of every switch but the default, each on its own."""
    return [Switches(**{name: value}) for name, values in CHOICES.items() for value in values[1:]]


# Switches that make a run slower (waits, handshakes, retries): on in a quarter of the combinations, so
# twenty combinations still hold each of them several times.
SLOW = frozenset({"revocation_delay", "shed_load", "tls"})


def combination(seed: int) -> Switches:
    """A random combination, the same for the same seed."""
    rng = random.Random(seed)
    chosen = {}
    for name, values in CHOICES.items():
        chosen[name] = (rng.random() < 0.25 and values[1]) or values[0] if name in SLOW else rng.choice(values)
    return replace(Switches(seed=seed), **chosen)
