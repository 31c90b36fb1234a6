"""Layer (a): schemathesis over every operation of openapi.yaml, positive and negative, plus stateful links.

The documented view of the spec (``spec_view``) is checked everywhere (claims C9, C24, C27, C30); the full
spec, with this project's assumptions, only against the in-process mock. The schemas below are built from
openapi.yaml alone; everything that belongs to a run goes through the ``schema_run`` fixture.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import settings

from . import schema_hooks
from .client import Api
from .context import run_of
from .schema_hooks import SchemaRun
from .spec_view import documented_spec, full_spec
from .target import ENV_SESSION, Target

CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")


def _load(spec: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(spec, config=schemathesis.Config.from_path(str(CONFIG_FILE)))
    return schema_hooks.register(schema)


documented = _load(documented_spec())
assumed = _load(full_spec())


@pytest.fixture(scope="module")
def schema_run(request: pytest.FixtureRequest, api: Api, target: Target) -> SchemaRun:
    # The schemas above outlive a run when several run in one process; schemathesis remembers there
    # which method probes it already sent, and each run must send its own.
    for schema in (documented, assumed):
        seen = getattr(schema, "coverage_unexpected_methods_seen", None)
        if isinstance(seen, set):
            seen.clear()
    return SchemaRun(api, target, may_create=not run_of(request.config).options.read_only)


@pytest.mark.claim("C9")
@pytest.mark.claim("C24")
@pytest.mark.claim("C27")
@pytest.mark.claim("C30")
@documented.include(method="GET").parametrize()
def test_read_operations_conform_to_the_documented_spec(case: Any, schema_run: SchemaRun) -> None:
    schema_run.check(case)


@pytest.mark.claim("C9")
@pytest.mark.claim("C24")
@pytest.mark.claim("C27")
@pytest.mark.claim("C30")
@pytest.mark.destructive
@documented.exclude(method="GET").parametrize()
def test_write_operations_conform_to_the_documented_spec(case: Any, schema_run: SchemaRun) -> None:
    schema_run.check(case)


@pytest.mark.assumption
@pytest.mark.mock_only
@pytest.mark.destructive
@assumed.parametrize()
def test_operations_conform_to_our_full_spec(case: Any, schema_run: SchemaRun) -> None:
    schema_run.check(case, documented=False)


# --- stateful: chains along the spec's links ----------------------------------------------------------
def _retarget_links(spec: dict[str, Any], id_field: str, list_path: str) -> dict[str, Any]:
    """Point the key links at the id field and list layout this target actually uses."""
    spec = copy.deepcopy(spec)
    for item in spec["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for response in op.get("responses", {}).values():
                for link in response.get("links", {}).values() if isinstance(response, dict) else ():
                    for name, expr in list(link.get("parameters", {}).items()):
                        if expr == "$response.body#/id":
                            link["parameters"][name] = f"$response.body#/{id_field}"
                        elif expr == "$response.body#/data/0/id":
                            link["parameters"][name] = f"$response.body#{list_path}/0/{id_field}"
    return spec


def _key_layout(api: Api, session: str) -> tuple[str, str]:
    """The id field name of a created key and the JSON pointer of the list array on this target."""
    created = api.create_key(session, ["products:read"], label="layout")
    body = created.body if isinstance(created.body, dict) else {}
    field = next((k for k, v in body.items() if created.id is not None and str(v) == created.id), "id")
    resp, _ = api.list_keys(session)
    listed = resp.json() if resp.ok else None
    if isinstance(listed, list):
        return field, ""
    path = next((f"/{k}" for k, v in (listed or {}).items() if isinstance(v, list)), "/data")
    return field, path


@pytest.fixture
def stateful_target(target: Target) -> Iterator[tuple[Target, Any]]:
    """The run's target, or against the in-process mock a mock of its own reset before every scenario."""
    if target.foreign:
        if not target.session:
            pytest.skip(f"set {ENV_SESSION} to run the stateful key workflow")
        yield target, None
        return
    from . import local

    own, stop = local.start_mock({"run_prefix": target.run_prefix})
    own.session = local.mint_session(own, "org_contract")

    def reset() -> None:
        local.reset(own)
        own.session = local.mint_session(own, "org_contract")

    try:
        yield own, reset
    finally:
        stop()


@pytest.mark.claim("C11")
@pytest.mark.claim("C15")
@pytest.mark.claim("C30")
@pytest.mark.destructive
def test_stateful_links_conform_to_the_documented_spec(api: Api, stateful_target: tuple[Target, Any]) -> None:
    run_target, reset = stateful_target
    run_api = api if run_target.foreign else Api(run_target)
    assert run_target.session is not None
    id_field, list_path = _key_layout(run_api, run_target.session)
    schema = _load(_retarget_links(documented_spec(), id_field, list_path))
    holder: dict[str, SchemaRun] = {"run": SchemaRun(run_api, run_target, may_create=True)}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            if reset is not None:
                reset()
                holder["run"] = SchemaRun(run_api, run_target, may_create=True)

        def before_call(self, case: Any) -> None:
            holder["run"].prepare(case)

        def after_call(self, response: Any, case: Any) -> None:
            leaked = holder["run"].after(case, response)
            assert leaked is None, f"the full key {leaked} was shown again after its create response (C12)"
            super().after_call(response, case)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": run_target.root, "verify": run_target.verify}

        def call(self, case: Any, **kwargs: Any) -> Any:
            return holder["run"].call(case, **kwargs)

    try:
        Workflow.run(
            settings=settings(
                Workflow.TestCase.settings,
                max_examples=(settings.default or settings()).max_examples,
                stateful_step_count=6,
                deadline=None,
                database=None,
            )
        )
    finally:
        if run_api is not api:
            run_api.cleanup()
