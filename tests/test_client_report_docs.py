"""docs/client-report.md runs: its pytest example against the fixture's mock, its curl line, and its
samples (the response, the failure message) are what the mock gives."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from typing import Any

import pytest

from mock_server import EulabelMock
from mock_server.testing import MockError
from tests.support.clients import leaks
from tests.support.environments import REPO, clean_env

PAGE = (REPO / "docs" / "client-report.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>\S*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.S | re.M)
TAG = re.compile(r"<!-- readme: (?P<kind>[a-z-]+) -->\s*$")
KINDS = {"shell", "response", "pytest-file", "output"}
# What differs from one run to the next: key ids and the four characters of a prefix.
VARYING = [(re.compile(r"key_[0-9a-f]{24}"), "key_ID"), (re.compile(r"sk_test_[A-Za-z0-9]{4}"), "sk_test_XXXX")]


def blocks() -> list[tuple[str, str]]:
    found = []
    for match in BLOCK.finditer(PAGE):
        before = PAGE[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        tag = TAG.match(before)
        found.append((tag.group("kind") if tag else "", textwrap.dedent(match.group("body"))))
    return found


def only(kind: str) -> str:
    [code] = [code for k, code in blocks() if k == kind]
    return code


def steady(text: str) -> str:
    for pattern, stand_in in VARYING:
        text = pattern.sub(stand_in, text)
    return text


def resend_a_422(mock: EulabelMock) -> None:
    _, secret = mock.create_key(scopes=["products:write"])
    for _ in range(3):
        assert mock.request("POST", "/v1/products", {"name": "no gtin"}, bearer=secret).status == 422


def test_every_block_of_the_page_is_tagged_with_a_kind_its_test_runs() -> None:
    assert {kind for kind, _ in blocks()} == KINDS
    assert len(blocks()) == len(KINDS)


def test_the_pytest_example_passes_against_the_fixtures_mock(
    eulabel_mock: EulabelMock, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(only("pytest-file"), "docs/client-report.md", "exec"), namespace)  # noqa: S102 - the page's own code
    tests = [fn for name, fn in namespace.items() if name.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        eulabel_mock.reset()
        test(eulabel_mock)
    printed = capsys.readouterr().out
    assert steady(printed) == steady(only("output")), "the page's sample message is not what the helper says"


def test_the_response_sample_has_the_fields_a_finding_has(eulabel_mock: EulabelMock) -> None:
    resend_a_422(eulabel_mock)
    [found] = eulabel_mock.client_findings()
    sample = json.loads(only("response"))
    assert set(sample) == set(found)
    assert {k: v for k, v in sample.items() if k not in ("keyId", "prefix")} == {
        k: v for k, v in found.items() if k not in ("keyId", "prefix")
    }


def test_the_curl_line_lists_the_findings(eulabel_mock: EulabelMock) -> None:
    resend_a_422(eulabel_mock)
    proc = subprocess.run(
        ["bash", "-c", only("shell")],
        env=clean_env(BASE=eulabel_mock.base_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    [line] = proc.stdout.splitlines()
    assert json.loads(line)["claim"] == "C36"


def test_the_helper_checks_only_the_claims_named(eulabel_mock: EulabelMock) -> None:
    resend_a_422(eulabel_mock)
    eulabel_mock.assert_client_follows_docs("C2", "C21")
    with pytest.raises(MockError, match="C36"):
        eulabel_mock.assert_client_follows_docs("C36")


def test_the_failure_message_names_the_key_and_the_fix_never_the_secret(eulabel_mock: EulabelMock) -> None:
    key_id, secret = eulabel_mock.create_key()
    assert eulabel_mock.request("GET", f"/v1/products?api_key={secret}").status == 401
    with pytest.raises(MockError) as failure:
        eulabel_mock.assert_client_follows_docs()
    message = str(failure.value)
    assert f"C2 key_outside_authorization, {key_id} ({secret[:12]}…)" in message
    assert "the query string" in message and "fix: Send the key only as 'Authorization: Bearer <key>'" in message
    assert not leaks(secret, message), "the secret is in the failure message"
