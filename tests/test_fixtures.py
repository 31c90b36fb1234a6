"""Fixtures seed state through the same rules as the API, and bad fixtures fail loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server import create_app
from mock_server.handle import handle_of
from mock_server.state.state import FixtureError


def write(tmp_path: Path, orgs: object, products: object | None = None) -> Path:
    (tmp_path / "organizations.json").write_text(json.dumps(orgs))
    if products is not None:
        (tmp_path / "products.json").write_text(json.dumps(products))
    return tmp_path


def test_default_fixtures_give_two_organisations_with_sessions() -> None:
    state = handle_of(create_app()).state
    assert {"org_quinta", "org_textil"} <= set(state.organizations)
    assert state.session_org("sess_quinta_demo") == "org_quinta"
    assert state.session_org("sess_textil_demo") == "org_textil"


def test_fixture_products_are_normalised_like_api_input(tmp_path: Path) -> None:
    fixtures = write(
        tmp_path,
        {"organizations": [{"id": "o", "sessions": ["s"]}]},
        {"o": [{"name": "n", "category": "wine", "gtin": "5601012012200"}]},
    )
    state = handle_of(create_app({"FIXTURES": str(fixtures)})).state
    items, total = state.products.page("o", 10, 0)
    assert total == 1 and items[0].gtin == "05601012012200"


@pytest.mark.parametrize(
    ("orgs", "products", "needle"),
    [
        ({"organizations": [{"name": "no id"}]}, None, "organizations.json"),
        ({"organizations": []}, {"o": [{"name": "n", "category": "wine", "gtin": "5601234567890"}]}, "check digit"),
        (
            {"organizations": []},
            {"o": [{"name": "n", "category": "wine", "gtin": "1", "colour": "red"}]},
            "products.json",
        ),
    ],
)
def test_bad_fixture_names_the_file_and_the_problem(
    tmp_path: Path, orgs: object, products: object, needle: str
) -> None:
    with pytest.raises(FixtureError, match=needle):
        create_app({"FIXTURES": str(write(tmp_path, orgs, products))})


def test_reset_restores_the_fixture_state() -> None:
    app = create_app()
    state = handle_of(app).state
    state.keys.create("org_quinta", "n", ["products:read"])
    state.add_session("org_quinta", "extra")
    state.reset()
    assert len(state.keys) == 0
    assert state.session_org("extra") is None
    assert state.session_org("sess_quinta_demo") == "org_quinta"
