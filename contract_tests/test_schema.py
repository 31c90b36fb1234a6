"""Layer (a): schemathesis over every operation of openapi.yaml, positive and negative, plus stateful links.

The documented view of the spec is checked everywhere (claims C9, C24, C27, C30); the full spec, with this
project's assumptions, is checked only against the in-process mock.
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
from .client import ALL_SCOPES, Api
from .schema_hooks import ACTIVE, Credentials, secret_not_reshown
from .spec_view import documented_spec, full_spec
from .target import CURRENT, Target, serve_in_thread

CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")
_options = CURRENT.get("options", {"foreign": False, "documented_only": False})


def _load(spec: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(spec, config=schemathesis.Config.from_path(str(CONFIG_FILE)))
    return schema_hooks.register(schema)


documented = _load(documented_spec())
assumed = _load(full_spec())


def _read_only(request: pytest.FixtureRequest) -> bool:
    return "not destructive" in (request.config.option.markexpr or "")


@pytest.fixture(scope="module")
def credentials(request: pytest.FixtureRequest, api: Api, target: Target) -> Iterator[Credentials]:
    creds = Credentials(
        api, target, target.session, target.api_key if target.foreign else None, may_create=not _read_only(request)
    )
    ACTIVE["current"] = creds
    yield creds
    ACTIVE.pop("current", None)


def _need(case: Any, creds: Credentials) -> None:
    if schema_hooks.uses_session(case.operation):
        if not creds.session:
            pytest.skip("set EULABEL_SESSION to check the key-management operations")
    elif creds.bearer() is None:
        pytest.skip("set EULABEL_API_KEY (or EULABEL_SESSION, to let the run create a key) for bearer operations")


@pytest.mark.claim("C9")
@pytest.mark.claim("C24")
@pytest.mark.claim("C27")
@pytest.mark.claim("C30")
@documented.include(method="GET").parametrize()
def test_read_operations_conform_to_the_documented_spec(case: Any, credentials: Credentials, target: Target) -> None:
    _need(case, credentials)
    case.call_and_validate(base_url=target.root, additional_checks=[secret_not_reshown])


@pytest.mark.claim("C9")
@pytest.mark.claim("C24")
@pytest.mark.claim("C27")
@pytest.mark.claim("C30")
@pytest.mark.destructive
@documented.exclude(method="GET").parametrize()
def test_write_operations_conform_to_the_documented_spec(case: Any, credentials: Credentials, target: Target) -> None:
    _need(case, credentials)
    case.call_and_validate(base_url=target.root, additional_checks=[secret_not_reshown])


@pytest.mark.assumption
@pytest.mark.mock_only
@pytest.mark.destructive
@assumed.parametrize()
def test_operations_conform_to_our_full_spec(case: Any, credentials: Credentials, target: Target) -> None:
    _need(case, credentials)
    case.call_and_validate(base_url=target.root, additional_checks=[secret_not_reshown])


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
                            # The first listed key may predate the run; on a deployment it is
                            # replaced by a dummy id in ``before_call``.
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


@pytest.mark.claim("C11")
@pytest.mark.claim("C15")
@pytest.mark.claim("C30")
@pytest.mark.destructive
def test_stateful_links_conform_to_the_documented_spec(
    request: pytest.FixtureRequest, api: Api, target: Target
) -> None:
    if target.foreign:
        if not target.session:
            pytest.skip("set EULABEL_SESSION to run the stateful key workflow")
        run_target, run_api, reset, stop = target, api, None, None
    else:
        # A mock of its own, reset before every scenario, so scenarios never see each other's state.
        from mock_server import create_app
        from mock_server.api.routing import state_of

        app = create_app()
        url, stop = serve_in_thread(app)
        run_target = Target(root=url, foreign=False, app=app, run_prefix=target.run_prefix)
        run_api = Api(run_target)
        run_target.session = run_api.request("POST", "/_mock/sessions", json={"organizationId": "org_contract"}).json()[
            "session"
        ]
        session = run_target.session

        def reset() -> None:
            state_of(app).reset()
            state_of(app).add_organization("org_contract")
            state_of(app).add_session("org_contract", session)

    assert run_target.session is not None
    id_field, list_path = _key_layout(run_api, run_target.session)
    schema = _load(_retarget_links(documented_spec(), id_field, list_path))
    creds = Credentials(run_api, run_target, run_target.session, None, may_create=True)
    ACTIVE["current"] = creds

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            if reset is not None:
                reset()
                creds._key = None

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": run_target.root}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kw: Any) -> None:
            super().validate_response(response, case, additional_checks=[secret_not_reshown], **kw)

    try:
        Workflow.run(
            settings=settings(
                Workflow.TestCase.settings,
                max_examples=settings().max_examples,
                stateful_step_count=6,
                deadline=None,
                database=None,
            )
        )
    finally:
        ACTIVE.pop("current", None)
        if run_api is not api:
            run_api.cleanup()
        if stop is not None:
            stop()


assert ALL_SCOPES  # the provider grants every documented scope to its key
