"""What storage functions write against: one connection's async statement API, on either engine.

SQLite's threaded `storage.connection.Connection`, its on-thread `storage.inline.InlineConn` and
PostgreSQL's `storage.pg.conn.PgConn` all provide it. Statements use `?` (or `:name`)
placeholders and the SQL both engines accept; what differs is asked of `conn.dialect`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any, Protocol

from storage.dialect import Dialect

Params = Sequence[object] | Mapping[str, object]


class Cursor(Protocol):
    """A statement's outcome: rows changed and its rows."""

    rowcount: int
    description: Any  # the columns of the rows: (name, …) each

    async def fetchone(self) -> Any:
        """The next row, or None."""

    async def fetchmany(self, size: int = ...) -> list[Any]:
        """Up to size more rows."""

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""

    def __aiter__(self) -> AsyncIterator[Any]:
        """Every remaining row."""

    async def close(self) -> None:
        """Let go of the statement."""


class Statement(Protocol):
    """`conn.execute(...)`: awaited for its cursor, or used as `async with … as cursor`."""

    def __await__(self) -> Any:
        """The cursor."""

    async def __aenter__(self) -> Cursor:
        """The cursor, closed at the end of the block."""

    async def __aexit__(self, *exc: object) -> None:
        """Close the cursor."""


class Conn(Protocol):
    """One connection's statements (inside a transaction when the caller opened one)."""

    @property
    def dialect(self) -> Dialect:
        """The engine's SQL differences."""

    def execute(self, sql: str, params: Params = ...) -> Statement:
        """Run one statement."""

    async def execute_fetchall(self, sql: str, params: Params = ...) -> list[Any]:
        """Every row of one statement."""

    def executemany(self, sql: str, rows: Iterable[Params]) -> Statement:
        """Run one statement for each parameter set."""
