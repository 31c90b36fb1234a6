"""The order this suite's tests are collected in, so that pytest-xdist's work stealing starts the long
tests at once on every worker.

Work stealing hands each worker one contiguous slice of the collection, then lets an idle worker take
the tail half of the longest queue. With the long tests sorted to the front they all sat in the first
worker's slice and ran one after the other there, while the others took its short tests from the tail:
the run lasted as long as the long tests added up. So each slice starts with its share of them instead.
The slice sizes follow the scheduler's rule (``len(pending) // workers_left``); were that rule to
change, the order would only balance less well, never lose or repeat a test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def slice_sizes(total: int, workers: int) -> list[int]:
    """How many tests each worker is first given, in order."""
    sizes = []
    for done in range(workers):
        size = total // (workers - done)
        sizes.append(size)
        total -= size
    return sizes


def order_for_work_stealing(items: Sequence[T], is_slow: Callable[[T], bool], workers: int) -> list[T]:
    """``items`` reordered: worker ``i``'s slice starts with every ``workers``-th slow item from the ``i``-th."""
    slow = [item for item in items if is_slow(item)]
    fast = iter([item for item in items if not is_slow(item)])
    ordered: list[T] = []
    for worker, size in enumerate(slice_sizes(len(items), max(1, workers))):
        share = slow[worker :: max(1, workers)]
        ordered += share + list(islice(fast, max(0, size - len(share))))
    return ordered + list(fast)
