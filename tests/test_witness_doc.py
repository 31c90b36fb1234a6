"""docs/witness.md: its pytest examples run, and the violation it shows is the one the mock gives."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mock_server import EulabelMock
from mock_server.api import products
from mock_server.api.responses import json_response
from mock_server.api.routing import Call
from tests.support.environments import REPO

PAGE = (REPO / "docs" / "witness.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"<!-- readme: pytest-file -->\n```python\n(.*?)^```", PAGE, re.S | re.M)


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) == 2


@pytest.mark.parametrize("code", EXAMPLES, ids=lambda code: code.split("(")[0].removeprefix("def "))
def test_each_example_passes(code: str, eulabel_mock: EulabelMock, tmp_path: Path) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/witness.md", "exec"), namespace)
    [test] = [value for name, value in namespace.items() if name.startswith("test_")]
    given = {"eulabel_mock": eulabel_mock, "tmp_path": tmp_path}
    test(**{name: given[name] for name in inspect.signature(test).parameters})


def test_the_violation_shown_is_what_the_mock_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    [shown] = re.findall(r"^`(\{\"error\": \"mock_contract_violation\".*?\})`$", PAGE, re.M)

    def bad_gtin(call: Call) -> Any:
        product = call.state.products.get(call.org_id, call.path_params["productId"]).to_json()
        return json_response({**product, "gtin": "12345"})

    monkeypatch.setitem(products.HANDLERS, "getProduct", bad_gtin)
    with EulabelMock() as mock:
        _, secret = mock.create_key(scopes=["products:read"])
        product_id = mock.request("GET", "/v1/products", bearer=secret).body["data"][0]["productId"]
        answer = mock.request("GET", f"/v1/products/{product_id}", bearer=secret)
    assert (answer.status, answer.body) == (500, json.loads(shown))
