"""Which organisations the sign-in page offers, and what the pages call an organisation.

Only the fixtures' demo organisations are offered, and none when demo sessions are off: an
organisation minted by ``POST /_mock/sessions`` or by "New organisation" belongs to whoever made
it, and the sign-in page is open to anyone who reaches the port.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from ..handle import handle_of
from ..state.state import Organization

UNNAMED = "Unnamed organisation"
_FIXTURE_IDS = "eulabel_mock.dashboard_demo_ids"


def label(org: Organization) -> str:
    """A name to show: an organisation made without one has its id as its name, shown beside it anyway."""
    return org.name if org.name and org.name != org.id else UNNAMED


def demo_organisations(app: Flask) -> list[Organization]:
    """The organisations ``organizations.json`` of the fixtures defines, in its order, as they are now."""
    if not app.config.get("DEMO_SESSIONS", True):
        return []
    ids: list[str] | None = handle_of(app).memo.get(_FIXTURE_IDS)
    if ids is None:
        ids = handle_of(app).memo[_FIXTURE_IDS] = _fixture_ids(Path(app.config["FIXTURES"]))
    organizations = handle_of(app).state.organizations
    return [organizations[org_id] for org_id in ids if org_id in organizations]


def _fixture_ids(directory: Path) -> list[str]:
    # The fixtures were read and checked at start-up; a file changed since then offers nothing.
    try:
        listed = json.loads((directory / "organizations.json").read_text(encoding="utf-8"))["organizations"]
        return [str(org["id"]) for org in listed]
    except (OSError, ValueError, KeyError, TypeError):
        return []
