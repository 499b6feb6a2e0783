"""The store's async statement API over a sqlite3 connection, on the thread that owns it.

Storage functions are written once, as coroutines over `storage.conn.Conn`, for both engines.
On PostgreSQL they are awaited for real (storage/pg/conn.py). On SQLite a whole function runs on
the connection's own thread in one hop: `drive(fn(InlineConn(sqlite3_conn), ...))` steps the
coroutine to its end at once, because nothing an `InlineConn` returns ever suspends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Coroutine, Generator, Iterable
from typing import Any, TypeVar

from storage.conn import Params
from storage.dialect import SQLITE, Dialect

T = TypeVar("T")


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (one over an InlineConn) to its end, here and now."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return,unused-ignore]
    coro.close()
    raise RuntimeError("a storage function awaited something other than its connection")


class InlineCursor:
    """A sqlite3 cursor behind the async cursor API (every call completes at once)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self.description = cursor.description

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int = 256) -> list[Any]:
        """Up to size more rows."""
        return self._cursor.fetchmany(size)

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        """Every remaining row."""
        for row in self._cursor:
            yield row

    async def close(self) -> None:
        """Let go of the statement."""
        self._cursor.close()


class _Done:
    """A statement already run: awaited, or used as `async with … as cursor`."""

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        return self._cursor
        yield  # a generator that returns at once

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


class InlineConn:
    """`storage.conn.Conn` over a sqlite3 connection, used on that connection's own thread."""

    dialect: Dialect = SQLITE

    def __init__(self, sqlite: sqlite3.Connection) -> None:
        self.raw = sqlite

    def execute(self, sql: str, params: Params = ()) -> _Done:
        """Run one statement."""
        return _Done(InlineCursor(self.raw.execute(sql, params)))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of one statement."""
        return self.raw.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: Iterable[Params]) -> _Done:
        """Run one statement for each parameter set."""
        return _Done(InlineCursor(self.raw.executemany(sql, rows)))
