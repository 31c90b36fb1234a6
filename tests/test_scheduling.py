"""The long tests are spread over the pytest-xdist workers from the start (tests/support/scheduling.py)."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tests.support.environments import REPO
from tests.support.fresh_project import run_pytest
from tests.support.scheduling import order_for_work_stealing, slice_sizes

ORDER_HOOK = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from tests.support.scheduling import order_for_work_stealing

def pytest_collection_modifyitems(config, items):
    workers = int(getattr(config, "workerinput", {{}}).get("workercount", 1))
    items[:] = order_for_work_stealing(items, lambda item: item.get_closest_marker("slow") is not None, workers)
"""

TESTS = """
import os, time, pytest

@pytest.mark.slow
@pytest.mark.parametrize("n", range(4))
def test_long(n):
    with open(os.environ["RECORD"], "a") as record:
        record.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
    time.sleep(0.5)

@pytest.mark.parametrize("n", range(40))
def test_short(n):
    pass
"""


@pytest.mark.parametrize("total, workers", [(10, 1), (10, 2), (11, 3), (1580, 2), (3, 4)])
def test_every_test_is_kept_once_and_each_slice_starts_with_its_share_of_slow_ones(total: int, workers: int) -> None:
    slow = set(range(0, total, 4))
    ordered = order_for_work_stealing(list(range(total)), slow.__contains__, workers)
    assert sorted(ordered) == list(range(total))
    start = 0
    for worker, size in enumerate(slice_sizes(total, workers)):
        share = sorted(slow)[worker::workers]
        assert ordered[start : start + len(share)] == share
        start += max(size, len(share))


def test_slice_sizes_add_up_and_differ_by_at_most_one() -> None:
    for total in range(0, 40):
        for workers in range(1, 6):
            sizes = slice_sizes(total, workers)
            assert sum(sizes) == total and max(sizes) - min(sizes) <= 1


@pytest.mark.slow  # runs pytest with two workers in a subprocess
def test_work_stealing_runs_the_long_tests_on_every_worker_at_once(tmp_path: Path) -> None:
    files = {
        "pytest.ini": "[pytest]\nmarkers =\n    slow: long\n",
        "conftest.py": textwrap.dedent(ORDER_HOOK),
        "test_mixed.py": textwrap.dedent(TESTS),
    }
    record = tmp_path / "workers.txt"
    run = run_pytest(tmp_path, "-n", "2", "--dist", "worksteal", files=files, env={"RECORD": str(record)}, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert Counter(record.read_text().split()) == {"gw0": 2, "gw1": 2}
