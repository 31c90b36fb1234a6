"""What the stores report when they change, for the state file to keep (nothing while in memory only)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
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
    """Passes each change to the attached state file as it happens.

    One per ``State``, created once, so the stores that a reset rebuilds keep reporting to the same file.
    """

    __slots__ = ("sink",)

    def __init__(self) -> None:
        self.sink: Sink | None = None

    @property
    def active(self) -> bool:
        """Whether anything listens: stores skip building rows when not."""
        return self.sink is not None

    def put(self, table: Table, row: Row) -> None:
        """Insert or replace one record (matched by its id, the first column)."""
        sink = self.sink
        if sink is not None:
            sink.put(table, (row,))

    def clear(self) -> None:
        sink = self.sink
        if sink is not None:
            sink.clear()

    def transaction(self) -> AbstractContextManager[None]:
        """Group the changes made inside into one transaction (nested ones join the outermost)."""
        sink = self.sink
        return sink.transaction() if sink is not None else nullcontext()
