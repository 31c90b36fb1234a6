"""What the stores report when they change, for the state file to keep (nothing while in memory only)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """How one kind of record is kept: a table name and its columns, the first being the record's id."""

    name: str
    columns: tuple[str, ...]


class Records(Protocol):
    """A store that the state file keeps: all its records as rows, and a way to load them back."""

    def rows(self) -> Iterable[Row]: ...

    def load(self, rows: Iterable[Row]) -> None: ...


class Sink(Protocol):
    def put(self, table: Table, rows: Iterable[Row]) -> None: ...

    def clear(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...


class ChangeLog:
    """Passes each change to the attached state file as it happens, and applies it in memory only
    once the file holds it: a write that fails (a full disk) leaves memory as it was, so nothing is
    ever shown that a restart would not show too.

    One per ``State``, created once, so the stores that a reset rebuilds keep reporting to the same file.
    """

    __slots__ = ("_pending", "sink")

    def __init__(self) -> None:
        self.sink: Sink | None = None
        self._pending: list[Callable[[], None]] | None = None  # inside a transaction: applied at its commit

    @property
    def active(self) -> bool:
        """Whether anything listens: stores skip building rows when not."""
        return self.sink is not None

    def commit(self, table: Table, row: Callable[[], Row], apply: Callable[[], None]) -> None:
        """Write the record ``row()`` gives (built only when a file listens), then ``apply()`` the
        change in memory once it is committed: at once, or when the enclosing transaction commits.

        :raise Exception: the file could not take it (``StorageFailed``); ``apply`` is not called.
        """
        sink = self.sink
        if sink is None:
            apply()
            return
        sink.put(table, (row(),))
        if self._pending is not None:
            self._pending.append(apply)
        else:
            apply()

    def clear(self) -> None:
        sink = self.sink
        if sink is not None:
            sink.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group the changes made inside into one transaction (nested ones join the outermost); their
        ``apply`` calls run in order once it commits, and not at all if it fails."""
        sink = self.sink
        if sink is None or self._pending is not None:
            yield
            return
        self._pending = []
        try:
            with sink.transaction():
                yield
        except BaseException:
            self._pending = None
            raise
        pending, self._pending = self._pending, None
        for apply in pending:
            apply()
