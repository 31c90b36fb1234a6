"""The client report from a test: ``GET /_mock/client-report`` read, and a test failed on its findings.

::

    def test_my_client_is_polite(eulabel_mock):
        run_my_client(eulabel_mock.base_url)
        eulabel_mock.assert_client_follows_docs()  # fails with one line per finding

``MockClient`` (and so ``EulabelMock`` and the ``eulabel_mock`` fixture) has these methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer of the mock, its body parsed when it is JSON (``testing.MockClient.request``)."""

    status: int
    headers: Mapping[str, str]
    body: Any


class MockError(AssertionError):
    """A helper call got an answer it did not expect; the message never includes a secret."""


class ClientFindings:
    """What the mock's journal says the client under test did against the docs (``MockClient`` mixin)."""

    if TYPE_CHECKING:

        def request(self, method: str, path: str, body: Any = None) -> Reply: ...

        def _expect(self, reply: Reply, status: int, what: str) -> Any: ...

    def client_report(self) -> dict[str, Any]:
        """``GET /_mock/client-report``: ``data`` (the findings), ``checked``, ``omitted``, ``journalSize``."""
        return dict(self._expect(self.request("GET", "/_mock/client-report"), 200, "client report"))

    def client_findings(self, *claims: str) -> list[dict[str, Any]]:
        """The findings, or those of the named claims (``"C36"``, ...)."""
        found = list(self.client_report()["data"])
        return [f for f in found if not claims or f["claim"] in claims]

    def assert_client_follows_docs(self, *claims: str) -> None:
        """Fail the test when the journal shows the client breaking what the docs ask of clients
        (only the named claims, if any), with one line per finding: claim, key, what, fix.

        A finding names a key by its id and listed prefix; no secret is in the message.
        """
        found = self.client_findings(*claims)
        if found:
            raise MockError(describe(found))


def describe(found: list[dict[str, Any]]) -> str:
    """The findings as a test failure message: one line each, then its fix."""
    lines = [f"the client broke what the docs ask of clients ({len(found)} finding{'' if len(found) == 1 else 's'}):"]
    for f in found:
        key = f"{f['keyId']} ({f['prefix']}…)" if f["keyId"] else f"unknown key {f['prefix']}…"
        key = key if f["prefix"] else "no key"
        lines.append(f"- {f['claim']} {f['rule']}, {key}: {f['message']} Journal entries {f['entries']}.")
        lines.append(f"  fix: {f['fix']}")
    return "\n".join(lines)
