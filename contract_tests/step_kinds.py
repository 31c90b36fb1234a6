"""Every kind of step a differential sequence (and its replay file) may hold, by the name a step gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import passport_steps, product_steps, steps
from .lockstep import Lockstep
from .steps import Outcome

KINDS: dict[str, Callable[[Lockstep, dict[str, Any]], Outcome]] = {
    "create_key": steps.create_key,
    "use_key": steps.use_key,
    "list_keys": steps.list_keys,
    "revoke_key": steps.revoke_key,
    "foreign_revoke": steps.foreign_revoke,
    "rotate_key": steps.rotate_key,
    **product_steps.KINDS,
    **passport_steps.KINDS,
}
