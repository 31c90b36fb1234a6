"""What the journal keeps per entry, in all, and per read is bounded (issue 10, item 8).

1,000 requests with 60 KB headers used to add 57 MB to the process and make one journal read
return 60 MB: headers were kept whole.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask

from mock_server import create_app
from mock_server.control import journal_limits
from mock_server.control.journal import Journal
from mock_server.control.journal_limits import BODY_LIMIT, HEADER_VALUE_LIMIT, HEADERS_LIMIT, MORE, TEXT_LIMIT
from mock_server.control.recorder import _header_name
from mock_server.redaction import _header_kind
from tests.support.clients import json_of

BIG = "v" * 60_000


def only_entry(app: Flask) -> dict[str, object]:
    [entry] = json_of(app.test_client().get("/_mock/journal"))["data"]
    return dict(entry)


def headers_chars(headers: dict[str, str]) -> int:
    return sum(len(k) + len(v) for k, v in headers.items())


def test_a_60_kb_header_is_kept_cut_to_the_value_limit(app: Flask) -> None:
    app.test_client().get("/v1/products", headers={"X-Big": BIG})
    headers = only_entry(app)["request"]["headers"]  # type: ignore[index]
    assert headers["X-Big"] == "v" * HEADER_VALUE_LIMIT + MORE
    assert headers_chars(headers) <= HEADERS_LIMIT + 100


def test_many_headers_are_kept_up_to_the_total_limit_and_the_rest_counted(app: Flask) -> None:
    many = {f"X-H{i}": "w" * 900 for i in range(60)}
    app.test_client().get("/v1/products", headers=many)
    headers = only_entry(app)["request"]["headers"]  # type: ignore[index]
    assert headers_chars(headers) <= HEADERS_LIMIT + 100
    assert headers[MORE].endswith("more header(s) not kept")
    kept = [k for k in headers if k.startswith("X-H")]
    assert len(kept) + int(headers[MORE].split()[0]) == 60


def test_a_long_path_and_query_are_cut(app: Flask) -> None:
    app.test_client().get("/v1/" + "p" * 50_000 + "?q=" + "x" * 50_000)
    entry = only_entry(app)
    assert len(str(entry["path"])) == TEXT_LIMIT + 1 and len(str(entry["query"])) == TEXT_LIMIT + 1


def test_one_entry_stays_small_whatever_was_sent(app: Flask) -> None:
    headers = {"X-Big": BIG, **{f"X-H{i}": "w" * 900 for i in range(40)}}
    app.test_client().post(
        "/v1/products?" + "q" * 30_000, headers=headers, data="b" * 500_000, content_type="text/plain"
    )
    size = len(json.dumps(only_entry(app)))
    assert size < 2 * HEADERS_LIMIT + 2 * BODY_LIMIT + 2 * TEXT_LIMIT + 4096


def test_the_journal_evicts_the_oldest_entries_beyond_its_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mock_server.control.journal.MEMORY_LIMIT", 10_000)
    journal = Journal(1000)
    for i in range(50):
        journal.record({"size": 1000, "method": "GET", "path": f"/{i}", "status": 200})
    assert len(journal._entries) == 10
    assert journal._kept == 10_000
    assert [e["path"] for e in journal._entries][0] == "/40"


def test_one_read_returns_at_most_the_read_limit_and_counts_what_it_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("mock_server.control.journal.READ_LIMIT", 50_000)
    app = create_app({"SEED": 1})
    client = app.test_client()
    for _ in range(100):
        client.get("/v1/products", headers={"X-Big": BIG})
    r = client.get("/_mock/journal")
    body = json_of(r)
    assert len(r.data) < 50_000 * 1.5  # rendering adds field names and quotes to the kept characters
    assert body["omitted"] > 0
    assert len(body["data"]) + body["omitted"] == 100
    assert body["data"][-1]["id"] == 100  # the newest are the ones returned


def test_the_real_limits_bound_a_journal_of_big_requests() -> None:
    # 1,000 entries of the largest size one entry can take still fit the memory limit's order.
    worst = 2 * HEADERS_LIMIT + 2 * BODY_LIMIT + 2 * TEXT_LIMIT + 200
    assert journal_limits.MEMORY_LIMIT < 1000 * worst
    assert journal_limits.READ_LIMIT <= journal_limits.MEMORY_LIMIT


def test_header_names_clients_invent_keep_the_name_caches_bounded(app: Flask) -> None:
    # The journal caches how each header name is written and redacted; clients choose the names,
    # so an unbounded cache would grow with every new one (2,000 here, 300 per request).
    client = app.test_client()
    for batch in range(7):
        client.get("/v1/products", headers={f"X-Made-Up-{batch}-{i}": "v" for i in range(300)})
    assert _header_name.cache_info().currsize <= 1024
    assert _header_kind.cache_info().currsize <= 1024
    assert only_entry_count(app) == 7


def only_entry_count(app: Flask) -> int:
    return len(json_of(app.test_client().get("/_mock/journal"))["data"])
