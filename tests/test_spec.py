"""openapi.yaml is valid, fully served, and its links resolve."""

from __future__ import annotations

import re

import schemathesis
from flask import Flask
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mock_server.api.spec import HTTP_METHODS, load_spec, spec_path


def _spec_operations() -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in load_spec()["paths"].items() for m in item if m in HTTP_METHODS}


def test_spec_is_valid_openapi() -> None:
    spec_dict, _ = read_from_filename(str(spec_path()))
    validate(spec_dict)


def test_every_spec_operation_is_served_and_every_public_route_is_in_the_spec(app: Flask) -> None:
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith(("/_mock", "/dashboard")):  # mock-only
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        served |= {(m, path) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    assert served == _spec_operations()


def test_links_resolve_to_operations() -> None:
    schema = schemathesis.openapi.from_path(str(spec_path()))
    machine = schema.as_state_machine()
    assert machine.bundles  # a link to an unknown operationId would have raised above


def test_every_operation_has_an_operation_id_and_documents_its_errors() -> None:
    for path, item in load_spec()["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            assert op.get("operationId"), f"{method} {path}"
            codes = set(op["responses"])
            assert "401" in codes or not op.get("security"), f"{method} {path} lacks 401"
            if op.get("requestBody"):
                assert {"400", "422"} <= codes, f"{method} {path} lacks 400/422"


def test_claims_cited_by_the_spec_exist() -> None:
    text = spec_path().read_text(encoding="utf-8")
    claims = {int(c) for c in re.findall(r"\bC(\d+)\b", text)}
    assert claims
    assert claims <= set(range(1, 55))
